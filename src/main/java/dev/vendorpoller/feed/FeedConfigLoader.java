package dev.vendorpoller.feed;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code vendor-poller.feeds} and each feed's block, failing at start-up on the first bad property. */
public final class FeedConfigLoader {
    public static final String FEEDS = "vendor-poller.feeds";
    /** The keys every feed may set (relative to its prefix); its type, kind and deliveries declare theirs. */
    public static final List<String> KEYS = List.of("type", "base-url", "token", "account", "schedule.interval",
            "schedule.cron", "page-size", "max-lag", FeedConfigLoader.CLOCK_SKEW);
    /**
     * How far ahead of this service's clock a vendor's version time may be: beyond now + clock-skew it is a reject
     * (record kinds) and no cursor mark moves past a scan's start + clock-skew (change scans).
     */
    public static final String CLOCK_SKEW = "clock-skew";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofHours(1);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final ConfigReader config;
    private final Set<String> types;

    /** @param types the feed types this build can poll */
    public FeedConfigLoader(ConfigReader config, Set<String> types) {
        this.config = config;
        this.types = types;
    }

    public static String prefix(String feed) {
        return "vendor-poller.feed." + feed + ".";
    }

    public List<FeedConfig> load() {
        List<FeedConfig> feeds = new ArrayList<>();
        for (String name : config.optional(FEEDS).orElse("").split(",")) {
            name = name.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(FEEDS, "has feed name '" + name + "': use lower-case letters, digits and '-'");
            }
            String n = name;
            if (feeds.stream().anyMatch(f -> f.name().equals(n))) {
                throw new ConfigException(FEEDS, "names feed '" + name + "' twice");
            }
            feeds.add(loadFeed(name));
        }
        return feeds;
    }

    FeedConfig loadFeed(String name) {
        String p = prefix(name);
        String type = config.required(p + "type");
        if (!types.contains(type)) {
            throw new ConfigException(p + "type", "has unknown feed type '" + type + "' (known: " + String.join(", ", types) + ")");
        }
        URI baseUrl = url(p + "base-url");
        Optional<String> account = config.optional(p + "account");
        if (account.isPresent() && !NAME.matcher(account.get()).matches()) {
            throw new ConfigException(p + "account", "has account name '" + account.get() + "': use lower-case letters, digits and '-'");
        }
        if (account.isPresent() && config.optional(p + "token").isPresent()) {
            throw new ConfigException(p + "token", "cannot be set when the feed names account '" + account.get()
                    + "': set the credentials under vendor-poller.account." + account.get() + ".*");
        }
        // a feed with no account is its own account: its token may instead be set under vendor-poller.account.<feed>.*
        Optional<Secret> token = config.optional(p + "token").map(Secrets::register);
        clockSkew(config, p); // checked here, at start-up, for every feed; read by its record kind and its source
        return new FeedConfig(
                name,
                type,
                baseUrl,
                token,
                Schedule.parse(config, p),
                config.positiveInt(p + "page-size", 100, 1000),
                Optional.ofNullable(config.duration(p + "max-lag", null)),
                account.orElse(name));
    }

    /** The feed's {@value #CLOCK_SKEW} [1h]; a bad value names the property. */
    public static Duration clockSkew(ConfigReader config, String prefix) {
        return config.duration(prefix + CLOCK_SKEW, DEFAULT_CLOCK_SKEW);
    }

    private URI url(String key) {
        String raw = config.required(key);
        try {
            URI uri = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(key, "must be an absolute http(s) URL but was '" + raw + "'");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "is not a valid URL: '" + raw + "'");
        }
    }

}
