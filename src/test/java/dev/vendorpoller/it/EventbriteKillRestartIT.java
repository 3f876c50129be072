package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.ops.LoopbackHttp;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.registration.RawRegistration;
import dev.vendorpoller.record.registration.RegistrationContract;
import dev.vendorpoller.record.registration.RegistrationSettings;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link KillRestartIT}'s sibling for an {@code eventbrite-attendees} feed: SIGKILLs land while a scan follows its
 * continuation tokens (the stored cursor holds a {@code continuation} at the kill), on a purpose-built attendee list
 * with {@value #PER_SECOND} attendees per {@code changed} second, attendees changing while they are read (some twice
 * in the same second: two versions with one {@code changed} and two content digests), and late attendees (visible
 * seconds after their {@code changed}, so only a deep scan reads them). After a final run: every attendee's newest
 * version in the ledger, each version the service read applied exactly once (its key once in the idempotency store,
 * versions_seen = those keys), every version of a page whose continuation token came back applied, no attendee
 * missing, and the stored mark not past the vendor's newest {@code changed}.
 *
 * <p>Reproduce a run's kill timings and changes with {@code -DebKillRestart.seed=N} (process start-up times still vary).
 */
class EventbriteKillRestartIT {
    private static final String FEED = "eb-kill";
    private static final String EVENT = "E1";
    private static final String TIERS = "1001:GENERAL_ADMISSION,1002:VIP,1003:STUDENT";
    private static final int BACKLOG = 4000;
    static final int PER_SECOND = 40;
    private static final int PAGE_SIZE = 50;
    private static final long PAGE_DELAY_MS = 15;
    /** Attendees that show up late (their {@code changed} 2..12 s before they become visible). */
    private static final int LATE = 25;
    /** A continuation token older than this is refused (400 INVALID_CONTINUATION): some restarts find theirs expired. */
    private static final Duration TOKEN_TTL = Duration.ofSeconds(12);
    /** One change of a random attendee every this many ms while the vendor is live. */
    private static final long TICK_MS = 50;
    private static final int MIN_KILLS = 5;
    private static final int MIN_KILLS_WITH_TOKEN = 3;
    private static final int MAX_KILLS = 12;
    /** A kill lands up to this long (plus a second per earlier kill: later kills reach deeper) after the run's first page. */
    private static final int KILL_AFTER_FIRST_PAGE_MAX_MS = 1500;
    /** Changes keep coming this long after the final run reached the live edge, then the vendor freezes. */
    private static final Duration LIVE_AT_EDGE = Duration.ofSeconds(6);
    private static final Duration FINAL_RUN_DEADLINE = Duration.ofSeconds(60);
    private static final String SINK = "/sink";
    private static final String REJECTS = "/rejects";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<ServiceProcess> runs = new ArrayList<>();
    private final List<String> inconsistent = new ArrayList<>();

