package dev.vendorpoller.source.eventbrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.feed.Cursor;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The eventbrite-attendees cursor: one JSON object in the feed's durable cursor string, e.g.
 * {@code {"mark":"2026-03-01T10:00:05Z","changed_since":"2026-03-01T09:55:05Z","continuation":"eyJwYWdlIjo…","scan_max":"…"}}.
 * Absent fields are null.
 *
 * @param mark         the newest {@code changed} of a completed scan (the high-water mark); null before any
 * @param changedSince the {@code changed_since} of the current scan, or of the next one when none is in progress
 *                     (null: the scan asks without one)
 * @param continuation the vendor's token for the next page of the current scan; null between scans
 * @param scanMax      the newest {@code changed} read so far in the current scan; null between scans
 */
record ScanState(Instant mark, Instant changedSince, String continuation, Instant scanMax) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The state of a feed that never scanned: the first scan asks from {@code start} (null: from the beginning). */
    static ScanState initial(Instant start) {
        return new ScanState(null, start, null, null);
    }

    /**
     * Reads a stored cursor. Besides the JSON this class writes, a bare ISO instant is accepted (an operator's
     * {@code resetCursor("2026-03-01T00:00:00Z")}: scan again from that time).
     */
    static ScanState parse(Cursor cursor, Instant start) {
        String text = cursor.value().orElse(null);
        if (text == null) {
            return initial(start);
        }
        text = text.trim();
        if (!text.startsWith("{")) {
            return new ScanState(null, instant(text), null, null);
        }
        try {
            JsonNode node = JSON.readTree(text);
            return new ScanState(instant(node, "mark"), instant(node, "changed_since"), textOrNull(node.get("continuation")),
                    instant(node, "scan_max"));
        } catch (IOException e) {
            throw new IllegalArgumentException("eventbrite-attendees cursor is not valid JSON: " + text);
        }
    }

    boolean inScan() {
        return continuation != null;
    }

    /** After a page that has more: the scan goes on with the vendor's token. */
    ScanState next(String token, Instant pageMax) {
        return new ScanState(mark, changedSince, token, latest(scanMax, pageMax));
    }

    /** After the last page of a scan: the mark takes the scan's newest, the next scan asks from mark - lookback. */
    ScanState scanEnded(Instant pageMax, Duration lookback) {
        Instant newMark = latest(mark, latest(scanMax, pageMax));
        return new ScanState(newMark, newMark == null ? changedSince : newMark.minus(lookback), null, null);
    }

    /** The vendor refused the token: the same scan starts over from its stored changed_since, without a token. */
    ScanState withoutToken() {
        return new ScanState(mark, changedSince, null, scanMax);
    }

    Cursor toCursor() {
        ObjectNode node = JSON.createObjectNode();
        put(node, "mark", mark);
        put(node, "changed_since", changedSince);
        if (continuation != null) {
            node.put("continuation", continuation);
        }
        put(node, "scan_max", scanMax);
        return Cursor.of(node.toString());
    }

    static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
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
