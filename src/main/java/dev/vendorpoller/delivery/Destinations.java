package dev.vendorpoller.delivery;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where each feed's deliveries go, read and checked at start-up from the feed's delivery keys ({@link #KEYS}, under
 * {@code vendor-poller.feed.<name>.}). The drain looks a message's endpoint up here when it sends it, so the outbox
 * stores no URI with credentials and a changed endpoint applies to what is still undelivered. Destination URIs are
 * secrets: only their scheme, host and port are ever stored or shown ({@link EndpointUris}).
 */
public final class Destinations {
    public static final String SINK_URI = "sink-uri";
    public static final String SINK_ACCOUNT = "sink-account";
    public static final String SINK_FIELDS = "sink-fields";
    public static final String REJECT_URI = "reject-uri";
    public static final String DEAD_LETTER_URI = "dead-letter-uri";
    /** The feed keys this class reads. */
    public static final List<String> KEYS = List.of(SINK_URI, SINK_ACCOUNT, SINK_FIELDS, REJECT_URI, DEAD_LETTER_URI);
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /**
     * Where a delivery goes now: a Camel URI, sent directly or, when an account is named, through its route; and how
     * a sink record's canonical JSON becomes the body sent there ({@link SinkMapping}, the feed's sink-fields).
     */
    public record Target(String uri, Optional<String> account, SinkMapping mapping) {
        public static Target direct(String uri) {
            return new Target(uri, Optional.empty(), SinkMapping.IDENTITY);
        }
    }

    /** One feed's endpoints, by outbox kind; absent kinds are not delivered anywhere (they stay in the database). */
    private final Map<String, Map<OutboxKind, Target>> byFeed;

    private Destinations(Map<String, Map<OutboxKind, Target>> byFeed) {
        this.byFeed = byFeed;
    }

    /** Reads and checks the delivery keys of every feed; a bad one stops the start-up naming its property. */
    public static Destinations load(ConfigReader config, Collection<String> feeds) {
        Map<String, Map<OutboxKind, Target>> byFeed = new LinkedHashMap<>();
        for (String feed : feeds) {
            String p = "vendor-poller.feed." + feed + ".";
            Map<OutboxKind, Target> targets = new LinkedHashMap<>();
            Optional<String> sinkUri = config.optional(p + SINK_URI);
            Optional<String> account = sinkAccount(config, p, sinkUri);
            Optional<String> fields = config.optional(p + SINK_FIELDS);
            if (fields.isPresent() && sinkUri.isEmpty()) {
                throw new ConfigException(p + SINK_FIELDS, "needs " + p + SINK_URI + ": it maps what is sent there");
            }
            sinkUri.ifPresent(uri -> targets.put(OutboxKind.SINK, new Target(uri, account,
                    fields.map(f -> SinkMapping.parse(p + SINK_FIELDS, f)).orElse(SinkMapping.IDENTITY))));
            config.optional(p + REJECT_URI).ifPresent(uri -> targets.put(OutboxKind.REJECT, Target.direct(uri)));
            config.optional(p + DEAD_LETTER_URI).ifPresent(uri -> targets.put(OutboxKind.DEAD_LETTER, Target.direct(uri)));
            targets.values().forEach(target -> EndpointUris.registerSecrets(target.uri()));
            byFeed.put(feed, Map.copyOf(targets));
        }
        return new Destinations(byFeed);
    }

    /** A sink that goes through an account is an HTTP endpoint the account's route POSTs to. */
    private static Optional<String> sinkAccount(ConfigReader config, String p, Optional<String> sinkUri) {
        Optional<String> account = config.optional(p + SINK_ACCOUNT);
        if (account.isPresent()) {
            if (!ACCOUNT.matcher(account.get()).matches()) {
                throw new ConfigException(p + SINK_ACCOUNT, "has account name '" + account.get() + "': use lower-case letters, digits and '-'");
            }
            if (sinkUri.isEmpty()) {
                throw new ConfigException(p + SINK_URI, "is required when " + p + SINK_ACCOUNT + " is set");
            }
            httpUrl(p + SINK_URI, sinkUri.get());
        }
        return account;
    }

    private static void httpUrl(String key, String raw) {
        try {
            URI uri = URI.create(raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(key, "must be an absolute http(s) URL but was '" + raw + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "is not a valid URL: '" + raw + "'");
        }
    }

    /** Where the feed's messages of {@code kind} go now; empty when the feed (no longer) configures one. */
    public Optional<Target> target(String feed, OutboxKind kind) {
        return Optional.ofNullable(byFeed.getOrDefault(feed, Map.of()).get(kind));
    }

    /** True when the feed delivers messages of {@code kind} somewhere. */
    public boolean delivers(String feed, OutboxKind kind) {
        return target(feed, kind).isPresent();
    }

    /** The vendor accounts sinks deliver through ({@code sink-account}), each once. */
    public Set<String> accounts() {
        Set<String> accounts = new LinkedHashSet<>();
        byFeed.values().forEach(t -> t.values().forEach(target -> target.account().ifPresent(accounts::add)));
        return accounts;
    }
}
