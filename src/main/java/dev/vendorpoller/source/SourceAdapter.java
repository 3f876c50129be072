package dev.vendorpoller.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.record.registration.RawRegistration;
import java.util.Map;
import java.util.Optional;

/**
 * What one feed's vendor needs in code; everything else (scheduling, budget, retries, contract, ledger) is the shared
 * route. One adapter per feed, made by its type's {@link SourceFactory} from the feed's settings. Each step is
 * one method, after kafka-connect-http's request factory / response parser split.
 */
public interface SourceAdapter {

    /** The request that reads the page after {@code cursor}. */
    PageRequest request(Cursor cursor);

    /**
     * The page in a parsed 2xx response, and the cursor after it (which may depend on the cursor it was read after
     * and on its records). Throws {@link MalformedPageException} if the body is not of the vendor's shape.
     *
     * @param headers the response headers (for cursors in a Link header)
     */
    Page page(Cursor cursor, JsonNode body, Map<String, Object> headers);

    /** Picks the registration fields out of one vendor record. */
    RawRegistration registration(JsonNode record);

    /**
     * The vendor refused the request for the page after {@code cursor} (a 4xx). When the cursor itself is the cause
     * and a safe one can be derived (an expired continuation token: restart the scan from its stored start), returns
     * it; the route stores it and asks again. Empty: the refusal is dead-lettered.
     */
    default Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        return Optional.empty();
    }
}
