package dev.vendorpoller.delivery;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.time.Duration;
import java.util.List;

/**
 * How the outbox drain delivers ({@code vendor-poller.outbox.*}), validated at start-up.
 *
 * @param batchSize     messages read per drain pass
 * @param maxAttempts   attempts before a delivery is dead-lettered
 * @param retryDelay    the base of the full-jitter backoff between attempts
 * @param maxRetryDelay its cap, at least {@code retryDelay}
 */
public record DeliverySettings(int batchSize, int maxAttempts, Duration retryDelay, Duration maxRetryDelay) {
    static final String MAX_RETRY_DELAY = "vendor-poller.outbox.max-retry-delay";
    /** The outbox keys ({@code poll-interval-ms} is read by routes/outbox-drain.yaml). */
    public static final List<String> KEYS = List.of("vendor-poller.outbox.poll-interval-ms", "vendor-poller.outbox.batch-size",
            "vendor-poller.outbox.max-attempts", "vendor-poller.outbox.retry-delay", MAX_RETRY_DELAY);

    public static DeliverySettings load(ConfigReader config) {
        Duration retryDelay = config.duration("vendor-poller.outbox.retry-delay", Duration.ofSeconds(2));
        Duration cap = config.duration(MAX_RETRY_DELAY, Duration.ofMinutes(2));
        if (cap.compareTo(retryDelay) < 0) {
            throw new ConfigException(MAX_RETRY_DELAY, "(" + cap + ") must be at least"
                    + " vendor-poller.outbox.retry-delay (" + retryDelay + ")");
        }
        return new DeliverySettings(
                config.positiveInt("vendor-poller.outbox.batch-size", 200, 10_000),
                config.positiveInt("vendor-poller.outbox.max-attempts", 8, 1000),
                retryDelay, cap);
    }
}
