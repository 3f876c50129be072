package dev.vendorpoller.config;

import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.GovernorSettings;
import java.util.Optional;

/**
 * One vendor account: the credentials and request budget that every feed and sink naming it share. Keys live under
 * {@code vendor-poller.account.<name>.}; a feed that names no account is its own account, named after the feed.
 *
 * @param auth  {@code bearer} (a static token) or {@code oauth2} (refresh-token grant, keys under {@code oauth2.})
 * @param token the bearer token, when auth is bearer
 */
public record AccountConfig(String name, String auth, Optional<Secret> token, GovernorSettings governor,
        BreakerSettings breaker) {

    public static final String BEARER = "bearer";
    public static final String OAUTH2 = "oauth2";

    public static String prefix(String account) {
        return "vendor-poller.account." + account + ".";
    }

    @Override
    public String toString() {
        return "AccountConfig[name=" + name + ", auth=" + auth + ", governor=" + governor + ", breaker=" + breaker + "]";
    }
}
