package dev.vendorpoller.source.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.feed.Cursor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The cursor of a change-scan source: reads its {@link ScanState} from the stored cursor, moves it after each page
 * and after a refused token, and writes it back in the source's own encoding ({@link Codec}). The sources differ only
 * in how they ask (parameter names, time format) and read a page (where the records, the times and the token are).
 */
public final class ScanCursor {

    /** A source's text for a scan state, both ways; old texts of the same source stay readable. */
    public interface Codec {
        ScanState decode(Cursor cursor);

        String encode(ScanState state);
    }

    private final Codec codec;
    private final Duration lookback;

    public ScanCursor(Codec codec, Duration lookback) {
        this.codec = codec;
        this.lookback = lookback;
    }

    public ScanState state(Cursor cursor) {
        return codec.decode(cursor);
    }

    /** A page that has more, with the vendor's token for the next one: the cursor after it. */
    public String next(Cursor cursor, Instant pageMax, String token) {
        return codec.encode(state(cursor).next(token, pageMax));
    }

    /** The last page of a scan: the cursor after it (the next scan's). */
    public String ended(Cursor cursor, Instant pageMax) {
        return codec.encode(state(cursor).ended(pageMax, lookback));
    }

    /** The vendor refused the scan's token: the same scan from its since, when the cursor holds a token to drop. */
    public Optional<Cursor> withoutToken(Cursor cursor) {
        ScanState state = state(cursor);
        return state.inScan() ? Optional.of(Cursor.of(codec.encode(state.withoutToken()))) : Optional.empty();
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
