package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.demo.DemoData;
import dev.vendorpoller.demo.DemoVendor;
import dev.vendorpoller.demo.StripeDemo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Stripe sibling of {@link KillRestartIT}: one service with a registration feed and a {@code stripe-events} feed
 * that {@code applies-to} it, killed with SIGKILL at random moments while payment events are being applied. The demo
 * vendor publishes events out of id order, visible up to 3 s late, many of them for registrations the registration
 * feed has not reached yet (held in payment_holding, applied by the page that ledgers the registration) and some for
 * registrations that never become valid (held for good). After the kills the vendor is frozen, a final run catches
 * up, and the database is checked against the vendor's own events and change log: every event stored exactly once,
 * none held whose registration exists, each registration's payment status the one its newest event names, every
 * valid registration in the ledger. After each kill the committed state must already keep the holding rule.
 *
 * <p>Reproduce a run's kill timings with {@code -DstripeKillRestart.seed=N} (process start-up times still vary).
 */
class StripeKillRestartIT {
    private static final String REGISTRATIONS = "kill-regs";
    private static final String PAYMENTS = "kill-pay";
    private static final String TIERS = "GA-2026:GENERAL_ADMISSION,VIP-2026:VIP,STU-2026:STUDENT,SPK-2026:SPEAKER,EXPO-2026:EXHIBITOR";
    /** The registration log's backlog (records 0..BACKLOG-1), then live entries (new records and newer versions). */
    private static final long BACKLOG = 400;
    private static final int INVALID_EVERY = 50;
    private static final double FAILURE_RATE = 0.02;
    private static final long LIVE_PER_SECOND = 5;
    /** Slow registration pages: the feed passes the registrations events name across all kills, on a fast machine too. */
    private static final long PAGE_DELAY_MS = 250;
    /** Small pages: the registration feed reaches the registrations events name one page after another, between the kills. */
    private static final int REGISTRATION_PAGE_SIZE = 10;
    /**
     * Events name registrations reg-0..reg-(EVENT_REGISTRATIONS+49), event n the one n*37 mod that range (a bijection
     * over each 350 events): far fewer than the events, so most registrations get several (the newest must win,
     * whatever order they are applied in, several released together from holding), and the registration feed reaches
     * them one small page after another while the service is killed (held until then).
     */
    private static final long EVENT_REGISTRATIONS = 300;
    /** New Stripe events a second while the service is killed, after the demo's 200 back-filled ones. */
    private static final int EVENTS_PER_SECOND = 20;
    /** The demo's late visibility: each new event appears up to this long after its created time. */
    private static final long MAX_LATE_MILLIS = 3000;
    private static final int PAYMENT_PAGE_SIZE = 20;
    /** Longer than the demo's 3 s of late visibility, so no late event falls behind the cursor. */
    private static final String SETTLE_WINDOW = "4s";
    private static final int MID_APPLY_KILLS = 5;
    /** Most kills wait for 1..this many payment pages of the run, then a random moment up to 1.5 s. */
    private static final int KILL_AFTER_PAYMENT_PAGES_MAX = 6;
    private static final int MAX_KILLS = 10;
    private static final int KILL_AFTER_MIN_MS = 2000;
    private static final int KILL_AFTER_MAX_MS = 6000;
    private static final int KILL_AFTER_PAYMENT_PAGE_MAX_MS = 1500;
    private static final int MAX_FINAL_RUNS = 3;
    private static final Duration FINAL_RUN_DEADLINE = Duration.ofSeconds(90);
    private static final Pattern LEDGERED = Pattern.compile("feed=(\\S+) page committed: .*ledgered=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * {@code -DstripeKillRestart.db=postgresql}: the service on the local PostgreSQL (a schema of its own, the default
     * pool of 8, so the two feeds' pages can commit at the same time) instead of an H2 file (a pool of one).
     */
    private static final boolean POSTGRES = "postgresql".equals(System.getProperty("stripeKillRestart.db", "h2"));
    private static final String POSTGRES_SERVER = "jdbc:postgresql://127.0.0.1:5432/test";

    private final List<ServiceProcess> runs = new ArrayList<>();

    @Test
    void should_apply_every_payment_event_exactly_once_and_release_every_held_one_after_sigkills_mid_apply() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("stripeKillRestart.seed", new Random().nextLong());
        Random random = new Random(seed);
        say("seed " + seed + " (rerun with -DstripeKillRestart.seed=" + seed + ")");
        String token = "tok-" + UUID.randomUUID();
        Path dir = ServiceProcess.freshDirectory(Path.of("target", "stripe-kill-restart-it").toAbsolutePath());
        Path db = dir.resolve("db");
        String schema = "stripe_kill_" + Long.toUnsignedString(seed, 36);
        Database database = POSTGRES ? Database.postgres(POSTGRES_SERVER, schema) : Database.h2(db);
        say("working directory " + dir);

        var options = new DemoVendor.Options(0, token, BACKLOG, INVALID_EVERY, FAILURE_RATE, LIVE_PER_SECOND, PAGE_DELAY_MS, false);
        try (DemoVendor vendor = new DemoVendor(options).start(); StripeVendor stripe = new StripeVendor(token)) {
            Path config = writeConfig(dir, database, vendor, stripe, token);
            List<String> brokenAfterKill = new ArrayList<>();

            // 1. SIGKILL at random moments while payment pages commit, until enough kills landed mid-apply.
            int kills = 0;
            int midApply = 0;
            while (midApply < MID_APPLY_KILLS && kills < MAX_KILLS) {
                ServiceProcess run = start(dir, config);
                long runStarted = System.nanoTime();
                if (kills % 3 == 2) { // now and then anywhere from start: during start-up, migrations, the first pages
                    Thread.sleep(KILL_AFTER_MIN_MS + random.nextInt(KILL_AFTER_MAX_MS - KILL_AFTER_MIN_MS));
                } else {
                    awaitPaymentPages(run, 1 + random.nextInt(KILL_AFTER_PAYMENT_PAGES_MAX));
                    Thread.sleep(random.nextInt(KILL_AFTER_PAYMENT_PAGE_MAX_MS));
                }
                if (!run.isAlive()) {
                    throw new AssertionError("run " + runs.size() + " exited by itself (code " + run.awaitExit(Duration.ZERO)
                            + ") before its kill; log tail:\n" + run.tail(60));
                }
                long delay = (System.nanoTime() - runStarted) / 1_000_000;
                boolean registrationsCaughtUp = vendor.caughtUp();
                run.kill();
                kills++;
                Map<String, Integer> ledgered = ledgeredPerFeed(run);
                boolean mid = pages(run, PAYMENTS) > 0;
                midApply += mid ? 1 : 0;
                Snapshot after = database.committed(dir, "after-kill-" + kills);
                say(String.format("kill %d: SIGKILL %d ms after start; this run committed %d payment pages (%d events stored)"
                                + " and %d registration pages (%d ledgered)%s%s; committed state: %s", kills, delay,
                        pages(run, PAYMENTS), ledgered.getOrDefault(PAYMENTS, 0), pages(run, REGISTRATIONS),
                        ledgered.getOrDefault(REGISTRATIONS, 0), mid ? " (mid-apply)" : " (no payment page yet)",
                        registrationsCaughtUp ? ", registrations caught up" : ", registrations mid-backlog",
                        after == null ? "no schema yet" : after.brief()));
                // On H2 (one connection) pages never commit at the same time, so the registration page always sees
                // what a payment page held; on PostgreSQL a page of each may, and the next payment page releases it.
                if (after != null && !after.heldButRegistered.isEmpty() && !POSTGRES) {
                    brokenAfterKill.add("after kill " + kills + ": held although their registration is ledgered: "
                            + after.heldButRegistered);
                }
            }
            assertThat(midApply).as("SIGKILLs that landed after payment pages committed, out of %d", kills)
                    .isGreaterThanOrEqualTo(MID_APPLY_KILLS);

            // 2. The vendor stops; every event becomes visible; a last run (restarted if needed) catches up.
            vendor.freeze();
            stripe.freeze();
            Thread.sleep(MAX_LATE_MILLIS + 500);
            List<VendorEvent> events = vendorEvents(stripe.port(), token);
            Set<String> registrations = validRegistrations(vendor.data(), vendor.size());
            long validEntries = validEntries(vendor.data(), vendor.size());
            say("vendor frozen: " + events.size() + " Stripe events, " + vendor.size() + " registration log entries ("
                    + registrations.size() + " valid registrations); final run(s) catching up");
            Snapshot state = null;
            int finalRuns = 0;
            while (finalRuns < MAX_FINAL_RUNS) {
                finalRuns++;
                ServiceProcess run = start(dir, config);
                awaitQuiet(run, vendor);
                run.stop(Duration.ofSeconds(45));
                state = database.read();
                if (state.events.size() >= events.size() && state.ledger.size() >= registrations.size()
                        && state.heldButRegistered.isEmpty()) {
                    break;
                }
                say("after final run " + finalRuns + " not complete yet (" + state.brief() + "); restarting");
            }

            // 3. Everything against the vendor's events and change log.
            assertThat(brokenAfterKill).as("committed states after a SIGKILL that hold events of ledgered registrations").isEmpty();
            verify(events, registrations, validEntries, state, token);

            String summary = String.format("StripeKillRestartIT summary: seed=%d kills=%d (mid-apply %d) service runs=%d (final %d)"
                            + " stripe events=%d (status-moving %d, for registrations never valid %d) outcomes=%s held at the end=%d"
                            + " registrations=%d with events=%d (with several %d) registration log entries=%d elapsed=%.1fs",
                    seed, kills, midApply, runs.size(), finalRuns, events.size(),
                    events.stream().filter(e -> e.status() != null && e.registration() != null).count(),
                    events.stream().filter(e -> e.status() != null && e.registration() != null
                            && !registrations.contains(e.registration())).count(),
                    state.outcomes(), state.holding.size(), state.ledger.size(),
                    events.stream().filter(e -> e.status() != null && registrations.contains(e.registration()))
                            .map(VendorEvent::registration).distinct().count(),
                    events.stream().filter(e -> e.status() != null && registrations.contains(e.registration()))
                            .collect(Collectors.groupingBy(VendorEvent::registration, Collectors.counting())).values().stream()
                            .filter(n -> n > 1).count(),
                    vendor.size(), (System.nanoTime() - started) / 1e9);
            say(summary);
            Files.writeString(dir.resolve("summary.txt"), summary + "\n");
        } finally {
            for (ServiceProcess run : runs) {
                run.ensureDead();
            }
            database.drop();
        }
    }

