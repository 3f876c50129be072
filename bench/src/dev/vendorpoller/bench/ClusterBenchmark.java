package dev.vendorpoller.bench;

import dev.vendorpoller.support.BacklogVendor;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 14's cluster benchmark, each figure next to its bar (run by {@code bench/cluster.sh}):
 * <ol>
 * <li>1, 2 and 3 nodes (the fat jar, each its own process) on one fresh PostgreSQL database, 60 registration feeds
 * of a fast vendor on loopback (2 000 records each, pages of 100): records/s into the ledger, and the database's own
 * commit rate ({@code pg_stat_database.xact_commit} of that database) over the same window;</li>
 * <li>1 000 idle feeds on 1-minute schedules on one node (embedded H2, the default): p99 schedule delay (fire time
 * minus scheduled fire time, from the node's {@code vendor_poller_schedule_delay_seconds} histogram) and CPU per poll
 * (the process's CPU time from /proc/&lt;pid&gt;/stat divided by the polls the vendor answered).</li>
 * </ol>
 * Every node runs on this one machine: more nodes share the same cores and the same PostgreSQL, so the figures show
 * what coordination costs, not what more hosts would add.
 * <p>Run: {@code bench/cluster.sh [part: all|throughput|idle] [idle-seconds=120]}.
 */
public final class ClusterBenchmark {
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    static final int FEEDS = 60;
    static final int BACKLOG = 2_000;
    static final int IDLE_FEEDS = 1_000;
    static final String IDLE_HEAP = "-Xmx768m";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static boolean allPass = true;

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String part = args.length > 0 ? args[0] : "all";
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        System.out.printf("cluster benchmark: %d cores, fat jar %s%n", Runtime.getRuntime().availableProcessors(), jar());
        if (part.equals("all") || part.equals("throughput")) {
            double one = 0;
            for (int nodes = 1; nodes <= 3; nodes++) {
                double rate = throughput(nodes);
                if (nodes == 1) {
                    one = rate;
                } else {
                    // the same machine's cores: more nodes must not cost throughput (coordination through the
                    // database), they cannot add any here
                    report(nodes + " nodes: records/s into the ledger, relative to 1 node", rate / one, 0.8, true);
                }
            }
        }
        if (part.equals("all") || part.equals("idle")) {
            idle(idleSeconds);
        }
        System.out.println(allPass ? "ALL PASS" : "SOME FAIL");
    }

    /** 60 feeds of 2 000 records on {@code nodes} nodes; returns records/s into the ledger. */
    static double throughput(int nodes) throws Exception {
        String db = "vp_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        admin("CREATE DATABASE " + db);
        Path dir = Files.createTempDirectory("cluster-bench");
        List<Process> processes = new ArrayList<>();
        try (BacklogVendor vendor = new BacklogVendor(BACKLOG)) {
            for (int n = 0; n < nodes; n++) {
                List<String> lines = new ArrayList<>(base());
                lines.addAll(List.of("vendor-poller.db.url = " + PG + db, "vendor-poller.db.user = postgres",
                        "vendor-poller.db.password =", "vendor-poller.node-id = node-" + n,
                        "vendor-poller.cluster.checkin-interval = 5s"));
                lines.addAll(feeds(vendor, FEEDS, "5s"));
                processes.add(start(dir, "node-" + n, lines, "-Xmx256m"));
            }
            long total = (long) FEEDS * BACKLOG;
            // the window: from 5 % of the backlog ledgered (every node started, JIT warm) to 95 % (the tail, where
            // fewer feeds are left than threads, is not the steady state)
            waitFor(() -> ledgered(db) >= total / 20, 180, "5 % of the backlog on " + nodes + " node(s)", processes, dir);
            long startNanos = System.nanoTime();
            long startRows = ledgered(db);
            long startCommits = commits(db);
            waitFor(() -> ledgered(db) >= total * 95 / 100, 300, "95 % of the backlog", processes, dir);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long rows = ledgered(db) - startRows;
            long commits = commits(db) - startCommits;
            double rate = rows / seconds;
            int active = 0;
            for (int n = 0; n < nodes; n++) {
                active += Files.readString(dir.resolve("node-" + n + ".log")).contains("page committed") ? 1 : 0;
            }
            System.out.printf("%-85s %10.0f  (%d of %d nodes committed pages; %.0f commits/s, %.1f per page of 100)%n",
                    nodes + " node(s), 60 feeds: records/s into the ledger", rate, active, nodes, commits / seconds,
                    commits / Math.max(1.0, rows / 100.0));
            System.out.printf("%-85s %10.0f%n", nodes + " node(s): PostgreSQL commits/s (pg_stat_database.xact_commit)",
                    commits / seconds);
            return rate;
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
            admin("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        }
    }

    /** 1 000 idle feeds on 1-minute schedules, one node on H2: p99 schedule delay and CPU per poll. */
    static void idle(int seconds) throws Exception {
        Path dir = Files.createTempDirectory("cluster-bench-idle");
        int port = freePort();
        try (BacklogVendor vendor = new BacklogVendor(0)) {
            List<String> lines = new ArrayList<>(base());
            lines.addAll(List.of("vendor-poller.data-dir = " + dir.resolve("data"),
                    "vendor-poller.db.url = jdbc:h2:file:" + dir.resolve("data/db") + ";WRITE_DELAY=0",
                    "vendor-poller.db.user = sa", "vendor-poller.db.password =",
                    "camel.management.enabled = true", "camel.management.host = 127.0.0.1",
                    "camel.management.port = " + port, "camel.management.metrics-enabled = true",
                    "camel.management.health-check-enabled = true", "camel.health.exposure-level = full",
                    "camel.metrics.enabled = true", "camel.metrics.binders = jvm-memory"));
            lines.addAll(feeds(vendor, IDLE_FEEDS, "1m"));
            // 1 000 feeds are 2 000 routes (poll and account) and their meters: more than the 256 MiB a few feeds need
            Process node = start(dir, "idle", lines, IDLE_HEAP);
            try {
                String metrics = "http://127.0.0.1:" + port + "/observe/metrics";
                // started, and the first round (every feed due at once, half a second after its route started) done
                waitFor(() -> vendor.requests() >= IDLE_FEEDS, 240, "the first round of 1 000 polls", List.of(node), dir);
                Thread.sleep(5_000);
                Map<Double, Double> before = buckets(get(metrics));
                long polls0 = vendor.requests();
                long cpu0 = cpuMillis(node.pid());
                Thread.sleep(seconds * 1000L);
                Map<Double, Double> after = buckets(get(metrics));
                long polls = vendor.requests() - polls0;
                long cpu = cpuMillis(node.pid()) - cpu0;
                double p99 = quantile(before, after, 0.99);
                double p50 = quantile(before, after, 0.50);
                String ready = get("http://127.0.0.1:" + port + "/observe/health");
                Matcher heap = Pattern.compile("jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+-]+)").matcher(get(metrics));
                double heapMiB = 0;
                while (heap.find()) {
                    heapMiB += Double.parseDouble(heap.group(1)) / (1 << 20);
                }
                System.out.printf("   idle: node under %s, heap in use at the end %.0f MiB%n", IDLE_HEAP, heapMiB);
                System.out.printf("   idle: %d polls in %d s (%.1f/s), process CPU %.1f s, p50 schedule delay <= %.3f s;"
                        + " readiness 'schedules' %s%n", polls, seconds, polls / (double) seconds, cpu / 1000.0, p50,
                        schedules(ready));
                report("1 000 idle feeds, 1-minute schedules, one node: p99 schedule delay (s, histogram bucket bound)",
                        p99, 10, false);
                report("1 000 idle feeds: CPU per poll (ms, whole process)", cpu / (double) Math.max(1, polls), 10, false);
            } finally {
                node.destroy();
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** The 'schedules' readiness check's status and message, from /observe/health. */
    private static String schedules(String health) {
        try {
            for (var check : new com.fasterxml.jackson.databind.ObjectMapper().readTree(health).path("checks")) {
            if (check.path("name").asText().equals("schedules")) {
                    return check.path("status").asText() + (check.has("message") ? " (" + check.path("message").asText() + ")" : "");
                }
            }
            return "absent";
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    private static void report(String what, double figure, double bar, boolean atLeast) {
        boolean pass = atLeast ? figure >= bar : figure <= bar;
        allPass &= pass;
        System.out.printf("%-85s %10.3f  bar %s %-6s %s%n", what, figure, atLeast ? ">=" : "<=", bar, pass ? "PASS" : "FAIL");
    }

    /** The settings every node shares (as ClusterIT's): Camel Main, the HTTP client, no demo, no status page. */
    private static List<String> base() {
        return new ArrayList<>(List.of("camel.main.name = vendor-poller",
                "camel.main.routes-include-pattern = file:routes/*.yaml", "camel.main.message-history = false",
                "camel.main.stream-caching-enabled = false", "camel.main.jmx-enabled = false",
                "camel.main.shutdown-timeout = 20",
                "camel.main.jmx-management-statistics-level = RoutesOnly",
                "camel.component.http.automatic-retries-disabled = true",
                "camel.component.http.connect-timeout = 5000", "camel.component.http.connection-request-timeout = 5000",
                "camel.component.http.response-timeout = 30000", "camel.component.http.so-timeout = 30000",
                "vendor-poller.demo.enabled = false", "vendor-poller.status.port = 0"));
    }

    private static List<String> feeds(BacklogVendor vendor, int count, String interval) {
        List<String> names = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String feed = "f" + i;
            names.add(feed);
            String p = "vendor-poller.feed." + feed + ".";
            lines.addAll(List.of(p + "type = registration-api", p + "base-url = " + vendor.baseUrl(feed),
                    p + "token = t-" + feed, p + "schedule.interval = " + interval, p + "page-size = 100",
                    p + "tiers = GA-2026:GENERAL_ADMISSION"));
        }
        lines.add("vendor-poller.feeds = " + String.join(",", names));
        return lines;
    }

    private static Process start(Path dir, String name, List<String> lines, String heap) throws IOException {
        Path config = dir.resolve(name + ".properties");
        Files.write(config, lines, StandardCharsets.UTF_8);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-jar", jar().toString(), "--config", config.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private static Path jar() {
        return Path.of(System.getProperty("vendorPoller.jar", "target/vendor-poller.jar")).toAbsolutePath();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, int seconds, String what, List<Process> processes, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (SQLException e) {
                // the schema is not migrated yet
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a node exited (" + p.exitValue() + "); logs in " + dir);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what + "; logs in " + dir);
            }
            Thread.sleep(200);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", "")) {
            c.createStatement().execute(sql);
        }
    }

    private static long ledgered(String db) throws SQLException {
        return single(db, "SELECT COUNT(*) FROM ledger_registration");
    }

    private static long commits(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG + "test", "postgres", "")) {
            c.createStatement().execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT xact_commit FROM pg_stat_database WHERE datname = '" + db + "'")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long single(String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG + db, "postgres", "");
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static final Pattern BUCKET = Pattern.compile(
            "vendor_poller_schedule_delay_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.E+-]+)");

    /** The schedule-delay histogram summed over every feed and trigger kind: upper bound → cumulative count. */
    static Map<Double, Double> buckets(String metrics) {
        Map<Double, Double> sum = new TreeMap<>();
        Matcher m = BUCKET.matcher(metrics);
        while (m.find()) {
            double le = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
            sum.merge(le, Double.parseDouble(m.group(2)), Double::sum);
        }
        return sum;
    }

    /** The smallest bucket bound under which {@code q} of the fires between the two scrapes fell. */
    static double quantile(Map<Double, Double> before, Map<Double, Double> after, double q) {
        double total = after.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - before.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (var e : after.entrySet()) {
            double count = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (count >= q * total) {
                return e.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** utime + stime of the process, from /proc/&lt;pid&gt;/stat (fields 14 and 15, in clock ticks of 10 ms). */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // fields 14, 15 counted from 3
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
