package dev.vendorpoller.source.http;

import com.fasterxml.jackson.core.JsonPointer;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.source.scan.Lookback;
import java.util.List;
import java.util.Optional;

/**
 * One {@code http-json} feed's vendor shape, validated at start-up: the requester (path, query, page-size
 * parameter), the record selector ({@code records}), the cursor style and the field mapping. Keys live under
 * {@code vendor-poller.feed.<name>.}, each defaulting to its preset's value; see README "Feed type http-json".
 *
 * @param url           {@code base-url} + {@code path}
 * @param firstPage     {@code query} plus {@code page-size-param=<page-size>}: what every first page asks
 * @param records       JSON pointer to the page's records array
 */
record HttpJsonSettings(String url, Query firstPage, JsonPointer records, CursorStyle cursorStyle, FieldMapping fields) {

    static final String PATH = "path";
    static final String QUERY = "query";
    static final String PAGE_SIZE_PARAM = "page-size-param";
    static final String RECORDS = "records";
    static final String CURSOR_STYLE = "cursor-style";
    /** Every key of an http-json feed, relative to its prefix: requester, selector, all cursor styles, fields. */
    static final List<String> KEYS = List.of(PATH, QUERY, PAGE_SIZE_PARAM, RECORDS, CURSOR_STYLE,
            BodyCursor.NEXT_CURSOR, BodyCursor.CURSOR_PARAM, BodyCursor.HAS_MORE,
            PositionCursor.PAGE_PARAM, PositionCursor.PAGE_START, PositionCursor.OFFSET_PARAM, PositionCursor.OFFSET_START,
            ContinuationSinceCursor.SINCE_PARAM, ContinuationSinceCursor.SINCE_FIELD, ContinuationSinceCursor.SINCE_FORMAT,
            ContinuationSinceCursor.CONTINUATION, ContinuationSinceCursor.CONTINUATION_PARAM, Lookback.WINDOW, Lookback.OVERLAP, Lookback.EVERY,
            FieldMapping.ID, FieldMapping.EMAIL, FieldMapping.TICKET_SKU, FieldMapping.PAYMENT_STATUS, FieldMapping.CREATED_AT,
            FieldMapping.UPDATED_AT, FieldMapping.METADATA);
    static final List<String> STYLES = List.of(BodyCursor.STYLE, LinkHeaderCursor.STYLE, PositionCursor.PAGE_NUMBER,
            PositionCursor.OFFSET, ContinuationSinceCursor.STYLE);

    static HttpJsonSettings load(FeedConfig feed, ConfigReader config, Preset preset) {
        FeedKeys keys = new FeedKeys(feed.name(), config, preset);
        Query firstPage = Query.of(query(keys));
        Optional<String> pageSizeParam = keys.optionalParam(PAGE_SIZE_PARAM);
        if (pageSizeParam.isPresent()) {
            firstPage = firstPage.with(pageSizeParam.get(), Integer.toString(feed.pageSize()));
        }
        return new HttpJsonSettings(feed.baseUrl() + path(keys), firstPage,
                keys.pointer(RECORDS, "(a JSON pointer to the records array, e.g. /data)"),
                cursorStyle(keys, feed.pageSize()), FieldMapping.load(keys));
    }

    private static String path(FeedKeys keys) {
        String path = keys.optional(PATH).orElse("");
        if (!path.isEmpty() && (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.matches(".*\\s.*"))) {
            throw new ConfigException(keys.property(PATH), "must be a path starting with '/' without query or spaces"
                    + " (extra parameters go in " + keys.property(QUERY) + ") but was '" + path + "'");
        }
        return path;
    }

    private static String query(FeedKeys keys) {
        String query = keys.optional(QUERY).orElse("");
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            if (pair.isEmpty() || pair.startsWith("=") || pair.matches(".*[\\s#?].*")) {
                throw new ConfigException(keys.property(QUERY), "must be an encoded query like a=1&b=2 but was '" + query + "'");
            }
        }
        return query;
    }

    private static CursorStyle cursorStyle(FeedKeys keys, int pageSize) {
        String style = keys.required(CURSOR_STYLE, "(one of " + String.join(", ", STYLES) + ")");
        return switch (style) {
            case BodyCursor.STYLE -> BodyCursor.load(keys, pageSize);
            case LinkHeaderCursor.STYLE -> new LinkHeaderCursor();
            case PositionCursor.PAGE_NUMBER -> PositionCursor.pageNumber(keys, pageSize);
            case PositionCursor.OFFSET -> PositionCursor.offset(keys, pageSize);
            case ContinuationSinceCursor.STYLE -> ContinuationSinceCursor.load(keys);
            default -> throw new ConfigException(keys.property(CURSOR_STYLE), "has unknown cursor style '" + style
                    + "' (known: " + String.join(", ", STYLES) + ")");
        };
    }
}