    private void verify(List<VendorEvent> events, Set<String> registrations, long validEntries, Snapshot state, String token) {
        // Every vendor event stored exactly once, as the vendor sent it; nothing else.
        Map<String, VendorEvent> byId = events.stream().collect(Collectors.toMap(VendorEvent::id, e -> e));
        List<String> duplicateRows = state.events.stream().collect(Collectors.groupingBy(EventRow::eventId, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertThat(duplicateRows).as("event ids with more than one payment_event row").isEmpty();
        Set<String> stored = state.events.stream().map(EventRow::eventId).collect(Collectors.toSet());
        List<String> missing = events.stream().map(VendorEvent::id).filter(id -> !stored.contains(id)).toList();
        assertThat(missing).as("vendor events missing from payment_event (%d of %d)", missing.size(), events.size()).isEmpty();
        assertThat(stored).as("payment_event rows that are no vendor event").isSubsetOf(byId.keySet());
        List<String> rowProblems = new ArrayList<>();
        for (EventRow row : state.events) {
            VendorEvent e = byId.get(row.eventId());
            if (!row.source().equals(PAYMENTS) || !row.createdAt().equals(e.created()) || !eq(row.registrationRef(), e.registration())
                    || !eq(row.paymentStatus(), e.status())) {
                rowProblems.add(row + " vs vendor " + e);
            }
        }
        assertThat(rowProblems).as("payment_event rows that differ from the vendor's event").isEmpty();
        assertThat(state.messageIds.getOrDefault(PAYMENTS, 0L)).as("CAMEL_MESSAGEPROCESSED rows of the payment feed = events")
                .isEqualTo(events.size());

        // Holding: held exactly the events whose registration never became valid; every other one applied or superseded.
        Map<String, EventRow> rows = state.events.stream().collect(Collectors.toMap(EventRow::eventId, r -> r));
        List<String> outcomeProblems = new ArrayList<>();
        for (VendorEvent e : events) {
            EventRow row = rows.get(e.id());
            String expected = e.status() == null || e.registration() == null ? "NO_EFFECT"
                    : registrations.contains(e.registration()) ? "APPLIED|SUPERSEDED" : "HELD";
            if (!row.outcome().matches(expected)) {
                outcomeProblems.add(e.id() + " (" + e.type() + " for " + e.registration() + "): " + row.outcome() + ", expected " + expected);
            }
        }
        assertThat(state.heldButRegistered).as("events left in payment_holding although their registration is ledgered").isEmpty();
        assertThat(outcomeProblems).as("payment_event outcomes (%d wrong)", outcomeProblems.size()).isEmpty();
        Set<String> heldKeys = state.events.stream().filter(r -> r.outcome().equals("HELD")).map(EventRow::key).collect(Collectors.toSet());
        assertThat(state.holding).as("payment_holding rows = the HELD events").containsExactlyInAnyOrderElementsOf(heldKeys);

        // Each registration's payment status: its newest event's (any of them if several share the newest second).
        Map<String, List<VendorEvent>> perRegistration = events.stream().filter(e -> e.status() != null && e.registration() != null)
                .collect(Collectors.groupingBy(VendorEvent::registration));
        List<String> statusProblems = new ArrayList<>();
        perRegistration.forEach((registration, its) -> {
            LedgerRow row = state.ledger.get(registration);
            if (row == null) {
                return; // never valid: its events are held (above)
            }
            Instant newest = its.stream().map(VendorEvent::created).max(Comparator.naturalOrder()).orElseThrow();
            List<VendorEvent> newestEvents = its.stream().filter(e -> e.created().equals(newest)).toList();
            Set<String> allowed = newestEvents.stream().map(VendorEvent::status).collect(Collectors.toSet());
            if (!allowed.contains(row.paymentStatus()) || !newest.equals(row.paymentEventAt())) {
                statusProblems.add(registration + ": payment_status " + row.paymentStatus() + " set by an event of " + row.paymentEventAt()
                        + "; newest event " + newestEvents + " of " + its.size());
            }
            if (newestEvents.stream().noneMatch(e -> rows.get(e.id()).outcome().equals("APPLIED"))) {
                statusProblems.add(registration + ": its newest event " + newestEvents + " is not APPLIED");
            }
        });
        assertThat(statusProblems).as("registrations whose payment status is not their newest event's (%d of %d)",
                statusProblems.size(), perRegistration.size()).isEmpty();
        List<String> setWithoutEvent = state.ledger.values().stream()
                .filter(r -> r.paymentEventAt() != null && !perRegistration.containsKey(r.externalId())).map(LedgerRow::externalId).toList();
        assertThat(setWithoutEvent).as("registrations with a payment_event_at but no status-moving event").isEmpty();

        // Registrations: every valid one ledgered once, each version counted once.
        List<String> missingRegistrations = registrations.stream().filter(id -> !state.ledger.containsKey(id)).sorted().toList();
        assertThat(missingRegistrations).as("valid registrations missing from the ledger (%d)", missingRegistrations.size()).isEmpty();
        assertThat(state.ledger.keySet()).as("ledger rows that are no valid registration").isSubsetOf(registrations);
        assertThat(state.ledger.values().stream().mapToLong(LedgerRow::versionsSeen).sum()).as("versions_seen in all = valid log entries")
                .isEqualTo(validEntries);
        assertThat(state.messageIds.getOrDefault(REGISTRATIONS, 0L)).as("CAMEL_MESSAGEPROCESSED rows of the registration feed")
                .isEqualTo(validEntries);
        assertThat(state.deadLetters).as("dead letters").isZero();

        // The bearer token is in no log.
        assertThat(runs.stream().filter(r -> r.output().contains(token)).map(ServiceProcess::log).toList())
                .as("service log files containing the bearer token").isEmpty();
    }

    private static boolean eq(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }

    // ---- the vendor's side ---------------------------------------------------------------------------------------

    /** @param status the registration payment status the type moves to (the adapter's default mapping); null: none */
    private record VendorEvent(String id, String type, Instant created, String registration, String status) {
    }

    /**
     * The demo's Stripe (ids out of order, late visibility) on its own loopback server, so the test chooses how many
     * registrations its events name; publishes EVENTS_PER_SECOND events a second until frozen.
     */
    private static final class StripeVendor implements AutoCloseable {
        private final HttpServer server;
        private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stripe-vendor-publish");
            t.setDaemon(true);
            return t;
        });

        StripeVendor(String token) throws IOException {
            StripeDemo stripe = new StripeDemo(token, 200, EVENT_REGISTRATIONS, MAX_LATE_MILLIS);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.createContext("/stripe/events", stripe);
            server.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "stripe-vendor-http");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            publisher.scheduleAtFixedRate(stripe::publish, 1000, 1000 / EVENTS_PER_SECOND, TimeUnit.MILLISECONDS);
        }

