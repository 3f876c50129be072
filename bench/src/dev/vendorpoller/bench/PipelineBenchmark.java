package dev.vendorpoller.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.vendorpoller.app.VendorPoller;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.delivery.Destinations;
import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.demo.DemoData;
import dev.vendorpoller.demo.DemoVendor;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.registration.CanonicalRegistration;
import dev.vendorpoller.record.registration.RawRegistration;
import dev.vendorpoller.record.registration.RegistrationKind;
import dev.vendorpoller.record.registration.RegistrationLedger;
import dev.vendorpoller.record.registration.TicketTier;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceTypes;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.RejectStore;
import dev.vendorpoller.store.StoreSettings;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.camel.main.Main;

/**
 * End-to-end throughput of the poll pipeline (fetch -> contract -> idempotent repository -> ledger, one transaction a
 * page) next to a bare fetch-and-parse of the same pages in the same run (the ceiling), with peak heap sampled all
 * along. Three bounds in between say where the time goes: the H2 floor (key-only rows), the production page
 * transaction alone, and the pipeline's steps without Camel. The vendor runs in its own JVM serving pre-built pages,
 * so its memory and page building are not ours.
 *
 * <p>Run: {@code bench/run.sh [records] [page-size]} (defaults 1000000 and 1000), under -Xmx256m.
 */
