package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.support.LocalPostgres;
import dev.vendorpoller.support.PollerHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several nodes (the fat jar in child processes) on one PostgreSQL database form one cluster through Quartz's
 * clustered JDBC JobStore: each feed is run by one node at a time, and when the node running a feed is killed with
 * SIGKILL another node continues it. The vendor on loopback records every request, and how many of one feed's
 * requests were in flight at once.
 */
class ClusterIT {
    static final int FEEDS = 10;
    static final int PAGE_SIZE = 2;
    static final Duration CHECKIN = Duration.ofSeconds(1);
    static final String OPS_TOKEN = "ops-token-for-the-cluster-test";
    String schema;
    Vendor vendor;
    RecordingSink sink;
    Path dir;
    final List<ServiceProcess> nodes = new ArrayList<>();
    final Map<String, Integer> statusPorts = new ConcurrentHashMap<>();

    @BeforeEach
    void freshDatabaseAndVendor() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("cluster_");
        vendor = new Vendor(Duration.ofMillis(60));
        sink = new RecordingSink();
        dir = Files.createTempDirectory("cluster-it");
    }

    @AfterEach
    void stopNodesAndDropTheDatabase() throws Exception {
        for (ServiceProcess node : nodes) {
            node.ensureDead();
        }
        if (vendor != null) {
            vendor.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }

    @Test
    void three_nodes_run_ten_feeds_with_never_two_runs_of_one_feed_at_once_every_feed_polled_and_each_version_sent_once()
            throws Exception {
        for (int i = 0; i < FEEDS; i++) {
            vendor.records("f" + i, 12);
        }
        for (String node : List.of("a", "b", "c")) {
            nodes.add(start(node));
        }

        await("every feed's backlog ledgered", Duration.ofSeconds(90), () -> ledgered(null) == FEEDS * 12L);
        long requests = vendor.requests();
        await("more runs of every feed once caught up", Duration.ofSeconds(30), () -> vendor.requests() > requests + 3 * FEEDS);

        for (int i = 0; i < FEEDS; i++) {
            assertThat(vendor.maxInFlight("f" + i)).as("requests of feed f" + i + " in flight at once").isEqualTo(1);
            assertThat(ledgered("f" + i)).isEqualTo(12);
        }
        assertThat(query("SELECT COUNT(*) FROM ledger_registration WHERE versions_seen <> 1")).as("nothing applied twice").isZero();
        assertThat(query("SELECT COUNT(*) FROM qrtz_scheduler_state")).as("three nodes checked in").isEqualTo(3);
        // which node runs a feed is Quartz's choice (the first to acquire its trigger): not asserted, only printed
        System.out.printf("ClusterIT: nodes that committed pages: %d of 3%n",
                nodes.stream().filter(n -> n.output().contains("committed")).count());
        // every node runs every outbox lane's timer, but one node at a time drains a lane (its lease): no repeats
        await("every version at the sink", Duration.ofSeconds(60), () -> sink.deliveries("/sink").size() >= FEEDS * 12);
        Thread.sleep(1_500); // a repeat from another node would arrive within a few drain intervals
        List<String> keys = sink.deliveries("/sink").stream().map(RecordingSink.Delivery::idempotencyKey).toList();
        assertThat(keys).as("deliveries, one per version").hasSize(FEEDS * 12).doesNotHaveDuplicates();
        assertThat(query("SELECT COUNT(*) FROM outbox")).isZero();
    }

    @Test
    void sigkill_of_the_node_running_a_feed_mid_backlog_lets_another_node_continue_it_within_30_s_and_the_ledger_ends_exact()
            throws Exception {
        vendor.records("big", 240); // 120 pages of 60 ms: several seconds of backlog
        nodes.add(start("a"));
        nodes.add(start("b"));
        await("the backlog under way", Duration.ofSeconds(60), () -> ledgered("big") >= 20);
        String running = runningNode("big");
        assertThat(running).as("a node runs the feed").isIn("a", "b");
        String other = running.equals("a") ? "b" : "a";
        await("the other node's status page names the node running the feed", Duration.ofSeconds(10),
                () -> statusOf(other).contains("\"name\":\"big\"") && statusOf(other).contains("\"running_on\":\"" + running + "\""));
        ServiceProcess victim = nodes.get(running.equals("a") ? 0 : 1);
        long before = ledgered("big");
        victim.kill();
        long killedAt = System.nanoTime();
        long requestsAtKill = vendor.requests();

        await("another node continues the feed", Duration.ofSeconds(30), () -> vendor.requests() > requestsAtKill + 2);
        long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
        await("the backlog ledgered", Duration.ofSeconds(90), () -> ledgered("big") == 240);

        System.out.printf("ClusterIT: node %s killed with %d of 240 ledgered; the other node continued after %d ms%n",
                running, before, takeoverMillis);
        assertThat(takeoverMillis).isLessThan(30_000);
        assertThat(query("SELECT COUNT(*) FROM ledger_registration WHERE versions_seen <> 1")).as("nothing applied twice").isZero();
        assertThat(query("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")).as("one key per version").isEqualTo(240);
        assertThat(vendor.maxInFlight("big")).as("one run at a time, before and after the kill").isEqualTo(1);
    }

    /**
     * Operator actions hold for the whole cluster: a pause on one node stops the feed on every node (Quartz's trigger
     * state, in the database), a resume on another node starts it again, and a cursor reset on either is the cursor
     * every node reads next (the durable cursor row; a page commit in flight gives way to it).
     */
    @Test
    void pause_on_one_node_holds_on_every_node_resume_and_reset_cursor_on_another_node_apply_everywhere() throws Exception {
        vendor.records("ops", 6);
        nodes.add(start("a"));
        nodes.add(start("b"));
        await("the backlog ledgered", Duration.ofSeconds(60), () -> ledgered("ops") == 6);

        assertThat(operate("a", "pause", "")).isEqualTo(200);
        await("node b's status page shows the feed paused", Duration.ofSeconds(10),
                () -> statusOf("b").contains("\"name\":\"ops\"") && statusOf("b").matches("(?s).*\"state\":\"Paused\".*"));
        Thread.sleep(1_000); // a run already under way when the pause came may still finish
        long whilePaused = vendor.requests();
        Thread.sleep(3_000); // ten schedule intervals
        assertThat(vendor.requests()).as("no node polls a paused feed").isEqualTo(whilePaused);

        int startsBefore = vendor.fromStart("ops");
        assertThat(operate("b", "reset-cursor", "START")).isEqualTo(200);
        assertThat(operate("b", "resume", "")).isEqualTo(200);
        await("polled again from the start, on whichever node", Duration.ofSeconds(20),
                () -> vendor.fromStart("ops") > startsBefore && vendor.requests() > whilePaused + 3);
        assertThat(query("SELECT COUNT(*) FROM ledger_registration WHERE versions_seen <> 1"))
                .as("re-read from the start: every version already known, nothing applied twice").isZero();
        assertThat(statusOf("a")).doesNotContain("\"state\":\"Paused\"");
    }

    private int operate(String node, String op, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPorts.get(node)
                        + "/ops/feeds/ops/" + op)).header("Authorization", "Bearer " + OPS_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private ServiceProcess start(String node) throws IOException {
        Path config = dir.resolve(node + ".properties");
        Files.write(config, nodeConfig(LocalPostgres.url(schema), node, statusPorts.computeIfAbsent(node, n -> freePort()),
                vendor, sink.uri("/sink")), StandardCharsets.UTF_8);
        return ServiceProcess.start(config, dir.resolve(node + ".log"), false, List.of(), Map.of());
    }

    /** A node's properties: the database, its name and status port, one registration feed per vendor feed. */
    static List<String> nodeConfig(String dbUrl, String node, int statusPort, Vendor vendor, String sinkUri) {
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "vendor-poller.db.url = " + dbUrl,
                "vendor-poller.db.user = postgres",
                "vendor-poller.db.password =",
                "vendor-poller.node-id = " + node,
                "vendor-poller.status.port = " + statusPort,
                "vendor-poller.cluster.checkin-interval = " + CHECKIN.toMillis() + "ms",
                "vendor-poller.retry.max-redeliveries = 4",
                "vendor-poller.retry.base-delay = 100ms",
                "vendor-poller.retry.max-delay = 1s",
                "vendor-poller.ops.token = " + OPS_TOKEN,
                "vendor-poller.demo.enabled = false"));
        List<String> feeds = new ArrayList<>(vendor.feeds());
        lines.add("vendor-poller.feeds = " + String.join(",", feeds));
        for (String feed : feeds) {
            String f = "vendor-poller.feed." + feed + ".";
            lines.addAll(List.of(f + "type = registration-api", f + "base-url = " + vendor.baseUrl(feed),
                    f + "token = t-" + feed, f + "schedule.interval = 300ms", f + "page-size = " + PAGE_SIZE,
                    f + "tiers = GA-2026:GENERAL_ADMISSION", f + "sink-uri = " + sinkUri));
        }
        return lines;
    }

    private String statusOf(String node) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPorts.get(node)
                    + "/status/feeds.json")).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    static int freePort() {
        try {
            return PollerHarness.freeLoopbackPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The node Quartz has executing the feed's job now, from its own table. */
    private String runningNode(String feed) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(); var ps = c.prepareStatement("SELECT instance_name FROM qrtz_fired_triggers"
                    + " WHERE trigger_name = ? AND state = 'EXECUTING'")) {
                ps.setString(1, feed);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1);
                    }
                }
            }
            Thread.sleep(20);
        }
        return null;
    }

    private long ledgered(String feed) {
        return feed == null ? query("SELECT COUNT(*) FROM ledger_registration")
                : query("SELECT COUNT(*) FROM ledger_registration WHERE source = '" + feed + "'");
    }

    private long query(String sql) {
        return ServiceProcess.queryPostgres(LocalPostgres.url(schema), sql);
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(LocalPostgres.url(schema), "postgres", "");
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ServiceProcess.await(what, timeout, condition, nodes);
    }

    /**
     * A registration-api vendor per feed path ({@code /<feed>/registrations?limit=&cursor=}), with a fixed delay per
     * request; it counts, per feed, how many requests were in flight at once.
     */
    static final class Vendor implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(32);
        private final Map<String, Integer> sizes = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
        private final AtomicLong requests = new AtomicLong();
        private final Map<String, AtomicInteger> fromStart = new ConcurrentHashMap<>();
        private final long delayMillis;

        Vendor(Duration delay) throws IOException {
            this.delayMillis = delay.toMillis();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
        }

        void records(String feed, int count) {
            sizes.put(feed, count);
            inFlight.put(feed, new AtomicInteger());
            maxInFlight.put(feed, new AtomicInteger());
        }

        List<String> feeds() {
            return sizes.keySet().stream().sorted().toList();
        }

        String baseUrl(String feed) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + feed;
        }

        long requests() {
            return requests.get();
        }

        int maxInFlight(String feed) {
            return maxInFlight.get(feed).get();
        }

        /** Requests of the feed without a cursor: reads from the start of the data. */
        int fromStart(String feed) {
            return fromStart.computeIfAbsent(feed, f -> new AtomicInteger()).get();
        }

        private void handle(HttpExchange exchange) throws IOException {
            URI uri = exchange.getRequestURI();
            String feed = uri.getPath().split("/")[1];
            Integer size = sizes.get(feed);
            if (size == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            requests.incrementAndGet();
            int now = inFlight.get(feed).incrementAndGet();
            maxInFlight.get(feed).accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(delayMillis);
                int from = 0;
                int limit = PAGE_SIZE;
                for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
                    String[] kv = pair.split("=", 2);
                    if (kv[0].equals("cursor") && kv.length == 2) {
                        from = Integer.parseInt(kv[1].substring(1));
                    } else if (kv[0].equals("limit") && kv.length == 2) {
                        limit = Integer.parseInt(kv[1]);
                    }
                }
                if (uri.getRawQuery() == null || !uri.getRawQuery().contains("cursor=")) {
                    fromStart.computeIfAbsent(feed, f -> new AtomicInteger()).incrementAndGet();
                }
                int to = Math.min(size, from + limit);
                StringBuilder data = new StringBuilder();
                for (int i = from; i < to; i++) {
                    data.append(data.length() == 0 ? "" : ",").append("{\"id\":\"").append(feed).append('-').append(i)
                            .append("\",\"email\":\"p").append(i).append("@x.io\",\"ticket_sku\":\"GA-2026\",")
                            .append("\"payment_status\":\"paid\",\"created_at\":\"2026-01-01T00:00:00Z\",")
                            .append("\"updated_at\":\"2026-01-01T00:00:01Z\",\"metadata\":{}}");
                }
                byte[] body = ("{\"data\":[" + data + "],\"next_cursor\":\"o" + to + "\",\"has_more\":" + (to < size) + "}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.get(feed).decrementAndGet();
                exchange.close();
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
