package dev.vendorpoller.source.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.feed.Cursor;

/**
 * Where a Stripe events feed is, as JSON in the durable cursor:
 * <ul>
 *   <li>back-filling: {@code {"phase":"backfill","since":<unix>,"after":"evt_…","top":"evt_…","created":<unix>}} —
 *       paging older with starting_after={@code after} until events are older than {@code since}; {@code top} is the
 *       newest settled event seen, where the forward phase will start, {@code created} its time;</li>
 *   <li>forward: {@code {"phase":"forward","before":"evt_…","created":<unix>}} — ending_before={@code before}, the
 *       newest settled event taken, {@code created} its time: where a back-fill starts again when Stripe no longer
 *       knows {@code before} (older than its 30-day retention).</li>
 * </ul>
 * Ids are only ever followed, never compared: Stripe's ids are not ordered.
 */
record StripeCursor(String phase, Long since, String after, String top, String before, Long created) {
    static final String BACKFILL = "backfill";
    static final String FORWARD = "forward";
    private static final ObjectMapper JSON = new ObjectMapper();

    static StripeCursor read(Cursor cursor) {
        if (cursor.value().isEmpty()) {
            return new StripeCursor(BACKFILL, null, null, null, null, null);
        }
        try {
            JsonNode n = JSON.readTree(cursor.value().get());
            return new StripeCursor(n.path("phase").asText(BACKFILL), n.hasNonNull("since") ? n.get("since").asLong() : null,
                    n.path("after").textValue(), n.path("top").textValue(), n.path("before").textValue(),
                    n.hasNonNull("created") ? n.get("created").asLong() : null);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a Stripe events cursor: " + cursor, e);
        }
    }

    static StripeCursor forward(String before, Long created) {
        return new StripeCursor(FORWARD, null, null, null, before, created);
    }

    boolean forward() {
        return FORWARD.equals(phase);
    }

    String write() {
        ObjectNode n = JSON.createObjectNode().put("phase", phase);
        if (since != null) {
            n.put("since", since);
        }
        if (after != null) {
            n.put("after", after);
        }
        if (top != null) {
            n.put("top", top);
        }
        if (before != null) {
            n.put("before", before);
        }
        if (created != null) {
            n.put("created", created);
        }
        return n.toString();
    }
}
