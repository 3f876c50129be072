package dev.vendorpoller.ingest;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.record.FeedRecords;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;

/**
 * A configured feed with what it runs on: its source (the vendor adapter), its records (kind, contract, ledger), its
 * idempotent repository, its vendor account, and what it did since start.
 */
public record Feed(FeedConfig config, SourceAdapter<?> source, FeedRecords records,
        BatchingJdbcMessageIdRepository idempotency, Account account, FeedStats stats) {

    public Feed(FeedConfig config, SourceAdapter<?> source, FeedRecords records, BatchingJdbcMessageIdRepository idempotency,
            Account account) {
        this(config, source, records, idempotency, account, new FeedStats());
    }

    public String name() {
        return config.name();
    }
}
