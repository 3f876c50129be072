package dev.vendorpoller.source.scan;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a change scan stands. Immutable; each move returns the next state.
 *
 * @param mark    the high-water mark: the newest version time of the completed scans; null before any
 * @param since   the since of the scan in progress, or of the next one when none is (null: ask without a since)
 * @param token   the vendor's continuation token for the next page of the scan in progress; null between scans
 * @param scanMax the newest version time read so far in the scan in progress; null between scans or before any
 */
public record ScanState(Instant mark, Instant since, String token, Instant scanMax) {

    /** The state of a feed that never scanned: the first scan asks from {@code start} (null: from the beginning). */
    public static ScanState initial(Instant start) {
        return new ScanState(null, start, null, null);
    }

    /** A page of the scan was read and there is more: the scan goes on with the vendor's token. */
    public ScanState next(String nextToken, Instant pageMax) {
        return new ScanState(mark, since, nextToken, latest(scanMax, pageMax));
    }

    /** The last page of the scan was read: the mark takes the scan's newest, the next scan asks from mark - lookback. */
    public ScanState ended(Instant pageMax, Duration lookback) {
        Instant newMark = latest(mark, latest(scanMax, pageMax));
        return new ScanState(newMark, newMark == null ? since : newMark.minus(lookback), null, null);
    }

    /** The vendor refused the token: the same scan starts over from its since, without a token. */
    public ScanState withoutToken() {
        return new ScanState(mark, since, null, scanMax);
    }

    public boolean inScan() {
        return token != null;
    }

    /** The newest of the mark and what the scan in progress read so far. */
    public Instant newest() {
        return latest(mark, scanMax);
    }

    public static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
