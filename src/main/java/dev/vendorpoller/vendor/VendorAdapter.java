package dev.vendorpoller.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.config.FeedConfig;
import dev.vendorpoller.contract.RawRegistration;
import dev.vendorpoller.cursor.Cursor;

/**
 * What a vendor of a given feed type needs in code; everything else (scheduling, retries, contract, ledger) is the
 * shared route. Each step is one method, after kafka-connect-http's request factory / response parser split.
 */
public interface VendorAdapter {

    /** The request that reads the page after {@code cursor}. */
    PageRequest request(FeedConfig feed, Cursor cursor);

    /** The page in a parsed 2xx body; throws {@link MalformedPageException} if the body is not of the vendor's shape. */
    Page page(JsonNode body);

    /** Picks the registration fields out of one vendor record. */
    RawRegistration registration(JsonNode record);
}
