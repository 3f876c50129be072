package dev.vendorpoller.bench;

import dev.vendorpoller.ratelimit.Governor;
import dev.vendorpoller.ratelimit.GovernorSettings;
import dev.vendorpoller.ratelimit.PostgresBudget;
import dev.vendorpoller.ratelimit.RateTier;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.support.BudgetVendor;
import dev.vendorpoller.support.LocalPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget per vendor account across the cluster (docs/cluster.md), in two parts.
 * <ol>
 *   <li>{@code acquire}: how fast governors sharing one account through PostgreSQL can acquire (no vendor: acquire and
 *   release at once), per node and thread count, and the database round trips per request.</li>
 *   <li>{@code nodes}: two service processes (the fat jar) on a fresh PostgreSQL schema, twelve feeds with backlogs on
 *   one account of 100 requests / 10 s, against a loopback vendor that counts per aligned window and answers 429 past
 *   the limit: the per-window use and 429s next to the bars (<= 100/window, >= 95 %, 0 x 429).</li>
 * </ol>
 * Usage: {@code bench/cluster-budget.sh [acquire|nodes|all] [windows=6]}
 */
public final class ClusterBudgetBench {
    static final int LIMIT = 100;
    static final long WINDOW = 10_000;

    private ClusterBudgetBench() {
    }

    public static void main(String[] args) throws Exception {
        String part = args.length > 0 ? args[0] : "all";
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        if (part.equals("acquire") || part.equals("all")) {
            acquire();
        }
        if (part.equals("nodes") || part.equals("all")) {
            nodes(windows);
        }
    }

    // ---- part 1: acquisitions per second and round trips per request ----

    static void acquire() throws Exception {
        System.out.println("== acquire: governors sharing one account through PostgreSQL (127.0.0.1), 5 s each");
        System.out.printf("%-48s %12s %16s%n", "scenario", "acquires/s", "round trips/req");
        GovernorSettings capOnly = new GovernorSettings(List.of(), 0, 64, Duration.ofSeconds(30), false);
        GovernorSettings tier = new GovernorSettings(List.of(new RateTier(1_000_000, Duration.ofSeconds(10))), 0, 64,
                Duration.ofSeconds(30), false);
        run("1 node x 1 thread, concurrency cap only", capOnly, 1, 1);
        run("1 node x 4 threads, concurrency cap only", capOnly, 1, 4);
        run("2 nodes x 4 threads, concurrency cap only", capOnly, 2, 4);
        run("1 node x 4 threads, tier 1000000/10s", tier, 1, 4);
        run("2 nodes x 4 threads, tier 1000000/10s", tier, 2, 4);
        // budget-bound: the nodes want far more than 200 per 2 s; round trips include the attempts that had to wait
        run("2 nodes x 4 threads, tier 200/2s (budget-bound)", new GovernorSettings(
                List.of(new RateTier(200, Duration.ofSeconds(2))), 0, 64, Duration.ofSeconds(30), false), 2, 4);
    }

