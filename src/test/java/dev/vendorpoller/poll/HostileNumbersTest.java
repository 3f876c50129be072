package dev.vendorpoller.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.support.VendorAndPoller;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * One hostile number must not cost a good page (issue 12, "Wedges and loops"): a value too large for a date in a
 * record is that record's reject; a header value too large for a number or a duration is clamped or ignored. Neither
 * dead-letters the page nor counts as a failure of the account's circuit breaker. Real service, WireMock, H2 file.
 */
class HostileNumbersTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String EVENTBRITE = "/events/42/attendees/";

    CircuitBreaker breaker(String account) {
        return poller.context().getRegistry().lookupByNameAndType(Account.breakerBean(account), CircuitBreaker.class);
    }

    static String attendee(String id, String changedJson) {
        return "{\"id\":\"" + id + "\",\"changed\":" + changedJson + ",\"created\":\"2026-02-01T09:00:00Z\",\"status\":\"Attending\","
                + "\"cancelled\":false,\"refunded\":false,\"ticket_class_id\":\"1001\",\"profile\":{\"email\":\"" + id
                + "@example.com\"}}";
    }

    @Test
    void should_reject_only_the_attendees_whose_changed_is_too_large_for_a_date_and_commit_the_page() throws Exception {
        vendor.stubFor(get(urlPathEqualTo(EVENTBRITE)).willReturn(okJson("{\"pagination\":{\"has_more_items\":false},\"attendees\":["
                + attendee("good", "\"2026-03-01T10:00:00Z\"") + "," + attendee("long-max", "9223372036854775807") + ","
                + attendee("twenty-digits", "99999999999999999999") + "]}")));
        poller.feed("eb", vendor.baseUrl(), "type", "eventbrite-attendees", "event-id", "42", "tiers", "1001:GENERAL_ADMISSION")
                .start();

        await("the page committed", WAIT, () -> poller.count("SELECT COUNT(*) FROM feed_cursor WHERE feed = 'eb'") == 1);

        assertThat(poller.query("SELECT external_id FROM ledger_registration")).extracting(r -> r.get("external_id"))
                .containsExactly("good");
        assertThat(poller.query("SELECT external_id FROM rejected_record ORDER BY external_id")).extracting(r -> r.get("external_id"))
                .containsExactly("long-max", "twenty-digits");
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
        assertThat(breaker("eb").getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void should_ignore_a_ratelimit_remaining_of_twenty_digits_on_a_200_and_commit_the_page() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(page("c1", false, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))
                .withHeader("RateLimit", "limit=100, remaining=99999999999999999999, reset=30")
                .withHeader("RateLimit-Policy", "100;w=99999999999999999999")));
        poller.feed("forms", vendor.baseUrl()).start();

        await("the page ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 1);
        await("read again", WAIT, () -> vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations"))).size() >= 2);

        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
        assertThat(breaker("forms").getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void should_clamp_a_retry_after_too_large_for_a_duration_and_defer_the_run_without_a_dead_letter() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "99999999999999999")));
        poller.feed("forms", vendor.baseUrl()).account("forms", "max-wait", "1s").start();

        await("the 429 seen", WAIT, () -> !vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations"))).isEmpty());
        Thread.sleep(2_000);

        assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations")))).as("the account waits as told (a day at most)")
                .hasSize(1);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
        assertThat(breaker("forms").getMetrics().getNumberOfFailedCalls()).isZero();
    }
}
