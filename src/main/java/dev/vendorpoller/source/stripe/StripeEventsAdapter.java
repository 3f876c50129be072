package dev.vendorpoller.source.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.payment.RawPaymentEvent;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.PageRequest;
import dev.vendorpoller.source.SourceAdapter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe events ({@code type = stripe-events}): {@code GET {base}/events?limit=N&ending_before=ID|starting_after=ID}
 * → {@code {"object":"list","data":[…],"has_more":bool}}, newest first, {@code created} in Unix seconds.
 * <ul>
 *   <li>First run: back-fill from {@code backfill} ago, paging older with starting_after, then move forward with
 *       ending_before = the newest settled event taken. Ids are followed, never compared (they are not ordered).</li>
 *   <li>/events is eventually consistent: an event can appear seconds late at a position older than events already
 *       returned. The cursor only moves to an event older than {@code settle-window}; younger events are read again
 *       next poll and dropped as duplicates by event id.</li>
 * </ul>
 * Stripe sends no rate-limit headers: configure the account's limits; 429s are waited out by the governor.
 */
public final class StripeEventsAdapter implements SourceAdapter<RawPaymentEvent> {
    public static final String TYPE = "stripe-events";
    /** The feed keys this adapter reads (relative to the feed's prefix); applies-to is the payment-event kind's. */
    public static final List<String> KEYS = List.of("backfill", "settle-window", "registration-ref", "event-statuses");

    /** Type suffixes that move a registration's payment status, when event-statuses does not name the type. */
    private static final Map<String, PaymentStatus> BY_SUFFIX = Map.of("succeeded", PaymentStatus.COMPLETED,
            "completed", PaymentStatus.COMPLETED, "paid", PaymentStatus.COMPLETED, "refunded", PaymentStatus.REFUNDED,
            "failed", PaymentStatus.FAILED, "payment_failed", PaymentStatus.FAILED);

    private final FeedConfig feed;
    private final Clock clock;
    private final Duration backfill;
    private final Duration settle;
    private final String refKey;
    private final Map<String, PaymentStatus> statuses;

    public StripeEventsAdapter(FeedConfig feed, ConfigReader config) {
        this(feed, config, Clock.systemUTC());
    }

    StripeEventsAdapter(FeedConfig feed, ConfigReader config, Clock clock) {
        String p = FeedConfigLoader.prefix(feed.name());
        this.feed = feed;
        this.clock = clock;
        this.backfill = config.duration(p + "backfill", Duration.ofDays(7));
        this.settle = config.duration(p + "settle-window", Duration.ofSeconds(5));
        this.refKey = config.string(p + "registration-ref", "registration_id");
        this.statuses = statuses(p + "event-statuses", config);
    }

    @Override
    public PageRequest request(Cursor cursor) {
        StripeCursor c = StripeCursor.read(cursor);
        String query = "limit=" + Math.min(100, feed.pageSize());
        if (c.forward()) {
            query += "&ending_before=" + enc(c.before());
        } else if (c.after() != null) {
            query += "&starting_after=" + enc(c.after());
        }
        return new PageRequest(feed.baseUrl() + "/events", query);
    }

