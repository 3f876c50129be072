package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each sink drains in its own lane: a slow or refusing one never holds another back. */
class DeliveryLanesTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    WireMockServer vendor;
    PollerHarness poller;

    @BeforeEach
    void prepare() throws Exception {
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(40));
        vendor.start();
        poller = newPoller();
    }

    @AfterEach
    void cleanUp() throws Exception {
        poller.close();
        vendor.stop();
    }

    static String page(String prefix, int n) {
        return "{\"data\":[" + IntStream.rangeClosed(1, n).mapToObj(i -> "{\"id\":\"" + prefix + i + "\",\"email\":\"" + prefix + i
                + "@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2,\"metadata\":{}}")
                .collect(Collectors.joining(",")) + "],\"next_cursor\":\"c1\",\"has_more\":false}";
    }

    int posts(String path) {
        return vendor.findAll(postRequestedFor(urlPathEqualTo(path))).size();
    }

    @Test
    void should_deliver_to_a_fast_sink_at_once_while_a_slow_refusing_sink_keeps_failing() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/slow/registrations")).willReturn(okJson(page("s", 2))));
        vendor.stubFor(get(urlPathEqualTo("/fast/registrations")).willReturn(okJson(page("f", 0))));
        vendor.stubFor(post(urlPathEqualTo("/slow-sink")).willReturn(aResponse().withStatus(503).withFixedDelay(900)));
        vendor.stubFor(post(urlPathEqualTo("/fast-sink")).willReturn(aResponse().withStatus(200)));
        poller.feed("slow", vendor.baseUrl() + "/slow", "sink-uri", vendor.baseUrl() + "/slow-sink")
                .feed("fast", vendor.baseUrl() + "/fast", "sink-uri", vendor.baseUrl() + "/fast-sink")
                .set("vendor-poller.outbox.max-attempts", "1000").start();
        await("the slow sink busy refusing", WAIT, () -> posts("/slow-sink") >= 2);

        vendor.stubFor(get(urlPathEqualTo("/fast/registrations")).willReturn(okJson(page("f", 2))));
        await("fast records ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration WHERE source = 'fast'") == 2);
        long ledgered = System.nanoTime();
        await("fast records delivered", WAIT, () -> posts("/fast-sink") == 2);
        long millis = (System.nanoTime() - ledgered) / 1_000_000;

        assertThat(millis).as("fast lane delay behind a sink taking 900 ms per refusal").isLessThan(700);
        assertThat(poller.count("SELECT COUNT(*) FROM outbox WHERE feed = 'slow'")).as("the slow lane still refused").isEqualTo(2);
    }

    @Test
    void should_have_up_to_sink_concurrency_deliveries_in_flight_in_one_lane() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(page("r", 8))));
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(503)));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink", "sink-concurrency", "4", "page-size", "10")
                .set("vendor-poller.outbox.max-attempts", "1000").start();
        await("eight waiting", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 8);

        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200).withFixedDelay(400)));
        long start = System.nanoTime();
        await("all accepted", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).as("8 deliveries of 400 ms each, 4 at a time (one at a time: 3.2 s)").isLessThan(3000);
    }
}
