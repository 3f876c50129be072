package dev.vendorpoller.source.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code cursor-style = body-cursor}: the vendor puts an opaque next cursor in the body ({@code next-cursor}, a JSON
 * pointer) and takes it back as a query parameter ({@code cursor-param}). Has-more is the boolean at {@code has-more}
 * or, when that is unset, "more while the page is full". The stored cursor is the vendor's value as given.
 */
final class BodyCursor implements CursorStyle {
    static final String STYLE = "body-cursor";
    static final String NEXT_CURSOR = "next-cursor";
    static final String CURSOR_PARAM = "cursor-param";
    static final String HAS_MORE = "has-more";

    private final JsonPointer nextCursor;
    private final String cursorParam;
    private final Optional<JsonPointer> hasMore;
    private final int pageSize;

    BodyCursor(JsonPointer nextCursor, String cursorParam, Optional<JsonPointer> hasMore, int pageSize) {
        this.nextCursor = nextCursor;
        this.cursorParam = cursorParam;
        this.hasMore = hasMore;
        this.pageSize = pageSize;
    }

    static BodyCursor load(FeedKeys keys, int pageSize) {
        String why = "for cursor-style " + STYLE;
        return new BodyCursor(keys.pointer(NEXT_CURSOR, why), keys.param(CURSOR_PARAM, why), keys.optionalPointer(HAS_MORE),
                pageSize);
    }

    @Override
    public Query query(Cursor cursor, Query firstPage) {
        return cursor.value().map(c -> firstPage.with(cursorParam, c)).orElse(firstPage);
    }

    @Override
    public Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers) {
        JsonNode next = body.at(nextCursor);
        if (next.isContainerNode()) {
            throw new MalformedPageException("page has an object or array at next-cursor " + nextCursor + ", not a value",
                    Failures.excerpt(body));
        }
        String nextValue = next.isMissingNode() || next.isNull() ? null : next.asText();
        boolean more;
        if (hasMore.isPresent()) {
            JsonNode flag = body.at(hasMore.get());
            if (!flag.isBoolean()) {
                throw new MalformedPageException("page lacks a boolean at has-more " + hasMore.get(), Failures.excerpt(body));
            }
            more = flag.booleanValue();
        } else {
            more = records.size() >= pageSize && nextValue != null;
        }
        return new Page(records, nextValue, more);
    }
}