    private static void run(String name, GovernorSettings settings, int nodes, int threads) throws Exception {
        String schema = LocalPostgres.createSchema("budget_bench_");
        try (Database db = new Database(StoreSettings.of(LocalPostgres.url(schema), "postgres"))) {
            List<PostgresBudget> budgets = new ArrayList<>();
            List<Governor> governors = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                PostgresBudget budget = new PostgresBudget(db.dataSource(), "node-" + n);
                budgets.add(budget);
                governors.add(new Governor("bench", settings, budget));
            }
            governors.get(0).acquire().release(); // warm up the connection pool and the function
            long before = budgets.stream().mapToLong(PostgresBudget::roundTrips).sum();
            long requestsBefore = governors.stream().mapToLong(Governor::requests).sum();
            AtomicLong done = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            ExecutorService pool = Executors.newFixedThreadPool(nodes * threads);
            List<Future<?>> work = new ArrayList<>();
            long start = System.nanoTime();
            for (Governor governor : governors) {
                for (int t = 0; t < threads; t++) {
                    work.add(pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            governor.acquire().release();
                            done.incrementAndGet();
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : work) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            long trips = budgets.stream().mapToLong(PostgresBudget::roundTrips).sum() - before;
            long requests = governors.stream().mapToLong(Governor::requests).sum() - requestsBefore;
            System.out.printf("%-48s %12.0f %16.2f%n", name, done.get() / seconds, (double) trips / requests);
        } finally {
            LocalPostgres.dropSchema(schema);
        }
    }

    // ---- part 2: two service processes on one account ----

    static void nodes(int windows) throws Exception {
        System.out.printf("%n== nodes: 2 service processes, 12 feeds, one account of %d requests / %d s, %d windows%n",
                LIMIT, WINDOW / 1000, windows);
        Path jar = Path.of("target/vendor-poller.jar").toAbsolutePath();
        String schema = LocalPostgres.createSchema("budget_bench_");
        Path dir = Files.createTempDirectory("cluster-budget-bench");
        List<Process> processes = new ArrayList<>();
        try (BudgetVendor vendor = new BudgetVendor(LIMIT, WINDOW, 20, 10)) {
            for (int i = 0; i < 12; i++) {
                vendor.records("f" + i, 0); // empty until both nodes run feeds: then runs are short and spread
            }
            for (String node : List.of("a", "b")) {
                Path config = dir.resolve(node + ".properties");
                Files.write(config, config(vendor, schema, node), StandardCharsets.UTF_8);
                processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-jar", jar.toString(), "--config", config.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve(node + ".log").toFile()).start());
            }
            long deadline = System.currentTimeMillis() + 90_000;
            while (vendor.requestsByNode().size() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(5_000); // a schedule interval: every feed has run once more, on either node
            for (String feed : vendor.feeds()) {
                vendor.records(feed, 100_000); // now the backlogs: each node wants more than the budget
            }
            long first = (System.currentTimeMillis() / WINDOW + 1) * WINDOW;
            long end = first + windows * WINDOW;
            Map<String, Long> before = vendor.requestsByNode();
            Thread.sleep(end - System.currentTimeMillis() + 500);
            Map<String, Long> after = vendor.requestsByNode();
            Map<Long, Integer> arrivals = vendor.arrivalsPerWindow();
            Map<Long, Integer> refused = vendor.refusedPerWindow();
            long used = 0;
            int max = 0;
            System.out.printf("%-8s %10s %6s%n", "window", "requests", "429s");
            for (long w = first; w < end; w += WINDOW) {
                int n = arrivals.getOrDefault(w, 0);
                used += n;
                max = Math.max(max, n);
                System.out.printf("%-8d %10d %6d%n", (w - first) / WINDOW + 1, n, refused.getOrDefault(w, 0));
            }
            double use = 100.0 * used / (windows * LIMIT);
            long allRefused = vendor.rateLimited();
            System.out.printf("max per window %d (bar <= %d) %s%n", max, LIMIT, max <= LIMIT ? "ok" : "FAIL");
            System.out.printf("combined use %.1f %% (bar >= 95 %%) %s%n", use, use >= 95 ? "ok" : "FAIL");
            System.out.printf("429s %d (bar 0) %s%n", allRefused, allRefused == 0 ? "ok" : "FAIL");
            System.out.printf("requests by node in the windows: a=%d b=%d%n", after.getOrDefault("a", 0L) - before.getOrDefault("a", 0L),
                    after.getOrDefault("b", 0L) - before.getOrDefault("b", 0L));
            long trips = rows(schema);
            System.out.printf("budget_spend rows now: %d (pruned as they leave every window)%n", trips);
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            LocalPostgres.dropSchema(schema);
        }
    }

    private static long rows(String schema) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(LocalPostgres.url(schema), "postgres", "");
             var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM budget_spend")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> config(BudgetVendor vendor, String schema, String node) {
        List<String> lines = new ArrayList<>(List.of(
                "camel.main.name = vendor-poller",
                "camel.main.routes-include-pattern = file:routes/*.yaml",
                "camel.main.message-history = false",
                "camel.main.jmx-enabled = false",
                "camel.component.http.automatic-retries-disabled = true",
                "camel.component.http.connect-timeout = 5000",
                "camel.component.http.connection-request-timeout = 5000",
                "camel.component.http.response-timeout = 30000",
                "vendor-poller.db.url = " + LocalPostgres.url(schema),
                "vendor-poller.db.user = postgres",
                "vendor-poller.db.password =",
                "vendor-poller.node-id = " + node,
                "vendor-poller.status.port = 0",
                "vendor-poller.cluster.checkin-interval = 1s",
                "vendor-poller.demo.enabled = false",
                "vendor-poller.account.shared.token = " + node,
                "vendor-poller.account.shared.limits = " + LIMIT + "/" + WINDOW / 1000 + "s"));
        lines.add("vendor-poller.feeds = " + String.join(",", vendor.feeds()));
        for (String feed : vendor.feeds()) {
            String f = "vendor-poller.feed." + feed + ".";
            lines.addAll(List.of(f + "type = registration-api", f + "base-url = " + vendor.baseUrl(feed),
                    f + "account = shared", f + "schedule.interval = 5s", f + "page-size = 1",
                    f + "tiers = GA-2026:GENERAL_ADMISSION"));
        }
        return lines;
    }
}
