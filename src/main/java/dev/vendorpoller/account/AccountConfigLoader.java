package dev.vendorpoller.account;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.ratelimit.BreakerSettings;
import dev.vendorpoller.ratelimit.GovernorSettings;
import dev.vendorpoller.ratelimit.RateTier;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one account's block ({@code vendor-poller.account.<name>.*}), failing at start-up on the first bad property. */
public final class AccountConfigLoader {
    private final ConfigReader config;

    public AccountConfigLoader(ConfigReader config) {
        this.config = config;
    }

    /** The accounts the feeds and their sinks use, in order of first use, keyed by name. */
    public Map<String, AccountConfig> loadFor(List<FeedConfig> feeds) {
        Map<String, AccountConfig> accounts = new LinkedHashMap<>();
        for (FeedConfig feed : feeds) {
            if (!accounts.containsKey(feed.account())) {
                // only a feed that names no account has a token of its own, and its account has its name
                FeedConfig owner = feeds.stream().filter(f -> f.name().equals(feed.account()) && f.token().isPresent())
                        .findFirst().orElse(feed);
                accounts.put(feed.account(), load(feed.account(), owner.token(), FeedConfigLoader.prefix(owner.name()) + "token"));
            }
        }
        for (FeedConfig feed : feeds) {
            feed.sinkAccount().filter(a -> !accounts.containsKey(a))
                    .ifPresent(a -> accounts.put(a, load(a, Optional.empty(), null)));
        }
        return accounts;
    }

    /**
     * @param feedToken the token of a feed that names no account (it is then its own account); empty otherwise
     * @param tokenKey  the property that token came from, for error messages
     */
    public AccountConfig load(String name, Optional<Secret> feedToken, String tokenKey) {
        String p = AccountConfig.prefix(name);
        String auth = config.string(p + "auth", AccountConfig.BEARER);
        Optional<Secret> token = Optional.empty();
        Optional<String> apiKeyHeader = Optional.empty();
        Optional<String> username = Optional.empty();
        Optional<Secret> password = Optional.empty();
        switch (auth) {
            case AccountConfig.BEARER -> token = Optional.of(feedToken.orElseGet(() -> staticToken(p, tokenKey)));
            case AccountConfig.API_KEY -> {
                apiKeyHeader = Optional.of(headerName(p + "api-key-header"));
                token = Optional.of(feedToken.orElseGet(() -> staticToken(p, tokenKey)));
            }
            case AccountConfig.OAUTH2 -> noFeedToken(name, auth, feedToken, tokenKey);
            case AccountConfig.BASIC -> {
                noFeedToken(name, auth, feedToken, tokenKey);
                username = Optional.of(config.required(p + "username"));
                if (username.get().contains(":")) {
                    throw new ConfigException(p + "username", "must not contain ':' (RFC 7617)");
                }
                password = Optional.of(Secrets.register(config.required(p + "password")));
            }
            default -> throw new ConfigException(p + "auth", "must be api-key, basic, bearer or oauth2 but was '" + auth + "'");
        }
        return new AccountConfig(name, auth, token, apiKeyHeader, username, password, governor(p), breaker(p));
    }

    /** A bearer token or API key: the account's {@code token}, or the feed's when the feed is its own account. */
    private Secret staticToken(String p, String tokenKey) {
        if (config.optional(p + "token").isEmpty()) {
            throw new ConfigException(tokenKey != null ? tokenKey : p + "token", "is required but not set");
        }
        return Secrets.register(config.required(p + "token"));
    }

    private static void noFeedToken(String name, String auth, Optional<Secret> feedToken, String tokenKey) {
        if (feedToken.isPresent()) {
            throw new ConfigException(tokenKey, "cannot be set: account '" + name + "' authenticates with " + auth);
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

    private GovernorSettings governor(String p) {
        GovernorSettings d = GovernorSettings.unlimited();
        return new GovernorSettings(
                RateTier.parseAll(p + "limits", config.optional(p + "limits").orElse("")),
                config.percent(p + "reserve", 0, 50),
                config.positiveInt(p + "max-concurrent", 8, 1000),
                positive(p + "max-wait", Duration.ofMinutes(2)),
                config.bool(p + "learn-limits", d.learnLimits()));
    }

    private BreakerSettings breaker(String p) {
        BreakerSettings d = BreakerSettings.defaults();
        String b = p + "breaker.";
        int window = config.positiveInt(b + "window", d.windowCalls(), 10_000);
        int minimum = config.positiveInt(b + "minimum-calls", Math.min(d.minimumCalls(), window), 10_000);
        if (minimum > window) {
            throw new ConfigException(b + "minimum-calls", "must not exceed " + b + "window (" + window + ") but was " + minimum);
        }
        return new BreakerSettings(config.percent(b + "failure-rate", d.failureRatePercent(), 100), minimum, window,
                positive(b + "open-for", d.openFor()), config.positiveInt(b + "probes", d.probes(), 100));
    }

    private Duration positive(String key, Duration defaultValue) {
        Duration value = config.duration(key, defaultValue);
        if (value.isZero()) {
            throw new ConfigException(key, "must be longer than zero");
        }
        return value;
    }
}
