package dev.vendorpoller.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo vendor's limits, enforced like a real vendor's so the rate-limit governor can be tested and benchmarked
 * against something that pushes back: an outage switch, a cap on requests in flight, stated tiers (the first is
 * announced on every response) and hidden tiers (an undocumented per-second limit, say). Tiers are fixed windows
 * aligned to multiples of their length since the Unix epoch, and only accepted requests spend budget, so a client that
 * honours Retry-After always gets in. Every request that reaches this stage goes into the {@link #log()}.
 */
public final class VendorLimits {

    /** {@code limit} requests per fixed window of {@code windowMillis}. */
    public record Tier(long limit, long windowMillis) {
        public Tier {
            if (limit < 0 || windowMillis <= 0) {
                throw new IllegalArgumentException("a tier needs limit >= 0 and a window > 0: " + limit + "/" + windowMillis + "ms");
            }
        }

        long windowStart(long nowMillis) {
            return Math.floorDiv(nowMillis, windowMillis) * windowMillis;
        }
    }

    /** How the first stated tier is announced: {@code X-RateLimit-*}, or IETF {@code RateLimit-*} with a policy. */
    public enum Dialect { X, IETF }

    /** A reset as Unix seconds of the window end, or as seconds until it; both rounded up, never early. */
    public enum ResetForm { EPOCH, DELTA }

    /** What the limits stage decided; only ADMITTED requests reach the vendor's own logic. */
    public enum Verdict { ADMITTED, RATE_LIMITED, BUSY, OUTAGE }

    private static final Pattern TIER = Pattern.compile("(\\d{1,12})\\s*/\\s*(\\d{1,9})\\s*(ms|s|m|h)");

    private final List<Tier> stated;
    private final List<Tier> hidden;
    private final Dialect dialect;
    private final ResetForm resetForm;
    private final int maxConcurrent;
    private final long[] windowStarts;
    private final long[] counts;
    private final RequestLog log = new RequestLog();
    private volatile boolean down;
    private int inFlight;

    /** @param maxConcurrent requests allowed in flight at once; 0 for no cap */
    public VendorLimits(List<Tier> stated, List<Tier> hidden, Dialect dialect, ResetForm resetForm, int maxConcurrent) {
        if (maxConcurrent < 0) {
            throw new IllegalArgumentException("maxConcurrent must be >= 0: " + maxConcurrent);
        }
        this.stated = List.copyOf(stated);
        this.hidden = List.copyOf(hidden);
        this.dialect = Objects.requireNonNull(dialect);
        this.resetForm = Objects.requireNonNull(resetForm);
        this.maxConcurrent = maxConcurrent;
        int tiers = this.stated.size() + this.hidden.size();
        this.windowStarts = new long[tiers];
        this.counts = new long[tiers];
    }

    /** No tiers and no cap: only the outage switch and the log. */
    public static VendorLimits none() {
        return new VendorLimits(List.of(), List.of(), Dialect.X, ResetForm.EPOCH, 0);
    }

    /**
     * From config strings, as {@link DemoVendor#main} takes them: tiers {@code "100/10s,5/1s"} (units ms, s, m, h),
     * dialect {@code X|IETF}, reset form {@code EPOCH|DELTA} (both any case). Null or blank means no tiers, X, EPOCH.
     */
    public static VendorLimits parse(String stated, String hidden, String dialect, String resetForm, int maxConcurrent) {
        return new VendorLimits(tiers(stated), tiers(hidden), option(Dialect.class, dialect, Dialect.X),
                option(ResetForm.class, resetForm, ResetForm.EPOCH), maxConcurrent);
    }

    /** {@code "100/10s,5/1s"} as tiers; null or blank is none; a bad entry is named in the exception. */
    public static List<Tier> tiers(String spec) {
        List<Tier> tiers = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return tiers;
        }
        for (String entry : spec.split(",", -1)) {
            Matcher m = TIER.matcher(entry.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("bad rate-limit tier '" + entry.trim() + "' (expected e.g. 100/10s; units ms, s, m, h)");
            }
            long unit = switch (m.group(3)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            try {
                tiers.add(new Tier(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * unit));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad rate-limit tier '" + entry.trim() + "': " + e.getMessage(), e);
            }
        }
        return tiers;
    }

    private static <E extends Enum<E>> E option(Class<E> type, String value, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + type.getSimpleName() + " '" + value + "' (expected one of "
                    + List.of(type.getEnumConstants()) + ")", e);
        }
    }

    /** Starts or ends an outage: while down every request gets 503 at once. */
    public VendorLimits down(boolean down) {
        this.down = down;
        return this;
    }

    public boolean isDown() {
        return down;
    }

    public List<Tier> stated() {
        return stated;
    }

    public List<Tier> hidden() {
        return hidden;
    }

    public Dialect dialect() {
        return dialect;
    }

    public ResetForm resetForm() {
        return resetForm;
    }

    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** Every request that reached the limits stage, with the status it finally got. */
    public RequestLog log() {
        return log;
    }

    /**
     * Decides one request. Checking every tier and then counting it in all of them happens under one lock, so
     * concurrent requests cannot overshoot a tier or the in-flight cap. An admitted request holds its in-flight slot
     * until {@link Admission#finish} is called.
     */
    synchronized Admission admit() {
        long now = System.currentTimeMillis();
        int already = inFlight;
        if (down) {
            return rejected(now, already, Verdict.OUTAGE, 503, "outage", Map.of());
        }
        if (maxConcurrent > 0 && already >= maxConcurrent) {
            return rejected(now, already, Verdict.BUSY, 503, "busy", announce(now));
        }
        long retryAtMillis = -1;
        for (int i = 0; i < counts.length; i++) {
            Tier tier = tier(i);
            if (spent(i, now) >= tier.limit()) {
                retryAtMillis = Math.max(retryAtMillis, tier.windowStart(now) + tier.windowMillis());
            }
        }
        if (retryAtMillis >= 0) {
            Map<String, String> headers = new LinkedHashMap<>(announce(now));
            headers.put("Retry-After", Long.toString(Math.max(1, ceilSeconds(retryAtMillis - now))));
            return rejected(now, already, Verdict.RATE_LIMITED, 429, "rate limited", headers);
        }
        for (int i = 0; i < counts.length; i++) {
            spent(i, now); // rolls the window over if it ended
            counts[i]++;
        }
        inFlight++;
        return new Admission(this, now, already, Verdict.ADMITTED, 0, null, announce(now));
    }

    private Admission rejected(long now, int already, Verdict verdict, int status, String error, Map<String, String> headers) {
        Admission a = new Admission(this, now, already, verdict, status,
                ("{\"error\":\"" + error + "\"}").getBytes(StandardCharsets.UTF_8), headers);
        log.record(new RequestLog.Entry(now, status, verdict, already));
        a.finished.set(true);
        return a;
    }

    private synchronized void release(Admission a, int status) {
        inFlight--;
        log.record(new RequestLog.Entry(a.arrivalMillis, status, a.verdict, a.inFlightAtArrival));
    }

    private Tier tier(int i) {
        return i < stated.size() ? stated.get(i) : hidden.get(i - stated.size());
    }

    /** Requests counted in tier i's current window; a window that has ended is reset first. */
    private long spent(int i, long now) {
        long start = tier(i).windowStart(now);
        if (windowStarts[i] != start) {
            windowStarts[i] = start;
            counts[i] = 0;
        }
        return counts[i];
    }

    /** The first stated tier's headers in the configured dialect and reset form; none without a stated tier. */
    private Map<String, String> announce(long now) {
        if (stated.isEmpty()) {
            return Map.of();
        }
        Tier tier = stated.get(0);
        long end = tier.windowStart(now) + tier.windowMillis();
        long remaining = Math.max(0, tier.limit() - spent(0, now));
        long reset = resetForm == ResetForm.EPOCH ? ceilSeconds(end) : ceilSeconds(end - now);
        String prefix = dialect == Dialect.X ? "X-RateLimit-" : "RateLimit-";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(prefix + "Limit", Long.toString(tier.limit()));
        headers.put(prefix + "Remaining", Long.toString(remaining));
        headers.put(prefix + "Reset", Long.toString(reset));
        if (dialect == Dialect.IETF) {
            headers.put("RateLimit-Policy", tier.limit() + ";w=" + Math.max(1, ceilSeconds(tier.windowMillis())));
        }
        return headers;
    }

    private static long ceilSeconds(long millis) {
        return Math.floorDiv(millis + 999, 1000);
    }

    @Override
    public String toString() {
        return "stated " + stated + ", hidden " + hidden + ", " + dialect + "/" + resetForm
                + (maxConcurrent > 0 ? ", at most " + maxConcurrent + " in flight" : "") + (down ? ", DOWN" : "");
    }

    /**
     * One request's decision. A rejected one carries the status, body and headers to send; an admitted one carries
     * the announce headers and must be finished with the status finally sent, before sending it, so a client's next
     * request never finds this one's slot still taken.
     */
    static final class Admission {
        private final VendorLimits limits;
        private final long arrivalMillis;
        private final int inFlightAtArrival;
        private final Verdict verdict;
        private final int status;
        private final byte[] body;
        private final Map<String, String> headers;
        private final AtomicBoolean finished = new AtomicBoolean();

        private Admission(VendorLimits limits, long arrivalMillis, int inFlightAtArrival, Verdict verdict, int status,
                byte[] body, Map<String, String> headers) {
            this.limits = limits;
            this.arrivalMillis = arrivalMillis;
            this.inFlightAtArrival = inFlightAtArrival;
            this.verdict = verdict;
            this.status = status;
            this.body = body;
            this.headers = Map.copyOf(headers);
        }

        boolean admitted() {
            return verdict == Verdict.ADMITTED;
        }

        Verdict verdict() {
            return verdict;
        }

        int status() {
            return status;
        }

        byte[] body() {
            return body;
        }

        /** Headers for whatever response this request gets (the announced tier, Retry-After). */
        Map<String, String> headers() {
            return headers;
        }

        /** Frees the slot and logs {@code status}; later calls do nothing. */
        void finish(int status) {
            if (finished.compareAndSet(false, true)) {
                limits.release(this, status);
            }
        }
    }
}
