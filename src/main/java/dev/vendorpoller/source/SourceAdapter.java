package dev.vendorpoller.source;

import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import java.util.Optional;

/**
 * What one feed's vendor needs in code; everything else (scheduling, budget, retries, contract, ledger) is the shared
 * route. One adapter per feed, made by its type's {@link SourceFactory} from the feed's settings. Each step is a
 * one-method interface, after kafka-connect-http's request factory / response parser split: the request from a
 * cursor, the page from a response, recovery from a refused cursor, and the mapping of a record into its kind.
 *
 * @param <R> the raw record of the kind this source yields (a record kind's {@code rawType()})
 */
public interface SourceAdapter<R> extends RequestFactory, PageParser, CursorRecovery, RecordMapper<R> {

    /** The raw record type this source fills: it decides the record kind of the feed. */
    Class<R> recordType();

    @Override
    default Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        return Optional.empty();
    }
}
