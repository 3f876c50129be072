package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.support.VendorAndPoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/**
 * What a sink receives, seen without a sink server: the test kit's mock endpoints take every send to a file endpoint
 * instead of the file (mockEndpointsAndSkip), and the test waits on Camel's NotifyBuilder for the poll runs.
 */
class SinkOnMockEndpointTest extends VendorAndPoller {

    @Override
    public String isMockEndpointsAndSkip() {
        return "file:*";
    }
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_hand_the_sink_each_new_version_once_with_its_idempotency_key_however_often_the_page_is_polled() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(page("c1", false,
                rec("r1", "a@x.io", "2026-01-01T00:00:01Z"), rec("r2", "b@x.io", "2026-01-01T00:00:02Z")))));
        String sinkDir = Files.createTempDirectory("sink").toString();
        poller.feed("forms", vendor.baseUrl(), "sink-uri", "file:" + sinkDir).start();
        MockEndpoint sink = getMockEndpoint("mock:file:" + sinkDir);
        sink.expectedMessageCount(2);

        await(poller.runsOf("forms", 3), WAIT); // the same page read again and again: nothing new after the first run
        sink.assertIsSatisfied(WAIT.toMillis());
        Thread.sleep(500); // a late repeat would arrive within the drain's 100 ms interval

        List<Exchange> received = sink.getReceivedExchanges();
        assertThat(received).hasSize(2);
        for (Exchange delivery : received) {
            JsonNode body = JSON.readTree(delivery.getMessage().getBody(String.class));
            assertThat(body.get("source").asText()).isEqualTo("forms");
            assertThat(delivery.getMessage().getHeader("Idempotency-Key", String.class))
                    .isEqualTo(body.get("idempotency_key").asText());
        }
        assertThat(received.stream().map(e -> e.getMessage().getHeader("Idempotency-Key")).distinct()).hasSize(2);
        assertThat(Files.list(Path.of(sinkDir))).as("the original file sink was skipped").isEmpty();
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
    }
}
