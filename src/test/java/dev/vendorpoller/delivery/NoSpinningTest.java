package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Messages that can never be delivered end once, as dead letters, instead of coming due again forever. */
class NoSpinningTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);

    @BeforeEach
    void prepare() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":["
                + "{\"id\":\"r1\",\"email\":\"a@x.io\",\"ticket_sku\":\"VIP-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2,\"metadata\":{}},"
                + "{\"id\":\"r2\",\"email\":\"b@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"pending\",\"created_at\":1,\"updated_at\":3,\"metadata\":{}}"
                + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
    }


    @Test
    void should_dead_letter_a_pending_message_at_once_with_the_reason_when_its_sink_was_removed() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(503)));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink")
                .set("vendor-poller.outbox.retry-delay", "200ms").start();
        await("two messages waiting", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 2);
        poller.stop();

        poller.unset("vendor-poller.feed.forms.sink-uri").start();

        await("both dead-lettered", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") == 2);
        Thread.sleep(1500); // many drain passes (100 ms)
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).as("nothing left to come due again").isZero();
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).as("one dead letter per message, once").isEqualTo(2);
        var rows = poller.query("SELECT kind, outbox_kind, error_message FROM dead_letter");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r).containsEntry("kind", "DELIVERY").containsEntry("outbox_kind", "SINK");
            assertThat((String) r.get("error_message")).contains("no longer configures an endpoint").contains("sink-uri");
        });
    }

    @Test
    void should_not_forward_a_dead_letter_about_a_failed_dead_letter_forward() throws Exception {
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(500)));
        vendor.stubFor(post(urlPathEqualTo("/dead-letters")).willReturn(aResponse().withStatus(503)));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink",
                "dead-letter-uri", vendor.baseUrl() + "/dead-letters")
                .set("vendor-poller.outbox.max-attempts", "2").start();

        // 2 sink deliveries dead-lettered; their 2 copies fail twice at the dead-letter endpoint: 2 more, then quiet
        await("sink and forward dead letters", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") >= 4);
        Thread.sleep(2000);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter WHERE outbox_kind = 'SINK'")).isEqualTo(2);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter WHERE outbox_kind = 'DEAD_LETTER'")).isEqualTo(2);
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
        assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo("/dead-letters")))).as("2 copies, 2 attempts each").hasSize(4);
    }
}
