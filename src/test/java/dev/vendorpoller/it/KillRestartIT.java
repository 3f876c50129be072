package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.demo.DemoData;
import dev.vendorpoller.demo.DemoVendor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.registration.RawRegistration;
import dev.vendorpoller.record.registration.RegistrationContract;
import dev.vendorpoller.record.registration.RegistrationSettings;
import java.io.IOException;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Kills the packaged service with SIGKILL at random moments while it works through a vendor backlog, restarts it
 * each time, lets a last run catch up, then checks everything it wrote against the demo vendor's change log: every
 * valid version applied exactly once (ledger, versions_seen, idempotency store), every invalid version rejected
 * exactly once, the cursor at the end of the log, every current version delivered to the sink, and no bearer token
 * in any log.
 *
 * <p>Reproduce a run's kill timings with {@code -DkillRestart.seed=N} (process start-up times still vary).
 */
class KillRestartIT {
    private static final String FEED = "kill-feed";
    private static final String TIERS = "GA-2026:GENERAL_ADMISSION,VIP-2026:VIP,STU-2026:STUDENT,SPK-2026:SPEAKER,EXPO-2026:EXHIBITOR";
    private static final long BACKLOG = 12_000;
    private static final int INVALID_EVERY = 50;
    /** 503s, so page retries happen between the kills too. */
    private static final double FAILURE_RATE = 0.02;
    /**
     * New log entries per second while the service is being killed (every 5th a newer version of a backlog record),
     * so versions_seen is tested for more than 1. Frozen before the final run so the end is fixed.
     */
    private static final long LIVE_PER_SECOND = 40;
    private static final long PAGE_DELAY_MS = 4;
    private static final int PAGE_SIZE = 50;
    /** Kills whose run had fetched pages and had not yet caught up with the backlog. */
    private static final int MID_BACKLOG_KILLS = 5;
    private static final int MAX_KILLS = 14;
    private static final int KILL_AFTER_MIN_MS = 2000;
    private static final int KILL_AFTER_MAX_MS = 6000;
    /** Most kills land this long at most after the run's first page: mid-backlog however slowly the JVM starts. */
    private static final int KILL_AFTER_FIRST_PAGE_MAX_MS = 1500;
    private static final int MAX_FINAL_RUNS = 3;
    private static final Duration FINAL_RUN_DEADLINE = Duration.ofSeconds(90);
    /** A final run that delivers nothing for this long while not caught up is stuck. */
    private static final Duration STALL = Duration.ofSeconds(15);
    private static final String SINK = "/sink";
    private static final String REJECTS = "/rejects";

    private final List<ServiceProcess> runs = new ArrayList<>();
    private final List<String> notAtomic = new ArrayList<>();

    @Test
    void sigkill_at_random_moments_mid_backlog_loses_nothing_and_applies_nothing_twice() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("killRestart.seed", new Random().nextLong());
        Random random = new Random(seed);
        say("seed " + seed + " (rerun with -DkillRestart.seed=" + seed + ")");
        String token = "tok-" + UUID.randomUUID();
        Path dir = ServiceProcess.freshDirectory(Path.of("target", "kill-restart-it").toAbsolutePath());
        Path db = dir.resolve("db");
        say("working directory " + dir);

