package dev.vendorpoller.ratelimit;

import dev.vendorpoller.config.ConfigReader;
import java.time.Duration;
import java.util.List;

/**
 * How one vendor account's request budget is spent. Keys under {@code vendor-poller.account.<name>.}; see README
 * "Rate limits and resilience".
 *
 * @param tiers          configured limits, all enforced at once (e.g. 10/1s and 300/1m)
 * @param reservePercent share of every limit kept back, configured or stated by the vendor (0–50)
 * @param maxConcurrent  requests in flight at once across every feed and sink on the account (1: one at a time)
 * @param maxWait        the longest a request waits for budget; beyond it the run is deferred, not blocked
 * @param learnLimits    lower the rate after a 429 that no known limit explains, then creep back up
 */
public record GovernorSettings(List<RateTier> tiers, int reservePercent, int maxConcurrent, Duration maxWait,
        boolean learnLimits) {

    /** Keys relative to the account's prefix. */
    public static final List<String> KEYS = List.of("limits", "reserve", "max-concurrent", "max-wait", "learn-limits");

    /** Reads {@code prefix + limits|reserve|max-concurrent|max-wait|learn-limits}; a bad value names its property. */
    public static GovernorSettings read(ConfigReader config, String prefix) {
        return new GovernorSettings(
                RateTier.parseAll(prefix + "limits", config.optional(prefix + "limits").orElse("")),
                config.percent(prefix + "reserve", 0, 50),
                config.positiveInt(prefix + "max-concurrent", 8, 1000),
                config.positiveDuration(prefix + "max-wait", Duration.ofMinutes(2)),
                config.bool(prefix + "learn-limits", true));
    }

    public static GovernorSettings unlimited() {
        return new GovernorSettings(List.of(), 0, Integer.MAX_VALUE, Duration.ofMinutes(5), true);
    }

    /** A limit with the reserve taken off, never below one request. */
    long usable(long limit) {
        return Math.max(1, limit - reserved(limit));
    }

    /** Requests kept back from a limit of {@code limit}. */
    long reserved(long limit) {
        return (long) Math.ceil(limit * reservePercent / 100.0);
    }
}
