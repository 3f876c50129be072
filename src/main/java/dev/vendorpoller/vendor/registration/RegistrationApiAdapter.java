package dev.vendorpoller.vendor.registration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.FeedConfig;
import dev.vendorpoller.contract.RawRegistration;
import dev.vendorpoller.cursor.Cursor;
import dev.vendorpoller.vendor.MalformedPageException;
import dev.vendorpoller.vendor.Page;
import dev.vendorpoller.vendor.PageRequest;
import dev.vendorpoller.vendor.VendorAdapter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cursor-paged registration API (the shape of most form/registration vendors):
 * {@code GET {base}/registrations?limit=N&cursor=C} → {@code {"data":[...], "next_cursor":"...", "has_more":bool}}.
 * See README "Feed type registration-api" for a sample request and response.
 */
public final class RegistrationApiAdapter implements VendorAdapter {
    private final FeedConfig feed;

    public RegistrationApiAdapter(FeedConfig feed, ConfigReader config) {
        this.feed = feed;
    }

    @Override
    public PageRequest request(Cursor cursor) {
        String query = "limit=" + feed.pageSize()
                + cursor.value().map(c -> "&cursor=" + URLEncoder.encode(c, StandardCharsets.UTF_8)).orElse("");
        return new PageRequest(feed.baseUrl() + "/registrations", query);
    }

    @Override
    public Page page(Cursor cursor, JsonNode body, Map<String, Object> headers) {
        JsonNode data = body.get("data");
        JsonNode hasMore = body.get("has_more");
        if (data == null || !data.isArray() || hasMore == null || !hasMore.isBoolean()) {
            throw new MalformedPageException("page lacks a 'data' array or a boolean 'has_more'", excerpt(body));
        }
        List<JsonNode> records = new ArrayList<>(data.size());
        data.forEach(records::add);
        JsonNode next = body.get("next_cursor");
        return new Page(records, next == null || next.isNull() ? null : next.asText(), hasMore.booleanValue());
    }

    @Override
    public RawRegistration registration(JsonNode r) {
        return new RawRegistration(r, r.get("id"), r.get("email"), r.get("ticket_sku"), r.get("payment_status"),
                r.get("created_at"), r.get("updated_at"), r.get("metadata"));
    }

    private static String excerpt(JsonNode body) {
        String text = body.toString();
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
