package dev.vendorpoller.source;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.source.eventbrite.EventbriteAttendeesAdapter;
import dev.vendorpoller.source.http.DeclarativeAdapter;
import dev.vendorpoller.source.http.Preset;
import dev.vendorpoller.source.stripe.StripeEventsAdapter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Feed type → how its adapter is made and which feed keys it reads. A vendor of a known shape is configuration:
 * {@code http-json}, or a preset of it. A vendor that needs code adds one entry here and its adapter class
 * ({@code source/<name>/}), nothing else.
 */
public final class SourceTypes {
    /** One feed type: the keys its adapter reads (relative to the feed's prefix) and the factory. */
    public record SourceType(String name, List<String> keys, SourceFactory factory) {
    }

    private static final Map<String, SourceType> BY_TYPE = new TreeMap<>();

    static {
        for (SourceType type : List.of(
                new SourceType(Preset.HTTP_JSON.type(), DeclarativeAdapter.KEYS, DeclarativeAdapter.factory(Preset.HTTP_JSON)),
                new SourceType(Preset.REGISTRATION_API.type(), DeclarativeAdapter.KEYS, DeclarativeAdapter.factory(Preset.REGISTRATION_API)),
                new SourceType(EventbriteAttendeesAdapter.TYPE, EventbriteAttendeesAdapter.KEYS, EventbriteAttendeesAdapter::new),
                new SourceType(StripeEventsAdapter.TYPE, StripeEventsAdapter.KEYS, StripeEventsAdapter::new))) {
            BY_TYPE.put(type.name(), type);
        }
    }

    private SourceTypes() {
    }

    public static Set<String> types() {
        return BY_TYPE.keySet();
    }

    /** The feed's type; an unknown one stops the start-up naming the feed's {@code type} property. */
    public static SourceType of(FeedConfig feed) {
        SourceType type = BY_TYPE.get(feed.type());
        if (type == null) {
            throw new ConfigException(FeedConfigLoader.prefix(feed.name()) + "type", "has unknown feed type '" + feed.type()
                    + "' (known: " + String.join(", ", types()) + ")");
        }
        return type;
    }

    /** The keys a feed of {@code type} reads for its source (relative to the feed's prefix); empty for an unknown type. */
    public static List<String> keys(String type) {
        SourceType t = BY_TYPE.get(type);
        return t == null ? List.of() : t.keys();
    }

    public static SourceAdapter<?> create(FeedConfig feed, ConfigReader config) {
        return of(feed).factory().create(feed, config);
    }
}
