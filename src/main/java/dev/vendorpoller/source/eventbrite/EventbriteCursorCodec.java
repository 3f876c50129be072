package dev.vendorpoller.source.eventbrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.source.scan.ScanCursor;
import dev.vendorpoller.source.scan.ScanState;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The eventbrite-attendees cursor text of a {@link ScanState}: one JSON object, e.g.
 * {@code {"mark":"2026-03-01T10:00:05Z","changed_since":"2026-03-01T09:55:05Z","continuation":"eyJwYWdlIjo…","scan_max":"…"}}
 * ({@code mark}, {@code changed_since}, {@code continuation}, {@code scan_max}, {@code scan_started},
 * {@code deep_mark}, {@code deep_at}: the state's mark, since, token, scanMax, started, deepMark and deepAt; absent fields are null, an
 * absent deep_mark is the mark). A bare ISO instant is read too (an operator's
 * {@code resetCursor("2026-03-01T00:00:00Z")}: scan again from that time).
 */
final class EventbriteCursorCodec implements ScanCursor.Codec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instant start;

    /** @param start the since of a feed's first scan (null: from the beginning) */
    EventbriteCursorCodec(Instant start) {
        this.start = start;
    }

    @Override
    public ScanState decode(Cursor cursor) {
        String text = cursor.value().orElse(null);
        if (text == null) {
            return ScanState.initial(start);
        }
        text = text.trim();
        if (!text.startsWith("{")) {
            return ScanState.initial(instant(text));
        }
        try {
            JsonNode node = JSON.readTree(text);
            return new ScanState(instant(node, "mark"), instant(node, "changed_since"), textOrNull(node.get("continuation")),
                    instant(node, "scan_max"), instant(node, "scan_started"), instant(node, "deep_mark"),
                    instant(node, "deep_at"));
        } catch (IOException e) {
            throw new IllegalArgumentException("eventbrite-attendees cursor is not valid JSON: " + text);
        }
    }

    @Override
    public String encode(ScanState state) {
        ObjectNode node = JSON.createObjectNode();
        put(node, "mark", state.mark());
        put(node, "changed_since", state.since());
        if (state.token() != null) {
            node.put("continuation", state.token());
        }
        put(node, "scan_max", state.scanMax());
        put(node, "scan_started", state.started());
        if (state.deepMark() != null && !state.deepMark().equals(state.mark())) {
            put(node, "deep_mark", state.deepMark());
        }
        put(node, "deep_at", state.deepAt());
        return node.toString();
    }

    private static void put(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }

    private static Instant instant(JsonNode node, String field) {
        String text = textOrNull(node.get(field));
        return text == null ? null : instant(text);
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("eventbrite-attendees cursor holds '" + text + "', not an ISO-8601 instant");
        }
    }

    private static String textOrNull(JsonNode node) {
        return node == null || node.isNull() || node.asText().isBlank() ? null : node.asText();
    }
}
