package dev.vendorpoller.poll;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;

/** A configured feed with what it runs on: its vendor adapter, its idempotent repository and its vendor account. */
public record Feed(FeedConfig config, SourceAdapter adapter, BatchingJdbcMessageIdRepository idempotency, Account account,
        FeedStats stats) {

    public Feed(FeedConfig config, SourceAdapter adapter, BatchingJdbcMessageIdRepository idempotency, Account account) {
        this(config, adapter, idempotency, account, new FeedStats());
    }

    public String name() {
        return config.name();
    }
}
