package dev.vendorpoller.bench;

import dev.vendorpoller.demo.DemoVendor;
import dev.vendorpoller.demo.RequestLog;
import dev.vendorpoller.demo.VendorLimits;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The rate-limit governor and circuit breaker of one vendor account, measured on what the vendor saw: the real
 * service runs in-process ({@link BenchService}) against an in-process {@link DemoVendor} on 127.0.0.1 whose
 * {@link VendorLimits} enforce the limits and log every request ({@link RequestLog}). Every figure below comes from that
 * log, never from the service's own counters (except the governor's learned rate, which is named as such).
 *
 * <ul>
 *   <li>{@code budget}: 20 000 records, the vendor states 100 requests / 10 s in its headers and the account configures
 *       no limits. Proves the governor learns the budget from the headers and spends all of it (&ge; 95 % of every
 *       full window) without a single 429.</li>
 *   <li>{@code hidden}: the same, plus an unannounced 5/1s tier below the stated pace. Proves the governor learns the
 *       hidden pace from a few 429s (&le; 1 % of requests refused).</li>
 *   <li>{@code outage}: a small backlog plus live records, then the vendor answers 503 for 60 s. Proves the breaker
 *       opens after a few calls, lets only its probes through while open, and recovery comes within one probe
 *       interval of the outage's end.</li>
 * </ul>
 *
 * <p>Run: {@code bench/governor.sh budget|hidden|outage}; {@code budget} and {@code hidden} take an optional header
 * dialect ({@code IETF} default, or {@code X}) and reset form ({@code DELTA} default, or {@code EPOCH}), e.g.
 * {@code bench/governor.sh budget X EPOCH}. Service logs are cut to WARN ({@code -Dbench.log=INFO} for more).
 */
