package dev.vendorpoller.poll;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.config.FeedConfig;
import dev.vendorpoller.ledger.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.vendor.VendorAdapter;

/** A configured feed with what it runs on: its vendor adapter, its idempotent repository and its vendor account. */
public record Feed(FeedConfig config, VendorAdapter adapter, BatchingJdbcMessageIdRepository idempotency, Account account,
        FeedStats stats) {

    public Feed(FeedConfig config, VendorAdapter adapter, BatchingJdbcMessageIdRepository idempotency, Account account) {
        this(config, adapter, idempotency, account, new FeedStats());
    }

    public String name() {
        return config.name();
    }
}