public final class PipelineBenchmark {
    private static final String TOKEN = "bench-token";

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int pageSize = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 18089;
        String jar = System.getProperty("vendorPoller.jar", "target/vendor-poller.jar");
        System.out.printf("benchmark: %,d records, page size %d, max heap %d MiB, %d cores%n", records, pageSize,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        Process vendor = new ProcessBuilder("java", "-Xmx2g", "-cp", jar, DemoVendor.class.getName(),
                "--port", "" + port, "--token", TOKEN, "--backlog", "" + records, "--invalid-every", System.getProperty("bench.invalidEvery", "50"),
                "--failure-rate", "0", "--live-per-second", "0", "--cache-pages", "true")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Runtime.getRuntime().addShutdownHook(new Thread(vendor::destroyForcibly));
        try {
            waitForPort(port);
            String base = "http://127.0.0.1:" + port;
            bare(base, pageSize); // first pass builds the vendor's page cache; not measured
            double ceiling = bare(base, pageSize);
            storageFloor(Math.min(records, 50_000), pageSize); // warm-up, like the ceiling's first pass
            double floor = storageFloor(records, pageSize);
            storageOnly(Math.min(records, 50_000), pageSize);
            double storage = storageOnly(records, pageSize);
            withoutCamel(base, pageSize, Math.min(records, 50_000)); // warm-up
            double bound = withoutCamel(base, pageSize, records);
            HeapSampler heap = new HeapSampler();
            heap.start();
            double pipeline = pipeline(base, pageSize, records, heap);
            heap.stopSampling();
            System.out.println();
            System.out.printf("bare fetch+parse (ceiling): %,12.0f records/s%n", ceiling);
            System.out.printf("H2 floor (2 key inserts):   %,12.0f records/s  (%.2f of ceiling)%n", floor, floor / ceiling);
            System.out.printf("storage only (page tx):     %,12.0f records/s  (%.2f of ceiling)%n", storage, storage / ceiling);
            System.out.printf("same steps without Camel:   %,12.0f records/s  (%.2f of ceiling)%n", bound, bound / ceiling);
            System.out.printf("pipeline end-to-end:        %,12.0f records/s  (%.2f of ceiling)%n", pipeline, pipeline / ceiling);
            System.out.printf("heap used after GC at 10%%/50%%/100%% of backlog: %s MiB; peak heap used %d MiB of %d MiB max%n",
                    heap.checkpoints(), heap.peakMiB(), Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("bars: >= 50,000 records/s: %s; >= 0.5 of ceiling: %s%n",
                    pipeline >= 50_000 ? "PASS" : "FAIL", pipeline / ceiling >= 0.5 ? "PASS" : "FAIL");
            // What no route over these steps can beat here: the storage alone (ratio) and the steps without Camel (rate).
            System.out.printf("bounds: the page transaction alone reaches %.2f of the ceiling; the steps without Camel %,.0f records/s%n",
                    storage / ceiling, bound);
        } finally {
            vendor.destroyForcibly();
        }
        System.exit(0);
    }

    /** Fetch every page and parse every record, nothing else: what any poller must at least do. */
    static double bare(String base, int pageSize) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ObjectMapper json = new ObjectMapper();
        long count = 0;
        String cursor = null;
        long start = System.nanoTime();
        while (true) {
            String url = base + "/registrations?limit=" + pageSize + (cursor == null ? "" : "&cursor=" + cursor);
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
            JsonNode page;
            try (InputStream in = response.body()) {
                page = json.readTree(in);
            }
            for (JsonNode record : page.get("data")) {
                if (record.get("id") != null) {
                    count++;
                }
            }
            cursor = page.get("next_cursor").asText();
            if (!page.get("has_more").booleanValue()) {
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("bare fetch+parse: %,d records in %.2f s%n", count, seconds);
        return count / seconds;
    }

    /**
     * The least any durable ledger with an idempotent repository must write on embedded H2: per record one row into
     * a key-only copy of CAMEL_MESSAGEPROCESSED and one into a key-only ledger (same key shapes, no payload columns),
     * one commit per page, the same H2 settings. No contract, no Camel, no payload: a bound for "storage only".
     */
    static double storageFloor(long records, int pageSize) throws Exception {
        String[] target = database("floor");
        long elapsed = 0;
        try (Connection c = DriverManager.getConnection(target[0], target[1], "")) {
            c.createStatement().execute("CREATE TABLE keys_seen (messageId VARCHAR(100) NOT NULL,"
                    + " processorName VARCHAR(255) NOT NULL, createdAt TIMESTAMP NOT NULL, PRIMARY KEY (messageId, processorName))");
            c.createStatement().execute("CREATE TABLE ledger (external_id VARCHAR(255) NOT NULL, source VARCHAR(100) NOT NULL,"
                    + " source_updated_at TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (external_id, source))");
            c.setAutoCommit(false);
            var keys = c.prepareStatement("INSERT INTO keys_seen VALUES (?, ?, ?)");
            var ledger = c.prepareStatement("INSERT INTO ledger VALUES (?, ?, ?)");
            var now = new Timestamp(System.currentTimeMillis());
            for (long from = 0; from < records; from += pageSize) {
                List<Object[]> page = new ArrayList<>(pageSize);
                for (long p = from; p < Math.min(records, from + pageSize); p++) {
                    var updated = DemoData.updatedAt(p);
                    String key = Hashes.sha256Hex("bench", "reg-" + p, updated.toString());
                    page.add(new Object[] {BatchingJdbcMessageIdRepository.messageId(updated, key),
                            "reg-" + p, updated.atOffset(ZoneOffset.UTC)});
                }
                long started = System.nanoTime();
                for (Object[] r : page) {
                    keys.setString(1, (String) r[0]);
                    keys.setString(2, "bench");
                    keys.setTimestamp(3, now);
                    keys.addBatch();
                    ledger.setString(1, (String) r[1]);
                    ledger.setString(2, "bench");
                    ledger.setObject(3, r[2]);
                    ledger.addBatch();
                }
                keys.executeBatch();
                ledger.executeBatch();
                c.commit();
                elapsed += System.nanoTime() - started;
            }
        }
        double seconds = elapsed / 1e9;
        System.out.printf("H2 floor: %,d records in %.2f s of page transactions%n", records, seconds);
        return records / seconds;
    }

    /**
     * The page transaction alone, through the production classes (idempotent repository, ledger writer, cursor
     * store) on the same kind of H2 file, with canonical records built before the clock runs: what storage can take
     * when fetching, parsing, the contract and Camel cost nothing.
     */
    static double storageOnly(long records, int pageSize) throws Exception {
        long elapsed = 0;
        try (var db = productionDatabase("storage")) {
            var keys = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "bench");
            var ledger = new RegistrationLedger(db.jdbc());
            var cursors = new CursorStore(db.jdbc());
            var metadata = new ObjectMapper().createObjectNode().put("channel", "web");
            for (long from = 0; from < records; from += pageSize) {
                List<CanonicalRegistration> page = new ArrayList<>(pageSize);
                for (long p = from; p < Math.min(records, from + pageSize); p++) {
                    var updated = DemoData.updatedAt(p);
                    page.add(new CanonicalRegistration(
                            Hashes.sha256Hex("bench", "reg-" + p, updated.toString()), "bench",
                            "reg-" + p, "attendee." + p + "@example.com", TicketTier.VIP,
                            PaymentStatus.COMPLETED, updated, updated, metadata));
                }
                String next = "pos:" + (from + pageSize);
                long started = System.nanoTime();
                db.tx().executeWithoutResult(status -> {
                    keys.record(keys.unseen(page.stream().map(r -> BatchingJdbcMessageIdRepository
                            .messageId(r.sourceUpdatedAt(), r.idempotencyKey())).toList()));
                    ledger.plan("bench", page).write();
                    cursors.save("bench", Cursor.of(next));
                });
                elapsed += System.nanoTime() - started;
            }
        }
        double seconds = elapsed / 1e9;
        System.out.printf("storage only: %,d records in %.2f s of page transactions%n", records, seconds);
        return records / seconds;
    }

    /**
     * The pipeline's work on one thread with no Camel in between: GET a page, parse it, the production adapter and
     * contract on every record, then the production page commit ({@link Ingest}: idempotent repository, ledger,
     * rejects, cursor). No route, no split, no governor, no retries: what a route over these same steps cannot beat here.
     * Stops after {@code limit} records (the first call is a warm-up).
     */
    static double withoutCamel(String base, int pageSize, long limit) throws Exception {
        String p = "vendor-poller.feed.bench.";
        Map<String, String> props = Map.of("vendor-poller.feeds", "bench", p + "type", "registration-api",
                p + "base-url", base, p + "token", TOKEN, p + "schedule.interval", "1s", p + "page-size", "" + pageSize,
                p + "tiers", "GA-2026:GENERAL_ADMISSION,VIP-2026:VIP");
        var reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        var feed = new FeedConfigLoader(reader, SourceTypes.types()).load().get(0);
        @SuppressWarnings("unchecked")
        var adapter = (SourceAdapter<RawRegistration>) SourceTypes.create(feed, reader);
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long count = 0;
        long start = System.nanoTime();
        try (var db = productionDatabase("no-camel")) {
            var keys = new BatchingJdbcMessageIdRepository(db.jdbc(), db.tx(), "bench");
            var records = new RegistrationKind(db.jdbc(), Contracts.system()).bind("bench", p, reader, adapter::map);
            var bench = new Feed(feed, adapter, records, keys, null);
            var ingest = new Ingest(new Feeds(List.of(bench)), db.tx(), new dev.vendorpoller.store.NamedLocks(db), new CursorStore(db.jdbc()), new RejectStore(db.jdbc()),
                    new Outbox(db.jdbc(), db.tx(), Duration.ofSeconds(2), Duration.ofMinutes(2)), Destinations.load(reader, List.of("bench")), json);
            var cursor = Cursor.start();
            while (count < limit) {
                var request = adapter.request(cursor);
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(request.url() + "?" + request.query()))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
                JsonNode body;
                try (InputStream in = response.body()) {
                    body = json.readTree(in);
                }
                var page = adapter.page(cursor, body, Map.of());
                List<ContractResult> results = new ArrayList<>(page.records().size());
                for (JsonNode record : page.records()) {
                    results.add(records.check(record));
                }
                var after = cursor.advanceTo(page.nextCursor());
                ingest.commitPage(bench, cursor, after, results);
                count += page.records().size();
                cursor = after;
                if (!page.hasMore()) {
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("without Camel: %,d records in %.2f s%n", count, seconds);
        return count / seconds;
    }

    static double pipeline(String base, int pageSize, long records, HeapSampler heap) throws Exception {
        Path data = Files.createTempDirectory("vendor-poller-bench");
        String[] db = database("pipeline");
        Main main = VendorPoller.create(Path.of("config/application.properties"), Map.ofEntries(
                Map.entry("vendor-poller.demo.enabled", "false"),
                Map.entry("vendor-poller.data-dir", data.toString()),
                Map.entry("vendor-poller.db.url", db[0]),
                Map.entry("vendor-poller.db.user", db[1]),
                Map.entry("vendor-poller.feeds", "bench"),
                Map.entry("vendor-poller.feed.bench.type", "registration-api"),
                Map.entry("vendor-poller.feed.bench.base-url", base),
                Map.entry("vendor-poller.feed.bench.token", TOKEN),
                Map.entry("vendor-poller.feed.bench.schedule.interval", "1s"),
                Map.entry("vendor-poller.feed.bench.page-size", "" + pageSize),
                Map.entry("vendor-poller.feed.bench.tiers", "GA-2026:GENERAL_ADMISSION,VIP-2026:VIP"),
                Map.entry("logger.page.level", "WARN")));
        org.apache.logging.log4j.core.config.Configurator.setLevel("vendor-poller.page", org.apache.logging.log4j.Level.toLevel(System.getProperty("bench.pageLog", "WARN")));
        main.start();
        long start = System.nanoTime();
        DataSource ds = main.getCamelContext().getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        long done = 0;
        long firstDone = 0;
        long firstAt = 0;
        while (done < records) {
            Thread.sleep(20);
            done = committedRecords(ds);
            if (firstAt == 0 && done > 0) { // steady state runs from the first committed page: no start-up, no trigger delay
                firstAt = System.nanoTime();
                firstDone = done;
            }
            heap.progress((double) done / records);
        }
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        double steadySeconds = (end - firstAt) / 1e9;
        long ledgered;
        long rejected;
        try (Connection c = ds.getConnection(); ResultSet l = c.createStatement().executeQuery(
                "SELECT (SELECT COUNT(*) FROM ledger_registration), (SELECT COUNT(*) FROM rejected_record)")) {
            l.next();
            ledgered = l.getLong(1);
            rejected = l.getLong(2);
        }
        main.stop();
        System.out.printf("pipeline: %,d records (%,d ledgered, %,d rejected) in %.2f s from context start (start-up and the 1 s"
                + " first trigger delay included: %,.0f records/s); after the first page: %,d records in %.2f s%n",
                done, ledgered, rejected, seconds, records / seconds, records - firstDone, steadySeconds);
        if (ledgered + rejected != records && !Boolean.getBoolean("bench.skipCheck")) {
            throw new IllegalStateException("ledger + rejects = " + (ledgered + rejected) + ", expected " + records);
        }
        return (records - firstDone) / steadySeconds;
    }

    /** A fresh database for one phase, opened as the service opens it (pool of one, Flyway migrations). */
    static Database productionDatabase(String phase) throws Exception {
        String[] target = database(phase);
        return new Database(new StoreSettings(target[0], target[1], new Secret(""), 1, Duration.ofDays(90)));
    }

    /**
     * {url, user} of a fresh database for one phase: an H2 file (default; extra URL settings from
     * -Dbench.dbOptions) or, with -Dbench.postgres=true, a new schema on the local PostgreSQL.
     */
    static String[] database(String phase) throws Exception {
        if (Boolean.getBoolean("bench.postgres")) {
            String server = "jdbc:postgresql://127.0.0.1:5432/test";
            String schema = "bench_" + phase + "_" + Long.toHexString(System.nanoTime());
            try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            System.out.println(phase + ": PostgreSQL schema " + schema);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Connection c = DriverManager.getConnection(server, "postgres", "")) {
                    c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
                } catch (SQLException e) {
                    System.err.println("could not drop schema " + schema + ": " + e.getMessage());
                }
            }));
            return new String[] {server + "?currentSchema=" + schema + "&reWriteBatchedInserts=true", "postgres"};
        }
        Path dir = Files.createTempDirectory("vendor-poller-bench-" + phase);
        return new String[] {"jdbc:h2:file:" + dir + "/db" + System.getProperty("bench.dbOptions", ";WRITE_DELAY=0"), "sa"};
    }

    private static long committedRecords(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT cursor_value FROM feed_cursor WHERE feed = 'bench'")) {
            if (!rs.next()) {
                return 0;
            }
            String decoded = new String(Base64.getUrlDecoder().decode(rs.getString(1)));
            return Long.parseLong(decoded.substring(4)); // the demo vendor's cursor is its log position
        }
    }

    private static void waitForPort(int port) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (var s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("vendor did not start on port " + port);
    }

    /** Samples heap use every 50 ms; records old-generation use after the last GC at progress checkpoints. */
    static final class HeapSampler extends Thread {
        private volatile boolean running = true;
        private volatile long peak;
        private final List<String> checkpoints = new ArrayList<>();
        private double nextCheckpoint = 0.1;

        HeapSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        synchronized void progress(double fraction) {
            while (fraction >= nextCheckpoint && nextCheckpoint <= 1.0001) {
                checkpoints.add(String.valueOf(afterGcMiB()));
                nextCheckpoint = nextCheckpoint < 0.5 ? 0.5 : nextCheckpoint < 1.0 ? 1.0 : 2.0;
            }
        }

        private static long afterGcMiB() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    used += pool.getCollectionUsage().getUsed();
                }
            }
            return used >> 20;
        }

        void stopSampling() {
            running = false;
        }

        String checkpoints() {
            return String.join(" / ", checkpoints);
        }

        long peakMiB() {
            return peak >> 20;
        }
    }
}