        var options = new DemoVendor.Options(0, token, BACKLOG, INVALID_EVERY, FAILURE_RATE, LIVE_PER_SECOND, PAGE_DELAY_MS, false);
        try (DemoVendor vendor = new DemoVendor(options).start(); RecordingSink sink = new RecordingSink()) {
            Path config = writeConfig(dir, db, vendor, sink, token);

            // 1. SIGTERM mid-backlog: a graceful stop ends after the page in hand, without errors.
            long gracefulStopMillis = stopGracefullyMidBacklog(dir, config, db, vendor);

            // 2. SIGKILL at random moments until enough kills have landed mid-backlog.
            int kills = 0;
            int midBacklog = 0;
            while (midBacklog < MID_BACKLOG_KILLS && kills < MAX_KILLS) {
                long pagesBefore = vendor.pagesServed();
                ServiceProcess run = start(dir, config);
                long runStarted = System.nanoTime();
                // Every third kill lands at a random moment from start (maybe during start-up or the migrations); the
                // others at a random moment after the run's first page, so a loaded machine still gets mid-backlog kills.
                if (kills % 3 == 2) {
                    Thread.sleep(KILL_AFTER_MIN_MS + random.nextInt(KILL_AFTER_MAX_MS - KILL_AFTER_MIN_MS));
                } else {
                    awaitPages(run, vendor, pagesBefore, 1);
                    Thread.sleep(random.nextInt(KILL_AFTER_FIRST_PAGE_MAX_MS));
                }
                long delay = (System.nanoTime() - runStarted) / 1_000_000;
                if (!run.isAlive()) {
                    throw new AssertionError("run " + runs.size() + " exited by itself (code " + run.awaitExit(Duration.ZERO)
                            + ") before its kill; log tail:\n" + run.tail(60));
                }
                boolean caughtUp = vendor.caughtUp();
                long pages = vendor.pagesServed() - pagesBefore;
                run.kill();
                kills++;
                boolean mid = pages > 0 && !caughtUp;
                midBacklog += mid ? 1 : 0;
                String atomic = checkCommittedPrefix(db, dir, vendor.data(), "after-kill-" + kills);
                say(String.format("kill %d: SIGKILL %d ms after start; vendor served %d pages to this run%s; vendor log size %d;"
                        + " sink posts so far %d; %s", kills, delay, pages, mid ? " (mid-backlog)" : caughtUp ? " (already caught up)"
                        : " (still starting)", vendor.size(), sink.posts(), atomic));
                if (!atomic.startsWith("consistent") && !atomic.startsWith("no schema")) {
                    notAtomic.add("after kill " + kills + ": " + atomic);
                }
            }
            assertThat(midBacklog).as("SIGKILLs that landed mid-backlog out of %d; make the backlog larger if this fails", kills)
                    .isGreaterThanOrEqualTo(MID_BACKLOG_KILLS);

            // 3. The log stops growing; a last run (restarted if needed) catches up and drains its outbox.
            vendor.freeze();
            Thread.sleep(300);
            Expected expected = Expected.of(vendor.data(), vendor.size());
            say("vendor frozen at " + expected.size + " log entries; final run(s) catching up");
            DbState state = null;
            int finalRuns = 0;
            List<Integer> gracefulExitCodes = new ArrayList<>();
            while (finalRuns < MAX_FINAL_RUNS) {
                finalRuns++;
                ServiceProcess run = start(dir, config);
                awaitCatchUp(run, vendor, sink, expected);
                gracefulExitCodes.add(run.stop(Duration.ofSeconds(45)));
                state = DbState.read(jdbcUrl(db));
                if (state.complete(expected)) {
                    break;
                }
                say("after final run " + finalRuns + " the database is not complete yet (" + state.brief() + "); restarting");
            }

            // 4. Everything against the vendor's change log.
            assertThat(notAtomic).as("database states after a SIGKILL that are not exactly the pages before the saved cursor").isEmpty();
            verify(expected, state, sink, token);

            String summary = String.format("KillRestartIT summary: seed=%d graceful stop mid-backlog=%d ms kills=%d (mid-backlog %d) service runs=%d"
                            + " (final %d, graceful exit codes %s) log entries=%d valid records=%d valid versions=%d"
                            + " (updates %d, max versions of one record %d) invalid versions=%d (records %d)"
                            + " vendor pages=%d vendor 503s=%d sink posts=%d distinct keys=%d duplicates at sink=%d"
                            + " reject posts=%d (duplicates %d) dead letters=%d 'Database is already closed' log lines=%d"
                            + " elapsed=%.1fs",
                    seed, gracefulStopMillis, kills, midBacklog, runs.size(), finalRuns, gracefulExitCodes, expected.size,
                    expected.lastPosition.size(), expected.validEntries, expected.validEntries - expected.lastPosition.size(),
                    expected.versions.values().stream().mapToInt(Integer::intValue).max().orElse(0), expected.invalidEntries,
                    expected.invalidVersions.size(), vendor.pagesServed(), vendor.failuresServed(),
                    sink.deliveries(SINK).size(), sink.keys(SINK).size(), sink.deliveries(SINK).size() - sink.keys(SINK).size(),
                    sink.deliveries(REJECTS).size(), sink.deliveries(REJECTS).size() - sink.keys(REJECTS).size(),
                    state.deadLetters.size(), countInLogs("Database is already closed"),
                    (System.nanoTime() - started) / 1e9);
            say(summary);
            Files.writeString(dir.resolve("summary.txt"), summary + "\n");
        } finally {
            for (ServiceProcess run : runs) {
                run.ensureDead();
            }
        }
    }

    /**
     * Starts a run, lets it page for a while, sends SIGTERM and expects it gone well inside camel.main.shutdown-timeout
     * (20 s: a run that pages on to the end of the backlog is forced to stop there, mid-page), with no error logged
     * after the signal and the database at a page boundary.
     */
    private long stopGracefullyMidBacklog(Path dir, Path config, Path db, DemoVendor vendor) throws Exception {
        long pagesBefore = vendor.pagesServed();
        ServiceProcess run = start(dir, config);
        awaitPages(run, vendor, pagesBefore, 10);
        assertThat(vendor.pagesServed() - pagesBefore).as("pages served before the SIGTERM; log tail:%n%s", run.tail(40))
                .isGreaterThanOrEqualTo(10);
        assertThat(vendor.caughtUp()).as("caught up before the SIGTERM").isFalse();
        long signalled = System.nanoTime();
        int exit = run.stop(Duration.ofSeconds(45));
        long millis = (System.nanoTime() - signalled) / 1_000_000;
        List<String> afterSignal = run.output().lines().dropWhile(l -> !l.contains("SIGTERM")).toList();
        String atomic = checkCommittedPrefix(db, dir, vendor.data(), "after-sigterm");
        say("graceful stop: SIGTERM mid-backlog, exit code " + exit + " after " + millis + " ms; " + atomic);
        assertThat(afterSignal).as("log lines after SIGTERM").isNotEmpty()
                .noneMatch(l -> l.contains(" ERROR ") || l.contains("Database is already closed"));
        assertThat(millis).as("ms from SIGTERM to exit mid-backlog").isLessThan(10_000);
        assertThat(atomic).as("database after the graceful stop").startsWith("consistent");
        return millis;
    }

    /** Waits (30 s at most) until the vendor served this run {@code pages} pages, or the run died. */
    private static void awaitPages(ServiceProcess run, DemoVendor vendor, long pagesBefore, int pages) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (vendor.pagesServed() - pagesBefore < pages && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Waits until the vendor served its end, the sink has every record's current version, and the sink went quiet. */
    private void awaitCatchUp(ServiceProcess run, DemoVendor vendor, RecordingSink sink, Expected expected) throws Exception {
        long deadline = System.nanoTime() + FINAL_RUN_DEADLINE.toNanos();
        int lastPosts = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError("final run exited by itself (code " + run.awaitExit(Duration.ZERO) + "); log tail:\n" + run.tail(60));
            }
            int posts = sink.posts();
            if (posts != lastPosts) {
                lastPosts = posts;
                quietSince = System.nanoTime();
            }
            long quietMillis = (System.nanoTime() - quietSince) / 1_000_000;
            if (vendor.caughtUp() && quietMillis > 1500 && sink.keys(SINK).containsAll(expected.finalKeys)) {
                say("final run caught up " + run.millisSinceStart() + " ms after its start");
                return;
            }
            if (quietMillis > STALL.toMillis()) {
                say("final run stalled: nothing reached the sink for " + STALL + " (" + progress(vendor, sink, expected)
                        + "); checking the database");
                return;
            }
            Thread.sleep(250);
        }
        say("final run did not catch up within " + FINAL_RUN_DEADLINE + " (" + progress(vendor, sink, expected)
                + "); checking the database anyway");
    }

    private static String progress(DemoVendor vendor, RecordingSink sink, Expected expected) {
        return "vendor caughtUp=" + vendor.caughtUp() + ", sink has " + sink.keys(SINK).stream().filter(expected.finalKeys::contains).count()
                + " of " + expected.finalKeys.size() + " current versions";
    }

    private void verify(Expected expected, DbState state, RecordingSink sink, String token) throws IOException {
        // Ledger: exactly the valid records, each at its newest version, each version counted once.
        List<String> ledgerProblems = new ArrayList<>();
        for (LedgerRow row : state.ledger) {
            long record = record(row.externalId);
            Long last = expected.lastPosition.get(record);
            if (!row.source.equals(FEED)) {
                ledgerProblems.add(row.externalId + ": source " + row.source);
            } else if (last == null) {
                ledgerProblems.add(row.externalId + ": is not a valid record of the vendor but is in the ledger");
            } else {
                Instant newest = DemoData.updatedAt(last);
                if (!row.sourceUpdatedAt.equals(newest)) {
                    ledgerProblems.add(row.externalId + ": source_updated_at " + row.sourceUpdatedAt + ", newest version is " + newest);
                }
                if (row.versionsSeen != expected.versions.get(record)) {
                    ledgerProblems.add(row.externalId + ": versions_seen " + row.versionsSeen + ", the log has "
                            + expected.versions.get(record));
                }
                if (!row.idempotencyKey.equals(key(record, last))) {
                    ledgerProblems.add(row.externalId + ": idempotency_key is not the newest version's");
                }
            }
        }
        Set<String> ledgered = new HashSet<>();
        state.ledger.forEach(r -> ledgered.add(r.externalId));
        List<String> missing = expected.lastPosition.keySet().stream().map(DemoData::id).filter(id -> !ledgered.contains(id))
                .sorted().toList();
        assertThat(missing).as("valid records missing from the ledger (%d)", missing.size()).isEmpty();
        assertThat(ledgerProblems).as("ledger rows that disagree with the vendor's log (%d)", ledgerProblems.size()).isEmpty();
        assertThat(state.ledger).as("ledger rows").hasSize(expected.lastPosition.size());

        // Idempotency store: one key per valid version.
        assertThat(state.messageIdsOfFeed).as("CAMEL_MESSAGEPROCESSED rows of the feed = valid log entries").isEqualTo(expected.validEntries);
        assertThat(state.messageIdsTotal).as("CAMEL_MESSAGEPROCESSED rows in all").isEqualTo(expected.validEntries);

        // Rejects: each invalid version once, with its raw payload and errors; no invalid record in the ledger (above).
        Map<Long, Integer> rejectedPerRecord = new HashMap<>();
        List<String> rejectProblems = new ArrayList<>();
        for (RejectRow reject : state.rejects) {
            long record = record(reject.externalId);
            rejectedPerRecord.merge(record, 1, Integer::sum);
            if (!reject.feed.equals(FEED) || reject.rawPayload == null || reject.rawPayload.isBlank()
                    || reject.errors == null || reject.errors.isBlank() || reject.errors.equals("[]")) {
                rejectProblems.add(reject.externalId + ": feed " + reject.feed + ", raw " + reject.rawPayload + ", errors " + reject.errors);
            }
        }
        assertThat(rejectProblems).as("rejected_record rows without feed, payload or errors").isEmpty();
        assertThat(rejectedPerRecord).as("rejected_record rows per invalid record = its versions in the log")
                .isEqualTo(expected.invalidVersions);
        assertThat(state.rejects).as("rejected_record rows = invalid log entries").hasSize((int) expected.invalidEntries);

        // Cursor at the end of the log, outbox empty, nothing dead-lettered on the delivery side.
        String end = Base64.getUrlEncoder().withoutPadding().encodeToString(("pos:" + expected.size).getBytes(StandardCharsets.UTF_8));
        assertThat(state.cursor).as("feed_cursor.cursor_value").isNotBlank().isEqualTo(end);
        assertThat(state.outbox).as("outbox rows left").isZero();
        assertThat(state.deadLetters).as("delivery dead letters (the sink never refuses)")
                .noneMatch(d -> d.kind.equals("DELIVERY"));

        // Sink: every current version delivered (at least once), every POST with a key, only keys of real versions.
        assertThat(sink.postsWithoutKey()).as("POSTs without Idempotency-Key").isZero();
        Set<String> sinkKeys = sink.keys(SINK);
        List<String> undelivered = state.ledger.stream().map(r -> r.idempotencyKey).filter(k -> !sinkKeys.contains(k)).toList();
        assertThat(undelivered).as("ledger rows whose current version never reached the sink (%d)", undelivered.size()).isEmpty();
        assertThat(sinkKeys).as("sink keys that are no valid version of the vendor's log").isSubsetOf(expected.allValidKeys);
        assertThat(sink.deliveries(SINK)).as("sink bodies carry their own idempotency key")
                .allMatch(d -> d.body().contains("\"idempotency_key\":\"" + d.idempotencyKey() + "\""));
        Set<String> rejectKeys = sink.keys(REJECTS);
        assertThat(state.rejects.stream().map(r -> r.reconciliationKey).filter(k -> !rejectKeys.contains(k)).toList())
                .as("rejects never delivered to the reject endpoint").isEmpty();

        // Secrets: the bearer token is in no log, no delivery and no stored error.
        assertThat(logsContaining(token)).as("service log files containing the bearer token").isEmpty();
        assertThat(Stream.concat(sink.deliveries(SINK).stream(), sink.deliveries(REJECTS).stream()))
                .as("deliveries containing the bearer token").noneMatch(d -> d.body().contains(token));
        assertThat(state.deadLetters).as("dead letters containing the bearer token")
                .noneMatch(d -> String.valueOf(d.errorMessage).contains(token) || String.valueOf(d.payload).contains(token));
    }

    /**
     * Right after a SIGKILL (or SIGTERM), on a copy of the database file (so that the service, not this JVM, recovers
     * the real one on its restart): the idempotency keys, ledger rows and rejects must be exactly those of the log
     * entries before the saved cursor, since each page commits them together with the cursor in one transaction.
     */
    private static String checkCommittedPrefix(Path db, Path dir, DemoData data, String label) throws IOException {
        Path file = db.resolveSibling(db.getFileName() + ".mv.db");
        if (!Files.exists(file)) {
            return "no schema yet (no database file)";
        }
        Path copyDir = ServiceProcess.freshDirectory(dir.resolve(label));
        Path copy = copyDir.resolve(db.getFileName());
        Files.copy(file, copyDir.resolve(file.getFileName()));
        DbState s;
        try {
            if (!KilledDatabase.hasSchema(jdbcUrl(copy))) {
                ServiceProcess.deleteDirectory(copyDir);
                return "no schema yet";
            }
            s = DbState.read(jdbcUrl(copy));
        } catch (SQLException e) {
            return "cannot read a copy of the database (kept in " + copyDir + "): " + e;
        }
        long position = cursorPosition(s.cursor);
        Expected e = Expected.of(data, position);
        long versionsSeen = s.ledger.stream().mapToLong(LedgerRow::versionsSeen).sum();
        String found = String.format("cursor at %d: message ids %d/%d, ledger rows %d/%d, versions seen %d/%d, rejects %d/%d",
                position, s.messageIdsOfFeed, e.validEntries, s.ledger.size(), e.lastPosition.size(), versionsSeen,
                e.validEntries, s.rejects.size(), e.invalidEntries);
        if (s.messageIdsOfFeed == e.validEntries && s.ledger.size() == e.lastPosition.size() && versionsSeen == e.validEntries
                && s.rejects.size() == e.invalidEntries) {
            ServiceProcess.deleteDirectory(copyDir);
            return "consistent, " + found;
        }
        return "NOT ATOMIC (copy kept in " + copyDir + "), found/expected " + found;
    }

    private static long cursorPosition(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return 0;
        }
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        return Long.parseLong(text.substring("pos:".length()));
    }

    // ---- expected state, from the vendor's data ----------------------------------------------------------------

    /** What the ledger must hold after the log entries 0..size-1, computed from DemoData alone. */
    private static final class Expected {
        final long size;
        /** valid record → number of its versions in the log */
        final Map<Long, Integer> versions = new HashMap<>();
        /** valid record → position of its newest version */
        final Map<Long, Long> lastPosition = new HashMap<>();
        /** invalid record → number of its versions in the log */
        final Map<Long, Integer> invalidVersions = new HashMap<>();
        final Set<String> finalKeys = new HashSet<>();
        final Set<String> allValidKeys = new HashSet<>();
        long validEntries;
        long invalidEntries;

        private Expected(long size) {
            this.size = size;
        }

        static Expected of(DemoData data, long size) {
            Expected e = new Expected(size);
            for (long p = 0; p < size; p++) {
                long record = data.recordAt(p);
                if (data.isValid(record)) {
                    e.validEntries++;
                    e.versions.merge(record, 1, Integer::sum);
                    e.lastPosition.merge(record, p, Math::max);
                    e.allValidKeys.add(key(record, p));
                } else {
                    e.invalidEntries++;
                    e.invalidVersions.merge(record, 1, Integer::sum);
                }
            }
            e.lastPosition.forEach((record, last) -> e.finalKeys.add(key(record, last)));
            return e;
        }
    }

    /** The contract's idempotency key of the version at {@code position} (feed, id, updated_at, content digest). */
    private static String key(long record, long position) {
        StringBuilder json = new StringBuilder();
        DemoData.appendJson(record, position, true, json);
        try {
            JsonNode r = new ObjectMapper().readTree(json.toString());
            RawRegistration raw = new RawRegistration(r, r.get("id"), r.get("email"), r.get("ticket_sku"), r.get("payment_status"),
                    r.get("created_at"), r.get("updated_at"), r.get("metadata"));
            return ((ContractResult.Valid) KEYS.check(raw)).record().idempotencyKey();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The feed's contract as the service configures it (its tiers), for the expected keys. */
    private static final RegistrationContract KEYS = new RegistrationContract(FEED, RegistrationSettings.load(
            new ConfigReader(k -> k.equals("tiers") ? Optional.of(TIERS) : Optional.empty()), ""), Contracts.system());

    private static long record(String externalId) {
        return Long.parseLong(externalId.substring("reg-".length()));
    }

    // ---- what the service wrote (read only while no service process runs) -------------------------------------

    private record LedgerRow(String source, String externalId, String idempotencyKey, Instant sourceUpdatedAt, int versionsSeen) {
    }

    private record RejectRow(String feed, String externalId, String reconciliationKey, String rawPayload, String errors) {
    }

    private record DeadLetterRow(String kind, String errorMessage, String payload) {
    }

    private static final class DbState {
        final List<LedgerRow> ledger = new ArrayList<>();
        final List<RejectRow> rejects = new ArrayList<>();
        final List<DeadLetterRow> deadLetters = new ArrayList<>();
        long messageIdsOfFeed;
        long messageIdsTotal;
        long outbox;
        String cursor;

        static DbState read(String url) throws SQLException {
            DbState s = new DbState();
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT source, external_id, idempotency_key, source_updated_at, versions_seen"
                        + " FROM ledger_registration")) {
                    while (rs.next()) {
                        s.ledger.add(new LedgerRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getInt(5)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT feed, external_id, reconciliation_key, raw_payload, errors FROM rejected_record")) {
                    while (rs.next()) {
                        s.rejects.add(new RejectRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT kind, error_message, payload FROM dead_letter")) {
                    while (rs.next()) {
                        s.deadLetters.add(new DeadLetterRow(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
                s.messageIdsOfFeed = KilledDatabase.count(st, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = '" + FEED + "'");
                s.messageIdsTotal = KilledDatabase.count(st, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED");
                s.outbox = KilledDatabase.count(st, "SELECT COUNT(*) FROM outbox");
                try (ResultSet rs = st.executeQuery("SELECT cursor_value FROM feed_cursor WHERE feed = '" + FEED + "'")) {
                    s.cursor = rs.next() ? rs.getString(1) : null;
                }
            }
            return s;
        }

        boolean complete(Expected e) {
            return ledger.size() == e.lastPosition.size() && rejects.size() == e.invalidEntries
                    && messageIdsOfFeed == e.validEntries && outbox == 0;
        }

        String brief() {
            return "ledger " + ledger.size() + ", rejects " + rejects.size() + ", message ids " + messageIdsOfFeed + ", outbox " + outbox;
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private ServiceProcess start(Path dir, Path config) {
        Path log = dir.resolve(String.format("run-%02d.log", runs.size() + 1));
        ServiceProcess run = ServiceProcess.start(config, log, false, List.of(), Map.of());
        runs.add(run);
        return run;
    }

    private List<Path> logsContaining(String text) {
        return runs.stream().filter(r -> r.output().contains(text)).map(ServiceProcess::log).toList();
    }

    private long countInLogs(String text) {
        return runs.stream().flatMap(r -> r.output().lines()).filter(l -> l.contains(text)).count();
    }

    private static Path writeConfig(Path dir, Path db, DemoVendor vendor, RecordingSink sink, String token) throws IOException {
        String f = "vendor-poller.feed." + FEED + ".";
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "## Storage, retries, outbox: shorter waits than production",
                "vendor-poller.db.url = jdbc:h2:file:" + db + ";WRITE_DELAY=0",
                "vendor-poller.db.user = sa",
                "vendor-poller.db.password =",
                "vendor-poller.retry.max-redeliveries = 4",
                "vendor-poller.retry.base-delay = 100ms",
                "vendor-poller.retry.max-delay = 2s",
                "vendor-poller.outbox.poll-interval-ms = 100",
                "vendor-poller.outbox.batch-size = 200",
                "vendor-poller.outbox.retry-delay = 500ms",
                "vendor-poller.demo.enabled = false",
                "## The feed: the DemoVendor and the RecordingSink of the test JVM",
                "vendor-poller.feeds = " + FEED,
                f + "type = registration-api",
                f + "base-url = http://127.0.0.1:" + vendor.port(),
                f + "token = " + token,
                f + "schedule.interval = 200ms",
                f + "page-size = " + PAGE_SIZE,
                f + "tiers = " + TIERS,
                f + "sink-uri = " + sink.uri(SINK),
                f + "reject-uri = " + sink.uri(REJECTS)));
        Path config = dir.resolve("kill-restart.properties");
        Files.write(config, lines, StandardCharsets.UTF_8);
        return config;
    }

    private static String jdbcUrl(Path db) {
        return "jdbc:h2:file:" + db;
    }

    private static void say(String line) {
        System.out.println("[KillRestartIT] " + line);
    }
}
