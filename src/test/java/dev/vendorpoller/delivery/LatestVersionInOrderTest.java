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

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.vendorpoller.app.Service;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A receiver only moves forward: newest pending version only, never an older one after a newer was accepted. */
class LatestVersionInOrderTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void prepare() throws Exception {
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink")
                .set("vendor-poller.outbox.retry-delay", "1s").set("vendor-poller.outbox.max-retry-delay", "1s")
                .set("vendor-poller.outbox.max-attempts", "100");
    }


    /** The vendor now shows record r1 at version {@code updatedAt} (epoch seconds). */
    void vendorShows(int updatedAt) {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":["
                + "{\"id\":\"r1\",\"email\":\"a@x.io\",\"ticket_sku\":\"VIP-2026\",\"payment_status\":\"paid\",\"created_at\":1,"
                + "\"updated_at\":" + updatedAt + ",\"metadata\":{}}],\"next_cursor\":\"c1\",\"has_more\":false}")));
    }

    String ledgered(int updatedAt) throws InterruptedException {
        await("r1 at " + updatedAt + " in the ledger", WAIT, () -> poller.count(
                "SELECT COUNT(*) FROM ledger_registration WHERE source_updated_at = ?", Instant.ofEpochSecond(updatedAt)
                        .atOffset(ZoneOffset.UTC)) == 1);
        return (String) poller.query("SELECT idempotency_key FROM ledger_registration").get(0).get("idempotency_key");
    }

    List<String> sentKeys() {
        return vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).stream().map(r -> r.getHeader("Idempotency-Key")).toList();
    }

    StubMapping sinkAnswers(int status) {
        return vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(status)));
    }

    @Test
    void should_never_send_v1_again_once_v2_was_accepted_after_v1_was_refused() throws Exception {
        sinkAnswers(503);
        vendorShows(2);
        poller.start();
        String v1 = ledgered(2);
        await("v1 refused once", WAIT, () -> sentKeys().contains(v1));
        // from now on only v1 is refused
        StubMapping refuseV1 = vendor.stubFor(post(urlPathEqualTo("/sink")).atPriority(1)
                .withHeader("Idempotency-Key", equalTo(v1)).willReturn(aResponse().withStatus(503)));
        sinkAnswers(200);

        vendorShows(5);
        String v2 = ledgered(5);
        await("v2 sent", WAIT, () -> sentKeys().contains(v2));
        Thread.sleep(300); // and accepted
        vendor.removeStub(refuseV1); // v1 would now be accepted: it must not be sent
        Thread.sleep(2500); // over two retry delays

        List<String> sent = sentKeys();
        assertThat(sent.subList(sent.indexOf(v2), sent.size())).as("nothing of v1 after v2").containsOnly(v2);
        assertThat(sent.get(sent.size() - 1)).as("the receiver ends on v2").isEqualTo(v2);
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
    }

    @Test
    void should_send_only_the_newest_of_several_pending_versions() throws Exception {
        sinkAnswers(503);
        vendorShows(2);
        poller.start();
        ledgered(2);
        vendorShows(3);
        ledgered(3);
        vendorShows(4);
        String v3 = ledgered(4);
        int before = sentKeys().size();
        sinkAnswers(200);

        await("outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
        Thread.sleep(1500);
        List<String> sent = sentKeys();
        assertThat(sent.subList(before, sent.size())).as("after the sink recovered: v3 only, once").containsExactly(v3);
    }

    @Test
    void should_send_nothing_when_a_dead_letter_of_v1_is_replayed_after_v2_was_accepted() throws Exception {
        poller.set("vendor-poller.outbox.max-attempts", "1");
        sinkAnswers(500);
        vendorShows(2);
        poller.start();
        String v1 = ledgered(2);
        await("v1 dead-lettered", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") == 1);
        sinkAnswers(200);
        vendorShows(5);
        String v2 = ledgered(5);
        await("v2 accepted", WAIT, () -> sentKeys().contains(v2) && poller.count("SELECT COUNT(*) FROM outbox") == 0);
        long deadLetter = poller.count("SELECT MIN(id) FROM dead_letter");

        assertThat(Service.of(poller.context()).deadLetters().replay(deadLetter)).isTrue();
        Thread.sleep(1500);

        List<String> sent = sentKeys();
        assertThat(sent.get(sent.size() - 1)).as("the receiver stays on v2").isEqualTo(v2);
        assertThat(sent).as("v1 only in its one refused attempt").filteredOn(v1::equals).hasSize(1);
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter WHERE replayed_at IS NOT NULL")).isEqualTo(1);
    }
}
