package dev.vendorpoller.vendor;

import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.FeedConfig;

/** Makes a feed's adapter; reads and validates the type's own keys, failing with the property named. */
@FunctionalInterface
public interface VendorAdapterFactory {
    VendorAdapter create(FeedConfig feed, ConfigReader config);
}