    @Test
    void should_keep_every_attendee_and_apply_each_version_once_when_sigkilled_mid_scan_with_continuation_tokens() throws Exception {
        long started = System.nanoTime();
        long seed = Long.getLong("ebKillRestart.seed", new Random().nextLong());
        Random random = new Random(seed);
        say("seed " + seed + " (rerun with -DebKillRestart.seed=" + seed + ")");
        String token = "eb-" + UUID.randomUUID();
        Path dir = ServiceProcess.freshDirectory(Path.of("target", "eventbrite-kill-restart-it").toAbsolutePath());
        Path db = dir.resolve("db");

        try (Attendees vendor = new Attendees(token, seed); RecordingSink sink = new RecordingSink()) {
            Map<String, String> feedProps = feedProperties(db, vendor, sink, token);
            Path config = writeConfig(dir, feedProps);
            Keys keys = new Keys(feedProps);
            vendor.goLive();

            // 1. SIGKILL mid-scan: most kills right after a page that said has_more_items, until enough had a stored token.
            int kills = 0;
            int withToken = 0;
            while ((withToken < MIN_KILLS_WITH_TOKEN || kills < MIN_KILLS) && kills < MAX_KILLS) {
                long pagesBefore = vendor.pages();
                ServiceProcess run = start(dir, config);
                long runStarted = System.nanoTime();
                String how;
                if (kills % 4 == 3) {
                    Thread.sleep(2000 + random.nextInt(4000)); // anywhere: start-up, migrations, a page commit
                    how = "at a random moment";
                } else {
                    awaitPages(run, vendor, pagesBefore, 1);
                    Thread.sleep(random.nextInt(KILL_AFTER_FIRST_PAGE_MAX_MS + 1000 * kills));
                    long hasMore = vendor.hasMorePages();
                    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (vendor.hasMorePages() == hasMore && run.isAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    Thread.sleep(random.nextInt(40)); // before, during or after that page's commit
                    how = vendor.hasMorePages() > hasMore ? "right after a has_more_items page" : "after waiting 3 s for a has_more_items page";
                }
                if (!run.isAlive()) {
                    throw new AssertionError("run " + runs.size() + " exited by itself before its kill; log tail:\n" + run.tail(60));
                }
                long pages = vendor.pages() - pagesBefore;
                Instant newest = vendor.newestChanged();
                run.kill();
                kills++;
                long delay = (System.nanoTime() - runStarted) / 1_000_000;
                Snapshot s = Snapshot.afterKill(db, dir, "after-kill-" + kills);
                boolean token1 = s != null && s.cursorToken() != null;
                withToken += token1 ? 1 : 0;
                String check = s == null ? "no schema yet" : s.consistency(newest);
                if (s != null && !check.startsWith("consistent")) {
                    inconsistent.add("after kill " + kills + ": " + check);
                }
                say(String.format("kill %d: SIGKILL %s, %d ms after start; %d pages served to this run; stored cursor %s; %s",
                        kills, how, delay, pages, s == null ? "none" : s.cursor, check));
            }
            assertThat(withToken).as("SIGKILLs with a continuation token in the stored cursor, out of %d", kills)
                    .isGreaterThanOrEqualTo(MIN_KILLS_WITH_TOKEN);

            // 2. A final run reaches the live edge while attendees still change (same-second changes read by fast scans),
            //    then the vendor freezes and the run catches up with that fixed end.
            ServiceProcess run = start(dir, config);
            awaitLiveEdge(run, vendor);
            Thread.sleep(LIVE_AT_EDGE.toMillis());
            vendor.freeze();
            Map<Integer, Attendees.Version> end = vendor.current();
            Instant newestChanged = vendor.newestChanged();
            Set<String> finalKeys = new HashSet<>();
            end.forEach((id, v) -> finalKeys.add(keys.of(id, v)));
            say("vendor frozen: " + end.size() + " attendees (" + vendor.lateShown() + " late), " + vendor.versionCount()
                    + " versions, newest changed " + newestChanged);
            awaitCatchUp(run, sink, finalKeys);
            int exit = run.stop(Duration.ofSeconds(45));
            Snapshot state = Snapshot.read(jdbcUrl(db));

            // 3. Everything against the vendor's attendees.
            verify(vendor, keys, end, newestChanged, state, sink, token);
            assertThat(inconsistent).as("database states right after a SIGKILL").isEmpty();
            long sameSecond = sameSecondPairsApplied(vendor, keys, state);
            assertThat(sameSecond).as("attendees with two applied versions in one changed second").isPositive();

            say(String.format("EventbriteKillRestartIT summary: seed=%d kills=%d (with a stored continuation %d) service runs=%d"
                            + " final exit code %d attendees=%d (late %d) vendor versions=%d applied versions=%d"
                            + " same-second version pairs applied=%d versions that had to be applied (token came back)=%d"
                            + " vendor pages=%d (has_more %d) expired tokens refused=%d deep requests=%d sink posts=%d elapsed=%.1fs",
                    seed, kills, withToken, runs.size(), exit, end.size(), vendor.lateShown(), vendor.versionCount(),
                    state.messageIds.size(), sameSecond, vendor.mustApply().size(), vendor.pages(), vendor.hasMorePages(),
                    vendor.expiredTokens(), vendor.deepRequests(), sink.posts(), (System.nanoTime() - started) / 1e9));
        } finally {
            for (ServiceProcess r : runs) {
                r.ensureDead();
            }
        }
    }

    private void verify(Attendees vendor, Keys keys, Map<Integer, Attendees.Version> end, Instant newestChanged, Snapshot state,
            RecordingSink sink, String token) throws IOException {
        // Every key in the idempotency store is a version the vendor had; which attendee and revision.
        Map<String, int[]> versionOfKey = new HashMap<>();
        vendor.all().forEach((id, list) -> list.forEach(v -> versionOfKey.put(keys.of(id, v), new int[] {id, v.rev()})));
        assertThat((long) versionOfKey.size()).as("distinct idempotency keys of the vendor's versions (same-second versions included)")
                .isEqualTo(vendor.versionCount());
        List<String> unknown = state.messageIds.stream().filter(k -> !versionOfKey.containsKey(k)).toList();
        assertThat(unknown).as("idempotency keys of the feed that are no version of the vendor").isEmpty();
        Map<String, Integer> appliedPerAttendee = new HashMap<>();
        state.messageIds.forEach(k -> appliedPerAttendee.merge(id(versionOfKey.get(k)[0]), 1, Integer::sum));

        // Ledger: each attendee once, at its newest version, versions_seen = the versions applied.
        Map<String, LedgerRow> ledger = new HashMap<>();
        state.ledger.forEach(r -> ledger.put(r.externalId, r));
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        end.forEach((id, v) -> {
            LedgerRow row = ledger.get(id(id));
            if (row == null) {
                missing.add(id(id) + (vendor.isLate(id) ? " (late)" : ""));
                return;
            }
            Instant changed = v.time().truncatedTo(ChronoUnit.SECONDS);
            if (!row.sourceUpdatedAt.equals(changed)) {
                problems.add(id(id) + ": source_updated_at " + row.sourceUpdatedAt + ", newest changed " + changed);
            }
            if (!row.metadata.contains("\"o-" + id + "-" + v.rev() + "\"")) {
                problems.add(id(id) + ": metadata " + row.metadata + " is not the newest version's (order_id o-" + id + "-" + v.rev() + ")");
            }
            if (!row.idempotencyKey.equals(keys.of(id, v))) {
                problems.add(id(id) + ": idempotency_key is not the newest version's (rev " + v.rev() + ")");
            }
            int applied = appliedPerAttendee.getOrDefault(id(id), 0);
            if (row.versionsSeen != applied) {
                problems.add(id(id) + ": versions_seen " + row.versionsSeen + ", versions applied (keys stored) " + applied);
            }
        });
        assertThat(missing).as("attendees missing from the ledger (%d)", missing.size()).isEmpty();
        assertThat(problems).as("ledger rows that disagree with the vendor (%d)", problems.size()).isEmpty();
        assertThat(state.ledger).as("ledger rows").hasSize(end.size());
        assertThat(state.ledger).as("ledger rows of another feed").allMatch(r -> r.source.equals(FEED));
        assertThat(state.ledger.stream().mapToLong(LedgerRow::versionsSeen).sum()).as("sum of versions_seen = idempotency keys of the feed")
                .isEqualTo(state.messageIds.size());
        assertThat(state.messageIdsTotal).as("CAMEL_MESSAGEPROCESSED rows in all").isEqualTo(state.messageIds.size());

        // Nothing read and committed is lost: every version of a page whose continuation token came back was applied.
        Set<String> applied = new HashSet<>(state.messageIds);
        List<String> lost = vendor.mustApply().stream().filter(v -> !applied.contains(keys.of(v[0], vendor.version(v[0], v[1]))))
                .map(v -> id(v[0]) + " rev " + v[1]).toList();
        assertThat(lost).as("versions of committed pages (their token came back) that are not applied (%d)", lost.size()).isEmpty();

        // Cursor: a completed scan, its mark not past the vendor's newest changed.
        assertThat(state.cursor).as("feed_cursor.cursor_value").isNotBlank();
        JsonNode cursor = JSON.readTree(state.cursor);
        assertThat(cursor.path("mark").asText(null)).as("stored mark in %s", state.cursor).isNotNull();
        assertThat(Instant.parse(cursor.get("mark").asText())).as("stored mark vs the vendor's newest changed").isBeforeOrEqualTo(newestChanged);

        // Nothing rejected, nothing dead-lettered, outbox drained, every current version at the sink, only applied keys.
        assertThat(state.rejects).as("rejected_record rows (every version is valid)").isZero();
        assertThat(state.outbox).as("outbox rows left").isZero();
        assertThat(state.deliveryDeadLetters).as("delivery dead letters (the sink never refuses)").isZero();
        assertThat(sink.postsWithoutKey()).as("POSTs without Idempotency-Key").isZero();
        Set<String> sinkKeys = sink.keys(SINK);
        assertThat(state.ledger.stream().map(r -> r.idempotencyKey).filter(k -> !sinkKeys.contains(k)).toList())
                .as("ledger rows whose current version never reached the sink").isEmpty();
        assertThat(sinkKeys).as("sink keys that are no applied version").isSubsetOf(applied);

        // The bearer token is in no log and no delivery.
        assertThat(runs.stream().filter(r -> r.output().contains(token)).map(ServiceProcess::log).toList())
                .as("service logs containing the bearer token").isEmpty();
        assertThat(sink.deliveries(SINK)).as("deliveries containing the bearer token").noneMatch(d -> d.body().contains(token));
    }

    /** Attendees of which two applied versions share one changed second (the content digest told them apart). */
    private static long sameSecondPairsApplied(Attendees vendor, Keys keys, Snapshot state) {
        Set<String> applied = new HashSet<>(state.messageIds);
        long pairs = 0;
        for (Map.Entry<Integer, List<Attendees.Version>> e : vendor.all().entrySet()) {
            Map<Instant, Integer> perSecond = new HashMap<>();
            for (Attendees.Version v : e.getValue()) {
                if (applied.contains(keys.of(e.getKey(), v))) {
                    perSecond.merge(v.time().truncatedTo(ChronoUnit.SECONDS), 1, Integer::sum);
                }
            }
            pairs += perSecond.values().stream().filter(n -> n > 1).count();
        }
        return pairs;
    }

    private static void awaitPages(ServiceProcess run, Attendees vendor, long pagesBefore, int pages) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (vendor.pages() - pagesBefore < pages && run.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** Until a scan of this run ended (has_more_items false) asking from a since at most 10 s old: the live edge. */
    private static void awaitLiveEdge(ServiceProcess run, Attendees vendor) throws InterruptedException {
        long deadline = System.nanoTime() + FINAL_RUN_DEADLINE.toNanos();
        long edgeBefore = vendor.liveEdgeScans();
        while (vendor.liveEdgeScans() == edgeBefore && System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError("final run exited by itself; log tail:\n" + run.tail(60));
            }
            Thread.sleep(50);
        }
        say("final run at the live edge " + run.millisSinceStart() + " ms after its start");
    }

    /** Until the sink holds every attendee's newest version and has been quiet for 1.5 s (or the deadline). */
    private static void awaitCatchUp(ServiceProcess run, RecordingSink sink, Set<String> finalKeys) throws InterruptedException {
        long deadline = System.nanoTime() + FINAL_RUN_DEADLINE.toNanos();
        int lastPosts = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (!run.isAlive()) {
                throw new AssertionError("final run exited by itself; log tail:\n" + run.tail(60));
            }
            int posts = sink.posts();
            if (posts != lastPosts) {
                lastPosts = posts;
                quietSince = System.nanoTime();
            }
            if ((System.nanoTime() - quietSince) / 1_000_000 > 1500 && sink.keys(SINK).containsAll(finalKeys)) {
                say("final run caught up " + run.millisSinceStart() + " ms after its start");
                return;
            }
            Thread.sleep(200);
        }
        long have = sink.keys(SINK).stream().filter(finalKeys::contains).count();
        say("final run did not catch up within " + FINAL_RUN_DEADLINE + " (sink has " + have + " of " + finalKeys.size()
                + " newest versions); checking the database anyway");
    }

