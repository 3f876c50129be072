package dev.vendorpoller.feed;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.registration.TicketTier;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code vendor-poller.feeds} and each feed's block, failing at start-up on the first bad property. */
public final class FeedConfigLoader {
    public static final String FEEDS = "vendor-poller.feeds";
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
        return new FeedConfig(
                name,
                type,
                baseUrl,
                token,
                Schedule.parse(config, p),
                config.positiveInt(p + "page-size", 100, 1000),
                config.optional(p + "sink-uri"),
                config.optional(p + "reject-uri"),
                config.optional(p + "dead-letter-uri"),
                tiers(p + "tiers"),
                paymentStatuses(p + "payment-statuses"),
                Optional.ofNullable(config.duration(p + "max-lag", null)),
                account.orElse(name),
                sinkAccount(p));
    }

    /** A sink that goes through an account is an HTTP endpoint the account's route POSTs to. */
    private Optional<String> sinkAccount(String p) {
        Optional<String> account = config.optional(p + "sink-account");
        if (account.isPresent()) {
            if (!NAME.matcher(account.get()).matches()) {
                throw new ConfigException(p + "sink-account", "has account name '" + account.get() + "': use lower-case letters, digits and '-'");
            }
            if (config.optional(p + "sink-uri").isEmpty()) {
                throw new ConfigException(p + "sink-uri", "is required when " + p + "sink-account is set");
            }
            url(p + "sink-uri");
        }
        return account;
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

    /** {@code SKU:TIER,SKU:TIER}; SKUs match case-insensitively. */
    private Map<String, TicketTier> tiers(String key) {
        Map<String, TicketTier> map = new LinkedHashMap<>();
        pairs(key).forEach((sku, tier) -> {
            try {
                map.put(sku.toLowerCase(Locale.ROOT), TicketTier.valueOf(tier.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "maps '" + sku + "' to unknown tier '" + tier + "' (known: " + List.of(TicketTier.values()) + ")");
            }
        });
        return Map.copyOf(map);
    }

    /** Extra vendor spellings on top of {@link PaymentStatus#defaultSpellings()}: {@code spelling:STATUS,...}. */
    private Map<String, PaymentStatus> paymentStatuses(String key) {
        Map<String, PaymentStatus> map = new LinkedHashMap<>(PaymentStatus.defaultSpellings());
        pairs(key).forEach((spelling, status) -> {
            try {
                map.put(spelling.toLowerCase(Locale.ROOT), PaymentStatus.valueOf(status.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "maps '" + spelling + "' to unknown payment status '" + status + "'");
            }
        });
        return Map.copyOf(map);
    }

    private Map<String, String> pairs(String key) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : config.optional(key).orElse("").split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(key, "entry '" + entry.trim() + "' must look like VENDOR_VALUE:CANONICAL_VALUE");
            }
            pairs.put(entry.substring(0, colon).trim(), entry.substring(colon + 1).trim());
        }
        return pairs;
    }
}
