package dev.vendorpoller.ratelimit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.app.Service;
import dev.vendorpoller.demo.DemoVendor;
import dev.vendorpoller.demo.RequestLog;
import dev.vendorpoller.demo.VendorLimits;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The governor as the vendor sees it: WireMock (header dialects, Retry-After) or the demo vendor enforcing real limits
 * (tiers, hidden tier, one request at a time), asserting what the vendor received and when.
 */
class GovernorTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(30);
    DemoVendor demo;

    @AfterEach
    void stopDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    MappingBuilder pageAt(String cursor) {
        var m = get(urlPathEqualTo("/registrations"));
        return cursor == null ? m.withQueryParam("cursor", absent()) : m.withQueryParam("cursor", equalTo(cursor));
    }

    /** Page one says something about the budget; page two must come when the governor allows it. */
    void stubTwoPages(ResponseDefinitionBuilder first) {
        vendor.stubFor(pageAt(null).willReturn(first));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false, rec("r3", "c@x.io", "2026-01-01T00:00:03Z")))));
    }

    static ResponseDefinitionBuilder firstPage() {
        return okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z"), rec("r2", "b@x.io", "2026-01-01T00:00:02Z")));
    }

    /** When the vendor received its first request without a cursor, and its first with cursor c1 (epoch millis). */
    long[] firstAndSecondPage() {
        List<ServeEvent> events = vendor.getAllServeEvents().stream()
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        long first = events.stream().filter(e -> !e.getRequest().getUrl().contains("cursor=")).findFirst().orElseThrow()
                .getRequest().getLoggedDate().getTime();
        long second = events.stream().filter(e -> e.getRequest().getUrl().contains("cursor=c1")).findFirst().orElseThrow()
                .getRequest().getLoggedDate().getTime();
        return new long[] {first, second};
    }

    void awaitLedger(String feed, long rows) throws InterruptedException {
        await(rows + " ledger rows for " + feed, WAIT,
                () -> poller.count("SELECT COUNT(*) FROM ledger_registration WHERE source = ?", feed) >= rows);
    }

    @Test
    void x_ratelimit_with_an_epoch_reset_holds_the_next_request_until_the_reset() throws Exception {
        long resetEpoch = Instant.now().getEpochSecond() + 3;
        stubTwoPages(firstPage().withHeader("X-RateLimit-Limit", "100").withHeader("X-RateLimit-Remaining", "0")
                .withHeader("X-RateLimit-Reset", String.valueOf(resetEpoch)));
        poller.feed("forms", vendor.baseUrl()).start();

        awaitLedger("forms", 3);
        long[] t = firstAndSecondPage();
        assertThat(t[1]).as("page two was sent at or after the stated reset").isGreaterThanOrEqualTo(resetEpoch * 1000);
        assertThat(vendor.getAllServeEvents()).noneMatch(e -> e.getResponse().getStatus() == 429);
    }

    static Stream<Arguments> seconds_until_reset_dialects() {
        return Stream.of(
                Arguments.of("IETF fields, remaining inside the 10% reserve", Map.of("RateLimit-Limit", "10",
                        "RateLimit-Remaining", "1", "RateLimit-Reset", "2", "RateLimit-Policy", "10;w=2")),
                Arguments.of("IETF single field", Map.of("RateLimit", "limit=10, remaining=0, reset=2")),
                Arguments.of("X headers, reset as seconds-until", Map.of("X-RateLimit-Limit", "60",
                        "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", "2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void seconds_until_reset_dialects(String dialect, Map<String, String> headers) throws Exception {
        ResponseDefinitionBuilder first = firstPage();
        headers.forEach(first::withHeader);
        stubTwoPages(first);
        poller.feed("forms", vendor.baseUrl()).account("forms", "reserve", "10%").start();

        awaitLedger("forms", 3);
        long[] t = firstAndSecondPage();
        assertThat(t[1] - t[0]).as("wait for a reset 2 s away").isGreaterThanOrEqualTo(1900);
    }

    @Test
    void remaining_above_the_reserve_is_spent_without_waiting() throws Exception {
        stubTwoPages(firstPage().withHeader("RateLimit-Limit", "10").withHeader("RateLimit-Remaining", "5")
                .withHeader("RateLimit-Reset", "30"));
        poller.feed("forms", vendor.baseUrl()).account("forms", "reserve", "10%").start();

        awaitLedger("forms", 3);
        long[] t = firstAndSecondPage();
        assertThat(t[1] - t[0]).as("budget left: no wait").isLessThan(1000);
    }

    static Stream<Arguments> retry_after_forms() {
        return Stream.of(Arguments.of("delay-seconds", (java.util.function.Supplier<String>) () -> "2"),
                Arguments.of("HTTP-date", (java.util.function.Supplier<String>) () -> DateTimeFormatter.RFC_1123_DATE_TIME
                        .format(Instant.now().plusSeconds(5).atOffset(ZoneOffset.UTC)))); // the date is taken before the service starts
    }

    @ParameterizedTest(name = "Retry-After as {0}")
    @MethodSource
    void retry_after_forms(String form, java.util.function.Supplier<String> retryAfter) throws Exception {
        vendor.stubFor(pageAt(null).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", retryAfter.get())
                        .withBody("{\"error\":\"slow down\"}"))
                .willSetStateTo("served"));
        vendor.stubFor(pageAt(null).inScenario("429").whenScenarioStateIs("served").willReturn(firstPage()));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false, rec("r3", "c@x.io", "2026-01-01T00:00:03Z")))));
        poller.feed("forms", vendor.baseUrl()).start();

        awaitLedger("forms", 3);
        List<ServeEvent> first = vendor.getAllServeEvents().stream().filter(e -> !e.getRequest().getUrl().contains("cursor="))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        assertThat(first.get(0).getResponse().getStatus()).isEqualTo(429);
        long gap = first.get(1).getRequest().getLoggedDate().getTime() - first.get(0).getRequest().getLoggedDate().getTime();
        assertThat(gap).as("the retry waited as the vendor said").isGreaterThanOrEqualTo(1900);
        assertThat(vendor.getAllServeEvents()).filteredOn(e -> e.getResponse().getStatus() == 429).hasSize(1);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void stopping_while_a_request_waits_for_a_long_retry_after_is_quick_and_dead_letters_nothing() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));
        poller.feed("forms", vendor.baseUrl()).set("camel.main.shutdown-timeout", "2").start();
        await("the 429", WAIT, () -> !vendor.getAllServeEvents().isEmpty());
        Thread.sleep(300); // the retry is now waiting in the governor for the vendor's 30 s

        long started = System.nanoTime();
        poller.stop();
        long stopMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(stopMillis).as("stop does not wait out the Retry-After").isLessThan(10_000);
        assertThat(vendor.getAllServeEvents()).as("nothing sent during the wait").hasSize(1);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).as("a wait cut short is not a failure").isZero();
        assertThat(poller.count("SELECT COUNT(*) FROM feed_cursor")).isZero();
    }

    /** Starts the demo vendor enforcing {@code limits}; returns its log of what it received. */
    RequestLog demoVendor(int backlog, long pageDelayMillis, VendorLimits limits) throws Exception {
        demo = new DemoVendor(new DemoVendor.Options(0, "acme-token", backlog, 1_000_000, 0.0, 0, pageDelayMillis, false))
                .limits(limits).start();
        return limits.log();
    }

    String demoUrl() {
        return "http://127.0.0.1:" + demo.port();
    }

    @Test
    void several_configured_tiers_hold_at_once() throws Exception {
        RequestLog log = demoVendor(120, 0, VendorLimits.parse("", "", "X", "EPOCH", 0));
        poller.feed("forms", demoUrl(), "account", "acme", "page-size", "5")
                .account("acme", "token", "acme-token", "limits", "4/1s,9/3s").start();

        awaitLedger("forms", 120);
        List<Long> times = log.entries().stream().map(RequestLog.Entry::arrivalMillis).toList();
        assertThat(times.size()).isGreaterThanOrEqualTo(24);
        assertThat(maxInAnyWindow(times, 1000)).as("requests in any 1 s").isLessThanOrEqualTo(4);
        assertThat(maxInAnyWindow(times, 3000)).as("requests in any 3 s").isLessThanOrEqualTo(9);
        assertThat(maxInAnyWindow(times, 3000)).as("the 3 s tier is used, not only the pace").isGreaterThanOrEqualTo(8);
    }

    static int maxInAnyWindow(List<Long> times, long windowMillis) {
        int max = 0;
        for (int i = 0; i < times.size(); i++) {
            int j = i;
            while (j < times.size() && times.get(j) < times.get(i) + windowMillis) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        return max;
    }

    @Test
    void a_hidden_per_second_limit_is_learned_after_few_429s() throws Exception {
        RequestLog log = demoVendor(300, 0, VendorLimits.parse("1000/1m", "4/1s", "X", "EPOCH", 0));
        poller.feed("forms", demoUrl(), "account", "acme", "page-size", "6").account("acme", "token", "acme-token").start();

        awaitLedger("forms", 300);
        long admitted = log.count(VendorLimits.Verdict.ADMITTED);
        long refused = log.count(VendorLimits.Verdict.RATE_LIMITED);
        assertThat(admitted).isGreaterThanOrEqualTo(50);
        assertThat(refused).as("429s while learning a hidden 4/s limit over %s requests", admitted).isLessThanOrEqualTo(2);
        Accounts accounts = Service.of(poller.context()).accounts();
        assertThat(accounts.get("acme").governor().learnedRate()).isBetween(2.0, 4.2);
    }

    @Test
    void one_request_at_a_time_across_three_feeds_on_one_account() throws Exception {
        RequestLog log = demoVendor(40, 60, VendorLimits.parse("", "", "X", "EPOCH", 1));
        for (String feed : List.of("alpha", "beta", "gamma")) {
            poller.feed(feed, demoUrl(), "account", "acme", "page-size", "5");
        }
        poller.account("acme", "token", "acme-token", "max-concurrent", "1").start();

        for (String feed : List.of("alpha", "beta", "gamma")) {
            awaitLedger(feed, 40);
        }
        assertThat(log.count(VendorLimits.Verdict.ADMITTED)).as("8 pages per feed").isGreaterThanOrEqualTo(24);
        assertThat(log.count(VendorLimits.Verdict.BUSY)).as("requests that found another in flight").isZero();
        assertThat(log.maxConcurrency()).isEqualTo(1);
    }

    @Test
    void without_the_cap_the_same_three_feeds_overlap() throws Exception {
        RequestLog log = demoVendor(40, 60, VendorLimits.parse("", "", "X", "EPOCH", 1));
        for (String feed : List.of("alpha", "beta", "gamma")) {
            poller.feed(feed, demoUrl(), "account", "acme", "page-size", "5");
        }
        poller.account("acme", "token", "acme-token").start();

        await("the vendor refused an overlapping request", WAIT, () -> log.count(VendorLimits.Verdict.BUSY) > 0);
    }
}
