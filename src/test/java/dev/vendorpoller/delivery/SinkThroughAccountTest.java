package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sink deliveries through a vendor account: its credentials, its concurrency cap and Retry-After, shared by feeds. */
class SinkThroughAccountTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(30);

    List<ServeEvent> sinkCalls() {
        return vendor.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().startsWith("/participants"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
    }

    @Test
    void two_feeds_push_one_at_a_time_through_the_account_honouring_retry_after() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/a/registrations")).willReturn(okJson(page("c1", false,
                rec("a1", "a1@x.io", "2026-01-01T00:00:01Z"), rec("a2", "a2@x.io", "2026-01-01T00:00:02Z")))));
        vendor.stubFor(get(urlPathEqualTo("/b/registrations")).willReturn(okJson(page("c1", false,
                rec("b1", "b1@x.io", "2026-01-01T00:00:01Z"), rec("b2", "b2@x.io", "2026-01-01T00:00:02Z")))));
        vendor.stubFor(post(urlPathEqualTo("/participants/add")).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        vendor.stubFor(post(urlPathEqualTo("/participants/add")).inScenario("busy").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withFixedDelay(100)));
        String sink = vendor.baseUrl() + "/participants/add";
        poller.feed("alpha", vendor.baseUrl() + "/a", "sink-uri", sink, "sink-account", "sweepstakes")
                .feed("beta", vendor.baseUrl() + "/b", "sink-uri", sink, "sink-account", "sweepstakes")
                .account("sweepstakes", "token", "sw33p-token", "max-concurrent", "1")
                .start();

        await("4 deliveries accepted", WAIT, () -> sinkCalls().stream().filter(e -> e.getResponse().getStatus() == 200).count() == 4);
        await("outbox empty", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
        List<ServeEvent> calls = sinkCalls();
        assertThat(calls.get(0).getResponse().getStatus()).isEqualTo(429);
        assertThat(calls.get(1).getRequest().getLoggedDate().getTime() - calls.get(0).getRequest().getLoggedDate().getTime())
                .as("the next push waited for Retry-After").isGreaterThanOrEqualTo(950);
        for (int i = 1; i < calls.size(); i++) {
            long start = calls.get(i).getRequest().getLoggedDate().getTime();
            long previousEnd = calls.get(i - 1).getRequest().getLoggedDate().getTime() + calls.get(i - 1).getTiming().getTotalTime();
            assertThat(start).as("push %s started after push %s ended", i, i - 1).isGreaterThanOrEqualTo(previousEnd - 5);
        }
        assertThat(calls).allSatisfy(e -> {
            assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer sw33p-token");
            assertThat(e.getRequest().getHeader("Idempotency-Key")).hasSize(64);
        });
        assertThat(calls.stream().map(e -> e.getRequest().getHeader("Idempotency-Key")).distinct()).hasSize(4);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }
}
