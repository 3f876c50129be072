package dev.vendorpoller.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * Header names match case-insensitively; malformed values are ignored rather than guessed.
 */
public final class RateLimitHeaders {
    static final long EPOCH_THRESHOLD = 100_000_000L;
    static final long EPOCH_MILLIS_THRESHOLD = 100_000_000_000L;
    private static final Pattern POLICY_WINDOW = Pattern.compile("(?:^|;)\\s*w\\s*=\\s*(\\d+)");
    private static final Pattern FIELD = Pattern.compile("(limit|remaining|reset)\\s*=\\s*(\\d+)");

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
                long value = Long.parseLong(m.group(2));
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
            return m.find() ? Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1)))) : Optional.empty();
        });
        return new VendorBudget(limit, remaining, reset.map(r -> resetInstant(r, now)), window, retryAfter(h.get("Retry-After"), now));
    }

    /** A reset value as an instant: a Unix timestamp (seconds or milliseconds) or seconds from {@code now}. */
    static Instant resetInstant(long value, Instant now) {
        if (value > EPOCH_MILLIS_THRESHOLD) {
            return Instant.ofEpochMilli(value);
        }
        return value > EPOCH_THRESHOLD ? Instant.ofEpochSecond(value) : now.plusSeconds(value);
    }

    /** Retry-After: delay-seconds, or an HTTP-date (RFC 9110, IMF-fixdate) turned into a delay from {@code now}. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(Map<String, String> h, String name) {
        return Optional.ofNullable(h.get(name)).map(String::trim).filter(v -> v.matches("\\d{1,18}")).map(Long::parseLong);
    }

}
