package dev.vendorpoller.source;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.source.eventbrite.EventbriteAttendeesAdapter;
import dev.vendorpoller.source.http.DeclarativeAdapter;
import dev.vendorpoller.source.http.Preset;
import dev.vendorpoller.source.stripe.StripeEventsAdapter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Feed type → adapter factory. A vendor of a known shape is configuration: {@code http-json}, or a preset of it. A
 * vendor that needs code adds one entry here and its adapter class ({@code vendor/<name>/}), nothing else.
 */
public final class SourceTypes {
    private static final Map<String, SourceFactory> BY_TYPE = new TreeMap<>(Map.of(
            Preset.HTTP_JSON.type(), DeclarativeAdapter.factory(Preset.HTTP_JSON),
            Preset.REGISTRATION_API.type(), DeclarativeAdapter.factory(Preset.REGISTRATION_API),
            "eventbrite-attendees", EventbriteAttendeesAdapter::new,
            "stripe-events", StripeEventsAdapter::new));

    private SourceTypes() {
    }

    public static Set<String> types() {
        return BY_TYPE.keySet();
    }

    public static SourceAdapter create(FeedConfig feed, ConfigReader config) {
        SourceFactory factory = BY_TYPE.get(feed.type());
        if (factory == null) {
            throw new ConfigException(FeedConfigLoader.prefix(feed.name()) + "type", "has unknown feed type '" + feed.type()
                    + "' (known: " + String.join(", ", types()) + ")");
        }
        return factory.create(feed, config);
    }
}
