package dev.vendorpoller.source.eventbrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.Timestamps;
import dev.vendorpoller.record.registration.RawRegistration;
import dev.vendorpoller.record.registration.RegistrationSettings;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.PageRequest;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.scan.Lookback;
import dev.vendorpoller.source.scan.ScanCursor;
import dev.vendorpoller.source.scan.ScanState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Eventbrite's attendee list of one event, read as a change feed:
 * {@code GET {base}/events/{event_id}/attendees/?changed_since=2026-03-01T09:55:05Z[&continuation=T]} →
 * {@code {"pagination":{"has_more_items":bool,"continuation":"…"},"attendees":[…]}}.
 *
 * <p>{@code changed} has one-second resolution and the vendor's index may show a record a little after its
 * {@code changed} time, so a scan never starts at the newest {@code changed} seen (the mark): a fast scan starts at
 * mark − overlap, and once per {@code lookback-every} a deep scan reaches back {@code lookback} (see
 * {@link dev.vendorpoller.source.scan.Lookback}); what is read again is dropped by the idempotent repository. The mark
 * only moves when a scan ends, and never past the time the scan started. The scan's continuation token is part of
 * the durable cursor ({@link ScanState}, shared with {@code continuation-since} through {@link ScanCursor}), so a
 * restart continues the scan; an expired token (400) restarts the scan from its stored {@code changed_since}.
 * README "Feed type eventbrite-attendees" has the keys and the mapping.
 */
public final class EventbriteAttendeesAdapter implements SourceAdapter<RawRegistration> {
    public static final String TYPE = "eventbrite-attendees";
    /** The feed keys this adapter reads (relative to the feed's prefix); tiers and payment-statuses are the kind's. */
    public static final List<String> KEYS = List.of("event-id", Lookback.WINDOW, Lookback.OVERLAP, Lookback.EVERY, "start",
            "cancelled-status");

    /** Eventbrite's attendee statuses, on top of the feed's spellings (which win). */
    static final Map<String, PaymentStatus> EVENTBRITE_STATUSES = Map.of(
            "attending", PaymentStatus.COMPLETED, "checked in", PaymentStatus.COMPLETED,
            "not attending", PaymentStatus.FAILED,
            "placed", PaymentStatus.PENDING, "pending", PaymentStatus.PENDING);

    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final DateTimeFormatter CHANGED_SINCE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String[] METADATA = {"order_id", "ticket_class_id", "ticket_class_name", "status", "costs"};

    private final RegistrationSettings registrations;
    private final String url;
    private final ScanCursor scans;
    private final PaymentStatus cancelledStatus;

