package dev.vendorpoller.source;

import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;

/** Makes a feed's adapter; reads and validates the type's own keys, failing with the property named. */
@FunctionalInterface
public interface SourceFactory {
    SourceAdapter<?> create(FeedConfig feed, ConfigReader config);
}
