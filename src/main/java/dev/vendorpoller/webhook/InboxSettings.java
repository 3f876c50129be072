package dev.vendorpoller.webhook;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfigLoader;
import java.time.Duration;
import java.util.List;

/**
 * How the webhook inbox is drained ({@code vendor-poller.webhooks.*}, routes/webhook-inbox.yaml), validated at
 * start-up.
 *
 * @param batchSize     inbox rows a pass takes at most (due PENDING rows, in id order)
 * @param maxAttempts   attempts before a row that keeps failing becomes FAILED with a WEBHOOK dead letter
 * @param retryDelay    the base of the full-jitter backoff between attempts
 * @param maxRetryDelay its cap, at least {@code retryDelay}
 */
public record InboxSettings(int batchSize, int maxAttempts, Duration retryDelay, Duration maxRetryDelay) {
    static final String PREFIX = "vendor-poller.webhooks.";
    /** The drain's timer period in milliseconds [500] (read by routes/webhook-inbox.yaml). */
    public static final String DRAIN_INTERVAL = PREFIX + "drain-interval-ms";
    /** The coverage pass's period in milliseconds [10000] (read by routes/webhook-inbox.yaml). */
    public static final String COVERAGE_INTERVAL = PREFIX + "coverage-interval-ms";
    static final String MAX_RETRY_DELAY = PREFIX + "max-retry-delay";
    /** Every service-wide key of the processing side. */
    public static final List<String> KEYS = List.of(DRAIN_INTERVAL, PREFIX + "batch-size", PREFIX + "max-attempts",
            PREFIX + "retry-delay", MAX_RETRY_DELAY, COVERAGE_INTERVAL);

    /** A feed's webhook style (stripe, standard-webhooks, eventbrite, hmac): the receivers' key; set = the feed has a webhook. */
    public static final String STYLE = "webhook.style";
    /** How long after the poll first saw a version a webhook may still announce it before it counts as missed [10m]. */
    public static final String GRACE = "webhook.grace";
    /** The feed keys (relative to the feed's prefix) the processing side reads. */
    public static final List<String> FEED_KEYS = List.of(STYLE, GRACE);
    /** The styles the drain knows how to map. */
    public static final List<String> STYLES = List.of("stripe", "standard-webhooks", "eventbrite", "hmac");

    public static InboxSettings load(ConfigReader config) {
        Duration retryDelay = config.duration(PREFIX + "retry-delay", Duration.ofSeconds(2));
        Duration cap = config.duration(MAX_RETRY_DELAY, Duration.ofMinutes(5));
        if (cap.compareTo(retryDelay) < 0) {
            throw new ConfigException(MAX_RETRY_DELAY, "(" + cap + ") must be at least " + PREFIX + "retry-delay ("
                    + retryDelay + ")");
        }
        config.positiveInt(DRAIN_INTERVAL, 500, 3_600_000);
        config.positiveInt(COVERAGE_INTERVAL, 10_000, 3_600_000);
        return new InboxSettings(config.positiveInt(PREFIX + "batch-size", 100, 10_000),
                config.positiveInt(PREFIX + "max-attempts", 5, 1000), retryDelay, cap);
    }

    /** The feed's grace [10m], at least one second. */
    public static Duration grace(ConfigReader config, String feed) {
        String key = FeedConfigLoader.prefix(feed) + GRACE;
        Duration grace = config.duration(key, Duration.ofMinutes(10));
        if (grace.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(key, "must be at least 1s but was " + grace);
        }
        return grace;
    }
}
