package dev.vendorpoller.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import java.util.List;
import java.util.Map;

/**
 * The two positional cursor styles; the cursor is the number sent as the style's parameter.
 * <ul>
 *   <li>{@code cursor-style = page-number}: {@code page-param=N}, starting at {@code page-start} [1]. A full page moves
 *       the cursor to N+1; a short or empty page ends the run and keeps N, so the next run reads page N again
 *       (repeats are dropped by the idempotent repository) and sees what was appended to it.</li>
 *   <li>{@code cursor-style = offset}: {@code offset-param=O}, starting at {@code offset-start} [0]. Each page moves
 *       the cursor by the records it held; a short or empty page ends the run, and the next run asks from there.</li>
 * </ul>
 * Consistency caveat, for both: records inserted or deleted while paging shift every later position, so a record can
 * be skipped (never read) or repeated. Repeats are harmless; skips are not recovered. Use only for vendors that append
 * in a stable order, and re-scan periodically (reset the cursor to START).
 */
final class PositionCursor implements CursorStyle {
    static final String PAGE_NUMBER = "page-number";
    static final String PAGE_PARAM = "page-param";
    static final String PAGE_START = "page-start";
    static final String OFFSET = "offset";
    static final String OFFSET_PARAM = "offset-param";
    static final String OFFSET_START = "offset-start";

    private final String style;
    private final String param;
    private final long start;
    private final int pageSize;
    /** Offsets move by the records a page held; page numbers by one, and only after a full page. */
    private final boolean countsRecords;

    private PositionCursor(String style, String param, long start, int pageSize, boolean countsRecords) {
        this.style = style;
        this.param = param;
        this.start = start;
        this.pageSize = pageSize;
        this.countsRecords = countsRecords;
    }

    static PositionCursor pageNumber(FeedKeys keys, int pageSize) {
        return new PositionCursor(PAGE_NUMBER, keys.param(PAGE_PARAM, "for cursor-style " + PAGE_NUMBER),
                keys.number(PAGE_START, 1), pageSize, false);
    }

    static PositionCursor offset(FeedKeys keys, int pageSize) {
        return new PositionCursor(OFFSET, keys.param(OFFSET_PARAM, "for cursor-style " + OFFSET),
                keys.number(OFFSET_START, 0), pageSize, true);
    }

    @Override
    public Query query(Cursor cursor, Query firstPage) {
        return firstPage.with(param, Long.toString(position(cursor)));
    }

    @Override
    public Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers) {
        long position = position(cursor);
        boolean full = records.size() >= pageSize;
        long next = countsRecords ? position + records.size() : full ? position + 1 : position;
        return new Page(records, Long.toString(next), full);
    }

    /** The number the cursor holds, or the start for a new feed. */
    private long position(Cursor cursor) {
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
