package dev.vendorpoller.account;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.GovernorSettings;
import java.util.Optional;

/**
 * One vendor account: the credentials and request budget that every feed and sink naming it share. Keys live under
 * {@code vendor-poller.account.<name>.}; a feed that names no account is its own account, named after the feed.
 *
 * @param auth         {@code bearer} (a static token), {@code oauth2} (refresh-token grant, keys under {@code oauth2.}),
 *                     {@code api-key} (a static key in a header of the vendor's naming) or {@code basic}
 * @param token        the bearer token or the API key, when auth is bearer or api-key
 * @param apiKeyHeader the header the API key is sent in, when auth is api-key
 * @param username     the user name, when auth is basic
 * @param password     the password, when auth is basic
 */
public record AccountConfig(String name, String auth, Optional<Secret> token, Optional<String> apiKeyHeader,
        Optional<String> username, Optional<Secret> password, GovernorSettings governor, BreakerSettings breaker) {

    public static final String BEARER = "bearer";
    public static final String OAUTH2 = "oauth2";
    public static final String API_KEY = "api-key";
    public static final String BASIC = "basic";

    public static String prefix(String account) {
        return "vendor-poller.account." + account + ".";
    }

    @Override
    public String toString() {
        return "AccountConfig[name=" + name + ", auth=" + auth + ", governor=" + governor + ", breaker=" + breaker + "]";
    }
}
