package dev.vendorpoller.source.eventbrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.registration.CanonicalRegistration;
import dev.vendorpoller.record.registration.RawRegistration;
import dev.vendorpoller.record.registration.RegistrationContract;
import dev.vendorpoller.record.registration.RegistrationSettings;
import dev.vendorpoller.record.registration.TicketTier;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The eventbrite-attendees adapter without HTTP: its keys, its request, its cursor arithmetic and the mapping. */
class EventbriteAttendeesAdapterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String P = "vendor-poller.feed.eb.";
    private final Contracts contracts = new Contracts(Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));
    private final Map<String, String> props = new HashMap<>(Map.of(
            "vendor-poller.feeds", "eb",
            P + "type", "eventbrite-attendees",
            P + "base-url", "https://www.eventbriteapi.com/v3/",
            P + "token", "t0ken",
            P + "schedule.interval", "30s",
            P + "event-id", "42",
            P + "tiers", "1002:VIP,general admission:GENERAL_ADMISSION,Student:STUDENT"));
    private FeedConfig feed;

    private RegistrationContract contract;

    @SuppressWarnings("unchecked")
    private SourceAdapter<RawRegistration> adapter() {
        ConfigReader reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        feed = new FeedConfigLoader(reader, SourceTypes.types()).load().get(0);
        contract = new RegistrationContract(feed.name(), RegistrationSettings.load(reader, P), contracts);
        return (SourceAdapter<RawRegistration>) SourceTypes.create(feed, reader);
    }

    private static ObjectNode attendee(String id, String changed) throws Exception {
        return (ObjectNode) JSON.readTree("{\"id\":\"" + id + "\",\"changed\":\"" + changed + "\",\"created\":\"2026-02-20T08:30:00Z\","
                + "\"status\":\"Attending\",\"cancelled\":false,\"refunded\":false,\"ticket_class_id\":\"1001\","
                + "\"ticket_class_name\":\"General Admission\",\"profile\":{\"email\":\" Ada.Lovelace@Example.COM \",\"name\":\"Ada\"},"
                + "\"costs\":{\"gross\":{\"currency\":\"USD\",\"value\":5000}},\"order_id\":\"9001\",\"event_id\":\"42\"}");
    }

    private ContractResult check(SourceAdapter<RawRegistration> adapter, JsonNode attendee) {
        return contract.check(adapter.map(attendee));
    }

    private CanonicalRegistration valid(SourceAdapter<RawRegistration> adapter, JsonNode attendee) {
        ContractResult result = check(adapter, attendee);
        assertThat(result).as("%s", result).isInstanceOf(ContractResult.Valid.class);
        return (CanonicalRegistration) ((ContractResult.Valid) result).record();
    }

    @Test
    void maps_an_attendee_to_the_canonical_registration() throws Exception {
        CanonicalRegistration r = valid(adapter(), attendee("3000000001", "2026-03-01T10:00:05Z"));

        assertThat(r.externalId()).isEqualTo("3000000001");
        assertThat(r.email()).isEqualTo("ada.lovelace@example.com");
        assertThat(r.ticketTier()).as("ticket_class_name, case-insensitive").isEqualTo(TicketTier.GENERAL_ADMISSION);
        assertThat(r.paymentStatus()).isEqualTo(PaymentStatus.COMPLETED);
        assertThat(r.registeredAt()).isEqualTo(Instant.parse("2026-02-20T08:30:00Z"));
        assertThat(r.sourceUpdatedAt()).isEqualTo(Instant.parse("2026-03-01T10:00:05Z"));
        assertThat(r.idempotencyKey()).as("feed, id, changed and the digest of the content").isEqualTo(Hashes.sha256Hex("eb",
                "3000000001", "2026-03-01T10:00:05Z", r.contentDigest()));
        assertThat(r.metadata().toString()).isEqualTo("{\"order_id\":\"9001\",\"ticket_class_id\":\"1001\","
                + "\"ticket_class_name\":\"General Admission\",\"status\":\"Attending\",\"costs\":{\"gross\":{\"currency\":\"USD\",\"value\":5000}}}");
    }

    @Test
    void looks_the_tier_up_by_ticket_class_id_first_then_by_name() throws Exception {
        SourceAdapter<RawRegistration> adapter = adapter();
        ObjectNode vip = attendee("1", "2026-03-01T10:00:05Z").put("ticket_class_id", "1002").put("ticket_class_name", "Student");
        ObjectNode byName = attendee("2", "2026-03-01T10:00:05Z").put("ticket_class_id", "7777").put("ticket_class_name", "STUDENT");
        ObjectNode unknown = attendee("3", "2026-03-01T10:00:05Z").put("ticket_class_id", "7777").put("ticket_class_name", "Backstage");

        assertThat(valid(adapter, vip).ticketTier()).isEqualTo(TicketTier.VIP);
        assertThat(valid(adapter, byName).ticketTier()).isEqualTo(TicketTier.STUDENT);
        assertThat(valid(adapter, unknown).ticketTier()).isEqualTo(TicketTier.UNKNOWN_TIER);
    }

    @ParameterizedTest(name = "status={0} cancelled={1} refunded={2} -> {3}")
    @CsvSource({
            "Attending, false, false, COMPLETED",
            "Checked In, false, false, COMPLETED",
            "not attending, false, false, FAILED",
            "Placed, false, false, PENDING",
            "pending, false, false, PENDING",
            "Attending, true, false, FAILED",       // cancelled -> cancelled-status (default FAILED)
            "Not Attending, true, true, REFUNDED",  // refunded wins over cancelled
            "Attending, false, true, REFUNDED"})
    void resolves_the_payment_status(String status, boolean cancelled, boolean refunded, PaymentStatus expected) throws Exception {
        ObjectNode a = attendee("1", "2026-03-01T10:00:05Z").put("status", status).put("cancelled", cancelled).put("refunded", refunded);

        assertThat(valid(adapter(), a).paymentStatus()).isEqualTo(expected);
    }

    @Test
    void cancelled_status_and_the_feeds_spellings_are_configurable() throws Exception {
        props.put(P + "cancelled-status", "pending");
        props.put(P + "payment-statuses", "placed:COMPLETED,Transferred:COMPLETED");
        SourceAdapter<RawRegistration> adapter = adapter();

        assertThat(valid(adapter, attendee("1", "2026-03-01T10:00:05Z").put("cancelled", true)).paymentStatus()).isEqualTo(PaymentStatus.PENDING);
        assertThat(valid(adapter, attendee("2", "2026-03-01T10:00:05Z").put("status", "Placed")).paymentStatus())
                .as("the feed's spelling wins over Eventbrite's default").isEqualTo(PaymentStatus.COMPLETED);
        assertThat(valid(adapter, attendee("3", "2026-03-01T10:00:05Z").put("status", "transferred")).paymentStatus())
                .isEqualTo(PaymentStatus.COMPLETED);
    }

    @Test
    void the_contract_rejects_an_unknown_status_a_missing_email_and_a_bad_changed_time() throws Exception {
        SourceAdapter<RawRegistration> adapter = adapter();
        ObjectNode a = attendee("1", "2026-03-01 10:00:05").put("status", "Transferred");
        a.remove("profile");

        ContractResult result = check(adapter, a);

        assertThat(result).isInstanceOf(ContractResult.Rejected.class);
        var rejection = ((ContractResult.Rejected) result).rejection();
        assertThat(rejection.errors()).extracting(e -> e.field() + ":" + e.code())
                .containsExactly("email:not_blank", "payment_status:unknown_payment_status", "source_updated_at:invalid_timestamp");
        assertThat(rejection.raw()).isEqualTo(a);
    }

    @Test
    void asks_from_start_then_continues_with_the_token_and_the_same_changed_since() throws Exception {
        props.put(P + "page-size", "7");
        props.put(P + "lookback-every", "0s"); // every scan from mark - lookback, as before the fast/deep split
        SourceAdapter<RawRegistration> adapter = adapter();
        assertThat(adapter.request(Cursor.start()).url()).isEqualTo("https://www.eventbriteapi.com/v3/events/42/attendees/");
        assertThat(adapter.request(Cursor.start()).query()).as("no start: no changed_since, no limit").isEmpty();

        props.put(P + "start", "2026-03-01T12:00:00+02:00");
        adapter = adapter();
        assertThat(adapter.request(Cursor.start()).query()).isEqualTo("changed_since=2026-03-01T10%3A00%3A00Z");

        Page first = adapter.page(Cursor.start(), page(true, "tok/1+", "2026-03-01T10:00:05Z", "2026-03-01T10:00:07Z"), Map.of());
        Cursor afterFirst = Cursor.of(first.nextCursor());
        assertThat(first.hasMore()).isTrue();
        assertThat(adapter.request(afterFirst).query()).isEqualTo("changed_since=2026-03-01T10%3A00%3A00Z&continuation=tok%2F1%2B");
        assertThat(withoutScanStarted(first.nextCursor())).isEqualTo(JSON.readTree("{\"changed_since\":\"2026-03-01T10:00:00Z\","
                + "\"continuation\":\"tok/1+\",\"scan_max\":\"2026-03-01T10:00:07Z\"}"));

        Page last = adapter.page(afterFirst, page(false, null, "2026-03-01T10:00:06Z"), Map.of());
        assertThat(JSON.readTree(last.nextCursor())).as("mark = newest of the scan, next scan from mark - 5m, no token")
                .isEqualTo(JSON.readTree("{\"mark\":\"2026-03-01T10:00:07Z\",\"changed_since\":\"2026-03-01T09:55:07Z\"}"));
        assertThat(adapter.request(Cursor.of(last.nextCursor())).query()).isEqualTo("changed_since=2026-03-01T09%3A55%3A07Z");

        Page older = adapter.page(Cursor.of(last.nextCursor()), page(false, null, "2026-03-01T10:00:01Z"), Map.of());
        assertThat(JSON.readTree(older.nextCursor()).get("mark").asText()).as("the mark never goes back").isEqualTo("2026-03-01T10:00:07Z");
        Page empty = adapter.page(Cursor.of(last.nextCursor()), page(false, null), Map.of());
        assertThat(empty.nextCursor()).as("an empty scan keeps the cursor").isEqualTo(last.nextCursor());
    }

    @Test
    void stalls_when_the_vendor_has_more_but_gives_no_new_token() throws Exception {
        SourceAdapter<RawRegistration> adapter = adapter();
        Cursor inScan = Cursor.of(adapter.page(Cursor.start(), page(true, "t1", "2026-03-01T10:00:05Z"), Map.of()).nextCursor());

        assertThat(adapter.page(inScan, page(true, "t1", "2026-03-01T10:00:06Z"), Map.of()).nextCursor()).isNull();
        assertThat(adapter.page(inScan, page(true, null, "2026-03-01T10:00:06Z"), Map.of()).nextCursor()).isNull();
    }

    @Test
    void recovers_from_a_400_on_a_token_by_restarting_the_scan_from_its_changed_since() throws Exception {
        props.put(P + "lookback", "30s");
        SourceAdapter<RawRegistration> adapter = adapter();
        Cursor inScan = Cursor.of("{\"mark\":\"2026-03-01T10:00:07Z\",\"changed_since\":\"2026-03-01T10:00:00Z\","
                + "\"continuation\":\"expired\",\"scan_max\":\"2026-03-01T10:01:00Z\"}");
        var refused = new VendorRequestRejectedException("vendor refused GET … with 400", 400, "{\"error\":\"INVALID_CONTINUATION\"}");

        Cursor recovered = adapter.recover(inScan, refused).orElseThrow();

        assertThat(JSON.readTree(recovered.value().orElseThrow())).isEqualTo(JSON.readTree("{\"mark\":\"2026-03-01T10:00:07Z\","
                + "\"changed_since\":\"2026-03-01T10:00:00Z\",\"scan_max\":\"2026-03-01T10:01:00Z\"}"));
        assertThat(adapter.request(recovered).query()).isEqualTo("changed_since=2026-03-01T10%3A00%3A00Z");
        assertThat(adapter.recover(recovered, refused)).as("no token: nothing to drop").isEmpty();
        assertThat(adapter.recover(inScan, new VendorRequestRejectedException("403", 403, null))).isEmpty();
    }

    @Test
    void an_operator_may_reset_the_cursor_to_an_instant() throws Exception {
        assertThat(adapter().request(Cursor.of("2026-03-01T09:00:00Z")).query()).isEqualTo("changed_since=2026-03-01T09%3A00%3A00Z");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({"event-id, ", "event-id, 42/../x", "lookback, 5", "start, 2026-03-01T10:00:00", "cancelled-status, LOST",
            "overlap, 10m", "overlap, 1", "lookback-every, 3", "clock-skew, 1"})
    void names_the_bad_property(String key, String value) {
        if (value == null) {
            props.remove(P + key);
        } else {
            props.put(P + key, value);
        }
        assertThatThrownBy(this::adapter).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).property()).isEqualTo(P + key))
                .hasMessageContaining(P + key);
    }

    /** A cursor's JSON without scan_started (the service's clock when the scan began). */
    private static JsonNode withoutScanStarted(String cursor) throws Exception {
        ObjectNode node = (ObjectNode) JSON.readTree(cursor);
        assertThat(node.has("scan_started")).as("a scan in progress knows when it started").isTrue();
        node.remove("scan_started");
        return node;
    }

    @Test
    void should_not_move_the_mark_past_now_plus_the_clock_skew_for_a_version_time_from_the_future() throws Exception {
        SourceAdapter<RawRegistration> adapter = adapter();
        Instant before = Instant.now();

        Page page = adapter.page(Cursor.start(), page(false, null, "2026-03-01T10:00:05Z", "2099-01-01T00:00:00Z"), Map.of());

        Instant mark = Instant.parse(JSON.readTree(page.nextCursor()).get("mark").asText());
        assertThat(mark).isBetween(before, Instant.now().plus(Duration.ofHours(1)));
        assertThat(adapter.request(Cursor.of(page.nextCursor())).query()).doesNotContain("2098").doesNotContain("2099");
    }

    @Test
    void should_bound_the_mark_of_a_long_scan_by_the_time_it_started() throws Exception {
        props.put(P + "lookback", "1s");
        SourceAdapter<RawRegistration> adapter = adapter();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        adapter.request(Cursor.start());
        Instant started = Instant.now();
        Page first = adapter.page(Cursor.start(), page(true, "t1", now.minusSeconds(10).toString()), Map.of());
        // while page 2 is read, records change: the vendor's times pass the scan's start (one of them may sit on page 1)
        Page last = adapter.page(Cursor.of(first.nextCursor()), page(false, null, now.plusSeconds(30).toString()), Map.of());

        Instant mark = Instant.parse(JSON.readTree(last.nextCursor()).get("mark").asText());
        assertThat(mark).as("no later than the scan's start").isBeforeOrEqualTo(started);
        assertThat(Instant.parse(JSON.readTree(last.nextCursor()).get("changed_since").asText())).isBefore(started);
    }

    @Test
    void should_ask_fast_scans_from_the_mark_minus_the_overlap_and_a_deep_one_each_lookback() throws Exception {
        SourceAdapter<RawRegistration> adapter = adapter(); // defaults: lookback 5m, overlap 1s, lookback-every = lookback
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        JsonNode first = JSON.readTree(adapter.page(Cursor.start(), page(false, null, t.toString()), Map.of()).nextCursor());
        JsonNode second = JSON.readTree(adapter.page(Cursor.of(first.toString()), page(false, null, t.plusSeconds(2).toString()),
                Map.of()).nextCursor());
        Cursor deepDue = Cursor.of("{\"mark\":\"" + t.plusSeconds(2) + "\",\"changed_since\":\"" + t.plusSeconds(1)
                + "\",\"deep_mark\":\"" + t.minusSeconds(400) + "\",\"deep_at\":\"" + t.minusSeconds(400) + "\"}");
        JsonNode third = JSON.readTree(adapter.page(deepDue, page(false, null), Map.of()).nextCursor());

        assertThat(first.get("changed_since").asText()).as("the first scan's mark - lookback: a deep scan")
                .isEqualTo(t.minusSeconds(300).toString());
        assertThat(second.get("changed_since").asText()).as("fast: mark - overlap").isEqualTo(t.plusSeconds(1).toString());
        assertThat(second.get("deep_mark").asText()).isEqualTo(t.toString());
        assertThat(third.get("changed_since").asText()).as("5m passed since the last deep scan: from its mark - lookback")
                .isEqualTo(t.minusSeconds(700).toString());
        assertThat(third.has("deep_mark")).as("the deep mark is now the mark").isFalse();
    }

    @Test
    void should_scan_again_from_the_start_when_a_stored_cursor_was_blinded_by_a_future_mark() throws Exception {
        Cursor blinded = Cursor.of("{\"mark\":\"2096-01-01T00:00:00Z\",\"changed_since\":\"2095-12-31T23:55:00Z\"}");
        assertThat(adapter().request(blinded).query()).as("no start: from the beginning").isEmpty();
        props.put(P + "start", "2026-03-01T00:00:00Z");
        assertThat(adapter().request(blinded).query()).isEqualTo("changed_since=2026-03-01T00%3A00%3A00Z");
    }

    @Test
    void should_reject_a_version_time_beyond_now_plus_the_clock_skew_with_its_own_code() throws Exception {
        props.put(P + "clock-skew", "2h"); // the contracts' clock says 2026-11-23T10:00:00Z
        SourceAdapter<RawRegistration> adapter = adapter();
        contract = new RegistrationContract(feed.name(), RegistrationSettings.load(new ConfigReader(k -> Optional.ofNullable(
                props.get(k))), P), contracts, Duration.ofHours(2));

        assertThat(check(adapter, attendee("a1", "2026-11-23T11:59:59Z"))).isInstanceOf(ContractResult.Valid.class);
        ContractResult ahead = check(adapter, attendee("a1", "2026-11-23T12:00:01Z"));
        assertThat(ahead).isInstanceOf(ContractResult.Rejected.class);
        assertThat(((ContractResult.Rejected) ahead).rejection().errors()).extracting(e -> e.field() + ":" + e.code())
                .containsExactly("source_updated_at:future_version_time");
    }

    private static JsonNode page(boolean hasMore, String continuation, String... changed) throws Exception {
        StringBuilder attendees = new StringBuilder();
        for (int i = 0; i < changed.length; i++) {
            attendees.append(i == 0 ? "" : ",").append(attendee("a" + i, changed[i]));
        }
        return JSON.readTree("{\"pagination\":{\"has_more_items\":" + hasMore
                + (continuation == null ? "" : ",\"continuation\":\"" + continuation + "\"") + "},\"attendees\":[" + attendees + "]}");
    }
}
