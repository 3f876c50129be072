package dev.vendorpoller.store;

import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.time.Duration;
import java.util.List;

/**
 * Where the service keeps its state, and for how long it remembers record versions: {@code vendor-poller.db.*} and
 * {@code vendor-poller.idempotency.retention}, validated at start-up.
 */
public record StoreSettings(String dbUrl, String dbUser, Secret dbPassword, int dbPoolSize, Duration idempotencyRetention) {

    /** The service-wide keys of storage ({@code data-dir} is read by the db url's placeholder and by the demo). */
    public static final List<String> KEYS = List.of("vendor-poller.data-dir", "vendor-poller.db.url", "vendor-poller.db.user",
            "vendor-poller.db.password", "vendor-poller.db.pool-size", "vendor-poller.idempotency.retention",
            "vendor-poller.idempotency.prune-cron", "vendor-poller.idempotency.prune-batch");

    public static StoreSettings load(ConfigReader config) {
        String url = absoluteDataDir(config.required("vendor-poller.db.url"));
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

    /**
     * The bundled url is {@code jdbc:h2:file:./{{vendor-poller.data-dir}}/…} (H2 wants a relative path to start with
     * {@code ./}); with an absolute data-dir that reads {@code .//srv/x/…}, which H2 would put under {@code ./srv/x}.
     */
    static String absoluteDataDir(String url) {
        return url.startsWith("jdbc:h2:file:.//") ? "jdbc:h2:file:/" + url.substring("jdbc:h2:file:.//".length()) : url;
    }

    /** Settings for a database at {@code url} with the defaults (tests, benchmarks). */
    public static StoreSettings of(String url, String user) {
        return new StoreSettings(url, user, new Secret(""), url.startsWith("jdbc:h2:") ? 1 : 8, Duration.ofDays(90));
    }
}
