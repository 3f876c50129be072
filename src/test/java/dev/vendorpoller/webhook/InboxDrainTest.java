package dev.vendorpoller.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.pageAt;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import dev.vendorpoller.app.Service;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processing half of webhooks (issue 15), end to end on the real service and H2: inbox rows (as the receivers
 * commit them, inserted here with SQL) go through the polled page's path; WireMock plays the vendor and the sink.
 */
class InboxDrainTest extends dev.vendorpoller.support.VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void fastDrain() throws Exception {
        poller.set("vendor-poller.webhooks.port", String.valueOf(PollerHarness.freeLoopbackPort())) // the receivers' server
                .set("vendor-poller.webhooks.drain-interval-ms", "100")
                .set("vendor-poller.webhooks.coverage-interval-ms", "200")
                .set("vendor-poller.webhooks.retry-delay", "50ms")
                .set("vendor-poller.webhooks.max-retry-delay", "100ms")
                .set("vendor-poller.webhooks.max-attempts", "3");
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(201)));
    }

    /** A delivery as the receivers commit it: PENDING, no attempt, due at once. */
    long inbox(String feed, String deliveryId, String style, String body) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        poller.update("INSERT INTO webhook_inbox (feed, delivery_id, style, body, received_at, state, attempts, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?)", feed, deliveryId, style, body, now, now);
        return ((Number) poller.query("SELECT id FROM webhook_inbox WHERE feed = ? AND delivery_id = ?", feed, deliveryId)
                .get(0).get("id")).longValue();
    }

    /** A registration vendor with nothing yet: the first page ends at c0, and c0 has nothing after it. */
    void emptyVendor() {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c0", false))));
        vendor.stubFor(pageAt("c0").willReturn(okJson(page("c0", false))));
    }

    /** by_webhook, by_poll, announced of feed forms, all seconds together. */
    List<Long> coverageSums() {
        Map<String, Object> row = poller.query("SELECT COALESCE(SUM(by_webhook), 0) AS w, COALESCE(SUM(by_poll), 0) AS p,"
                + " COALESCE(SUM(announced), 0) AS a FROM webhook_coverage WHERE feed = 'forms'").get(0);
        return List.of(((Number) row.get("w")).longValue(), ((Number) row.get("p")).longValue(), ((Number) row.get("a")).longValue());
    }

    String state(long id) {
        return (String) poller.query("SELECT state FROM webhook_inbox WHERE id = ?", id).get(0).get("state");
    }

    int sinkDeliveries(String externalId) {
        return (int) vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).stream()
                .filter(r -> r.getBodyAsString().contains("\"external_id\":\"" + externalId + "\"")).count();
    }

    void formsFeed(String... extra) {
        String[] keys = new String[extra.length + 6];
        keys[0] = "sink-uri";
        keys[1] = vendor.baseUrl() + "/sink";
        keys[2] = "webhook.style";
        keys[3] = "standard-webhooks";
        keys[4] = "webhook.secrets"; // the receivers' key (rows are inserted here as they would commit them)
        keys[5] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        System.arraycopy(extra, 0, keys, 6, extra.length);
        poller.feed("forms", vendor.baseUrl(), keys);
    }

    // ---------------------------------------------------------------- one key space

    @Test
    void a_version_by_webhook_then_by_poll_is_ledgered_and_sent_once() throws Exception {
        emptyVendor();
        formsFeed();
        poller.start();
        long row = inbox("forms", "msg_1", "standard-webhooks", "{\"type\":\"registration.updated\",\"data\":"
                + rec("r1", "r1@x.io", "2026-01-01T00:00:01Z") + "}");
        await("the webhook's version ledgered and sent", WAIT, () -> "DONE".equals(state(row)) && sinkDeliveries("r1") == 1);

        // the poll now reads the same version
        vendor.stubFor(pageAt("c0").willReturn(okJson(page("c1", false, rec("r1", "r1@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        await("the poll read the page", WAIT, () -> "c1".equals(poller.storedCursor("forms")));
        Thread.sleep(500); // the outbox lane polls every 100 ms: anything enqueued would be sent by now

        assertThat(poller.query("SELECT versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("versions_seen", 1));
        assertThat(sinkDeliveries("r1")).as("one sink delivery, whichever path came first").isEqualTo(1);
        assertThat(poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'forms'")).isEqualTo(1);
        assertThat(coverageSums()).as("first seen by the webhook").isEqualTo(List.of(1L, 0L, 0L));
    }

    @Test
    void a_version_by_poll_then_by_webhook_is_ledgered_and_sent_once_and_counts_as_announced() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", false, rec("r1", "r1@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        formsFeed();
        poller.start();
        await("the poll's version sent", WAIT, () -> sinkDeliveries("r1") == 1);

        long row = inbox("forms", "msg_1", "standard-webhooks", rec("r1", "r1@x.io", "2026-01-01T00:00:01Z")); // bare record
        await("the webhook row done", WAIT, () -> "DONE".equals(state(row)));
        Thread.sleep(500);

        assertThat(poller.query("SELECT versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("versions_seen", 1));
        assertThat(sinkDeliveries("r1")).isEqualTo(1);
        assertThat(coverageSums()).as("first seen by the poll, announced by the webhook").isEqualTo(List.of(0L, 1L, 1L));
        assertThat(poller.count("SELECT COUNT(*) FROM webhook_seen WHERE feed = 'forms'")).isEqualTo(1);
    }

    @Test
    void a_newer_version_by_webhook_is_a_new_version_and_the_invalid_one_a_reject_with_its_payload() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", false, rec("r1", "r1@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        formsFeed();
        poller.start();
        await("polled", WAIT, () -> sinkDeliveries("r1") == 1);

        long newer = inbox("forms", "msg_2", "hmac", rec("r1", "new@x.io", "2026-01-01T00:00:09Z"));
        long invalid = inbox("forms", "msg_3", "hmac", "{\"data\":" + rec("r9", "not-an-email", "2026-01-01T00:00:09Z") + "}");
        await("both rows done", WAIT, () -> "DONE".equals(state(newer)) && "DONE".equals(state(invalid)));
        await("the new version sent", WAIT, () -> sinkDeliveries("r1") == 2);

        assertThat(poller.query("SELECT email, versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("email", "new@x.io", "versions_seen", 2));
        List<Map<String, Object>> rejects = poller.query("SELECT external_id, raw_payload, errors FROM rejected_record");
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).get("external_id")).isEqualTo("r9");
        assertThat((String) rejects.get(0).get("raw_payload")).contains("not-an-email").contains("\"id\":\"r9\"");
        assertThat((String) rejects.get(0).get("errors")).contains("email");
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'r9'")).isZero();
    }

    // ---------------------------------------------------------------- stripe: held, then applied

    static String stripeEvent(String id, String type, long created, String ref) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"object\":{\"id\":\"pi_" + id + "\",\"amount\":4500,\"currency\":\"EUR\",\"status\":\"succeeded\","
                + "\"metadata\":{\"registration_id\":\"" + ref + "\"}}}}";
    }

    @Test
    void a_stripe_event_before_its_registration_is_held_then_applied_and_the_same_event_polled_is_a_duplicate() throws Exception {
        long now = Instant.now().getEpochSecond();
        emptyVendor();
        vendor.stubFor(get(urlPathEqualTo("/stripe/events")).willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
        poller.feed("forms", vendor.baseUrl());
        poller.feed("payments", vendor.baseUrl() + "/stripe", "type", "stripe-events", "applies-to", "forms",
                "webhook.style", "stripe", "webhook.secrets", "whsec_test_secret");
        poller.start();

        String refund = stripeEvent("evt_7", "charge.refunded", now - 30, "r2");
        long row = inbox("payments", "evt_7", "stripe", refund);
        await("the event held", WAIT, () -> "DONE".equals(state(row))
                && poller.count("SELECT COUNT(*) FROM payment_holding") == 1);
        assertThat(poller.query("SELECT outcome FROM payment_event WHERE event_id = 'evt_7'"))
                .containsExactly(Map.of("outcome", "HELD"));

        // the registration arrives by its own poll: the held refund is applied in that page's transaction
        vendor.stubFor(pageAt("c0").willReturn(okJson(page("c1", false, rec("r2", "r2@x.io", "2026-01-01T00:00:02Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        await("r2 refunded", WAIT, () -> poller.query("SELECT payment_status FROM ledger_registration WHERE external_id = 'r2'")
                .equals(List.of(Map.of("payment_status", "REFUNDED"))));
        assertThat(poller.count("SELECT COUNT(*) FROM payment_holding")).isZero();
        assertThat(poller.query("SELECT outcome FROM payment_event WHERE event_id = 'evt_7'"))
                .containsExactly(Map.of("outcome", "APPLIED"));

        // the Stripe poll then lists the same event: one key, nothing new
        vendor.stubFor(get(urlPathEqualTo("/stripe/events")).withQueryParam("ending_before", absent())
                .withQueryParam("starting_after", absent())
                .willReturn(okJson("{\"object\":\"list\",\"data\":[" + refund + "],\"has_more\":false}")));
        await("the poll read it", WAIT, () -> poller.storedCursor("payments") != null
                && poller.storedCursor("payments").contains("evt_7"));
        assertThat(poller.count("SELECT COUNT(*) FROM payment_event")).isEqualTo(1);
        assertThat(poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = 'payments'")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- eventbrite: a hint fetched through the account

    static String attendee(String id, String changed) {
        return "{\"id\":\"" + id + "\",\"changed\":\"" + changed + "\",\"created\":\"2026-02-01T09:00:00Z\",\"status\":\"Attending\","
                + "\"cancelled\":false,\"refunded\":false,\"ticket_class_id\":\"1001\",\"ticket_class_name\":\"General Admission\","
                + "\"profile\":{\"email\":\"" + id + "@example.com\"},\"order_id\":\"o-" + id + "\",\"event_id\":\"42\"}";
    }

    static String hint(String apiUrl) {
        return "{\"config\":{\"action\":\"attendee.updated\",\"user_id\":\"1\",\"endpoint_url\":\"https://me.example/hook\","
                + "\"webhook_id\":\"9\"},\"api_url\":\"" + apiUrl + "\"}";
    }

    void eventbriteFeed(String... accountKeys) {
        vendor.stubFor(get(urlPathEqualTo("/v3/events/42/attendees/")).willReturn(okJson(
                "{\"pagination\":{\"has_more_items\":false},\"attendees\":[]}")));
        poller.feed("eb", vendor.baseUrl() + "/v3", "type", "eventbrite-attendees", "event-id", "42", "account", "ebacct",
                "tiers", "1001:GENERAL_ADMISSION", "schedule.interval", "1h", "webhook.style", "eventbrite",
                "sink-uri", vendor.baseUrl() + "/sink");
        poller.account("ebacct", "token", "eb-secret-token");
        poller.account("ebacct", accountKeys);
    }

    @Test
    void an_eventbrite_hint_is_fetched_through_the_feeds_account_and_another_host_is_refused_without_a_request() throws Exception {
        WireMockServer elsewhere = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        elsewhere.start();
        try {
            elsewhere.stubFor(get(urlPathEqualTo("/v3/attendees/a2/")).willReturn(okJson(attendee("a2", "2026-03-01T10:00:00Z"))));
            vendor.stubFor(get(urlPathEqualTo("/v3/events/42/attendees/a1/"))
                    .willReturn(okJson(attendee("a1", "2026-03-01T10:00:05Z"))));
            vendor.stubFor(get(urlPathEqualTo("/v3/events/77/attendees/a3/")).willReturn(okJson(
                    attendee("a3", "2026-03-01T10:00:05Z").replace("\"event_id\":\"42\"", "\"event_id\":\"77\""))));
            eventbriteFeed();
            poller.start();

            long otherEvent = inbox("eb", "eb-3", "eventbrite", hint(vendor.baseUrl() + "/v3/events/77/attendees/a3/"));
            long good = inbox("eb", "eb-1", "eventbrite", hint(vendor.baseUrl() + "/v3/events/42/attendees/a1/"));
            long foreign = inbox("eb", "eb-2", "eventbrite", hint(elsewhere.baseUrl() + "/v3/attendees/a2/"));
            await("both rows settled", WAIT, () -> "DONE".equals(state(good)) && "FAILED".equals(state(foreign)));

            var fetches = vendor.findAll(getRequestedFor(urlPathEqualTo("/v3/events/42/attendees/a1/")));
            assertThat(fetches).hasSize(1);
            assertThat(fetches.get(0).getHeader("Authorization")).as("the account's credentials").isEqualTo("Bearer eb-secret-token");
            assertThat(poller.query("SELECT email, payment_status FROM ledger_registration WHERE external_id = 'a1'"))
                    .containsExactly(Map.of("email", "a1@example.com", "payment_status", "COMPLETED"));
            await("sent", WAIT, () -> sinkDeliveries("a1") == 1);

            assertThat(elsewhere.findAll(getRequestedFor(urlPathEqualTo("/v3/attendees/a2/")))).as("no request to a host the sender chose")
                    .isEmpty();
            Map<String, Object> failed = poller.query("SELECT attempts, last_error FROM webhook_inbox WHERE id = ?", foreign).get(0);
            assertThat((String) failed.get("last_error")).contains("refused").contains("not the feed's base-url origin");
            List<Map<String, Object>> letters = poller.query("SELECT kind, webhook_inbox_id, error_message, payload FROM dead_letter");
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0)).containsEntry("kind", "WEBHOOK");
            assertThat(((Number) letters.get(0).get("webhook_inbox_id")).longValue()).isEqualTo(foreign);
            assertThat((String) letters.get(0).get("payload")).contains("api_url");
            assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'a2'")).isZero();

            // an organizer's webhook announces every event's attendees: another event's is not this feed's
            await("the other event's row done", WAIT, () -> "DONE".equals(state(otherEvent)));
            assertThat((String) poller.query("SELECT last_error FROM webhook_inbox WHERE id = ?", otherEvent).get(0).get("last_error"))
                    .contains("ignored").contains("another event");
            assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'a3'")).isZero();
        } finally {
            elsewhere.stop();
        }
    }

    @Test
    void a_hint_waits_for_the_accounts_budget_without_using_an_attempt() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/v3/events/42/attendees/a1/"))
                .willReturn(okJson(attendee("a1", "2026-03-01T10:00:05Z"))));
        // one request an hour, and no waiting for more: the start-up scan spends it
        eventbriteFeed("limits", "1/1h", "max-wait", "100ms");
        poller.start();
        await("the scan spent the budget", WAIT, () -> !vendor.findAll(getRequestedFor(urlPathEqualTo("/v3/events/42/attendees/"))).isEmpty());

        long row = inbox("eb", "eb-1", "eventbrite", hint(vendor.baseUrl() + "/v3/events/42/attendees/a1/"));
        await("the row put back for the budget", WAIT, () -> poller.query("SELECT last_error FROM webhook_inbox WHERE id = ?", row)
                .get(0).get("last_error") != null);
        Thread.sleep(500);
        Map<String, Object> pending = poller.query("SELECT state, attempts, last_error FROM webhook_inbox WHERE id = ?", row).get(0);
        assertThat(pending).containsEntry("state", "PENDING").containsEntry("attempts", 0);
        assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/v3/events/42/attendees/a1/")))).as("the budget held it back")
                .isEmpty();
    }

    // ---------------------------------------------------------------- failures: retried, then FAILED + dead letter, replay

    @Test
    void a_row_that_keeps_failing_is_retried_then_failed_with_a_dead_letter_and_a_replay_processes_it() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/v3/events/42/attendees/a1/"))
                .willReturn(aResponse().withStatus(503).withBody("try later")));
        eventbriteFeed("breaker.minimum-calls", "100", "breaker.window", "100");
        poller.start();

        long row = inbox("eb", "eb-1", "eventbrite", hint(vendor.baseUrl() + "/v3/events/42/attendees/a1/"));
        await("failed after its attempts", WAIT, () -> "FAILED".equals(state(row)));
        assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/v3/events/42/attendees/a1/")))).as("three attempts").hasSize(3);
        Map<String, Object> failed = poller.query("SELECT attempts, last_error FROM webhook_inbox WHERE id = ?", row).get(0);
        assertThat(failed.get("attempts")).isEqualTo(3);
        assertThat((String) failed.get("last_error")).contains("503");
        List<Map<String, Object>> letters = poller.query("SELECT id, kind, http_status, attempts FROM dead_letter");
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0)).containsEntry("kind", "WEBHOOK").containsEntry("http_status", 503).containsEntry("attempts", 3);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).isZero();

        // the vendor recovers; the operator replays the dead letter: the row is processed from scratch
        vendor.stubFor(get(urlPathEqualTo("/v3/events/42/attendees/a1/")).willReturn(okJson(attendee("a1", "2026-03-01T10:00:05Z"))));
        assertThat(Service.of(poller.context()).deadLetters().replay(((Number) letters.get(0).get("id")).longValue())).isTrue();
        await("processed after the replay", WAIT, () -> "DONE".equals(state(row)));
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'a1'")).isEqualTo(1);
    }

    @Test
    void a_body_that_is_not_json_fails_at_once_and_a_batch_of_the_rest_goes_on() throws Exception {
        emptyVendor();
        formsFeed();
        poller.start();
        long bad = inbox("forms", "msg_bad", "standard-webhooks", "{not json");
        long good = inbox("forms", "msg_ok", "standard-webhooks", rec("r1", "r1@x.io", "2026-01-01T00:00:01Z"));
        await("both settled", WAIT, () -> "FAILED".equals(state(bad)) && "DONE".equals(state(good)));
        assertThat(poller.query("SELECT attempts FROM webhook_inbox WHERE id = ?", bad)).containsExactly(Map.of("attempts", 1));
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter WHERE kind = 'WEBHOOK'")).isEqualTo(1);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'r1'")).isEqualTo(1);
    }

    @Test
    void a_row_committed_while_the_service_was_down_is_processed_after_the_start() throws Exception {
        emptyVendor();
        formsFeed();
        poller.start();
        await("the first poll run", WAIT, () -> "c0".equals(poller.storedCursor("forms")));
        poller.stop(); // as after a kill right after the 2xx: the row is in the inbox, nothing of it processed
        long row = inbox("forms", "msg_1", "standard-webhooks", rec("r1", "r1@x.io", "2026-01-01T00:00:01Z"));
        assertThat(state(row)).isEqualTo("PENDING");
        poller.start();
        await("processed after the start", WAIT, () -> "DONE".equals(state(row)) && sinkDeliveries("r1") == 1);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'r1'")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- coverage

    @Test
    void coverage_counts_versions_first_seen_by_each_path_and_those_no_webhook_announced_within_the_grace() throws Exception {
        // the poll sees r2 and r3 first; a webhook brings r1 first and announces r2 late (within the grace); r3 never
        emptyVendor();
        formsFeed("webhook.grace", "2s");
        int statusPort = PollerHarness.freeLoopbackPort();
        int managementPort = PollerHarness.freeLoopbackPort();
        poller.set("vendor-poller.status.port", String.valueOf(statusPort)).set("camel.management.enabled", "true")
                .set("camel.management.port", String.valueOf(managementPort));
        poller.start();
        long first = inbox("forms", "w1", "standard-webhooks", rec("r1", "r1@x.io", "2026-01-01T00:00:01Z"));
        await("r1 by webhook", WAIT, () -> "DONE".equals(state(first)));
        vendor.stubFor(pageAt("c0").willReturn(okJson(page("c1", false, rec("r1", "r1@x.io", "2026-01-01T00:00:01Z"),
                rec("r2", "r2@x.io", "2026-01-01T00:00:01Z"), rec("r3", "r3@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        await("r2, r3 polled", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 3);
        long late = inbox("forms", "w2", "standard-webhooks", rec("r2", "r2@x.io", "2026-01-01T00:00:01Z"));
        await("r2 announced", WAIT, () -> "DONE".equals(state(late)));

        // after the grace the pass folds every second into the feed's one row
        await("all settled after the grace", WAIT, () -> poller.count("SELECT COUNT(*) FROM webhook_coverage") == 1
                && poller.count("SELECT COUNT(*) FROM webhook_coverage WHERE bucket_start < TIMESTAMP WITH TIME ZONE"
                        + " '1970-01-02 00:00:00+00'") == 1);
        assertThat(coverageSums()).as("1 by webhook; 2 by poll, 1 of them announced").isEqualTo(List.of(1L, 2L, 1L));
        Coverage coverage = poller.context().getRegistry().lookupByNameAndType("webhookCoverage", Coverage.class);
        coverage.refresh();
        assertThat(coverage.words("forms")).contains("67 % announced (1 missed)");
        assertThat(coverage.counts("forms").orElseThrow()).isEqualTo(new Coverage.Counts(1, 2, 1, 0));

        // the operator sees it: the status page's column and the Prometheus metrics
        JsonNode feeds = new ObjectMapper().readTree(fetch(statusPort, "/status/feeds.json"));
        assertThat(feeds.get(0).get("webhook_coverage").asText()).isEqualTo("67 % announced (1 missed)");
        String metrics = fetch(managementPort, "/observe/metrics");
        assertThat(metrics).containsPattern("vendor_poller_webhook_versions_total\\{[^}]*feed=\"forms\"[^}]*first_path=\"webhook\"[^}]*} 1\\.0")
                .containsPattern("vendor_poller_webhook_versions_total\\{[^}]*first_path=\"poll\"[^}]*} 2\\.0")
                .containsPattern("vendor_poller_webhook_missed_total\\{[^}]*feed=\"forms\"[^}]*} 1\\.0");
    }

    static String fetch(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void a_feed_without_a_webhook_writes_no_coverage_rows() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", false, rec("r1", "r1@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        poller.feed("forms", vendor.baseUrl());
        poller.start();
        await("polled", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 1);
        assertThat(poller.count("SELECT COUNT(*) FROM webhook_coverage")).isZero();
        Coverage coverage = poller.context().getRegistry().lookupByNameAndType("webhookCoverage", Coverage.class);
        assertThat(coverage.words("forms")).isEmpty();
    }
}
