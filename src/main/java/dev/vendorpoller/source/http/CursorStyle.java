package dev.vendorpoller.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an {@code http-json} feed's cursor moves ({@code cursor-style}): what it adds to a request, and what it reads
 * from a page to go on. One class per style; each keeps its whole state in the cursor's text, so a restart resumes.
 */
interface CursorStyle {

    /** The query of the page after {@code cursor}; {@code firstPage} holds the feed's extra parameters and page size. */
    Query query(Cursor cursor, Query firstPage);

    /** The page read after {@code cursor}: its records (already selected), the cursor after it and has-more. */
    Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers);

    /** A safe cursor to ask again from when the vendor refused the one given (see SourceAdapter#recover). */
    default Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        return Optional.empty();
    }
}
