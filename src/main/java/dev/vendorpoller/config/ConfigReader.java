package dev.vendorpoller.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, fail-fast access to properties. Every lookup goes through one resolver (Camel's properties component in
 * the service) so a value can come from the properties file, a {@code -D} system property or an environment
 * variable (VENDOR_POLLER_FEED_X_TOKEN overrides vendor-poller.feed.x.token).
 */
public final class ConfigReader {
    /** A shell-style {@code ${NAME}}: properties files do not expand it, and sending it as a token fails late (a 401). */
    private static final Pattern SHELL_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final Function<String, Optional<String>> resolver;

    public ConfigReader(Function<String, Optional<String>> resolver) {
        this.resolver = resolver;
    }

    public Optional<String> optional(String key) {
        Optional<String> value = resolver.apply(key).map(String::trim).filter(v -> !v.isEmpty());
        value.map(SHELL_VARIABLE::matcher).filter(Matcher::matches).ifPresent(m -> {
            throw new ConfigException(key, "is '${" + m.group(1) + "}', which is not expanded: write {{env:" + m.group(1)
                    + "}} to read the environment variable");
        });
        return value;
    }

    public String required(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(key, "is required but not set"));
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public int positiveInt(String key, int defaultValue, int max) {
        return optional(key).map(raw -> wholeNumber(key, raw, 1, max, "must be between 1 and " + max,
                "must be a whole number")).orElse(defaultValue);
    }

    /** A whole percentage, written {@code 5} or {@code 5%}, from 0 to {@code max}. */
    public int percent(String key, int defaultValue, int max) {
        return optional(key).map(v -> v.endsWith("%") ? v.substring(0, v.length() - 1).trim() : v)
                .map(raw -> wholeNumber(key, raw, 0, max, "must be a percentage from 0 to " + max,
                        "must be a whole percentage (e.g. 5%)")).orElse(defaultValue);
    }

    private static int wholeNumber(String key, String raw, int min, int max, String outOfRange, String notANumber) {
        int value;
        try {
            value = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, notANumber + " but was '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(key, outOfRange + " but was " + value);
        }
        return value;
    }

    public boolean bool(String key, boolean defaultValue) {
        String raw = optional(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
            throw new ConfigException(key, "must be true or false but was '" + raw + "'");
        }
        return Boolean.parseBoolean(raw);
    }

    /** Durations are written with a unit ({@code 500ms}, {@code 5s}, {@code 10m}, {@code 2h}, {@code 30d}), never bare. */
    public Duration duration(String key, Duration defaultValue) {
        return optional(key).map(raw -> parseDuration(key, raw)).orElse(defaultValue);
    }

    /** A duration with a unit that must be longer than zero. */
    public Duration positiveDuration(String key, Duration defaultValue) {
        Duration value = duration(key, defaultValue);
        if (value != null && value.isZero()) {
            throw new ConfigException(key, "must be longer than zero");
        }
        return value;
    }

    /**
     * {@code vendorValue:CANONICAL,…} pairs (a malformed entry is reported as not looking like {@code shape}) in configured order (e.g. {@code GA-2026:GENERAL_ADMISSION}); the last
     * colon splits, so a vendor value may hold colons. Empty when unset.
     */
    public Map<String, String> pairs(String key, String shape) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : optional(key).orElse("").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(key, "entry '" + entry.trim() + "' must look like " + shape);
            }
            pairs.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }
        return pairs;
    }

    public static Duration parseDuration(String key, String raw) {
        var m = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(raw.trim());
        if (!m.matches()) {
            throw new ConfigException(key, "must be a duration with a unit (e.g. 500ms, 5s, 10m, 2h, 30d) but was '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
