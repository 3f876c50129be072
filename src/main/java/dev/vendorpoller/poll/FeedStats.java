package dev.vendorpoller.poll;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** What a feed did since the service started, for operators (JMX). Durable facts are read from the database. */
public final class FeedStats {
    final AtomicLong pages = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong ledgered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    private volatile Instant lastCommit;

    void pageCommitted(PageOutcome outcome, Instant at) {
        pages.incrementAndGet();
        records.addAndGet(outcome.records());
        ledgered.addAndGet(outcome.ledgered());
        duplicates.addAndGet(outcome.duplicates() + outcome.stale());
        rejected.addAndGet(outcome.rejected());
        lastCommit = at;
    }

    public long pages() {
        return pages.get();
    }

    public long records() {
        return records.get();
    }

    public long ledgered() {
        return ledgered.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** When the last page committed, or null if none did since start. */
    public Instant lastCommit() {
        return lastCommit;
    }
}
