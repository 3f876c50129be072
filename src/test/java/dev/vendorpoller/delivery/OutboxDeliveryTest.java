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
import dev.vendorpoller.app.Service;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sink and reject endpoints fed through the transactional outbox, with retries, dead letters and replay. */
class OutboxDeliveryTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    @BeforeEach
    void stubVendor() {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":["
                + "{\"id\":\"r1\",\"email\":\"a@x.io\",\"ticket_sku\":\"VIP-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2,\"metadata\":{}},"
                + "{\"id\":\"r2\",\"email\":\"b@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"pending\",\"created_at\":1,\"updated_at\":3,\"metadata\":{}},"
                + "{\"id\":\"r3\",\"email\":\"broken\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":3}"
                + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
    }

    List<LoggedRequest> posts(String path) {
        return vendor.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    @Test
    void should_deliver_each_ledgered_record_once_with_its_idempotency_key_and_each_reject_to_the_reject_endpoint() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(201)));
        vendor.stubFor(post(urlPathEqualTo("/rejects")).willReturn(aResponse().withStatus(200)));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink", "reject-uri", vendor.baseUrl() + "/rejects").start();

        await("two records and one reject delivered", WAIT, () -> posts("/sink").size() == 2 && posts("/rejects").size() == 1);
        Thread.sleep(1000); // several more polls of the same page: nothing is sent twice without a crash

        assertThat(posts("/sink")).hasSize(2);
        assertThat(posts("/rejects")).hasSize(1);
        Set<String> ledgerKeys = poller.query("SELECT idempotency_key FROM ledger_registration").stream()
                .map(r -> (String) r.get("idempotency_key")).collect(Collectors.toSet());
        Set<String> headerKeys = posts("/sink").stream().map(r -> r.getHeader("Idempotency-Key")).collect(Collectors.toSet());
        assertThat(headerKeys).isEqualTo(ledgerKeys).hasSize(2);
        JsonNode body = JSON.readTree(posts("/sink").get(0).getBodyAsString());
        assertThat(body.get("idempotency_key").asText()).isEqualTo(posts("/sink").get(0).getHeader("Idempotency-Key"));
        assertThat(body.get("source").asText()).isEqualTo("forms");
        assertThat(posts("/sink").get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(posts("/sink").get(0).getHeader("Authorization")).as("the vendor token never leaks to a sink").isNull();

        JsonNode reject = JSON.readTree(posts("/rejects").get(0).getBodyAsString());
        assertThat(reject.get("raw").get("email").asText()).isEqualTo("broken");
        assertThat(reject.get("errors").get(0).get("field").asText()).isEqualTo("email");
        assertThat(posts("/rejects").get(0).getHeader("Idempotency-Key")).isEqualTo(reject.get("reconciliation_key").asText());
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
    }

    @Test
    void should_retry_a_failing_sink_then_dead_letter_and_deliver_on_replay() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(500).withBody("sink down")));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink")
                .set("vendor-poller.outbox.max-attempts", "3")
                .start();

        await("both deliveries dead-lettered", WAIT, () ->
                poller.count("SELECT COUNT(*) FROM dead_letter WHERE kind = 'DELIVERY'") == 2);

        assertThat(posts("/sink")).as("3 attempts per record").hasSize(6);
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
        var dl = poller.query("SELECT id, outbox_kind, attempts, error_message, payload FROM dead_letter WHERE kind = 'DELIVERY' ORDER BY id");
        assertThat(dl.get(0)).containsEntry("outbox_kind", "SINK").containsEntry("attempts", 3);
        assertThat((String) dl.get(0).get("error_message")).contains("500");
        assertThat((String) dl.get(0).get("payload")).contains("\"idempotency_key\"");

        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200)));
        DeadLetters deadLetters = Service.of(poller.context()).deadLetters();
        long first = ((Number) dl.get(0).get("id")).longValue();
        assertThat(deadLetters.replay(first)).isTrue();
        assertThat(deadLetters.replay(first)).as("a dead letter is replayed once").isFalse();

        await("replayed delivery sent", WAIT, () -> posts("/sink").size() == 7);
        assertThat(posts("/sink").get(6).getHeader("Idempotency-Key"))
                .isEqualTo(JSON.readTree((String) dl.get(0).get("payload")).get("idempotency_key").asText());
        await("outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
    }

    @Test
    void should_keep_undelivered_messages_across_a_restart() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(503)));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink").start();
        await("messages waiting in the outbox", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 2 && posts("/sink").size() >= 2);

        poller.stop();
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200)));
        poller.start();

        await("outbox drained after restart", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
        assertThat(posts("/sink").stream().map(r -> r.getHeader("Idempotency-Key")).collect(Collectors.toSet())).hasSize(2);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }
}
