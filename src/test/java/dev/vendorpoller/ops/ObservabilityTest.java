package dev.vendorpoller.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management port as a scraper and an orchestrator see it: Prometheus metrics and health over HTTP. */
class ObservabilityTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final HttpClient HTTP = HttpClient.newHttpClient();
    WireMockServer vendor;
    PollerHarness poller;
    int port;

    @BeforeEach
    void startVendor() throws Exception {
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent()).willReturn(okJson(
                "{\"data\":[" + rec("r1", "a@x.io") + "," + rec("r2", "broken") + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        port = PollerHarness.freeLoopbackPort();
        poller = newPoller()
                .set("camel.management.enabled", "true").set("camel.management.port", String.valueOf(port));
    }

    @AfterEach
    void stopVendorAndService() throws Exception {
        poller.close();
        vendor.stop();
    }

    static String rec(String id, String email) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\","
                + "\"created_at\":1,\"updated_at\":1767225600,\"metadata\":{}}";
    }

    HttpResponse<String> getPath(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no health check " + name + " in " + health);
    }

    @Test
    void should_expose_feed_metrics_for_prometheus_and_readiness_per_feed() throws Exception {
        // one transient 503, retried: counted in the metrics, no dead letter
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1")).inScenario("blip")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1")).inScenario("blip")
                .whenScenarioStateIs("ok").willReturn(okJson("{\"data\":[],\"next_cursor\":\"c1\",\"has_more\":false}")));
        poller.feed("forms", vendor.baseUrl(), "max-lag", "3650d").feed("stale", vendor.baseUrl(), "max-lag", "1h").start();
        await("both feeds committed their page", WAIT, () -> poller.count("SELECT COUNT(*) FROM feed_cursor") == 2);
        await("a 503 seen", WAIT, () -> vendor.getAllServeEvents().stream().anyMatch(e -> e.getResponse().getStatus() == 503));

        String metrics = getPath("/observe/metrics").body();
        assertThat(metrics)
                .contains("vendor_poller_records_total{feed=\"forms\",outcome=\"ledgered\"} 1.0")
                .contains("vendor_poller_records_total{feed=\"forms\",outcome=\"rejected\"} 1.0")
                .containsPattern("vendor_poller_pages_total\\{feed=\"forms\"} [1-9]")
                .containsPattern("vendor_poller_vendor_requests_seconds_count\\{feed=\"forms\",status=\"200\"} [1-9]")
                .contains("vendor_poller_vendor_requests_seconds_bucket{feed=\"forms\",status=\"200\",le=")
                .containsPattern("vendor_poller_vendor_requests_seconds_count\\{feed=\"(forms|stale)\",status=\"503\"} 1")
                .contains("vendor_poller_rejects_stored{feed=\"forms\"} 1.0")
                .contains("vendor_poller_outbox_depth{feed=\"forms\"} 0.0")
                .contains("vendor_poller_dead_letters{feed=\"forms\"}")
                .containsPattern("vendor_poller_lag_seconds\\{feed=\"forms\"} [0-9.E]+")
                .contains("vendor_poller_breaker_state{account=\"forms\",state=\"CLOSED\"} 1.0")
                .contains("vendor_poller_breaker_state{account=\"forms\",state=\"OPEN\"} 0.0")
                .contains("vendor_poller_rate_limited_total{account=\"forms\"} 0.0")
                .contains("vendor_poller_budget_remaining{account=\"forms\"} NaN");

        HttpResponse<String> health = getPath("/observe/health");
        JsonNode body = new ObjectMapper().readTree(health.body());
        assertThat(check(body, "database").get("status").asText()).isEqualTo("UP");
        assertThat(check(body, "feed-forms").get("status").asText()).isEqualTo("UP");
        assertThat(check(body, "feed-stale").get("status").asText()).as("newest version is from 2026-01-01, max-lag 1h")
                .isEqualTo("DOWN");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).doesNotContain("test-token");
    }

    @Test
    void should_turn_a_feed_down_when_its_page_is_dead_lettered() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent())
                .willReturn(aResponse().withStatus(500)));
        // a breaker that stays closed, so the reason shown is the dead letter (an open breaker is DOWN too, for its own reason)
        poller.feed("forms", vendor.baseUrl()).account("forms", "breaker.window", "100", "breaker.minimum-calls", "100").start();
        await("a page dead letter", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") >= 1);

        JsonNode body = new ObjectMapper().readTree(getPath("/observe/health").body());
        assertThat(check(body, "feed-forms").get("status").asText()).isEqualTo("DOWN");
        assertThat(check(body, "feed-forms").toString()).contains("the last page failed after its retries");
    }
}
