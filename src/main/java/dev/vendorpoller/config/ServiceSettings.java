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
        String url = config.required("vendor-poller.db.url");
        return new ServiceSettings(
                url,
                config.string("vendor-poller.db.user", "sa"),
                Secrets.register(config.string("vendor-poller.db.password", "")),
                // Embedded H2 gets one connection: transactions then never interleave, so H2 only stores a page's rows
                // at that page's own commit, never mid-transaction through another one's (outbox drain) commit. A
                // SIGKILL in that window once left a half-recovered page (README "Known issues").
                config.positiveInt("vendor-poller.db.pool-size", url.startsWith("jdbc:h2:") ? 1 : 4, 64),
                config.duration("vendor-poller.idempotency.retention", Duration.ofDays(90)),
                config.positiveInt("vendor-poller.outbox.batch-size", 200, 10_000),
                config.positiveInt("vendor-poller.outbox.max-attempts", 8, 1000),
                config.duration("vendor-poller.outbox.retry-delay", Duration.ofSeconds(2)));
    }
}
