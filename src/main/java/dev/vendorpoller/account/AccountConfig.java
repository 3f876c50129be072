package dev.vendorpoller.account;

import dev.vendorpoller.config.Secret;
import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.GovernorSettings;
import java.util.Arrays;
import java.util.Optional;

/**
 * One vendor account: the credentials and request budget that every feed and sink naming it share. Keys live under
 * {@code vendor-poller.account.<name>.}; a feed that names no account is its own account, named after the feed.
 *
 * @param token        the bearer token or the API key, when auth is bearer or api-key
 * @param apiKeyHeader the header the API key is sent in, when auth is api-key
 * @param username     the user name, when auth is basic
 * @param password     the password, when auth is basic
 */
public record AccountConfig(String name, Auth auth, Optional<Secret> token, Optional<String> apiKeyHeader,
        Optional<String> username, Optional<Secret> password, GovernorSettings governor, BreakerSettings breaker) {

    /** How the account authenticates, as written in {@code auth}. */
    public enum Auth {
        /** a static bearer token ({@code token}) */
        BEARER("bearer"),
        /** a refresh-token grant (keys under {@code oauth2.}) */
        OAUTH2("oauth2"),
        /** a static key in a header of the vendor's naming ({@code api-key-header}, {@code token}) */
        API_KEY("api-key"),
        /** {@code username} and {@code password} (RFC 7617) */
        BASIC("basic");

        private final String key;

        Auth(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        static Optional<Auth> of(String key) {
            return Arrays.stream(values()).filter(a -> a.key.equals(key)).findFirst();
        }
    }

    public static String prefix(String account) {
        return "vendor-poller.account." + account + ".";
    }

    @Override
    public String toString() {
        return "AccountConfig[name=" + name + ", auth=" + auth.key() + ", governor=" + governor + ", breaker=" + breaker + "]";
    }
}
