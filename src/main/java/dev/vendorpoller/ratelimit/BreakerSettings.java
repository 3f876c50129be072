package dev.vendorpoller.ratelimit;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.time.Duration;
import java.util.List;

/**
 * The account's circuit breaker (resilience4j). Durations are {@link Duration}s parsed from values with a unit
 * ({@code 30s}), never bare numbers, because the unit of a bare number changed between Camel versions.
 *
 * @param failureRatePercent opens when this share of the recorded calls failed (5xx, timeouts, resets)
 * @param minimumCalls       calls recorded before the rate counts (resilience4j's default of 100 is a day of polls)
 * @param windowCalls        the last N calls the rate is computed over
 * @param openFor            how long it stays open before it lets probes through
 * @param probes             calls let through while half-open; all must succeed to close
 */
public record BreakerSettings(int failureRatePercent, int minimumCalls, int windowCalls, Duration openFor, int probes) {

    /** Keys relative to the account's prefix. */
    public static final List<String> KEYS = List.of("breaker.failure-rate", "breaker.minimum-calls", "breaker.window",
            "breaker.open-for", "breaker.probes");

    /** Reads {@code prefix + "breaker.*"}; a bad value names its property. */
    public static BreakerSettings read(ConfigReader config, String prefix) {
        BreakerSettings d = defaults();
        String b = prefix + "breaker.";
        int window = config.positiveInt(b + "window", d.windowCalls(), 10_000);
        int minimum = config.positiveInt(b + "minimum-calls", Math.min(d.minimumCalls(), window), 10_000);
        if (minimum > window) {
            throw new ConfigException(b + "minimum-calls", "must not exceed " + b + "window (" + window + ") but was " + minimum);
        }
        return new BreakerSettings(config.percent(b + "failure-rate", d.failureRatePercent(), 100), minimum, window,
                config.positiveDuration(b + "open-for", d.openFor()), config.positiveInt(b + "probes", d.probes(), 100));
    }

    public static BreakerSettings defaults() {
        return new BreakerSettings(50, 5, 10, Duration.ofSeconds(30), 1);
    }
}
