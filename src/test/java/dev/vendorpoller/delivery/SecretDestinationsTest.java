package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.CapturedLogs;
import dev.vendorpoller.support.VendorAndPoller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Destination URIs are secrets (issue 12, "Secrets at rest"): a webhook-style sink whose credential is in its path and
 * in an unusual query parameter, a reject endpoint with a secret path and a dead-letter directory. Only scheme, host
 * and port may be stored (outbox.endpoint_uri, last_error, dead letters and what is forwarded of them) or logged; the
 * drain still sends to the real URI, resolved from the configuration. Real service, WireMock, H2 file.
 */
class SecretDestinationsTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String SINK_PATH = "/hooks/T0K3N-sink-path-9f8e";
    static final String QUERY_SECRET = "qs-S3cr3t-77aa";
    static final String REJECT_PATH = "/rejects/R3J3CT-path-5d4c";

    @Test
    void should_store_and_show_only_scheme_host_and_port_of_sink_reject_and_dead_letter_uris() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":["
                + "{\"id\":\"r1\",\"email\":\"a@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2,\"metadata\":{}},"
                + "{\"id\":\"r2\",\"email\":\"broken\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":3}"
                + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        vendor.stubFor(post(urlPathEqualTo(SINK_PATH)).willReturn(aResponse().withStatus(500).withBody("{\"error\":\"busy\"}")));
        vendor.stubFor(post(urlPathEqualTo(REJECT_PATH)).willReturn(aResponse().withStatus(200)));
        Path deadDir = Files.createTempDirectory("dl-D34D-dir-secret");
        String sinkUri = vendor.baseUrl() + SINK_PATH + "?x_sig=" + QUERY_SECRET;
        List<String> secrets = List.of("T0K3N-sink-path-9f8e", QUERY_SECRET, "R3J3CT-path-5d4c", "D34D-dir-secret");
        String shown = vendor.baseUrl(); // http://127.0.0.1:<port>

        try (CapturedLogs logs = new CapturedLogs()) {
            poller.feed("forms", vendor.baseUrl(), "sink-uri", sinkUri, "reject-uri", vendor.baseUrl() + REJECT_PATH,
                    "dead-letter-uri", "file:" + deadDir + "?fileName=${header.Idempotency-Key}.json")
                    .set("vendor-poller.outbox.max-attempts", "4").start();

            await("a failed sink delivery waiting for its retry", WAIT, () -> poller.count(
                    "SELECT COUNT(*) FROM outbox WHERE kind = 'SINK' AND last_error IS NOT NULL") == 1);
            Map<String, Object> waiting = poller.query("SELECT endpoint_uri, last_error FROM outbox WHERE kind = 'SINK'").get(0);
            await("the sink delivery dead-lettered and forwarded", WAIT, () -> poller.count(
                    "SELECT COUNT(*) FROM dead_letter WHERE kind = 'DELIVERY'") == 1 && poller.count("SELECT COUNT(*) FROM outbox") == 0);

            vendor.verify(postRequestedFor(urlPathEqualTo(SINK_PATH)).withQueryParam("x_sig", equalTo(QUERY_SECRET)));
            vendor.verify(1, postRequestedFor(urlPathEqualTo(REJECT_PATH)));
            assertThat(waiting.get("endpoint_uri")).isEqualTo(shown);
            assertThat((String) waiting.get("last_error")).contains("500");
            Map<String, Object> dead = poller.query("SELECT endpoint_uri, error_message, response_excerpt FROM dead_letter").get(0);
            assertThat(dead.get("endpoint_uri")).isEqualTo(shown);
            assertThat((String) dead.get("error_message")).contains("500");
            List<String> forwarded;
            try (Stream<Path> files = Files.list(deadDir)) {
                forwarded = files.map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
            }
            assertThat(forwarded).as("the dead letter forwarded to dead-letter-uri").hasSize(1);

            List<String> stored = Stream.of(
                    poller.query("SELECT * FROM outbox").stream().map(Object::toString),
                    poller.query("SELECT * FROM dead_letter").stream().map(Object::toString),
                    poller.query("SELECT * FROM rejected_record").stream().map(Object::toString),
                    forwarded.stream(), Stream.of(waiting.toString(), dead.toString()))
                    .flatMap(s -> s).toList();
            for (String secret : secrets) {
                assertThat(stored).noneMatch(text -> text.contains(secret));
                assertThat(logs.lines()).as("log lines").noneMatch(line -> line.contains(secret));
            }
        }
    }

    @Test
    void should_show_a_uri_by_its_scheme_host_and_port_only() {
        assertThat(EndpointUris.shown("https://user:pw@hooks.example.com/services/T0/B0/XX?token=abc")).isEqualTo("https://hooks.example.com");
        assertThat(EndpointUris.shown("http://127.0.0.1:8080/sink")).isEqualTo("http://127.0.0.1:8080");
        assertThat(EndpointUris.shown("file:data/sink?fileName=x.json")).isEqualTo("file:");
        assertThat(EndpointUris.shown("rabbitmq:ledger?hostname=mq&password=pw")).isEqualTo("rabbitmq:");
        assertThat(EndpointUris.shown("not a uri")).isEqualTo("****");
    }
}
