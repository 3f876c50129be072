package dev.vendorpoller.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.pageAt;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Inputs that used to wedge a feed or loop a run for ever (issue 12, "Wedges and loops"): the real service against
 * WireMock on loopback and a real H2 file database, one test per scenario.
 */
class WedgesAndLoopsTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String GATHERLY = "/v1/attendees";
    int port;

    @BeforeEach
    void management() throws Exception {
        port = PollerHarness.freeLoopbackPort();
        poller.set("camel.management.enabled", "true").set("camel.management.port", String.valueOf(port));
    }

    String observe(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The feed's readiness check as /observe/health shows it. */
    JsonNode readiness(String feed) throws Exception {
        for (JsonNode check : new ObjectMapper().readTree(observe("/observe/health")).get("checks")) {
            if (check.get("name").asText().equals("feed-" + feed)) {
                return check;
            }
        }
        throw new AssertionError("no readiness check for feed " + feed);
    }

    /** A continuation-since feed in an http-json shape: records under /items, the token at /continuation, sent as ct. */
    PollerHarness continuationFeed(String feed, String... extra) {
        List<String> keys = new ArrayList<>(List.of("type", "http-json", "path", GATHERLY, "records", "/items",
                "field.id", "/id", "field.email", "/email", "field.ticket-sku", "/ticket_sku",
                "field.payment-status", "/payment_status", "field.created-at", "/created_at", "field.updated-at", "/updated_at",
                "cursor-style", "continuation-since", "since-param", "since", "since-field", "/updated_at",
                "continuation", "/continuation", "continuation-param", "ct"));
        keys.addAll(List.of(extra));
        return poller.feed(feed, vendor.baseUrl(), keys.toArray(String[]::new));
    }

    static String continuationPage(String token, String... records) {
        return "{\"items\":[" + String.join(",", records) + "],\"continuation\":" + (token == null ? "null" : "\"" + token + "\"") + "}";
    }

    int gatherlyRequests(String ct) {
        return vendor.findAll(getRequestedFor(urlPathEqualTo(GATHERLY)).withQueryParam("ct",
                ct == null ? absent() : equalTo(ct))).size();
    }


    @Test
    void should_store_and_follow_a_cursor_longer_than_4000_characters() throws Exception {
        String longCursor = "c".repeat(6_000);
        vendor.stubFor(pageAt(null).willReturn(okJson(page(longCursor, true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt(longCursor).willReturn(okJson(page(longCursor, false, rec("r2", "b@x.io", "2026-01-01T00:00:02Z")))));
        poller.feed("forms", vendor.baseUrl()).start();

        await("the page after the long cursor read twice", WAIT, () -> requestsAt(longCursor) >= 2);

        assertThat(poller.storedCursor("forms")).isEqualTo(longCursor);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).isEqualTo(2);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void should_dead_letter_and_turn_down_a_feed_whose_vendor_refuses_every_continuation_token() throws Exception {
        vendor.stubFor(get(urlPathEqualTo(GATHERLY)).withQueryParam("ct", absent()).willReturn(okJson(
                continuationPage("t1", rec("g1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(get(urlPathEqualTo(GATHERLY)).withQueryParam("ct", equalTo("t1"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"invalid continuation\"}")));
        // one run only (the first fires at start): its loop must end by itself
        continuationFeed("gatherly", "schedule.interval", "1h").set("vendor-poller.poll.max-cursor-recoveries", "3").start();

        await("the run dead-lettered the refusal", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") == 1);
        Thread.sleep(500);

        assertThat(gatherlyRequests("t1")).as("3 refusals recovered, the 4th dead-lettered, then the run ended").isEqualTo(4);
        assertThat(gatherlyRequests(null)).isEqualTo(4);
        Map<String, Object> dead = poller.query("SELECT kind, error_message, http_status FROM dead_letter").get(0);
        assertThat(dead.get("kind")).isEqualTo("PAGE");
        assertThat(dead.get("http_status")).isEqualTo(400);
        assertThat((String) dead.get("error_message")).contains("recovery loop")
                .contains("after 3 recoveries in this run");
        JsonNode ready = readiness("gatherly");
        assertThat(ready.get("status").asText()).isEqualTo("DOWN");
        assertThat(ready.toString()).contains("recovery loop");
        assertThat(observe("/observe/metrics")).contains("vendor_poller_cursor_recoveries_total{feed=\"gatherly\"} 3.0")
                .contains("vendor_poller_wedged{feed=\"gatherly\"} 1.0");
    }

    @Test
    void should_turn_a_feed_down_after_runs_that_stall_with_has_more_and_no_new_cursor() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        // has_more, but the same cursor again: every run stops here
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", true, rec("r2", "b@x.io", "2026-01-01T00:00:02Z")))));
        poller.feed("forms", vendor.baseUrl()).set("vendor-poller.poll.max-stalled-runs", "2").start();

        await("two stalled runs", WAIT, () -> requestsAt("c1") >= 3);

        JsonNode ready = readiness("forms");
        assertThat(ready.get("status").asText()).isEqualTo("DOWN");
        assertThat(ready.toString()).contains("stalled: the vendor said has_more but gave no new cursor after c1")
                .contains("vendor-poller.poll.max-stalled-runs");
        assertThat(observe("/observe/metrics")).containsPattern("vendor_poller_stalled_runs_total\\{feed=\"forms\"} [2-9]")
                .contains("vendor_poller_wedged{feed=\"forms\"} 1.0");
    }

    @Test
    void should_stay_ready_when_a_stalled_feed_reads_to_the_end_again() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").inScenario("stall").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(page("c1", true))).willSetStateTo("fixed"));
        vendor.stubFor(pageAt("c1").inScenario("stall").whenScenarioStateIs("fixed").willReturn(okJson(page("c2", false))));
        vendor.stubFor(pageAt("c2").willReturn(okJson(page("c2", false))));
        poller.feed("forms", vendor.baseUrl()).set("vendor-poller.poll.max-stalled-runs", "1").start();

        await("read to the end after the stall", WAIT, () -> requestsAt("c2") >= 1);

        assertThat(readiness("forms").get("status").asText()).isEqualTo("UP");
    }
}
