package dev.vendorpoller.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import java.util.List;
import java.util.Map;

/**
 * {@code cursor-style = page-number}: {@code page-param=N}, starting at {@code page-start} [1]. A full page moves the
 * cursor to N+1; a short or empty page ends the run and keeps N, so the next run reads page N again (repeats are
 * dropped by the idempotent repository) and sees what was appended to it.
 *
 * <p>Consistency caveat: records inserted or deleted while paging shift every later position, so a record can be
 * skipped (never read) or repeated. Repeats are harmless; skips are not recovered. Use only for vendors that append
 * in a stable order, and re-scan periodically (reset the cursor to START).
 */
final class PageNumberCursor implements CursorStyle {
    static final String STYLE = "page-number";
    static final String PAGE_PARAM = "page-param";
    static final String PAGE_START = "page-start";

    private final String pageParam;
    private final long start;
    private final int pageSize;

    PageNumberCursor(String pageParam, long start, int pageSize) {
        this.pageParam = pageParam;
        this.start = start;
        this.pageSize = pageSize;
    }

    static PageNumberCursor load(FeedKeys keys, int pageSize) {
        return new PageNumberCursor(keys.param(PAGE_PARAM, "for cursor-style " + STYLE), keys.number(PAGE_START, 1), pageSize);
    }

    @Override
    public Query query(Cursor cursor, Query firstPage) {
        return firstPage.with(pageParam, Long.toString(position(cursor, start, STYLE)));
    }

    @Override
    public Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers) {
        long page = position(cursor, start, STYLE);
        boolean full = records.size() >= pageSize;
        return new Page(records, Long.toString(full ? page + 1 : page), full);
    }

    /** The number a page-number or offset cursor holds, or the start for a new feed. */
    static long position(Cursor cursor, long start, String style) {
        String value = cursor.value().orElse(null);
        if (value == null) {
            return start;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("cursor '" + value + "' is not a number, as cursor-style " + style + " needs");
        }
    }
}
