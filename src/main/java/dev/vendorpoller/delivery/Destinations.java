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
    /** How many deliveries the feed's sink lane has in flight at once [vendor-poller.outbox.concurrency, 1]. */
    public static final String SINK_CONCURRENCY = "sink-concurrency";
    /** Messages per request to the sink [1: one record per request]; above 1 the sink takes a JSON array. */
    public static final String SINK_BATCH_SIZE = "sink-batch-size";
    /** The feed keys this class reads. */
    public static final List<String> KEYS = List.of(SINK_URI, SINK_ACCOUNT, SINK_FIELDS, REJECT_URI, DEAD_LETTER_URI,
            SINK_CONCURRENCY, SINK_BATCH_SIZE);
    /** The most a lane may have in flight, and the most messages one request may carry. */
    static final int MAX_CONCURRENCY = 64;
    static final int MAX_BATCH = 10_000;
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /**
     * Where a delivery goes now: a Camel URI, sent directly or, when an account is named, through its route; and how
     * a sink record's canonical JSON becomes the body sent there ({@link SinkMapping}, the feed's sink-fields).
     */
    public record Target(String uri, Optional<String> account, SinkMapping mapping, int concurrency, int batchSize) {
        public static Target direct(String uri, int concurrency) {
            return new Target(uri, Optional.empty(), SinkMapping.IDENTITY, concurrency, 1);
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
        int concurrency = config.positiveInt(DeliverySettings.CONCURRENCY, 1, MAX_CONCURRENCY);
        for (String feed : feeds) {
            String p = "vendor-poller.feed." + feed + ".";
            Map<OutboxKind, Target> targets = new LinkedHashMap<>();
            Optional<String> sinkUri = config.optional(p + SINK_URI);
            Optional<String> account = sinkAccount(config, p, sinkUri);
            Optional<String> fields = config.optional(p + SINK_FIELDS);
            if (fields.isPresent() && sinkUri.isEmpty()) {
                throw new ConfigException(p + SINK_FIELDS, "needs " + p + SINK_URI + ": it maps what is sent there");
            }
            for (String key : List.of(SINK_CONCURRENCY, SINK_BATCH_SIZE)) {
                if (config.optional(p + key).isPresent() && sinkUri.isEmpty()) {
                    throw new ConfigException(p + key, "needs " + p + SINK_URI + ": it tunes the delivery there");
                }
            }
            int sinkConcurrency = config.positiveInt(p + SINK_CONCURRENCY, concurrency, MAX_CONCURRENCY);
            int batchSize = config.positiveInt(p + SINK_BATCH_SIZE, 1, MAX_BATCH);
            sinkUri.ifPresent(uri -> targets.put(OutboxKind.SINK, new Target(uri, account,
                    fields.map(f -> SinkMapping.parse(p + SINK_FIELDS, f)).orElse(SinkMapping.IDENTITY), sinkConcurrency,
                    batchSize)));
            config.optional(p + REJECT_URI).ifPresent(uri -> targets.put(OutboxKind.REJECT, Target.direct(uri, concurrency)));
            config.optional(p + DEAD_LETTER_URI).ifPresent(uri -> targets.put(OutboxKind.DEAD_LETTER,
                    Target.direct(uri, concurrency)));
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

    /** Every configured lane with where it goes now, in configuration order. */
    public Map<Lane, Target> lanes() {
        Map<Lane, Target> lanes = new LinkedHashMap<>();
        byFeed.forEach((feed, targets) -> targets.forEach((kind, target) -> lanes.put(new Lane(feed, kind), target)));
        return lanes;
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
