package dev.vendorpoller.poll;

import dev.vendorpoller.config.FeedConfig;
import dev.vendorpoller.ledger.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.vendor.VendorAdapter;

/** A configured feed with what it runs on: its vendor adapter and its idempotent repository. */
public record Feed(FeedConfig config, VendorAdapter adapter, BatchingJdbcMessageIdRepository idempotency, FeedStats stats) {

    public Feed(FeedConfig config, VendorAdapter adapter, BatchingJdbcMessageIdRepository idempotency) {
        this(config, adapter, idempotency, new FeedStats());
    }

    public String name() {
        return config.name();
    }
}
