package dev.vendorpoller.source.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.feed.Cursor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cursor of a change-scan source: reads its {@link ScanState} from the stored cursor, moves it after each page
 * and after a refused token, and writes it back in the source's own encoding ({@link Codec}). The sources differ only
 * in how they ask (parameter names, time format) and read a page (where the records, the times and the token are).
 *
 * <p>No mark moves past the time its scan started: a record changed during a long scan on a page already read must be
 * read by the next scan, and a version time from the future (a vendor's bad clock, a typo of 2099) would otherwise
 * make every later scan ask from that future and see nothing else. A stored
 * cursor that already holds such a time (written before this guard) starts the feed's scans over from its start.
 */
public final class ScanCursor {
    private static final Logger LOG = LoggerFactory.getLogger(ScanCursor.class);

    /** A source's text for a scan state, both ways; old texts of the same source stay readable. */
    public interface Codec {
        ScanState decode(Cursor cursor);

        String encode(ScanState state);
    }

    private final Codec codec;
    private final Lookback lookback;
    private final Duration clockSkew;
    private final Clock clock;
    /** When this feed's latest scan sent its first request (a run is one at a time; its first page reads it). */
    private volatile Instant requestedAt;

    public ScanCursor(Codec codec, Lookback lookback, Duration clockSkew, Clock clock) {
        this.codec = codec;
        this.lookback = lookback;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    public ScanState state(Cursor cursor) {
        ScanState state = codec.decode(cursor);
        if (state.beyond(clock.instant().plus(clockSkew))) {
            LOG.warn("scan cursor {} holds a time beyond now + clock-skew ({}): scanning again from the feed's start", cursor,
                    clockSkew);
            return codec.decode(Cursor.start());
        }
        return state;
    }

    /** The state to ask the next page from; notes the time when it starts a scan. */
    public ScanState request(Cursor cursor) {
        ScanState state = state(cursor);
        if (state.started() == null) {
            requestedAt = clock.instant();
        }
        return state;
    }

    /** A page that has more, with the vendor's token for the next one: the cursor after it. */
    public String next(Cursor cursor, Instant pageMax, String token) {
        ScanState state = state(cursor);
        Instant started = started(state);
        return codec.encode(state.next(token, pageMax, started, limit(started)));
    }

    /** The last page of a scan: the cursor after it (the next scan's). */
    public String ended(Cursor cursor, Instant pageMax) {
        ScanState state = state(cursor);
        return codec.encode(state.ended(pageMax, lookback, limit(started(state))));
    }

    /** The vendor refused the scan's token: the same scan from its since, when the cursor holds a token to drop. */
    public Optional<Cursor> withoutToken(Cursor cursor) {
        ScanState state = state(cursor);
        return state.inScan() ? Optional.of(Cursor.of(codec.encode(state.withoutToken()))) : Optional.empty();
    }

    private Instant started(ScanState state) {
        Instant requested = requestedAt;
        return state.started() != null ? state.started() : requested != null ? requested : clock.instant();
    }

    /**
     * The newest a scan that started at {@code started} may move the mark to: its start. A record on a page already
     * read that changes while later pages are read gets a version time after the start, so the next scan, asking from
     * at most start - lookback, reads it again; a version time from the future cannot move the mark either.
     */
    private static Instant limit(Instant started) {
        return started;
    }

    /** The newest readable version time among the page's records (an unreadable one is the contract's to reject). */
    public static Instant newest(List<JsonNode> records, Function<JsonNode, Instant> versionTime) {
        Instant newest = null;
        for (JsonNode record : records) {
            newest = ScanState.latest(newest, versionTime.apply(record));
        }
        return newest;
    }
}