    public EventbriteAttendeesAdapter(FeedConfig feed, ConfigReader config) {
        String p = FeedConfigLoader.prefix(feed.name());
        this.registrations = RegistrationSettings.load(config, p);
        String eventId = config.required(p + "event-id");
        if (!EVENT_ID.matcher(eventId).matches()) {
            throw new ConfigException(p + "event-id", "must be an Eventbrite event id (letters, digits, '-', '_') but was '" + eventId + "'");
        }
        this.url = feed.baseUrl() + "/events/" + eventId + "/attendees/";
        Lookback lookback = Lookback.read((key, fallback) -> config.duration(p + key, fallback), key -> p + key);
        Instant start = config.optional(p + "start").map(raw -> {
            try {
                return OffsetDateTime.parse(raw).toInstant();
            } catch (DateTimeParseException e) {
                throw new ConfigException(p + "start", "must be an ISO-8601 instant such as 2026-03-01T00:00:00Z but was '" + raw + "'");
            }
        }).orElse(null);
        this.scans = new ScanCursor(new EventbriteCursorCodec(start), lookback, FeedConfigLoader.clockSkew(config, p),
                Clock.systemUTC());
        String cancelled = config.string(p + "cancelled-status", PaymentStatus.FAILED.name());
        try {
            this.cancelledStatus = PaymentStatus.valueOf(cancelled.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(p + "cancelled-status", "must be one of " + List.of(PaymentStatus.values()) + " but was '" + cancelled + "'");
        }
    }

    /** No limit parameter: Eventbrite chooses the page size, the feed's page-size is not used. */
    @Override
    public PageRequest request(Cursor cursor) {
        ScanState state = scans.request(cursor);
        List<String> query = new ArrayList<>(2);
        if (state.since() != null) {
            query.add("changed_since=" + encode(CHANGED_SINCE.format(state.since().truncatedTo(ChronoUnit.SECONDS))));
        }
        if (state.token() != null) {
            query.add("continuation=" + encode(state.token()));
        }
        return new PageRequest(url, String.join("&", query));
    }

    @Override
    public Page page(Cursor cursor, JsonNode body, Map<String, Object> headers) {
        JsonNode attendees = body.get("attendees");
        JsonNode pagination = body.get("pagination");
        JsonNode hasMore = pagination == null ? null : pagination.get("has_more_items");
        if (attendees == null || !attendees.isArray() || hasMore == null || !hasMore.isBoolean()) {
            throw new MalformedPageException("page lacks an 'attendees' array or a boolean 'pagination.has_more_items'", Failures.excerpt(body));
        }
        List<JsonNode> records = new ArrayList<>(attendees.size());
        attendees.forEach(records::add);
        Instant pageMax = ScanCursor.newest(records, attendee -> Timestamps.toUtc(attendee.get("changed")));
        if (!hasMore.booleanValue()) {
            return new Page(records, scans.ended(cursor, pageMax), false);
        }
        JsonNode token = pagination.get("continuation");
        String next = token == null || token.isNull() || token.asText().isBlank() ? null : token.asText();
        if (next == null || next.equals(scans.state(cursor).token())) {
            // has more, but no way to ask for it: keep the cursor, so the page commit sees the feed stalled and stops the run
            return new Page(records, null, true);
        }
        return new Page(records, scans.next(cursor, pageMax, next), true);
    }

    /** A 400 on a request that carried a continuation: the token expired; the scan restarts from its changed_since. */
    @Override
    public Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal) {
        return refusal.status() == 400 ? scans.withoutToken(cursor) : Optional.empty();
    }

    /**
     * Picks the values the contract interprets: the tier key is {@code ticket_class_id} when the feed's tiers know it,
     * else {@code ticket_class_name}; the payment status is a spelling the contract resolves (or rejects).
     */
    @Override
    public Class<RawRegistration> recordType() {
        return RawRegistration.class;
    }

    @Override
    public RawRegistration map(JsonNode r) {
        JsonNode profile = r.get("profile");
        return new RawRegistration(r, r.get("id"), profile == null ? null : profile.get("email"), tierKey(r),
                paymentStatus(r), r.get("created"), r.get("changed"), metadata(r));
    }

    private JsonNode tierKey(JsonNode r) {
        JsonNode id = r.get("ticket_class_id");
        String idText = text(id);
        if (idText != null && registrations.knowsTier(idText)) {
            return id;
        }
        JsonNode name = r.get("ticket_class_name");
        return text(name) != null ? name : id;
    }

    /**
     * refunded → REFUNDED; else cancelled → the feed's cancelled-status; else the vendor's status: as is when the feed's
     * spellings know it, as its canonical name when Eventbrite's do, as is otherwise (the contract rejects it).
     */
    private JsonNode paymentStatus(JsonNode r) {
        if (flag(r, "refunded")) {
            return TextNode.valueOf(PaymentStatus.REFUNDED.name());
        }
        if (flag(r, "cancelled")) {
            return TextNode.valueOf(cancelledStatus.name());
        }
        JsonNode status = r.get("status");
        String text = text(status);
        if (text == null || registrations.paymentStatus(text) != null) {
            return status;
        }
        PaymentStatus eventbrite = EVENTBRITE_STATUSES.get(text.toLowerCase(Locale.ROOT));
        return eventbrite == null ? status : TextNode.valueOf(eventbrite.name());
    }

    private static ObjectNode metadata(JsonNode r) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        for (String field : METADATA) {
            JsonNode value = r.get(field);
            if (value != null) {
                metadata.set(field, value);
            }
        }
        return metadata;
    }

    private static boolean flag(JsonNode r, String field) {
        JsonNode value = r.get(field);
        return value != null && value.asBoolean(false);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText().trim();
        return text.isEmpty() ? null : text;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

}
