package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.vendorpoller.support.VendorAndPoller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** sink-batch-size: one request (HTTP) or one file per batch, each element keeping its idempotency key. */
class SinkBatchTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void prepare() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(DeliveryLanesTest.page("r", 5))));
    }


    Set<String> ledgerKeys() {
        return poller.query("SELECT idempotency_key FROM ledger_registration").stream()
                .map(r -> (String) r.get("idempotency_key")).collect(Collectors.toSet());
    }

    @Test
    void should_post_batches_as_json_arrays_each_element_with_its_idempotency_key_and_a_batch_key_header() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200)));
        poller.feed("forms", vendor.baseUrl(), "page-size", "10", "sink-uri", vendor.baseUrl() + "/sink",
                "sink-batch-size", "2", "sink-fields", "mail:email,ref:external_id").start();

        await("outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 5
                && poller.count("SELECT COUNT(*) FROM outbox") == 0);

        List<LoggedRequest> posts = vendor.findAll(postRequestedFor(urlPathEqualTo("/sink")));
        assertThat(posts).as("5 records in batches of 2").hasSize(3);
        List<String> elementKeys = new ArrayList<>();
        Set<String> batchKeys = new HashSet<>();
        for (LoggedRequest post : posts) {
            JsonNode array = JSON.readTree(post.getBodyAsString());
            assertThat(array.isArray()).isTrue();
            assertThat(array.size()).isBetween(1, 2);
            array.forEach(e -> {
                elementKeys.add(e.get("idempotency_key").asText());
                assertThat(e.get("mail").asText()).endsWith("@x.io"); // sink-fields applied per element
            });
            assertThat(post.getHeader("Batch-Key")).hasSize(64).isEqualTo(post.getHeader("Idempotency-Key"));
            batchKeys.add(post.getHeader("Batch-Key"));
        }
        assertThat(elementKeys).containsExactlyInAnyOrderElementsOf(ledgerKeys());
        assertThat(batchKeys).hasSize(3);
    }

    @Test
    void should_write_one_file_per_batch_to_a_file_sink() throws Exception {
        Path dir = Files.createTempDirectory("batch-sink");
        poller.feed("forms", vendor.baseUrl(), "page-size", "10", "sink-batch-size", "5",
                "sink-uri", "file:" + dir + "?fileName=${header.Idempotency-Key}.json").start();

        await("outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 5
                && poller.count("SELECT COUNT(*) FROM outbox") == 0);

        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        JsonNode array = JSON.readTree(Files.readString(files.get(0)));
        Set<String> keys = new HashSet<>();
        array.forEach(e -> keys.add(e.get("idempotency_key").asText()));
        assertThat(keys).isEqualTo(ledgerKeys()).hasSize(5);
    }
}
