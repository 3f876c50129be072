package dev.vendorpoller.source.scan;

import java.time.Instant;

/**
 * Where a change scan stands. Immutable; each move returns the next state.
 *
 * @param mark    the high-water mark: the newest version time of the completed scans; null before any
 * @param since   the since of the scan in progress, or of the next one when none is (null: ask without a since)
 * @param token   the vendor's continuation token for the next page of the scan in progress; null between scans
 * @param scanMax the newest version time read so far in the scan in progress; null between scans or before any
 * @param started when the scan in progress sent its first request (the service's clock); null between scans
 * @param deepMark the mark when the latest deep scan was scheduled (see {@link Lookback}); null: the mark
 * @param deepAt   when (the service's clock) the latest deep scan was scheduled; null: none yet, the next is deep
 */
public record ScanState(Instant mark, Instant since, String token, Instant scanMax, Instant started, Instant deepMark,
        Instant deepAt) {

    /** The state of a feed that never scanned: the first scan asks from {@code start} (null: from the beginning). */
    public static ScanState initial(Instant start) {
        return new ScanState(null, start, null, null, null, null, null);
    }

    /**
     * A page of the scan was read and there is more: the scan goes on with the vendor's token. What it read counts
     * towards the mark up to {@code limit} only (a version time from the future must not move the mark past it).
     */
    public ScanState next(String nextToken, Instant pageMax, Instant scanStarted, Instant limit) {
        return new ScanState(mark, since, nextToken, earliest(latest(scanMax, pageMax), limit), started == null ? scanStarted : started,
                deepMark, deepAt);
    }

    /**
     * The last page of the scan was read: the mark takes the scan's newest (up to {@code limit}, the scan's start), and
     * the next scan is a fast one (from mark − overlap) or, once {@code every} passed on the service's clock since the
     * last deep scan was scheduled (so a quiet feed whose mark stands still still gets them, once per {@code every}), a
     * deep one (from that deep scan's mark − window).
     */
    public ScanState ended(Instant pageMax, Lookback lookback, Instant limit) {
        Instant newMark = latest(mark, earliest(latest(scanMax, pageMax), limit));
        if (newMark == null) {
            return new ScanState(null, since, null, null, null, null, null);
        }
        if (lookback.alwaysDeep()) {
            return new ScanState(newMark, newMark.minus(lookback.window()), null, null, null, null, null);
        }
        Instant deep = deepMark == null ? mark : deepMark;
        // limit is this scan's start; a deepAt after it means this service's clock went back: a deep scan is due then too
        if (deep == null || deepAt == null || !limit.isBefore(deepAt.plus(lookback.every())) || deepAt.isAfter(limit)) {
            return new ScanState(newMark, (deep == null ? newMark : deep).minus(lookback.window()), null, null, null, newMark, limit);
        }
        return new ScanState(newMark, newMark.minus(lookback.overlap()), null, null, null, deep, deepAt);
    }

    /** The vendor refused the token: the same scan starts over from its since, without a token. */
    public ScanState withoutToken() {
        return new ScanState(mark, since, null, scanMax, started, deepMark, deepAt);
    }

    public boolean inScan() {
        return token != null;
    }

    /** The newest of the mark and what the scan in progress read so far. */
    public Instant newest() {
        return latest(mark, scanMax);
    }

    /** True when a time this state holds lies after {@code limit}: a cursor from before the future-time guard. */
    boolean beyond(Instant limit) {
        return after(mark, limit) || after(since, limit) || after(scanMax, limit);
    }

    public static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /** {@code value}, but no later than {@code limit}; null stays null (nothing read). */
    static Instant earliest(Instant value, Instant limit) {
        return value == null || !value.isAfter(limit) ? value : limit;
    }

    private static boolean after(Instant t, Instant limit) {
        return t != null && t.isAfter(limit);
    }
}
