package dev.vendorpoller.vendor.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.contract.RawRegistration;
import dev.vendorpoller.cursor.Cursor;
import dev.vendorpoller.vendor.MalformedPageException;
import dev.vendorpoller.vendor.Page;
import dev.vendorpoller.vendor.PageRequest;
import dev.vendorpoller.vendor.VendorAdapter;
import dev.vendorpoller.vendor.VendorAdapterFactory;
import dev.vendorpoller.vendor.VendorRequestRejectedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The adapter of every feed whose vendor is configuration ({@code http-json} and its presets): request from the
 * cursor style, records from a JSON pointer, fields from the field mapping. Nothing here knows a vendor.
 */
public final class DeclarativeAdapter implements VendorAdapter {
    private final HttpJsonSettings settings;

    DeclarativeAdapter(HttpJsonSettings settings) {
        this.settings = settings;
    }

    /** The factory of a feed type: {@code http-json} itself, or a preset of it. */
    public static VendorAdapterFactory factory(Preset preset) {
        return (feed, config) -> new DeclarativeAdapter(HttpJsonSettings.load(feed, config, preset));
    }

    @Override
    public PageRequest request(Cursor cursor) {
        return new PageRequest(settings.url(), settings.cursorStyle().query(cursor, settings.firstPage()).toString());
    }

    @Override
    public Page page(Cursor cursor, JsonNode body, Map<String, Object> headers) {
        JsonNode array = body.at(settings.records());
        if (!array.isArray()) {
            throw new MalformedPageException("page lacks a records array at " + settings.records(), excerpt(body));
        }
        List<JsonNode> records = new ArrayList<>(array.size());
        array.forEach(records::add);
        return settings.cursorStyle().page(cursor, records, body, headers);
    }

    @Override
    public RawRegistration registration(JsonNode record) {
        return settings.fields().registration(record);
    }

    @Override
    public Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        return settings.cursorStyle().recover(cursor, refusal);
    }

    static String excerpt(JsonNode body) {
        String text = body.toString();
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
