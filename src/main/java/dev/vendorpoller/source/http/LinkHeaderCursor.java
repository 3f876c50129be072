package dev.vendorpoller.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.Page;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cursor-style = link-header}: the next page is the {@code rel="next"} link of the response's {@code Link}
 * header (RFC 8288), e.g. {@code Link: <https://api.example/v1/items?page=3&per_page=50>; rel="next"}. The cursor is
 * that link's query, sent again to {@code base-url + path} (never to another host the link may name). No next link:
 * the end; the cursor stays on the last page's query, so the next run reads that page again and goes on from there.
 */
final class LinkHeaderCursor implements CursorStyle {
    static final String STYLE = "link-header";
    /** One link-value: {@code <uri>} then its {@code ; name=value} parameters, up to the next comma outside quotes. */
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,=\\s]+\\s*(?:=\\s*(?:\"[^\"]*\"|[^;,\\s]*))?)*)");
    private static final Pattern REL = Pattern.compile("(?i);\\s*rel\\s*=\\s*(?:\"([^\"]*)\"|([^;,\\s]+))");

    @Override
    public Query query(Cursor cursor, Query firstPage) {
        return cursor.value().map(Query::of).orElse(firstPage);
    }

    @Override
    public Page page(Cursor cursor, List<JsonNode> records, JsonNode body, Map<String, Object> headers) {
        Optional<String> next = nextLink(headers);
        if (next.isEmpty()) {
            return new Page(records, null, false);
        }
        String query;
        try {
            query = URI.create(next.get()).getRawQuery();
        } catch (IllegalArgumentException e) {
            throw new MalformedPageException("Link header has a next link that is not a URI: " + next.get(), null);
        }
        if (query == null || query.isEmpty()) {
            throw new MalformedPageException("Link header has a next link without a query: " + next.get(), null);
        }
        return new Page(records, query, true);
    }

    /** The target of the first {@code rel="next"} link among all Link header fields, if any. */
    static Optional<String> nextLink(Map<String, Object> headers) {
        for (Map.Entry<String, Object> header : headers.entrySet()) {
            if (!"link".equalsIgnoreCase(header.getKey()) || header.getValue() == null) {
                continue;
            }
            Iterable<?> values = header.getValue() instanceof Iterable<?> many ? many : List.of(header.getValue());
            for (Object value : values) {
                Matcher link = LINK.matcher(String.valueOf(value));
                while (link.find()) {
                    Matcher rel = REL.matcher(link.group(2));
                    while (rel.find()) {
                        String rels = rel.group(1) != null ? rel.group(1) : rel.group(2);
                        if (List.of(rels.toLowerCase(Locale.ROOT).trim().split("\\s+")).contains("next")) {
                            return Optional.of(link.group(1).trim());
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
