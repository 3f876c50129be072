package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.BudgetVendor;
import dev.vendorpoller.support.LocalPostgres;
import dev.vendorpoller.support.PollerHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (the fat jar in child processes) on one PostgreSQL database share one vendor account whose vendor allows
 * 100 requests per aligned 10 s window and says so in its headers (it answers 429 past that). Twelve feeds on the
 * account have backlogs far larger than the budget, and each node alone would spend it all (its Throttle EIP allows
 * 10/s). A run ends every 10 pages, so the feeds' runs move between the nodes. Counted by the vendor, over six full
 * windows: never more than 100 in a window, at least 95 % used, no 429.
 * <p>
 * The schedule (5 s) is longer than a run would take alone: a feed whose runs take longer than its interval falls
 * behind its Quartz schedule, and once 60 s behind (the misfire threshold) the JDBC store skips its trigger until
 * Quartz's misfire handler reschedules it, a pause of up to a minute (seen with a 200 ms schedule here).
 */
class ClusterBudgetIT {
    static final int LIMIT = 100;
    static final long WINDOW = 10_000;
    static final int WINDOWS = 6;
    String schema;
    BudgetVendor vendor;
    Path dir;
    final List<ServiceProcess> nodes = new ArrayList<>();

    @BeforeEach
    void freshDatabaseAndVendor() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("budget_it_");
        vendor = new BudgetVendor(LIMIT, WINDOW, 20, 10);
        dir = Files.createTempDirectory("cluster-budget-it");
    }

    @AfterEach
    void stopNodesAndDropTheDatabase() throws Exception {
        for (ServiceProcess node : nodes) {
            node.ensureDead();
        }
        if (vendor != null) {
            vendor.close();
        }
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }

    @Test
    void two_nodes_on_one_account_spend_one_budget_at_most_100_per_aligned_10_s_window_at_least_95_percent_used_no_429()
            throws Exception {
        for (int i = 0; i < 12; i++) {
            vendor.records("f" + i, 0); // empty until both nodes run feeds: runs are short, so they spread
        }
        nodes.add(start("a"));
        nodes.add(start("b"));
        await("both nodes sending", Duration.ofSeconds(90),
                () -> vendor.requestsByNode().getOrDefault("a", 0L) > 0 && vendor.requestsByNode().getOrDefault("b", 0L) > 0);
        Thread.sleep(5_000); // a schedule interval: every feed has run once more, on either node
        for (String feed : vendor.feeds()) {
            vendor.records(feed, 100_000); // now the backlogs: each node wants more than the budget
        }
        long now = System.currentTimeMillis();
        long first = (now / WINDOW + 1) * WINDOW;
        long end = first + WINDOWS * WINDOW;
        Map<String, Long> before = vendor.requestsByNode();
        Thread.sleep(end - System.currentTimeMillis() + 500);
        Map<String, Long> after = vendor.requestsByNode();

        Map<Long, Integer> perWindow = vendor.arrivalsPerWindow();
        long used = 0;
        StringBuilder table = new StringBuilder();
        for (long w = first; w < end; w += WINDOW) {
            int n = perWindow.getOrDefault(w, 0);
            used += n;
            table.append(String.format("  window %d: %3d requests, %d x 429%n", (w - first) / WINDOW + 1, n,
                    vendor.refusedPerWindow().getOrDefault(w, 0)));
        }
        double use = 100.0 * used / (WINDOWS * LIMIT);
        System.out.printf("ClusterBudgetIT: %d windows of %d ms, limit %d%n%s  use %.1f %% (bar >= 95 %%), max %d/window"
                + " (bar <= %d), 429s %d (bar 0), by node a=%d b=%d%n", WINDOWS, WINDOW, LIMIT, table, use,
                perWindow.values().stream().mapToInt(Integer::intValue).max().orElse(0), LIMIT, vendor.rateLimited(),
                after.get("a") - before.get("a"), after.get("b") - before.get("b"));

        assertThat(perWindow.values()).as("requests per aligned window, all nodes, the whole run").allMatch(n -> n <= LIMIT);
        assertThat(vendor.rateLimited()).as("429s the vendor sent").isZero();
        assertThat(use).as("share of the budget used in the measured windows").isGreaterThanOrEqualTo(95.0);
        assertThat(after.get("a") - before.get("a")).as("node a's requests in the measured windows").isPositive();
        assertThat(after.get("b") - before.get("b")).as("node b's requests in the measured windows").isPositive();
    }

    private ServiceProcess start(String node) throws IOException {
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "vendor-poller.db.url = " + LocalPostgres.url(schema),
                "vendor-poller.db.user = postgres",
                "vendor-poller.db.password =",
                "vendor-poller.node-id = " + node,
                "vendor-poller.status.port = " + freePort(),
                "vendor-poller.cluster.checkin-interval = 1s",
                "vendor-poller.demo.enabled = false",
                // one account, its stated budget configured as users configure it from the vendor's documentation;
                // each node sends its own token, so the vendor can tell the nodes apart
                "vendor-poller.account.shared.token = " + node,
                "vendor-poller.account.shared.limits = " + LIMIT + "/" + WINDOW / 1000 + "s"));
        List<String> feeds = vendor.feeds();
        lines.add("vendor-poller.feeds = " + String.join(",", feeds));
        for (String feed : feeds) {
            String f = "vendor-poller.feed." + feed + ".";
            lines.addAll(List.of(f + "type = registration-api", f + "base-url = " + vendor.baseUrl(feed),
                    f + "account = shared", f + "schedule.interval = 5s", f + "page-size = 1",
                    f + "tiers = GA-2026:GENERAL_ADMISSION"));
        }
        Path config = dir.resolve(node + ".properties");
        Files.write(config, lines, StandardCharsets.UTF_8);
        return ServiceProcess.start(config, dir.resolve(node + ".log"), false, List.of(), Map.of());
    }

    private static int freePort() {
        try {
            return PollerHarness.freeLoopbackPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ServiceProcess.await(what, timeout, condition, nodes);
    }
}
