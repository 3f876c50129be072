package dev.vendorpoller.store;

import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.time.Duration;

/**
 * Where the service keeps its state, and for how long it remembers record versions: {@code vendor-poller.db.*} and
 * {@code vendor-poller.idempotency.retention}, validated at start-up.
 */
public record StoreSettings(String dbUrl, String dbUser, Secret dbPassword, int dbPoolSize, Duration idempotencyRetention) {

    public static StoreSettings load(ConfigReader config) {
        String url = config.required("vendor-poller.db.url");
        return new StoreSettings(
                url,
                config.string("vendor-poller.db.user", "sa"),
                Secrets.register(config.string("vendor-poller.db.password", "")),
                // Embedded H2 gets one connection: transactions then never interleave, so H2 only stores a page's rows
                // at that page's own commit, never mid-transaction through another one's (outbox drain) commit. A
                // SIGKILL in that window once left a half-recovered page (README "Known issues").
                // PostgreSQL: page commits, the outbox drain, and (clustered) Quartz's trigger acquisition share it
                config.positiveInt("vendor-poller.db.pool-size", url.startsWith("jdbc:h2:") ? 1 : 8, 64),
                config.duration("vendor-poller.idempotency.retention", Duration.ofDays(90)));
    }

    /** Settings for a database at {@code url} with the defaults (tests, benchmarks). */
    public static StoreSettings of(String url, String user) {
        return new StoreSettings(url, user, new Secret(""), url.startsWith("jdbc:h2:") ? 1 : 8, Duration.ofDays(90));
    }
}
