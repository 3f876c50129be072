package dev.vendorpoller.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the rate-limit dialects vendors speak, from one response's headers:
 * <ul>
 *   <li>{@code X-RateLimit-Limit / -Remaining / -Reset} (GitHub, Twitter and most REST APIs);</li>
 *   <li>IETF {@code RateLimit-Limit / -Remaining / -Reset} with {@code RateLimit-Policy: 100;w=60}, and the later
 *       single-field form {@code RateLimit: limit=100, remaining=20, reset=30};</li>
 *   <li>{@code Retry-After} as delay-seconds or an HTTP-date.</li>
 * </ul>
 * A reset value is either a Unix timestamp or seconds until the reset. They are told apart by size: a value above
 * {@link #EPOCH_THRESHOLD} (about 3 years of seconds) is a timestamp, in milliseconds if it is above
 * {@link #EPOCH_MILLIS_THRESHOLD}. No vendor window is that long, and no epoch that short is in the future.
 * Header names match case-insensitively; malformed values are ignored rather than guessed. Hostile numbers never throw:
 * a count that does not fit 18 digits is ignored, and a wait or reset further ahead than {@link #MAX_STATED_WAIT} is
 * clamped to it (a vendor may mean a daily quota; it cannot mean a thousand years). Each header that needed this is
 * logged once as a WARN per run of the service, then at DEBUG.
 */
public final class RateLimitHeaders {
    static final long EPOCH_THRESHOLD = 100_000_000L;
    static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;
    private static final Pattern POLICY_WINDOW = Pattern.compile("(?:^|;)\\s*w\\s*=\\s*(\\d+)");
    private static final Pattern FIELD = Pattern.compile("(limit|remaining|reset)\\s*=\\s*(\\d+)");
    /** The furthest ahead a vendor's Retry-After, reset or window is taken: one day. */
    static final Duration MAX_STATED_WAIT = Duration.ofDays(1);
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.ratelimit");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private RateLimitHeaders() {
    }

    /** @param headers the response headers (any case); values may be a String or the first of a list */
    public static VendorBudget parse(Map<String, ?> headers, Instant now) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> {
            Object value = v instanceof Iterable<?> list && list.iterator().hasNext() ? list.iterator().next() : v;
            if (k != null && value != null) {
                h.put(k, value.toString().trim());
            }
        });
        Optional<Long> limit = number(h, "RateLimit-Limit").or(() -> number(h, "X-RateLimit-Limit"));
        Optional<Long> remaining = number(h, "RateLimit-Remaining").or(() -> number(h, "X-RateLimit-Remaining"));
        Optional<Long> reset = number(h, "RateLimit-Reset").or(() -> number(h, "X-RateLimit-Reset"));
        String combined = h.get("RateLimit");
        if (combined != null) {
            Matcher m = FIELD.matcher(combined.toLowerCase(Locale.ROOT));
            while (m.find()) {
                Optional<Long> parsed = digits("RateLimit " + m.group(1), m.group(2));
                if (parsed.isEmpty()) {
                    continue;
                }
                long value = parsed.get();
                switch (m.group(1)) {
                    case "limit" -> limit = limit.or(() -> Optional.of(value));
                    case "remaining" -> remaining = remaining.or(() -> Optional.of(value));
                    default -> reset = reset.or(() -> Optional.of(value));
                }
            }
        }
        Optional<Duration> window = Optional.ofNullable(h.get("RateLimit-Policy")).flatMap(p -> {
            // the first policy is the one that applies to this request: "100;w=60, 1000;w=3600"
            Matcher m = POLICY_WINDOW.matcher(p.split(",")[0]);
            return m.find() ? digits("RateLimit-Policy w", m.group(1)).map(w -> clamp("RateLimit-Policy w", w)) : Optional.empty();
        });
        return new VendorBudget(limit, remaining, reset.map(r -> resetInstant(r, now)), window, retryAfter(h.get("Retry-After"), now));
    }

    /** A run of digits as a number, or empty (with one WARN) when it does not fit 18 digits. */
    private static Optional<Long> digits(String header, String value) {
        if (value.length() > 18) {
            warn(header, value, "ignored: more than 18 digits");
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(value));
    }

    /** Seconds as a duration of at most {@link #MAX_STATED_WAIT}. */
    private static Duration clamp(String header, long seconds) {
        if (seconds > MAX_STATED_WAIT.toSeconds()) {
            warn(header, String.valueOf(seconds), "clamped to " + MAX_STATED_WAIT);
            return MAX_STATED_WAIT;
        }
        return Duration.ofSeconds(seconds);
    }

    private static void warn(String header, String value, String what) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        if (WARNED.add(header)) {
            LOG.warn("vendor sent {}: {} ({}); further such values are logged at DEBUG", header, shown, what);
        } else {
            LOG.debug("vendor sent {}: {} ({})", header, shown, what);
        }
    }

    /** A reset value as an instant: a Unix timestamp (seconds or milliseconds) or seconds from {@code now}. */
    static Instant resetInstant(long value, Instant now) {
        Instant at = value > EPOCH_MILLIS_THRESHOLD ? Instant.ofEpochMilli(value)
                : value > EPOCH_THRESHOLD ? Instant.ofEpochSecond(value) : now.plusSeconds(value);
        Instant latest = now.plus(MAX_STATED_WAIT);
        if (at.isAfter(latest)) {
            warn("RateLimit reset", String.valueOf(value), "clamped to " + MAX_STATED_WAIT + " from now");
            return latest;
        }
        return at;
    }

    /** Retry-After: delay-seconds, or an HTTP-date (RFC 9110, IMF-fixdate) turned into a delay from {@code now}. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.chars().allMatch(Character::isDigit)) {
            // more digits than a long holds is still "very long": clamped like any wait past the ceiling
            return Optional.of(value.length() > 18 ? clamp("Retry-After", Long.MAX_VALUE) : clamp("Retry-After", Long.parseLong(value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : clamp("Retry-After", wait.getSeconds()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(Map<String, String> h, String name) {
        return Optional.ofNullable(h.get(name)).map(String::trim).filter(v -> v.matches("\\d+")).flatMap(v -> digits(name, v));
    }

}
