package dev.vendorpoller.source.http;

import java.util.Map;

/**
 * A feed type that is {@code http-json} with defaults for its keys: a vendor shape common enough to name. Every
 * default can still be overridden per feed under {@code vendor-poller.feed.<name>.}.
 *
 * @param type     the feed type ({@code vendor-poller.feed.<name>.type})
 * @param defaults key (relative to the feed) → value used when the feed does not set it
 */
public record Preset(String type, Map<String, String> defaults) {

    /** Plain {@code http-json}: no defaults, the feed says everything. */
    public static final Preset HTTP_JSON = new Preset("http-json", Map.of());

    /**
     * The shape of most form and registration vendors: {@code GET {base}/registrations?limit=N&cursor=C} →
     * {@code {"data":[...], "next_cursor":"...", "has_more":bool}}, with snake_case record fields.
     */
    public static final Preset REGISTRATION_API = new Preset("registration-api", Map.ofEntries(
            Map.entry(HttpJsonSettings.PATH, "/registrations"),
            Map.entry(HttpJsonSettings.PAGE_SIZE_PARAM, "limit"),
            Map.entry(HttpJsonSettings.RECORDS, "/data"),
            Map.entry(HttpJsonSettings.CURSOR_STYLE, BodyCursor.STYLE),
            Map.entry(BodyCursor.NEXT_CURSOR, "/next_cursor"),
            Map.entry(BodyCursor.CURSOR_PARAM, "cursor"),
            Map.entry(BodyCursor.HAS_MORE, "/has_more"),
            Map.entry(FieldMapping.ID, "/id"),
            Map.entry(FieldMapping.EMAIL, "/email"),
            Map.entry(FieldMapping.TICKET_SKU, "/ticket_sku"),
            Map.entry(FieldMapping.PAYMENT_STATUS, "/payment_status"),
            Map.entry(FieldMapping.CREATED_AT, "/created_at"),
            Map.entry(FieldMapping.UPDATED_AT, "/updated_at"),
            Map.entry(FieldMapping.METADATA, "/metadata")));
}
