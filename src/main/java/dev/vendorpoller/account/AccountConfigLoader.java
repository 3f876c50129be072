package dev.vendorpoller.account;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.GovernorSettings;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one account's block ({@code vendor-poller.account.<name>.*}), failing at start-up on the first bad property. */
public final class AccountConfigLoader {
    /** The credential keys of an account (relative to its prefix); its governor, breaker and OAuth2 declare theirs. */
    public static final List<String> KEYS = List.of("auth", "token", "api-key-header", "username", "password");
    private final ConfigReader config;

    public AccountConfigLoader(ConfigReader config) {
        this.config = config;
    }

    /**
     * The accounts the feeds and their sinks use, in order of first use, keyed by name.
     *
     * @param sinkAccounts the accounts feeds deliver through ({@code sink-account}), in any order
     */
    public Map<String, AccountConfig> loadFor(List<FeedConfig> feeds, Collection<String> sinkAccounts) {
        Map<String, AccountConfig> accounts = new LinkedHashMap<>();
        for (FeedConfig feed : feeds) {
            if (!accounts.containsKey(feed.account())) {
                // only a feed that names no account has a token of its own, and its account has its name
                FeedConfig owner = feeds.stream().filter(f -> f.name().equals(feed.account()) && f.token().isPresent())
                        .findFirst().orElse(feed);
                accounts.put(feed.account(), load(feed.account(), owner.token(), FeedConfigLoader.prefix(owner.name()) + "token"));
            }
        }
        for (String account : sinkAccounts) {
            if (!accounts.containsKey(account)) {
                accounts.put(account, load(account, Optional.empty(), null));
            }
        }
        return accounts;
    }

    /**
     * @param feedToken the token of a feed that names no account (it is then its own account); empty otherwise
     * @param tokenKey  the property that token came from, for error messages
     */
    public AccountConfig load(String name, Optional<Secret> feedToken, String tokenKey) {
        String p = AccountConfig.prefix(name);
        String authKey = config.string(p + "auth", AccountConfig.Auth.BEARER.key());
        AccountConfig.Auth auth = AccountConfig.Auth.of(authKey).orElseThrow(() -> new ConfigException(p + "auth",
                "must be api-key, basic, bearer or oauth2 but was '" + authKey + "'"));
        Optional<Secret> token = Optional.empty();
        Optional<String> apiKeyHeader = Optional.empty();
        Optional<String> username = Optional.empty();
        Optional<Secret> password = Optional.empty();
        switch (auth) {
            case BEARER -> token = Optional.of(feedToken.orElseGet(() -> staticToken(p, tokenKey)));
            case API_KEY -> {
                apiKeyHeader = Optional.of(headerName(p + "api-key-header"));
                token = Optional.of(feedToken.orElseGet(() -> staticToken(p, tokenKey)));
            }
            case OAUTH2 -> noFeedToken(name, auth, feedToken, tokenKey);
            case BASIC -> {
                noFeedToken(name, auth, feedToken, tokenKey);
                username = Optional.of(config.required(p + "username"));
                if (username.get().contains(":")) {
                    throw new ConfigException(p + "username", "must not contain ':' (RFC 7617)");
                }
                password = Optional.of(Secrets.register(config.required(p + "password")));
            }
        }
        return new AccountConfig(name, auth, token, apiKeyHeader, username, password, GovernorSettings.read(config, p),
                BreakerSettings.read(config, p));
    }

    /** A bearer token or API key: the account's {@code token}, or the feed's when the feed is its own account. */
    private Secret staticToken(String p, String tokenKey) {
        if (config.optional(p + "token").isEmpty()) {
            throw new ConfigException(tokenKey != null ? tokenKey : p + "token", "is required but not set");
        }
        return Secrets.register(config.required(p + "token"));
    }

    private static void noFeedToken(String name, AccountConfig.Auth auth, Optional<Secret> feedToken, String tokenKey) {
        if (feedToken.isPresent()) {
            throw new ConfigException(tokenKey, "cannot be set: account '" + name + "' authenticates with " + auth.key());
        }
    }

    /** An HTTP field name (RFC 9110 token characters), e.g. X-Api-Key. */
    private String headerName(String key) {
        String header = config.required(key);
        if (!header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new ConfigException(key, "must be an HTTP header name (e.g. X-Api-Key) but was '" + header + "'");
        }
        return header;
    }

}
