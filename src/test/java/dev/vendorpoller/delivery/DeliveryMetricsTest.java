package dev.vendorpoller.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each lane's depth, oldest pending age, rate and failures, and the freshness histogram, in Prometheus and as a bean. */
class DeliveryMetricsTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    int port;

    @BeforeEach
    void prepare() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/ok/registrations")).willReturn(okJson(DeliveryLanesTest.page("a", 3))));
        vendor.stubFor(get(urlPathEqualTo("/down/registrations")).willReturn(okJson(DeliveryLanesTest.page("b", 2))));
        vendor.stubFor(post(urlPathEqualTo("/ok-sink")).willReturn(aResponse().withStatus(200)));
        vendor.stubFor(post(urlPathEqualTo("/down-sink")).willReturn(aResponse().withStatus(503)));
        port = PollerHarness.freeLoopbackPort();
        poller = newPoller().set("camel.management.enabled", "true").set("camel.management.port", String.valueOf(port))
                .set("vendor-poller.outbox.max-attempts", "1000")
                .feed("ok", vendor.baseUrl() + "/ok", "page-size", "10", "sink-uri", vendor.baseUrl() + "/ok-sink")
                .feed("down", vendor.baseUrl() + "/down", "page-size", "10", "sink-uri", vendor.baseUrl() + "/down-sink");
    }


    String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void should_show_per_lane_depth_oldest_age_rate_failures_and_freshness() throws Exception {
        poller.start();
        await("ok delivered, down refused", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox WHERE feed = 'ok'") == 0
                && poller.count("SELECT COUNT(*) FROM ledger_registration WHERE source = 'ok'") == 3
                && poller.count("SELECT COUNT(*) FROM outbox WHERE feed = 'down' AND attempts > 0") == 2);
        Thread.sleep(1200); // the depth snapshot is at most a second old

        String metrics = metrics();
        assertThat(metrics)
                .contains("vendor_poller_delivery_accepted_total{feed=\"ok\",kind=\"SINK\",lane=\"ok-sink\"} 3.0")
                .contains("vendor_poller_delivery_accepted_total{feed=\"down\",kind=\"SINK\",lane=\"down-sink\"} 0.0")
                .containsPattern("vendor_poller_delivery_failed_total\\{feed=\"down\",kind=\"SINK\",lane=\"down-sink\"} [1-9]")
                .contains("vendor_poller_delivery_depth{feed=\"ok\",kind=\"SINK\",lane=\"ok-sink\"} 0.0")
                .contains("vendor_poller_delivery_depth{feed=\"down\",kind=\"SINK\",lane=\"down-sink\"} 2.0")
                .containsPattern("vendor_poller_delivery_oldest_pending_seconds\\{feed=\"down\",kind=\"SINK\",lane=\"down-sink\"} [1-9]")
                .contains("vendor_poller_delivery_freshness_seconds_count{feed=\"ok\",kind=\"SINK\",lane=\"ok-sink\"} 3")
                .contains("vendor_poller_delivery_freshness_seconds_bucket{feed=\"ok\",kind=\"SINK\",lane=\"ok-sink\",le=")
                .contains("vendor_poller_delivery_dropped_total{feed=\"ok\",kind=\"SINK\",lane=\"ok-sink\",reason=\"superseded\"} 0.0");

        DeliveryStats stats = poller.context().getRegistry().lookupByNameAndType("deliveryStats", DeliveryStats.class);
        List<DeliveryStats.LaneFigures> lanes = stats.lanes();
        DeliveryStats.LaneFigures ok = lanes.stream().filter(l -> l.lane().name().equals("ok-sink")).findFirst().orElseThrow();
        DeliveryStats.LaneFigures down = lanes.stream().filter(l -> l.lane().name().equals("down-sink")).findFirst().orElseThrow();
        assertThat(ok.accepted()).isEqualTo(3);
        assertThat(ok.depth()).isZero();
        assertThat(ok.oldestPending()).isNull();
        assertThat(down.depth()).isEqualTo(2);
        assertThat(down.failed()).isPositive();
        assertThat(down.oldestPending()).isGreaterThan(Duration.ofSeconds(1));
    }
    @Test
    void should_show_each_sink_lane_with_its_depth_lag_and_dead_letters_on_the_status_page() throws Exception {
        int statusPort = PollerHarness.freeLoopbackPort();
        poller.set("vendor-poller.status.port", String.valueOf(statusPort)).start();
        await("ok delivered, down refused", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox WHERE feed = 'ok'") == 0
                && poller.count("SELECT COUNT(*) FROM outbox WHERE feed = 'down' AND attempts > 0") == 2);
        Thread.sleep(1200); // the oldest waiting message is then at least a second old

        JsonNode feeds = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + statusPort + "/status/feeds.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        Map<String, JsonNode> lanes = new HashMap<>();
        feeds.forEach(f -> f.path("lanes").forEach(l -> lanes.put(l.get("name").asText(), l)));
        assertThat(lanes.get("ok-sink").get("depth").asLong()).isZero();
        assertThat(lanes.get("ok-sink").get("accepted").asLong()).isEqualTo(3);
        assertThat(lanes.get("ok-sink").get("oldest_age").isNull()).as("nothing waiting: no lag").isTrue();
        JsonNode down = lanes.get("down-sink");
        assertThat(down.get("depth").asLong()).isEqualTo(2);
        assertThat(down.get("failed").asLong()).isPositive();
        assertThat(down.get("oldest_age").asText()).as("the lane's lag in words").isNotBlank();
        assertThat(down.get("dead_letters").asText()).isEqualTo("/status/dead-letters.json?feed=down");
    }
}