public final class GovernorBenchmark {
    static final int BACKLOG = 20_000;
    static final String STATED = "100/10s";
    static final long STATED_LIMIT = 100;
    static final long STATED_WINDOW_MILLIS = 10_000;
    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private GovernorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        String dialect = args.length > 1 ? args[1] : "IETF";
        String reset = args.length > 2 ? args[2] : "DELTA";
        quietServiceLogs();
        switch (args[0]) {
            case "budget" -> budget(dialect, reset);
            case "hidden" -> hidden(dialect, reset);
            case "outage" -> outage();
            default -> usage();
        }
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: bench/governor.sh budget|hidden|outage [IETF|X] [DELTA|EPOCH]");
        System.exit(2);
    }

    private static void quietServiceLogs() {
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.toLevel(System.getProperty("bench.log", "WARN")));
    }

    // ---------------------------------------------------------------------------------------------------- budget

    static void budget(String dialect, String reset) throws Exception {
        VendorLimits limits = VendorLimits.parse(STATED, "", dialect, reset, 0);
        System.out.printf("budget: %,d records, page size 40, vendor states %s (%s headers, %s resets), account: no limits, reserve 0%n",
                BACKLOG, STATED, limits.dialect(), limits.resetForm());
        Drained run = drain(limits, 40, Map.of("reserve", "0"));

        SortedMap<Long, long[]> windows = perWindow(run.log(), STATED_WINDOW_MILLIS);
        List<Long> full = fullWindows(windows, STATED_WINDOW_MILLIS);
        System.out.println("vendor windows (aligned 10 s; full = strictly between the first and the last window with traffic):");
        System.out.println("  window start (UTC)  accepted  429s  budget used  full");
        windows.forEach((start, c) -> System.out.printf("  %-18s  %8d  %4d  %11.2f  %s%n",
                CLOCK.format(Instant.ofEpochMilli(start)), c[0], c[1], c[0] / (double) STATED_LIMIT, full.contains(start) ? "yes" : "-"));

        double min = full.stream().mapToDouble(w -> windows.get(w)[0] / (double) STATED_LIMIT).min().orElse(0);
        double mean = full.stream().mapToDouble(w -> windows.get(w)[0] / (double) STATED_LIMIT).average().orElse(0);
        long refused = count(run.log(), 429);
        System.out.printf("requests: %d; 429s: %d; full windows: %d; budget used per full window: min %.2f, mean %.2f%n",
                run.log().size(), refused, full.size(), min, mean);
        run.printThroughput();
        String budgetBar = min >= 0.95 ? "PASS (min)" : mean >= 0.95 ? "FAIL on min (mean would pass)" : "FAIL (min and mean)";
        System.out.printf("bars: >= 95%% of the budget in every full window: %s; 0 x 429: %s; >= 3 full windows: %s%n",
                budgetBar, pass(refused == 0 && run.complete()), pass(full.size() >= 3));
    }

    /** Window start -> {accepted (200), refused (429)} for every aligned window from the first to the last request. */
    static SortedMap<Long, long[]> perWindow(List<RequestLog.Entry> log, long windowMillis) {
        SortedMap<Long, long[]> windows = new TreeMap<>();
        if (log.isEmpty()) {
            return windows;
        }
        long first = Math.floorDiv(log.get(0).arrivalMillis(), windowMillis) * windowMillis;
        long last = Math.floorDiv(log.get(log.size() - 1).arrivalMillis(), windowMillis) * windowMillis;
        for (long w = first; w <= last; w += windowMillis) {
            windows.put(w, new long[2]);
        }
        for (RequestLog.Entry e : log) {
            long[] c = windows.get(Math.floorDiv(e.arrivalMillis(), windowMillis) * windowMillis);
            if (e.status() == 200) {
                c[0]++;
            } else if (e.status() == 429) {
                c[1]++;
            }
        }
        return windows;
    }

    /**
     * Windows the poller was busy for from start to end: all but the first (it started part-way in) and the last (the
     * backlog ran out in it). Windows without traffic in between stay in, and count as 0 % used.
     */
    static List<Long> fullWindows(SortedMap<Long, long[]> windows, long windowMillis) {
        if (windows.size() < 3) {
            return List.of();
        }
        return new ArrayList<>(windows.subMap(windows.firstKey() + windowMillis, windows.lastKey()).keySet());
    }

    // ---------------------------------------------------------------------------------------------------- hidden

    static void hidden(String dialect, String reset) throws Exception {
        VendorLimits limits = VendorLimits.parse(STATED, "5/1s", dialect, reset, 0);
        System.out.printf("hidden: %,d records, page size 50, vendor states %s (%s headers, %s resets) and hides 5/1s; "
                + "account: no limits, reserve 0, learn-limits on%n", BACKLOG, STATED, limits.dialect(), limits.resetForm());
        Drained run = drain(limits, 50, Map.of("reserve", "0", "learn-limits", "true"));

        long refused = count(run.log(), 429);
        double share = run.log().isEmpty() ? 0 : refused / (double) run.log().size();
        long firstArrival = run.log().isEmpty() ? 0 : run.log().get(0).arrivalMillis();
        List<String> refusedAt = run.log().stream().filter(e -> e.status() == 429)
                .map(e -> String.format("%.1f", (e.arrivalMillis() - firstArrival) / 1000.0)).toList();
        long maxPerSecond = perWindow(run.log(), 1000).values().stream().mapToLong(c -> c[0]).max().orElse(0);
        System.out.printf("requests: %d; 429s: %d (%.2f %%), at s after the first request: %s%n",
                run.log().size(), refused, share * 100, refusedAt);
        System.out.printf("most accepted in one aligned second: %d; governor's learned rate at the end: %.2f/s%n",
                maxPerSecond, run.learnedRate());
        run.printThroughput();
        System.out.printf("bars: <= 1 %% of requests answered 429: %s%n", pass(share <= 0.01 && run.complete()));
    }

    // ---------------------------------------------------------------------------------------------------- drain

    /** What the vendor saw while the service drained the whole backlog. */
    record Drained(boolean complete, double seconds, List<RequestLog.Entry> log, double learnedRate) {
        void printThroughput() {
            double vendorSpan = log.size() < 2 ? 0 : (log.get(log.size() - 1).arrivalMillis() - log.get(0).arrivalMillis()) / 1000.0;
            System.out.printf("elapsed: %.1f s from service start to the last page committed (%.1f s first to last request "
                    + "at the vendor); %.0f records/s%s%n", seconds, vendorSpan, BACKLOG / seconds,
                    complete ? "" : "; INCOMPLETE: timed out before the backlog was committed");
        }
    }

    /** Starts vendor and service, waits until the service committed the whole backlog, stops both. */
    static Drained drain(VendorLimits limits, int pageSize, Map<String, String> account) throws Exception {
        try (DemoVendor vendor = new DemoVendor(new DemoVendor.Options(0, BenchService.TOKEN, BACKLOG, 1_000_000, 0.0, 0, 0, false))
                .limits(limits).start();
                BenchService service = BenchService.start(url(vendor),
                        Map.of("page-size", "" + pageSize, "schedule.interval", "1s"), account)) {
            long start = System.nanoTime();
            boolean complete = await(DRAIN_TIMEOUT, () -> service.committedPosition() >= BACKLOG);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Drained(complete, seconds, limits.log().entries(), service.account().governor().learnedRate());
        }
    }

    // ---------------------------------------------------------------------------------------------------- outage

    static final Duration OUTAGE = Duration.ofSeconds(60);
    static final Duration OPEN_FOR = Duration.ofSeconds(10);
    static final int PROBES = 1;
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** A state transition of the account's breaker, when the breaker published it. */
    record Transition(long atMillis, CircuitBreaker.State from, CircuitBreaker.State to) {
    }

    static void outage() throws Exception {
        VendorLimits limits = VendorLimits.none();
        System.out.printf("outage: 2,000 records backlog + 10 live/s, page size 100, schedule %ds; breaker failure-rate 50%%, "
                + "minimum-calls 5, window 10, open-for %ds, probes %d; retries at service defaults; outage %ds%n",
                INTERVAL.toSeconds(), OPEN_FOR.toSeconds(), PROBES, OUTAGE.toSeconds());
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        long t0;
        long down;
        long up;
        List<RequestLog.Entry> log;
        try (DemoVendor vendor = new DemoVendor(new DemoVendor.Options(0, BenchService.TOKEN, 2_000, 1_000_000, 0.0, 10, 0, false))
                .limits(limits).start();
                BenchService service = BenchService.start(url(vendor),
                        Map.of("page-size", "100", "schedule.interval", INTERVAL.toSeconds() + "s"),
                        Map.of("breaker.failure-rate", "50", "breaker.minimum-calls", "5", "breaker.window", "10",
                                "breaker.open-for", OPEN_FOR.toSeconds() + "s", "breaker.probes", "" + PROBES))) {
            service.account().breaker().getEventPublisher().onStateTransition(e -> transitions.add(new Transition(
                    System.currentTimeMillis(), e.getStateTransition().getFromState(), e.getStateTransition().getToState())));
            t0 = System.currentTimeMillis();
            boolean caughtUp = await(Duration.ofSeconds(15), vendor::caughtUp);
            down = System.currentTimeMillis();
            System.out.printf("[%5.1f s] backlog %s; vendor down (503) for %d s%n", (down - t0) / 1000.0,
                    caughtUp ? "caught up" : "not caught up after 15 s", OUTAGE.toSeconds());
            limits.down(true);
            Thread.sleep(OUTAGE.toMillis());
            limits.down(false);
            up = System.currentTimeMillis();
            System.out.printf("[%5.1f s] vendor up again%n", (up - t0) / 1000.0);
            boolean recovered = await(Duration.ofSeconds(60), () -> limits.log().count(e -> e.arrivalMillis() >= up && e.status() == 200) > 0);
            System.out.printf("[%5.1f s] %s; running 10 s more%n", (System.currentTimeMillis() - t0) / 1000.0,
                    recovered ? "first 200 after the outage" : "no 200 within 60 s of the outage's end");
            Thread.sleep(10_000);
            log = limits.log().entries();
        }
        reportOutage(log, transitions, t0, down, up);
    }

    private static void reportOutage(List<RequestLog.Entry> log, List<Transition> transitions, long t0, long down, long up) {
        System.out.println("breaker transitions (s after the outage began):");
        transitions.forEach(t -> System.out.printf("  %+7.2f  %s -> %s%n", (t.atMillis() - down) / 1000.0, t.from(), t.to()));
        Optional<Long> opened = transitions.stream().filter(t -> t.atMillis() >= down && t.from() == CircuitBreaker.State.CLOSED
                && t.to() == CircuitBreaker.State.OPEN).map(Transition::atMillis).findFirst();
        Optional<Long> closed = transitions.stream().filter(t -> t.atMillis() >= up && t.to() == CircuitBreaker.State.CLOSED)
                .map(Transition::atMillis).findFirst();

        List<RequestLog.Entry> before = log.stream().filter(e -> e.arrivalMillis() < down).toList();
        List<RequestLog.Entry> during = log.stream().filter(e -> e.arrivalMillis() >= down && e.arrivalMillis() < up).toList();
        long openedAt = opened.orElse(Long.MAX_VALUE);
        List<Long> toOpen = during.stream().map(RequestLog.Entry::arrivalMillis).filter(t -> t <= openedAt).toList();
        List<Long> probes = during.stream().map(RequestLog.Entry::arrivalMillis).filter(t -> t > openedAt).toList();
        long expectedProbes = (long) Math.ceil(OUTAGE.toMillis() / (double) OPEN_FOR.toMillis()) * PROBES;
        Optional<Long> firstOk = log.stream().filter(e -> e.arrivalMillis() >= up && e.status() == 200)
                .map(RequestLog.Entry::arrivalMillis).findFirst();
        long recoveryRule = OPEN_FOR.toMillis() + INTERVAL.toMillis();

        System.out.printf("before the outage: %d requests (%d x 200) in %.1f s%n", before.size(), count(before, 200), (down - t0) / 1000.0);
        System.out.printf("during the outage: %d requests (%d x 503)%n", during.size(), count(during, 503));
        System.out.printf("  (a) until the breaker opened: %d calls; it opened %s%n", toOpen.size(),
                opened.map(o -> String.format("%.2f s after the outage began", (o - down) / 1000.0)).orElse("NEVER"));
        System.out.printf("  (b) after it opened (probes): %d; expected at most ceil(%d s / %d s) x %d = %d%n", probes.size(),
                OUTAGE.toSeconds(), OPEN_FOR.toSeconds(), PROBES, expectedProbes);
        System.out.printf("  probes at s after opening: %s; spacing s: %s%n", seconds(probes, openedAt), spacing(probes));
        System.out.printf("after the outage: %d requests (%d x 200); first 200 %s; breaker CLOSED %s%n",
                log.size() - before.size() - during.size(), count(log.stream().filter(e -> e.arrivalMillis() >= up).toList(), 200),
                firstOk.map(t -> String.format("%.2f s after it ended", (t - up) / 1000.0)).orElse("NEVER"),
                closed.map(t -> String.format("%.2f s after it ended", (t - up) / 1000.0)).orElse("NEVER"));
        System.out.printf("bars: requests after the breaker opened <= expected probes (%d): %s; first 200 within one probe "
                + "interval (open-for %d s + schedule %d s = %d s) of the outage's end: %s%n", expectedProbes,
                pass(opened.isPresent() && probes.size() <= expectedProbes), OPEN_FOR.toSeconds(), INTERVAL.toSeconds(),
                recoveryRule / 1000, pass(firstOk.isPresent() && firstOk.get() - up <= recoveryRule));
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    static String url(DemoVendor vendor) {
        return "http://127.0.0.1:" + vendor.port();
    }

    static long count(List<RequestLog.Entry> log, int status) {
        return log.stream().filter(e -> e.status() == status).count();
    }

    static String pass(boolean ok) {
        return ok ? "PASS" : "FAIL";
    }

    static List<String> seconds(List<Long> times, long from) {
        return times.stream().map(t -> String.format("%.2f", (t - from) / 1000.0)).toList();
    }

    static List<String> spacing(List<Long> times) {
        List<String> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(String.format("%.2f", (times.get(i) - times.get(i - 1)) / 1000.0));
        }
        return gaps;
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls every 50 ms; false if {@code timeout} passed first. */
    static boolean await(Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }
}
