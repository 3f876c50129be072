package dev.vendorpoller.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** One page as the vendor returned it: its records, the vendor's next cursor value (may be null) and has-more. */
public record Page(List<JsonNode> records, String nextCursor, boolean hasMore) {
}
