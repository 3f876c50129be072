package dev.vendorpoller.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import java.util.List;
import java.util.Map;

/**
 * {@code cursor-style = offset}: {@code offset-param=O}, starting at {@code offset-start} [0]. Each page moves the
 * cursor by the records it held; a short or empty page ends the run, and the next run asks from there.
 *
 * <p>Consistency caveat: as for {@link PageNumberCursor}, records inserted or deleted while paging shift positions,
 * so rows can be skipped or repeated; repeats are dropped, skips are not recovered. Use only for vendors that append
 * in a stable order, and re-scan periodically.
 */
final class OffsetCursor implements CursorStyle {
    static final String STYLE = "offset";
    static final String OFFSET_PARAM = "offset-param";
    static final String OFFSET_START = "offset-start";

    private final String offsetParam;
    private final long start;
    private final int pageSize;

    OffsetCursor(String offsetParam, long start, int pageSize) {
        this.offsetParam = offsetParam;
        this.start = start;
        this.pageSize = pageSize;
    }

    static OffsetCursor load(FeedKeys keys, int pageSize) {
        return new OffsetCursor(keys.param(OFFSET_PARAM, "for cursor-style " + STYLE), keys.number(OFFSET_START, 0), pageSize);
    }

    @Override
    public Query query(Cursor cursor, Query firstPage) {
        return firstPage.with(offsetParam, Long.toString(PageNumberCursor.position(cursor, start, STYLE)));
    }

    @Override
    public Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers) {
        long offset = PageNumberCursor.position(cursor, start, STYLE);
        return new Page(records, Long.toString(offset + records.size()), records.size() >= pageSize);
    }
}