    @Override
    public Page page(Cursor cursor, JsonNode body, Map<String, Object> headers) {
        JsonNode data = body.get("data");
        JsonNode hasMore = body.get("has_more");
        if (data == null || !data.isArray() || hasMore == null || !hasMore.isBoolean()) {
            throw new MalformedPageException("Stripe list lacks a 'data' array or a boolean 'has_more'", null);
        }
        List<JsonNode> events = new ArrayList<>();
        data.forEach(events::add);
        StripeCursor c = StripeCursor.read(cursor);
        long settledBy = clock.instant().minus(settle).getEpochSecond();
        JsonNode settled = events.stream().filter(e -> e.path("created").asLong(Long.MAX_VALUE) <= settledBy)
                .filter(e -> e.path("id").asText(null) != null).findFirst().orElse(null);
        String newestSettled = settled == null ? null : settled.path("id").asText();
        Long settledCreated = settled == null || !settled.path("created").canConvertToLong() ? null : settled.path("created").asLong();
        if (c.forward()) {
            // nothing settled: the cursor stays, these events come again next poll (and are dropped as duplicates)
            StripeCursor next = newestSettled == null ? c : StripeCursor.forward(newestSettled, settledCreated);
            return new Page(events, next.write(), hasMore.booleanValue() && newestSettled != null);
        }
        long since = c.since() != null ? c.since() : clock.instant().minus(backfill).getEpochSecond();
        String top = c.top() != null ? c.top() : newestSettled;
        Long topCreated = c.top() != null ? c.created() : settledCreated;
        // events older than the back-fill start are outside what the feed was configured to take; an event whose
        // created is unreadable stays in, so the contract rejects it with its payload
        List<JsonNode> inWindow = events.stream()
                .filter(e -> !e.path("created").isIntegralNumber() || e.path("created").asLong() >= since).toList();
        boolean done = !hasMore.booleanValue() || inWindow.size() < events.size() || events.isEmpty();
        if (done) {
            StripeCursor next = top != null ? StripeCursor.forward(top, topCreated)
                    : new StripeCursor(StripeCursor.BACKFILL, since, null, null, null, null);
            return new Page(inWindow, next.write(), false);
        }
        String last = events.get(events.size() - 1).path("id").asText();
        return new Page(inWindow, new StripeCursor(StripeCursor.BACKFILL, since, last, top, null, topCreated).write(), true);
    }

    /**
     * Stripe keeps events 30 days: an {@code ending_before} (or {@code starting_after}) event older than that is refused
     * (400/404) on every run. Instead of a dead letter per run, back-fill again from the newest settled event's
     * {@code created} (or, for a cursor written before it was kept, from {@code backfill} ago): every event since is
     * read again (known ones are duplicates), then the feed moves forward from the newest settled one.
     */
    @Override
    public Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        if (refusal.status() != 400 && refusal.status() != 404) {
            return Optional.empty();
        }
        StripeCursor c = StripeCursor.read(cursor);
        if (c.forward()) {
            long since = c.created() != null ? c.created() : clock.instant().minus(backfill).getEpochSecond();
            return Optional.of(Cursor.of(new StripeCursor(StripeCursor.BACKFILL, since, null, null, null, null).write()));
        }
        if (c.after() != null) {
            // the back-fill's page marker is gone: the same back-fill from the newest event again
            return Optional.of(Cursor.of(new StripeCursor(StripeCursor.BACKFILL, c.since(), null, null, null, null).write()));
        }
        return Optional.empty();
    }

    @Override
    public Class<RawPaymentEvent> recordType() {
        return RawPaymentEvent.class;
    }

    @Override
    public RawPaymentEvent map(JsonNode e) {
        JsonNode object = e.path("data").path("object");
        String type = e.path("type").asText("");
        return new RawPaymentEvent(e, e.get("id"), e.get("type"), e.get("created"), object.get("id"), object.get("amount"),
                object.get("currency"), object.get("status"), object.path("metadata").get(refKey), status(type));
    }

    PaymentStatus status(String type) {
        PaymentStatus configured = statuses.get(type.toLowerCase(Locale.ROOT));
        if (configured != null) {
            return configured;
        }
        String suffix = type.substring(type.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return BY_SUFFIX.get(suffix);
    }

    private static Map<String, PaymentStatus> statuses(String key, ConfigReader config) {
        Map<String, PaymentStatus> map = new LinkedHashMap<>();
        config.pairs(key, "event.type:STATUS (one of " + List.of(PaymentStatus.values()) + ")").forEach((type, status) -> {
            try {
                map.put(type.toLowerCase(Locale.ROOT), PaymentStatus.valueOf(status.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "entry '" + type + ":" + status + "' must look like event.type:STATUS (one of "
                        + List.of(PaymentStatus.values()) + ")");
            }
        });
        return Map.copyOf(map);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