        int port() {
            return server.getAddress().getPort();
        }

        void freeze() {
            publisher.shutdownNow();
        }

        @Override
        public void close() {
            publisher.shutdownNow();
            server.stop(0);
        }
    }

    /** Every event the demo vendor's Stripe list holds, paged through its own API (newest first, starting_after). */
    private static List<VendorEvent> vendorEvents(int port, String token) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        List<VendorEvent> events = new ArrayList<>();
        String after = null;
        while (true) {
            String uri = "http://127.0.0.1:" + port + "/stripe/events?limit=100"
                    + (after == null ? "" : "&starting_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("vendor's /stripe/events").isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            for (JsonNode e : page.get("data")) {
                String type = e.get("type").asText();
                JsonNode ref = e.path("data").path("object").path("metadata").get("registration_id");
                events.add(new VendorEvent(e.get("id").asText(), type, Instant.ofEpochSecond(e.get("created").asLong()),
                        ref == null ? null : ref.asText(), statusOf(type)));
                after = e.get("id").asText();
            }
            if (!page.get("has_more").asBoolean()) {
                return events;
            }
        }
    }

    /** The stripe-events adapter's documented default: by the type's last segment. */
    private static String statusOf(String type) {
        return switch (type.substring(type.lastIndexOf('.') + 1)) {
            case "succeeded", "completed", "paid" -> "COMPLETED";
            case "refunded" -> "REFUNDED";
            case "failed", "payment_failed" -> "FAILED";
            default -> null;
        };
    }

    private static Set<String> validRegistrations(DemoData data, long size) {
        Set<String> ids = new HashSet<>();
        for (long p = 0; p < size; p++) {
            long record = data.recordAt(p);
            if (data.isValid(record)) {
                ids.add(DemoData.id(record));
            }
        }
        return ids;
    }

    private static long validEntries(DemoData data, long size) {
        long valid = 0;
        for (long p = 0; p < size; p++) {
            valid += data.isValid(data.recordAt(p)) ? 1 : 0;
        }
        return valid;
    }

    // ---- the service's side (read only while no service process runs) --------------------------------------------

    private record EventRow(String key, String source, String eventId, Instant createdAt, String paymentStatus,
            String registrationRef, String outcome) {
    }

    private record LedgerRow(String externalId, String paymentStatus, Instant paymentEventAt, long versionsSeen) {
    }

    private static final class Snapshot {
        final List<EventRow> events = new ArrayList<>();
        final Map<String, LedgerRow> ledger = new HashMap<>();
        final Set<String> holding = new HashSet<>();
        final List<String> heldButRegistered = new ArrayList<>();
        final Map<String, Long> messageIds = new HashMap<>();
        long deadLetters;

        static Snapshot read(String url, String user) throws SQLException {
            Snapshot s = new Snapshot();
            try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT idempotency_key, source, event_id, created_at, payment_status,"
                        + " registration_ref, outcome FROM payment_event")) {
                    while (rs.next()) {
                        s.events.add(new EventRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT external_id, payment_status, payment_event_at, versions_seen"
                        + " FROM ledger_registration WHERE source = '" + REGISTRATIONS + "'")) {
                    while (rs.next()) {
                        OffsetDateTime at = rs.getObject(3, OffsetDateTime.class);
                        s.ledger.put(rs.getString(1), new LedgerRow(rs.getString(1), rs.getString(2), at == null ? null : at.toInstant(),
                                rs.getLong(4)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT event_key FROM payment_holding")) {
                    while (rs.next()) {
                        s.holding.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT h.registration_ref FROM payment_holding h JOIN ledger_registration l"
                        + " ON l.external_id = h.registration_ref AND l.source = h.registration_source")) {
                    while (rs.next()) {
                        s.heldButRegistered.add(rs.getString(1));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT processorName, COUNT(*) FROM CAMEL_MESSAGEPROCESSED GROUP BY processorName")) {
                    while (rs.next()) {
                        s.messageIds.put(rs.getString(1), rs.getLong(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM dead_letter")) {
                    rs.next();
                    s.deadLetters = rs.getLong(1);
                }
            }
            return s;
        }

        Map<String, Long> outcomes() {
            return events.stream().collect(Collectors.groupingBy(EventRow::outcome, LinkedHashMap::new, Collectors.counting()));
        }

        String brief() {
            return "payment_event " + events.size() + " " + outcomes() + ", payment_holding " + holding.size()
                    + " (of ledgered registrations " + heldButRegistered.size() + "), registrations ledgered " + ledger.size();
        }
    }

    /** Where the service keeps its state: an H2 file, or a schema of the local PostgreSQL. */
    private record Database(String url, String user, Path h2File, String schema) {
        static Database h2(Path db) {
            return new Database("jdbc:h2:file:" + db, "sa", db, null);
        }

        static Database postgres(String server, String schema) throws SQLException {
            try (Connection c = DriverManager.getConnection(server, "postgres", ""); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            return new Database(server + "?currentSchema=" + schema, "postgres", null, schema);
        }

        String serviceUrl() {
            return h2File == null ? url : url + ";WRITE_DELAY=0";
        }

        Snapshot read() throws SQLException {
            return Snapshot.read(url, user);
        }

        /**
         * The committed state right after a kill: on PostgreSQL the database itself; on H2 a copy of the file (so the
         * service, not this JVM, recovers the real one). Null: no schema yet.
         */
        Snapshot committed(Path dir, String label) throws IOException {
            if (h2File == null) {
                try {
                    return read();
                } catch (SQLException e) {
                    return null;
                }
            }
            Path file = h2File.resolveSibling(h2File.getFileName() + ".mv.db");
            if (!Files.exists(file)) {
                return null;
            }
            Path copyDir = ServiceProcess.freshDirectory(dir.resolve(label));
            Files.copy(file, copyDir.resolve(file.getFileName()));
            try {
                return Snapshot.read("jdbc:h2:file:" + copyDir.resolve(h2File.getFileName()), user);
            } catch (SQLException e) {
                return null; // killed before the migrations created every table
            } finally {
                ServiceProcess.deleteDirectory(copyDir);
            }
        }

        void drop() throws SQLException {
            if (schema != null) {
                try (Connection c = DriverManager.getConnection(POSTGRES_SERVER, "postgres", ""); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    /** Waits (30 s at most) until the run logged {@code pages} committed payment pages, or died. */
    private static void awaitPaymentPages(ServiceProcess run, int pages) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pages(run, PAYMENTS) < pages && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /**
     * Waits until the registration feed served its end, the payment feed committed pages to the top of the list twice,
     * and neither feed ledgered anything for 3 s (or the deadline passed).
     */
    private void awaitQuiet(ServiceProcess run, DemoVendor vendor) throws InterruptedException {
        long deadline = System.nanoTime() + FINAL_RUN_DEADLINE.toNanos();
        Map<String, Integer> last = Map.of();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError("final run exited by itself (code " + run.awaitExit(Duration.ZERO) + "); log tail:\n" + run.tail(60));
            }
            Map<String, Integer> now = ledgeredPerFeed(run);
            if (!now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            }
            long paymentTops = run.output().lines().filter(l -> l.contains("feed=" + PAYMENTS + " page committed")
                    && l.contains("hasMore=false")).count();
            if (vendor.caughtUp() && paymentTops >= 2 && System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
                say("final run quiet " + run.millisSinceStart() + " ms after its start; ledgered per feed " + now);
                return;
            }
            Thread.sleep(250);
        }
        say("final run not quiet within " + FINAL_RUN_DEADLINE + "; checking the database anyway");
    }

    private static long pages(ServiceProcess run, String feed) {
        return run.output().lines().filter(l -> l.contains("feed=" + feed + " page committed")).count();
    }

    /** Records ledgered per feed by this run, from its page lines. */
    private static Map<String, Integer> ledgeredPerFeed(ServiceProcess run) {
        Map<String, Integer> ledgered = new HashMap<>();
        run.output().lines().forEach(l -> {
            Matcher m = LEDGERED.matcher(l);
            if (m.find()) {
                ledgered.merge(m.group(1), Integer.parseInt(m.group(2)), Integer::sum);
            }
        });
        return ledgered;
    }

    private ServiceProcess start(Path dir, Path config) {
        Path log = dir.resolve(String.format("run-%02d.log", runs.size() + 1));
        ServiceProcess run = ServiceProcess.start(config, log, false, List.of(), Map.of());
        runs.add(run);
        return run;
    }

    private static Path writeConfig(Path dir, Database db, DemoVendor vendor, StripeVendor stripe, String token) throws IOException {
        String r = "vendor-poller.feed." + REGISTRATIONS + ".";
        String p = "vendor-poller.feed." + PAYMENTS + ".";
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "vendor-poller.db.url = " + db.serviceUrl(),
                "vendor-poller.db.user = " + db.user(),
                "vendor-poller.db.password =",
                "vendor-poller.retry.max-redeliveries = 4",
                "vendor-poller.retry.base-delay = 100ms",
                "vendor-poller.retry.max-delay = 2s",
                "vendor-poller.demo.enabled = false",
                "vendor-poller.feeds = " + REGISTRATIONS + "," + PAYMENTS,
                r + "type = registration-api",
                r + "base-url = http://127.0.0.1:" + vendor.port(),
                r + "token = " + token,
                r + "schedule.interval = 200ms",
                r + "page-size = " + REGISTRATION_PAGE_SIZE,
                r + "tiers = " + TIERS,
                p + "type = stripe-events",
                p + "base-url = http://127.0.0.1:" + stripe.port() + "/stripe",
                p + "token = " + token,
                p + "schedule.interval = 200ms",
                p + "page-size = " + PAYMENT_PAGE_SIZE,
                p + "settle-window = " + SETTLE_WINDOW,
                p + "applies-to = " + REGISTRATIONS));
        Path config = dir.resolve("stripe-kill-restart.properties");
        Files.write(config, lines, StandardCharsets.UTF_8);
        return config;
    }

    private static void say(String line) {
        System.out.println("[StripeKillRestartIT] " + line);
    }
}