    private static String id(int attendee) {
        return String.valueOf(7_000_000 + attendee);
    }

    // ---- the vendor: an Eventbrite attendee list with a fixed end once frozen ------------------------------------

    /**
     * {@code GET /events/E1/attendees/?changed_since=…&continuation=…}: each attendee's newest visible version, ordered
     * by version time and id, {@value #PAGE_SIZE} a page; {@code changed} to the second. Continuation tokens are keysets
     * (after the version time and id the page ended with, for this changed_since) that expire after {@link #TOKEN_TTL}.
     * While live, one random attendee changes every {@link #TICK_MS} ms (every change a new revision: new order_id and
     * status), some a second time in the same second, and late attendees appear with a {@code changed} 2..12 s old.
     * Remembers the versions of each page that issued a token; once that token comes back, the page was committed.
     */
    static final class Attendees implements AutoCloseable {
        record Version(int rev, Instant time, Instant visible) {
        }

        private static final String[] STATUSES = {"Attending", "Checked In", "Placed", "Attending"};

        private final String token;
        private final Random random;
        private final List<List<Version>> versions = new ArrayList<>();
        private final HttpServer server;
        private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        private final List<long[]> pendingSameSecond = new ArrayList<>();
        private final Map<String, List<int[]>> pageOfToken = new ConcurrentHashMap<>();
        private final Set<List<Integer>> mustApply = ConcurrentHashMap.newKeySet();
        private final AtomicLong pages = new AtomicLong();
        private final AtomicLong hasMorePages = new AtomicLong();
        private final AtomicLong expired = new AtomicLong();
        private final AtomicLong deep = new AtomicLong();
        private final AtomicLong liveEdge = new AtomicLong();
        private volatile boolean frozen;
        private int lateShown;

