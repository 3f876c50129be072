package dev.vendorpoller.source.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stripe's traps against WireMock: unordered ids (followed, never compared), back-fill then forward, an event that
 * appears late inside the cursor's second (the settle window), and events applied to the ledger or held until their
 * registration arrives.
 */
class StripeEventsTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    final long now = Instant.now().getEpochSecond();

    static String event(String id, String type, long created, String ref) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"object\":{\"id\":\"pi_" + id + "\",\"amount\":4500,\"currency\":\"EUR\",\"status\":\"succeeded\","
                + "\"metadata\":{" + (ref == null ? "" : "\"registration_id\":\"" + ref + "\"") + "}}}}";
    }

    static String list(boolean hasMore, String... events) {
        return "{\"object\":\"list\",\"data\":[" + String.join(",", events) + "],\"has_more\":" + hasMore + "}";
    }

    MappingBuilder events(String param, String id) {
        var m = get(urlPathEqualTo("/stripe/events"));
        if (param == null) {
            return m.withQueryParam("starting_after", absent()).withQueryParam("ending_before", absent());
        }
        return m.withQueryParam(param, equalTo(id));
    }

    PollerHarness stripeFeed(String... extra) {
        String[] keys = new String[extra.length + 4];
        keys[0] = "type";
        keys[1] = "stripe-events";
        keys[2] = "page-size";
        keys[3] = "3";
        System.arraycopy(extra, 0, keys, 4, extra.length);
        return poller.feed("payments", vendor.baseUrl() + "/stripe", keys);
    }

    List<String> storedEvents() {
        return poller.query("SELECT event_id FROM payment_event ORDER BY event_id").stream()
                .map(r -> (String) r.get("event_id")).toList();
    }

    @Test
    void back_fills_by_following_the_list_then_moves_forward_from_the_newest_settled_event() throws Exception {
        // ids deliberately out of order: evt_3zz is the newest, evt_0dd the oldest
        vendor.stubFor(events(null, null).willReturn(okJson(list(true, event("evt_3zz", "charge.succeeded", now - 100, null),
                event("evt_1aa", "charge.succeeded", now - 200, null), event("evt_9bb", "charge.succeeded", now - 300, null)))));
        vendor.stubFor(events("starting_after", "evt_9bb").willReturn(okJson(list(true,
                event("evt_2cc", "charge.failed", now - 400, null), event("evt_0dd", "charge.succeeded", now - 10 * 86400, null)))));
        vendor.stubFor(events("ending_before", "evt_3zz").willReturn(okJson(list(false))));
        stripeFeed("backfill", "7d").start();

        await("forward polling from evt_3zz", WAIT, () -> !vendor.findAll(getRequestedFor(urlPathEqualTo("/stripe/events"))
                .withQueryParam("ending_before", equalTo("evt_3zz"))).isEmpty());
        assertThat(storedEvents()).as("the back-fill window holds four; evt_0dd is older than 7 days")
                .containsExactly("evt_1aa", "evt_2cc", "evt_3zz", "evt_9bb");
        assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/stripe/events")).withQueryParam("starting_after",
                equalTo("evt_0dd")))).as("the back-fill stopped at the window's start").isEmpty();
        assertThat(poller.query("SELECT cursor_value FROM feed_cursor").get(0).get("cursor_value"))
                .isEqualTo("{\"phase\":\"forward\",\"before\":\"evt_3zz\",\"created\":" + (now - 100) + "}");
    }

    @Test
    void an_event_that_appears_late_inside_the_cursors_second_is_not_lost() throws Exception {
        vendor.stubFor(events(null, null).willReturn(okJson(list(false, event("evt_old", "charge.succeeded", now - 60, null)))));
        long second = Instant.now().getEpochSecond();
        // first: two events of this second; both younger than the settle window, so the cursor stays on evt_old
        vendor.stubFor(events("ending_before", "evt_old").willReturn(okJson(list(false,
                event("evt_8new", "charge.succeeded", second, null), event("evt_5new", "charge.succeeded", second, null)))));
        vendor.stubFor(events("ending_before", "evt_8new").willReturn(okJson(list(false))));
        stripeFeed("settle-window", "2s").start();
        await("both young events read", WAIT, () -> storedEvents().size() == 3);
        assertThat(poller.query("SELECT cursor_value FROM feed_cursor").get(0).get("cursor_value"))
                .as("young events never become the cursor")
                .isEqualTo("{\"phase\":\"forward\",\"before\":\"evt_old\",\"created\":" + (now - 60) + "}");

        // then a third event of the same second becomes visible, listed older than evt_5new and evt_8new
        vendor.stubFor(events("ending_before", "evt_old").willReturn(okJson(list(false,
                event("evt_8new", "charge.succeeded", second, null), event("evt_5new", "charge.succeeded", second, null),
                event("evt_2late", "charge.succeeded", second, null)))));

        await("the late event is taken", WAIT, () -> storedEvents().contains("evt_2late"));
        await("the cursor moves once the second has settled", WAIT, () -> poller.query("SELECT cursor_value FROM feed_cursor")
                .get(0).get("cursor_value").equals("{\"phase\":\"forward\",\"before\":\"evt_8new\",\"created\":" + second + "}"));
        assertThat(poller.count("SELECT COUNT(*) FROM payment_event")).as("each event once").isEqualTo(4);
        // a poller that moved its cursor to evt_8new at once would only ever have asked ending_before=evt_8new
        // from then on, and that list never holds evt_2late
    }

    static String registration(String id, String status, String updatedAt) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + id + "@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"" + status
                + "\",\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"" + updatedAt + "\",\"metadata\":{}}";
    }

    @Test
    void events_move_the_payment_status_or_wait_for_their_registration() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/forms/registrations")).withQueryParam("cursor", absent()).willReturn(okJson(
                "{\"data\":[" + registration("r1", "pending", "2026-01-01T00:00:01Z") + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        vendor.stubFor(get(urlPathEqualTo("/forms/registrations")).withQueryParam("cursor", equalTo("c1"))
                .willReturn(okJson("{\"data\":[],\"next_cursor\":\"c1\",\"has_more\":false}")));
        poller.feed("forms", vendor.baseUrl() + "/forms").start();
        await("r1 ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 1);
        poller.stop();

        vendor.stubFor(events(null, null).willReturn(okJson(list(false,
                event("evt_7", "charge.refunded", now - 30, "r2"),        // r2 has not arrived yet: held
                event("evt_4", "customer.created", now - 40, null),      // moves nothing: recorded only
                event("evt_9", "payment_intent.succeeded", now - 50, "r1"),
                event("evt_1", "payment_intent.payment_failed", now - 70, "r1"))))); // older than evt_9: superseded
        vendor.stubFor(events("ending_before", "evt_7").willReturn(okJson(list(false))));
        stripeFeed("applies-to", "forms").start();
        await("events read", WAIT, () -> poller.count("SELECT COUNT(*) FROM payment_event") == 4);

        assertThat(poller.query("SELECT payment_status FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("payment_status", "COMPLETED"));
        assertThat(poller.query("SELECT event_id, outcome FROM payment_event ORDER BY event_id")).containsExactly(
                Map.of("event_id", "evt_1", "outcome", "SUPERSEDED"), Map.of("event_id", "evt_4", "outcome", "NO_EFFECT"),
                Map.of("event_id", "evt_7", "outcome", "HELD"), Map.of("event_id", "evt_9", "outcome", "APPLIED"));
        assertThat(poller.count("SELECT COUNT(*) FROM payment_holding")).isEqualTo(1);

        // r2 arrives (as paid); the held refund is applied in the same page transaction
        vendor.stubFor(get(urlPathEqualTo("/forms/registrations")).withQueryParam("cursor", equalTo("c1")).willReturn(okJson(
                "{\"data\":[" + registration("r2", "paid", "2026-01-01T00:00:02Z") + "],\"next_cursor\":\"c2\",\"has_more\":false}")));
        vendor.stubFor(get(urlPathEqualTo("/forms/registrations")).withQueryParam("cursor", equalTo("c2"))
                .willReturn(okJson("{\"data\":[],\"next_cursor\":\"c2\",\"has_more\":false}")));
        await("r2 ledgered and refunded", WAIT, () -> poller.query(
                "SELECT payment_status FROM ledger_registration WHERE external_id = 'r2'").equals(List.of(Map.of("payment_status", "REFUNDED"))));
        assertThat(poller.count("SELECT COUNT(*) FROM payment_holding")).isZero();
        assertThat(poller.query("SELECT outcome FROM payment_event WHERE event_id = 'evt_7'")).containsExactly(Map.of("outcome", "APPLIED"));

        // a later version of r2 from its own feed does not undo the refund: events own the payment status
        vendor.stubFor(get(urlPathEqualTo("/forms/registrations")).withQueryParam("cursor", equalTo("c2")).willReturn(okJson(
                "{\"data\":[" + registration("r2", "paid", "2026-01-01T00:00:03Z") + "],\"next_cursor\":\"c3\",\"has_more\":false}")));
        await("r2 version 2", WAIT, () -> poller.count("SELECT versions_seen FROM ledger_registration WHERE external_id = 'r2'") == 2);
        assertThat(poller.query("SELECT payment_status FROM ledger_registration WHERE external_id = 'r2'"))
                .containsExactly(Map.of("payment_status", "REFUNDED"));
    }

    @Test
    void a_malformed_event_is_rejected_with_its_payload_not_dropped() throws Exception {
        vendor.stubFor(events(null, null).willReturn(okJson(list(false, event("evt_ok", "charge.succeeded", now - 60, null),
                "{\"id\":\"evt_bad\",\"type\":\"charge.succeeded\",\"created\":\"yesterday\",\"data\":{\"object\":{}}}"))));
        vendor.stubFor(events("ending_before", "evt_ok").willReturn(okJson(list(false))));
        stripeFeed().start();

        await("one event and one reject", WAIT, () -> poller.count("SELECT COUNT(*) FROM rejected_record") == 1);
        assertThat(storedEvents()).containsExactly("evt_ok");
        assertThat((String) poller.query("SELECT errors FROM rejected_record").get(0).get("errors")).contains("created_at");
    }

    @Test
    void should_reject_an_event_created_beyond_now_plus_the_clock_skew_with_its_own_code() throws Exception {
        long future = now + 2 * 3600; // two hours ahead of this machine's clock; the default clock-skew is 1 h
        vendor.stubFor(events(null, null).willReturn(okJson(list(false, event("evt_ok", "charge.succeeded", now - 60, null),
                event("evt_future", "charge.succeeded", future, null)))));
        vendor.stubFor(events("ending_before", "evt_future").willReturn(okJson(list(false))));
        vendor.stubFor(events("ending_before", "evt_ok").willReturn(okJson(list(false))));
        stripeFeed().start();

        await("one event and one reject", WAIT, () -> poller.count("SELECT COUNT(*) FROM rejected_record") == 1);
        assertThat(storedEvents()).containsExactly("evt_ok");
        assertThat((String) poller.query("SELECT errors FROM rejected_record").get(0).get("errors"))
                .contains("future_version_time").contains("created_at");
    }

    String storedCursor() {
        var rows = poller.query("SELECT cursor_value FROM feed_cursor");
        return rows.isEmpty() ? "" : (String) rows.get(0).get("cursor_value");
    }

    @Test
    void should_keep_one_payment_event_when_it_is_read_again_after_its_key_was_pruned_or_with_another_created() throws Exception {
        vendor.stubFor(events(null, null).willReturn(okJson(list(false, event("evt_a", "charge.succeeded", now - 100, null)))));
        vendor.stubFor(events("ending_before", "evt_a").willReturn(okJson(list(false))));
        stripeFeed().start();
        await("evt_a stored", WAIT, () -> storedEvents().equals(List.of("evt_a")) && storedCursor().contains("evt_a"));

        // the hourly prune removed its key; Stripe lists it again (as /events may), with a new event
        try (Connection c = DriverManager.getConnection(poller.jdbcUrl(), "sa", "")) {
            c.createStatement().executeUpdate("DELETE FROM CAMEL_MESSAGEPROCESSED");
        }
        vendor.stubFor(events("ending_before", "evt_a").willReturn(okJson(list(false,
                event("evt_b", "charge.succeeded", now - 80, null), event("evt_a", "charge.succeeded", now - 100, null)))));
        vendor.stubFor(events("ending_before", "evt_b").willReturn(okJson(list(false,
                event("evt_a", "charge.succeeded", now - 90, null))))); // and once more, with another created
        await("forward from evt_b, read twice", WAIT, () -> vendor.findAll(getRequestedFor(urlPathEqualTo("/stripe/events"))
                .withQueryParam("ending_before", equalTo("evt_b"))).size() >= 2);

        assertThat(storedEvents()).containsExactly("evt_a", "evt_b");
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void should_back_fill_from_the_newest_settled_created_when_stripe_no_longer_knows_the_ending_before_event() throws Exception {
        vendor.stubFor(events(null, null).willReturn(okJson(list(false, event("evt_old", "charge.succeeded", now - 100, null)))));
        vendor.stubFor(events("ending_before", "evt_old").willReturn(okJson(list(false))));
        stripeFeed().start();
        await("forward from evt_old", WAIT, () -> storedCursor().contains("\"before\":\"evt_old\""));

        // evt_old fell out of Stripe's 30-day retention: ending_before=evt_old is refused on every run
        vendor.stubFor(events("ending_before", "evt_old").willReturn(aResponse().withStatus(400)
                .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\"}}")));
        vendor.stubFor(events(null, null).willReturn(okJson(list(false, event("evt_new", "charge.succeeded", now - 50, null),
                event("evt_old", "charge.succeeded", now - 100, null), event("evt_older", "charge.succeeded", now - 200, null)))));
        vendor.stubFor(events("ending_before", "evt_new").willReturn(okJson(list(false))));

        await("forward from evt_new", WAIT, () -> !vendor.findAll(getRequestedFor(urlPathEqualTo("/stripe/events"))
                .withQueryParam("ending_before", equalTo("evt_new"))).isEmpty());

        assertThat(storedEvents()).as("back-filled from evt_old's created: evt_older is before it").containsExactly("evt_new", "evt_old");
        assertThat(storedCursor()).isEqualTo("{\"phase\":\"forward\",\"before\":\"evt_new\",\"created\":" + (now - 50) + "}");
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }
}
