package dev.vendorpoller.ratelimit;

import java.time.Duration;

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

    public static BreakerSettings defaults() {
        return new BreakerSettings(50, 5, 10, Duration.ofSeconds(30), 1);
    }
}