        Attendees(String token, long seed) throws IOException {
            this.token = token;
            this.random = new Random(seed ^ 0x5DEECE66DL);
            Instant base = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < BACKLOG; i++) {
                List<Version> list = new ArrayList<>();
                list.add(new Version(0, base.plusSeconds(i / PER_SECOND).plusMillis(i % PER_SECOND), base));
                versions.add(list);
            }
            for (int i = 0; i < LATE; i++) {
                versions.add(new ArrayList<>());
            }
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.createContext("/events/", this::serve);
            server.setExecutor(Executors.newFixedThreadPool(2));
            server.start();
        }

        void goLive() {
            ticks.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void freeze() throws InterruptedException {
            frozen = true;
            Thread.sleep(2 * TICK_MS);
        }

        private synchronized void tick() {
            if (frozen) {
                return;
            }
            Instant now = Instant.now();
            long second = now.getEpochSecond();
            int millis = now.getNano() / 1_000_000;
            for (Iterator<long[]> it = pendingSameSecond.iterator(); it.hasNext(); ) {
                long[] p = it.next();
                if (p[1] != second) {
                    it.remove();
                } else if (millis >= 600) {
                    change((int) p[0], now, now);
                    it.remove();
                }
            }
            int attendee = random.nextInt(BACKLOG);
            change(attendee, now, now);
            if (millis < 350 && random.nextInt(3) == 0) {
                pendingSameSecond.add(new long[] {attendee, second}); // changes again later in this second
            }
            if (lateShown < LATE && random.nextInt(12) == 0) {
                change(BACKLOG + lateShown++, now.minusMillis(2000 + random.nextInt(10_000)), now);
            }
        }

        private void change(int attendee, Instant time, Instant visible) {
            List<Version> list = versions.get(attendee);
            list.add(new Version(list.isEmpty() ? 0 : list.get(list.size() - 1).rev() + 1, time, visible));
        }

        boolean isLate(int attendee) {
            return attendee >= BACKLOG;
        }

        synchronized int lateShown() {
            return lateShown;
        }

        /** Each visible attendee's newest version (what the vendor lists now). */
        synchronized Map<Integer, Version> current() {
            Map<Integer, Version> out = new LinkedHashMap<>();
            for (int id = 0; id < versions.size(); id++) {
                List<Version> list = versions.get(id);
                if (!list.isEmpty()) {
                    out.put(id, list.get(list.size() - 1));
                }
            }
            return out;
        }

        synchronized Map<Integer, List<Version>> all() {
            Map<Integer, List<Version>> out = new LinkedHashMap<>();
            for (int id = 0; id < versions.size(); id++) {
                out.put(id, List.copyOf(versions.get(id)));
            }
            return out;
        }

        synchronized Version version(int attendee, int rev) {
            return versions.get(attendee).stream().filter(v -> v.rev() == rev).findFirst().orElseThrow();
        }

        synchronized long versionCount() {
            return versions.stream().mapToLong(List::size).sum();
        }

        synchronized Instant newestChanged() {
            return current().values().stream().map(v -> v.time().truncatedTo(ChronoUnit.SECONDS)).max(Comparator.naturalOrder())
                    .orElseThrow();
        }

        List<int[]> mustApply() {
            return mustApply.stream().map(l -> new int[] {l.get(0), l.get(1)}).toList();
        }

        long pages() {
            return pages.get();
        }

        long hasMorePages() {
            return hasMorePages.get();
        }

        long expiredTokens() {
            return expired.get();
        }

        long deepRequests() {
            return deep.get();
        }

        long liveEdgeScans() {
            return liveEdge.get();
        }

        private void serve(HttpExchange http) throws IOException {
            try (http) {
                if (!http.getRequestURI().getPath().matches("/events/" + EVENT + "/attendees/?")) {
                    send(http, 404, "{\"error\":\"NOT_FOUND\"}");
                    return;
                }
                if (!("Bearer " + token).equals(http.getRequestHeaders().getFirst("Authorization"))) {
                    send(http, 401, "{\"error\":\"INVALID_AUTH\"}");
                    return;
                }
                Map<String, String> query = LoopbackHttp.query(http.getRequestURI().getRawQuery());
                String sinceText = query.get("changed_since");
                Instant since = sinceText == null ? null : Instant.parse(sinceText);
                String continuation = query.get("continuation");
                Instant now = Instant.now();
                if (since == null || since.isBefore(now.minusSeconds(30))) {
                    deep.incrementAndGet();
                }
                Instant afterTime = null;
                int afterId = -1;
                if (continuation != null) {
                    List<int[]> committed = pageOfToken.get(continuation);
                    if (committed != null) { // the service stored this token with the page that carried it
                        committed.forEach(v -> mustApply.add(List.of(v[0], v[1])));
                    }
                    String[] t = new String(Base64.getUrlDecoder().decode(continuation), StandardCharsets.UTF_8).split("\\|", -1);
                    if (!t[2].equals(String.valueOf(sinceText)) || now.toEpochMilli() - Long.parseLong(t[3]) > TOKEN_TTL.toMillis()) {
                        expired.incrementAndGet();
                        send(http, 400, "{\"error\":\"INVALID_CONTINUATION\",\"error_description\":\"continuation is invalid or expired\"}");
                        return;
                    }
                    afterTime = Instant.parse(t[0]);
                    afterId = Integer.parseInt(t[1]);
                }
                Thread.sleep(PAGE_DELAY_MS);
                send(http, 200, page(since, sinceText, afterTime, afterId, now));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                send(http, 400, "{\"error\":\"ARGUMENT_ERROR\",\"error_description\":\"" + e.getClass().getSimpleName() + "\"}");
            }
        }

        private String page(Instant since, String sinceText, Instant afterTime, int afterId, Instant now) {
            List<int[]> listed = new ArrayList<>(); // {id, rev}
            List<Version> listedVersions = new ArrayList<>();
            synchronized (this) {
                for (int id = 0; id < versions.size(); id++) {
                    Version v = null;
                    for (Version candidate : versions.get(id)) {
                        if (!candidate.visible().isAfter(now)) {
                            v = candidate;
                        }
                    }
                    if (v == null || since != null && v.time().truncatedTo(ChronoUnit.SECONDS).isBefore(since)) {
                        continue;
                    }
                    if (afterTime != null && (v.time().isBefore(afterTime) || v.time().equals(afterTime) && id <= afterId)) {
                        continue;
                    }
                    listed.add(new int[] {id, v.rev()});
                    listedVersions.add(v);
                }
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < listed.size(); i++) {
                order.add(i);
            }
            order.sort(Comparator.comparing((Integer i) -> listedVersions.get(i).time()).thenComparing(i -> listed.get(i)[0]));
            int to = Math.min(order.size(), PAGE_SIZE);
            boolean more = to < order.size();
            StringBuilder out = new StringBuilder(600 * PAGE_SIZE);
            out.append("{\"pagination\":{\"object_count\":").append(order.size()).append(",\"page_size\":").append(PAGE_SIZE)
                    .append(",\"has_more_items\":").append(more);
            List<int[]> page = new ArrayList<>();
            if (more) {
                int last = order.get(to - 1);
                String next = Base64.getUrlEncoder().withoutPadding().encodeToString((listedVersions.get(last).time() + "|"
                        + listed.get(last)[0] + "|" + sinceText + "|" + now.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
                out.append(",\"continuation\":\"").append(next).append('"');
                pageOfToken.put(next, page);
            }
            out.append("},\"attendees\":[");
            for (int i = 0; i < to; i++) {
                int at = order.get(i);
                out.append(i > 0 ? "," : "").append(json(listed.get(at)[0], listedVersions.get(at)));
                page.add(listed.get(at));
            }
            out.append("]}");
            pages.incrementAndGet();
            if (more) {
                hasMorePages.incrementAndGet();
            } else if (since != null && !since.isBefore(now.minusSeconds(10))) {
                liveEdge.incrementAndGet();
            }
            return out.toString();
        }

        /** An attendee as Eventbrite shows it; every revision has its own order_id and status (its own content digest). */
        static String json(int id, Version v) {
            String status = STATUSES[v.rev() % STATUSES.length];
            boolean refunded = v.rev() % 7 == 5;
            return "{\"id\":\"" + EventbriteKillRestartIT.id(id) + "\",\"changed\":\"" + v.time().truncatedTo(ChronoUnit.SECONDS)
                    + "\",\"created\":\"2026-01-01T00:00:00Z\",\"status\":\"" + status + "\",\"cancelled\":false,\"refunded\":"
                    + refunded + ",\"ticket_class_id\":\"" + (1001 + id % 3) + "\",\"ticket_class_name\":\"Class " + (id % 3)
                    + "\",\"order_id\":\"o-" + id + "-" + v.rev() + "\",\"profile\":{\"email\":\"attendee." + id
                    + "@example.com\",\"name\":\"Attendee " + id + "\"},\"costs\":{\"gross\":{\"currency\":\"USD\",\"value\":5000}}}";
        }

        private static void send(HttpExchange http, int status, String body) throws IOException {
            LoopbackHttp.send(http, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            ticks.shutdownNow();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    /** The idempotency key the service gives a version: the feed's own adapter and contract, as it configures them. */
    private static final class Keys {
        private final SourceAdapter<RawRegistration> adapter;
        private final RegistrationContract contract;
        private final Map<String, String> cache = new ConcurrentHashMap<>();

        @SuppressWarnings("unchecked")
        Keys(Map<String, String> props) {
            ConfigReader reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
            FeedConfig feed = new FeedConfigLoader(reader, SourceTypes.types()).load().get(0);
            this.adapter = (SourceAdapter<RawRegistration>) SourceTypes.create(feed, reader);
            this.contract = new RegistrationContract(FEED, RegistrationSettings.load(reader, FeedConfigLoader.prefix(FEED)),
                    Contracts.system());
        }

        String of(int id, Attendees.Version v) {
            return cache.computeIfAbsent(id + "/" + v.rev(), k -> {
                try {
                    ContractResult result = contract.check(adapter.map(JSON.readTree(Attendees.json(id, v))));
                    if (!(result instanceof ContractResult.Valid valid)) {
                        throw new IllegalStateException("attendee " + id + " rev " + v.rev() + " is not valid: " + result);
                    }
                    return valid.record().idempotencyKey();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    // ---- what the service wrote (read only while no service process runs, or from a copy) ---------------------

    private record LedgerRow(String source, String externalId, String idempotencyKey, Instant sourceUpdatedAt, int versionsSeen,
            String metadata) {
    }

    private static final class Snapshot {
        final List<LedgerRow> ledger = new ArrayList<>();
        final List<String> messageIds = new ArrayList<>();
        long messageIdsTotal;
        long rejects;
        long outbox;
        long deliveryDeadLetters;
        String cursor;

        /** A copy of the database file right after a kill, so that the service (not this JVM) recovers the real one. */
        static Snapshot afterKill(Path db, Path dir, String label) throws IOException {
            Path file = db.resolveSibling(db.getFileName() + ".mv.db");
            if (!Files.exists(file)) {
                return null;
            }
            Path copyDir = ServiceProcess.freshDirectory(dir.resolve(label));
            Files.copy(file, copyDir.resolve(file.getFileName()));
            String url = jdbcUrl(copyDir.resolve(db.getFileName()));
            try {
                Snapshot s = KilledDatabase.hasSchema(url) ? read(url) : null;
                ServiceProcess.deleteDirectory(copyDir);
                return s;
            } catch (SQLException e) {
                throw new AssertionError("cannot read a copy of the database after a SIGKILL (kept in " + copyDir + ")", e);
            }
        }

        static Snapshot read(String url) throws SQLException {
            Snapshot s = new Snapshot();
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT source, external_id, idempotency_key, source_updated_at, versions_seen,"
                        + " metadata FROM ledger_registration")) {
                    while (rs.next()) {
                        s.ledger.add(new LedgerRow(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getInt(5), rs.getString(6)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE processorName = '" + FEED + "'")) {
                    while (rs.next()) { // the repository's messageId: 12 hex digits of the version time, '-', the idempotency key
                        String messageId = rs.getString(1);
                        s.messageIds.add(messageId.length() > 13 && messageId.charAt(12) == '-' ? messageId.substring(13) : messageId);
                    }
                }
                s.messageIdsTotal = KilledDatabase.count(st, "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED");
                s.rejects = KilledDatabase.count(st, "SELECT COUNT(*) FROM rejected_record");
                s.outbox = KilledDatabase.count(st, "SELECT COUNT(*) FROM outbox");
                s.deliveryDeadLetters = KilledDatabase.count(st, "SELECT COUNT(*) FROM dead_letter WHERE kind = 'DELIVERY'");
                try (ResultSet rs = st.executeQuery("SELECT cursor_value FROM feed_cursor WHERE feed = '" + FEED + "'")) {
                    s.cursor = rs.next() ? rs.getString(1) : null;
                }
            }
            return s;
        }

        String cursorToken() throws IOException {
            if (cursor == null || !cursor.trim().startsWith("{")) {
                return null;
            }
            return JSON.readTree(cursor).path("continuation").asText(null);
        }

        /** Page commits are atomic: the keys stored = the versions the ledger counted; the mark not past the vendor's newest. */
        String consistency(Instant vendorNewest) throws IOException {
            long seen = ledger.stream().mapToLong(LedgerRow::versionsSeen).sum();
            String mark = cursor == null || !cursor.trim().startsWith("{") ? null : JSON.readTree(cursor).path("mark").asText(null);
            String found = "message ids " + messageIds.size() + ", versions seen " + seen + ", ledger rows " + ledger.size()
                    + ", mark " + mark;
            boolean markOk = mark == null || !Instant.parse(mark).isAfter(vendorNewest);
            return (seen == messageIds.size() && markOk ? "consistent, " : "NOT CONSISTENT (vendor newest " + vendorNewest + "), ") + found;
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private ServiceProcess start(Path dir, Path config) {
        ServiceProcess run = ServiceProcess.start(config, dir.resolve(String.format("run-%02d.log", runs.size() + 1)), false,
                List.of(), Map.of());
        runs.add(run);
        return run;
    }

    private static Map<String, String> feedProperties(Path db, Attendees vendor, RecordingSink sink, String token) {
        String f = FeedConfigLoader.prefix(FEED);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("vendor-poller.db.url", "jdbc:h2:file:" + db + ";WRITE_DELAY=0");
        p.put("vendor-poller.db.user", "sa");
        p.put("vendor-poller.db.password", "");
        p.put("vendor-poller.retry.max-redeliveries", "4");
        p.put("vendor-poller.retry.base-delay", "100ms");
        p.put("vendor-poller.retry.max-delay", "2s");
        p.put("vendor-poller.outbox.poll-interval-ms", "100");
        p.put("vendor-poller.outbox.batch-size", "200");
        p.put("vendor-poller.outbox.retry-delay", "500ms");
        p.put("vendor-poller.demo.enabled", "false");
        p.put("vendor-poller.feeds", FEED);
        p.put(f + "type", "eventbrite-attendees");
        p.put(f + "base-url", vendor.baseUrl());
        p.put(f + "token", token);
        p.put(f + "event-id", EVENT);
        p.put(f + "schedule.interval", "200ms");
        p.put(f + "tiers", TIERS);
        p.put(f + "lookback", "60s");
        p.put(f + "overlap", "1s");
        p.put(f + "lookback-every", "5s");
        p.put(f + "sink-uri", sink.uri(SINK));
        p.put(f + "reject-uri", sink.uri(REJECTS));
        return p;
    }

    private static Path writeConfig(Path dir, Map<String, String> props) throws IOException {
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        props.forEach((k, v) -> lines.add(k + " = " + v));
        Path config = dir.resolve("eventbrite-kill-restart.properties");
        Files.write(config, lines, StandardCharsets.UTF_8);
        return config;
    }

    private static String jdbcUrl(Path db) {
        return "jdbc:h2:file:" + db;
    }

    private static void say(String line) {
        System.out.println("[EventbriteKillRestartIT] " + line);
    }
}
