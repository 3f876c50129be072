package dev.vendorpoller.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.feed.Cursor;
import java.util.Map;

/**
 * The page in a parsed 2xx response, and the cursor after it (which may depend on the cursor it was read after and on
 * its records). Throws {@link dev.vendorpoller.failure.MalformedPageException} if the body is not of the vendor's
 * shape.
 */
@FunctionalInterface
public interface PageParser {
    /** @param headers the response headers (for cursors in a Link header) */
    Page page(Cursor cursor, JsonNode body, Map<String, Object> headers);
}
