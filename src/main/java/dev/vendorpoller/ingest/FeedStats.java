package dev.vendorpoller.ingest;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** What a feed did since the service started, for operators (JMX). Durable facts are read from the database. */
public final class FeedStats {
    final AtomicLong pages = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong ledgered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    private volatile Instant lastCommit;
    /** Records read per minute (epoch minute → count), the last hour, for the status page's chart. */
    private final ConcurrentSkipListMap<Long, Long> perMinute = new ConcurrentSkipListMap<>();
    /** Versions that became current per minute (epoch minute → count), the last hour: what the status page charts. */
    private final ConcurrentSkipListMap<Long, Long> ledgeredPerMinute = new ConcurrentSkipListMap<>();
    private volatile Instant lastFailure;
    private volatile RequestObserver observer = (status, nanos) -> { };
    final AtomicLong cursorRecoveries = new AtomicLong();
    final AtomicLong stalledRuns = new AtomicLong();
    private final AtomicLong stalledInARow = new AtomicLong();
    /** Why the feed cannot get on by itself (a recovery loop, runs stalled in a row), or null. */
    private volatile String wedged;
    /** The wedge is stalled runs in a row (a run that moves the cursor ends it), not a recovery loop. */
    private volatile boolean wedgedByStalls;

    /** Sees every vendor request of the feed: its HTTP status (0: no response) and how long it took. */
    public interface RequestObserver {
        void request(int status, long nanos);
    }

    public void observeRequests(RequestObserver observer) {
        this.observer = observer;
    }

    public void request(int status, long nanos) {
        observer.request(status, nanos);
    }

    /** A page of this feed was dead-lettered (the run ended without reaching the end of the data). */
    public void pageFailed(Instant at) {
        lastFailure = at;
    }

    /** When a page last failed after its retries, or null. */
    public Instant lastFailure() {
        return lastFailure;
    }

    /** The vendor refused the feed's cursor and the run restarted from the source's safe point. */
    public void cursorRecovered() {
        cursorRecoveries.incrementAndGet();
    }

    public long cursorRecoveries() {
        return cursorRecoveries.get();
    }

    /** The feed cannot get on by itself: readiness turns DOWN with {@code reason} until a run reaches the end. */
    public void wedged(String reason) {
        wedged = reason;
        wedgedByStalls = false;
    }

    /**
     * A run ended because the vendor said has_more but gave no new cursor; after {@code maxInARow} such runs in a row
     * the feed is wedged with {@code reason}.
     */
    public void runStalled(int maxInARow, String reason) {
        stalledRuns.incrementAndGet();
        if (stalledInARow.incrementAndGet() >= maxInARow) {
            wedged = reason;
            wedgedByStalls = true;
        }
    }

    /**
     * A run yielded with pages left after moving the cursor (issue 14, fair runs): not a stall, and the end of a run
     * of stalls; a stall wedge is over. A recovery-loop wedge waits for the end of the data.
     */
    public void progressed() {
        stalledInARow.set(0);
        if (wedgedByStalls) {
            wedged = null;
            wedgedByStalls = false;
        }
    }

    /** Runs that ended stalled, since start. */
    public long stalledRuns() {
        return stalledRuns.get();
    }

    /** A run read to the end of the data: whatever wedged the feed is over. */
    public void reachedEnd() {
        stalledInARow.set(0);
        wedged = null;
        wedgedByStalls = false;
    }

    /** Why the feed is wedged, if it is. */
    public Optional<String> wedged() {
        return Optional.ofNullable(wedged);
    }

    /** A batch of this feed's records committed. */
    public void pageCommitted(Applied outcome, Instant at) {
        pages.incrementAndGet();
        records.addAndGet(outcome.records());
        ledgered.addAndGet(outcome.ledgered());
        duplicates.addAndGet(outcome.duplicates() + outcome.stale());
        rejected.addAndGet(outcome.rejected());
        lastCommit = at;
        long minute = at.getEpochSecond() / 60;
        perMinute.merge(minute, (long) outcome.records(), Long::sum);
        perMinute.headMap(minute - 60).clear();
        ledgeredPerMinute.merge(minute, (long) outcome.ledgered(), Long::sum);
        ledgeredPerMinute.headMap(minute - 60).clear();
    }

    /** New versions (ledgered, duplicates not counted) in each of the last {@code minutes} minutes, oldest first. */
    public long[] ledgeredPerMinute(Instant now, int minutes) {
        return buckets(ledgeredPerMinute, now, minutes);
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

    /** Records read in each of the last {@code minutes} minutes, oldest first (the current minute last). */
    public long[] recordsPerMinute(Instant now, int minutes) {
        return buckets(perMinute, now, minutes);
    }

    private static long[] buckets(ConcurrentSkipListMap<Long, Long> perMinute, Instant now, int minutes) {
        long current = now.getEpochSecond() / 60;
        long[] counts = new long[minutes];
        for (int i = 0; i < minutes; i++) {
            counts[i] = perMinute.getOrDefault(current - minutes + 1 + i, 0L);
        }
        return counts;
    }

    /** When the last page committed, or null if none did since start. */
    public Instant lastCommit() {
        return lastCommit;
    }
}
