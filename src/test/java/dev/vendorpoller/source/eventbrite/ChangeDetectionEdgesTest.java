package dev.vendorpoller.source.eventbrite;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.source.eventbrite.EventbriteAttendeesTest.PATH;
import static dev.vendorpoller.source.eventbrite.EventbriteAttendeesTest.attendee;
import static dev.vendorpoller.source.eventbrite.EventbriteAttendeesTest.page;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Change detection at the edges (issue 12), on an eventbrite-attendees feed end to end: WireMock plays Eventbrite and
 * a sink on loopback, the real routes run in-process on an H2 file. Each test is an input that used to lose a change
 * or blind the feed.
 */
class ChangeDetectionEdgesTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CHANGED = "2026-03-01T10:00:05Z";

    @BeforeEach
    void prepare() throws Exception {
        vendor.stubFor(post("/sink").willReturn(ok()));
    }


    PollerHarness feed(String... extra) {
        List<String> keys = new ArrayList<>(List.of("type", "eventbrite-attendees", "event-id", "42",
                "tiers", "1001:GENERAL_ADMISSION,VIP:VIP", "schedule.interval", "300ms", "sink-uri", vendor.baseUrl() + "/sink"));
        keys.addAll(Arrays.asList(extra));
        return poller.feed("eb", vendor.baseUrl(), keys.toArray(String[]::new));
    }

    static String refunded(String id, String changed) {
        return attendee(id, changed).replace("\"refunded\":false", "\"refunded\":true");
    }

    /** Serves {@code first} to the first request, then {@code then} to every later one, whatever their query. */
    void serve(String first, String then) {
        vendor.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(first)).willSetStateTo("then"));
        vendor.stubFor(get(urlPathEqualTo(PATH)).inScenario("s").whenScenarioStateIs("then").willReturn(okJson(then)));
    }

    int scans() {
        return vendor.findAll(getRequestedFor(urlPathEqualTo(PATH))).size();
    }

    List<String> sent() {
        return vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).stream().map(r -> r.getBodyAsString()).toList();
    }

    Map<String, Object> ledgered(String id) {
        return poller.query("SELECT payment_status, versions_seen FROM ledger_registration WHERE external_id = ?", id).get(0);
    }

    /**
     * Bought at 10:00:05.2, refunded at 10:00:05.8, read in between: both have changed = 10:00:05. The refund is a new
     * version (other content, same version time) and wins; reading it again and again stays one version.
     */
    @Test
    void should_ledger_and_send_a_change_made_in_the_same_second_as_the_version_read_before_it() throws Exception {
        serve(page(false, null, attendee("a1", CHANGED)), page(false, null, refunded("a1", CHANGED)));
        feed().start();

        await("the refund ledgered, sent and re-read twice more", WAIT, () -> scans() >= 4
                && sent().stream().anyMatch(b -> b.contains("\"payment_status\":\"REFUNDED\""))
                && "REFUNDED".equals(ledgered("a1").get("payment_status")));
        Thread.sleep(500); // a few more scans: nothing more may be sent

        assertThat(ledgered("a1")).containsEntry("payment_status", "REFUNDED").containsEntry("versions_seen", 2);
        // the purchase is sent only if it was delivered before the refund was ledgered: a pending older version is
        // superseded by the newer one (latest version in order, docs/delivery.md); the sink always ends on the refund
        assertThat(sent()).as("the refund once, after the purchase if that was sent at all").hasSizeBetween(1, 2);
        assertThat(sent().get(sent().size() - 1)).contains("\"payment_status\":\"REFUNDED\"");
        assertThat(sent().stream().filter(b -> b.contains("\"payment_status\":\"REFUNDED\""))).hasSize(1);
    }

    /**
     * Rows and keys ledgered before V12_1 (old idempotency keys, no content digest): the identical version read again
     * is not sent again nor counted, and a change within the same second still wins.
     */
    @Test
    void should_not_send_again_a_version_ledgered_under_the_old_key_but_still_take_a_same_second_change() throws Exception {
        serve(page(false, null, attendee("a1", CHANGED), attendee("a2", CHANGED)), page(false, null, attendee("a1", CHANGED),
                attendee("a2", CHANGED)));
        feed().start();
        await("both ledgered and sent", WAIT, () -> sent().size() == 2 && scans() >= 2);
        poller.stop();
        // make it look as written by the code before V12_1: old keys (feed, id, changed), no digest
        for (String id : List.of("a1", "a2")) {
            poller.update("UPDATE ledger_registration SET content_digest = NULL, idempotency_key = ? WHERE external_id = ?",
                    Hashes.sha256Hex("eb", id, CHANGED), id);
        }
        poller.update("DELETE FROM CAMEL_MESSAGEPROCESSED");
        vendor.resetScenarios();
        vendor.resetRequests();
        serve(page(false, null, attendee("a1", CHANGED), refunded("a2", CHANGED)),
                page(false, null, attendee("a1", CHANGED), refunded("a2", CHANGED)));
        poller.start();

        await("a2's refund ledgered", WAIT, () -> scans() >= 3 && "REFUNDED".equals(ledgered("a2").get("payment_status")));
        Thread.sleep(500);

        assertThat(ledgered("a1")).as("the same version: not counted again").containsEntry("versions_seen", 1);
        assertThat(ledgered("a2")).containsEntry("versions_seen", 2);
        assertThat(sent()).as("only a2's refund is sent after the upgrade").hasSize(1);
        assertThat(sent().get(0)).contains("\"external_id\":\"a2\"").contains("\"payment_status\":\"REFUNDED\"");
    }

    /**
     * One attendee with changed = 2099 (a vendor's bad clock) among good ones: it is a reject with its own code, and
     * the next scans still ask from the present, so a later attendee arrives.
     */
    @Test
    void should_reject_a_version_from_the_future_and_keep_asking_from_the_present() throws Exception {
        serve(page(false, null, attendee("a1", CHANGED), attendee("a2", "2099-01-01T00:00:00Z")),
                page(false, null, attendee("a2", "2099-01-01T00:00:00Z"), attendee("a3", "2026-03-01T10:00:09Z")));
        feed().start();

        await("a3 ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'a3'") == 1
                && scans() >= 3);

        assertThat(poller.query("SELECT errors FROM rejected_record WHERE external_id = 'a2'")).singleElement()
                .satisfies(r -> assertThat((String) r.get("errors")).contains("future_version_time"));
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'a2'")).isZero();
        Instant limit = Instant.now().plus(Duration.ofHours(1));
        for (var request : vendor.findAll(getRequestedFor(urlPathEqualTo(PATH)))) {
            var since = request.queryParameter("changed_since");
            if (since.isPresent()) {
                assertThat(Instant.parse(since.firstValue())).as("changed_since of every scan").isBefore(limit);
            }
        }
    }

    /** A row ledgered with a future time before the contract rejected them does not freeze the record. */
    @Test
    void should_let_a_new_version_replace_a_ledgered_row_frozen_by_a_future_time() throws Exception {
        serve(page(false, null, attendee("a1", CHANGED)), page(false, null, attendee("a1", CHANGED)));
        feed().start();
        await("a1 ledgered", WAIT, () -> sent().size() == 1);
        poller.stop();
        poller.update("UPDATE ledger_registration SET source_updated_at = ? WHERE external_id = 'a1'",
                java.time.OffsetDateTime.parse("2099-01-01T00:00:00Z"));
        vendor.resetScenarios();
        serve(page(false, null, refunded("a1", "2026-03-01T10:00:06Z")), page(false, null, refunded("a1", "2026-03-01T10:00:06Z")));
        poller.start();

        await("the refund replaced the frozen row", WAIT, () -> "REFUNDED".equals(ledgered("a1").get("payment_status")));
        assertThat(poller.query("SELECT source_updated_at FROM ledger_registration WHERE external_id = 'a1'").get(0)
                .get("source_updated_at").toString()).contains("2026-03-01");
    }
}
