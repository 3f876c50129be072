package dev.vendorpoller.source.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.record.registration.RawRegistration;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.PageRequest;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The adapter of every feed whose vendor is configuration ({@code http-json} and its presets): request from the
 * cursor style, records from a JSON pointer, fields from the field mapping. Nothing here knows a vendor.
 */
public final class DeclarativeAdapter implements SourceAdapter<RawRegistration> {
    /** Every feed key an {@code http-json} feed may set (relative to its prefix), whatever its cursor style. */
    public static final List<String> KEYS = HttpJsonSettings.KEYS;

    private final HttpJsonSettings settings;

    DeclarativeAdapter(HttpJsonSettings settings) {
        this.settings = settings;
    }

    /** The factory of a feed type: {@code http-json} itself, or a preset of it. */
    public static SourceFactory factory(Preset preset) {
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
            throw new MalformedPageException("page lacks a records array at " + settings.records(), Failures.excerpt(body));
        }
        List<JsonNode> records = new ArrayList<>(array.size());
        array.forEach(records::add);
        return settings.cursorStyle().page(cursor, records, body, headers);
    }

    @Override
    public Class<RawRegistration> recordType() {
        return RawRegistration.class;
    }

    @Override
    public RawRegistration map(JsonNode record) {
        return settings.fields().registration(record);
    }

    @Override
    public Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        return settings.cursorStyle().recover(cursor, refusal);
    }

}
