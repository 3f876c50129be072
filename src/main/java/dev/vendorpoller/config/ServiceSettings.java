package dev.vendorpoller.config;

import java.time.Duration;

/** Service-wide settings (storage, retries, outbox, retention), validated at start-up like the feeds. */
public record ServiceSettings(
        String dbUrl,
        String dbUser,
        Secret dbPassword,
        int dbPoolSize,
        Duration idempotencyRetention,
        int outboxBatchSize,
        int outboxMaxAttempts,
        Duration outboxRetryDelay) {

    public static ServiceSettings load(ConfigReader config) {
        return new ServiceSettings(
                config.required("vendor-poller.db.url"),
                config.string("vendor-poller.db.user", "sa"),
                Secrets.register(config.string("vendor-poller.db.password", "")),
                config.positiveInt("vendor-poller.db.pool-size", 4, 64),
                config.duration("vendor-poller.idempotency.retention", Duration.ofDays(90)),
                config.positiveInt("vendor-poller.outbox.batch-size", 200, 10_000),
                config.positiveInt("vendor-poller.outbox.max-attempts", 8, 1000),
                config.duration("vendor-poller.outbox.retry-delay", Duration.ofSeconds(2)));
    }
}
