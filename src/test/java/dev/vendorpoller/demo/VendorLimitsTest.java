package dev.vendorpoller.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vendorpoller.demo.VendorLimits.Dialect;
import dev.vendorpoller.demo.VendorLimits.ResetForm;
import dev.vendorpoller.demo.VendorLimits.Tier;
import dev.vendorpoller.demo.VendorLimits.Verdict;
import dev.vendorpoller.ratelimit.RateLimitHeaders;
import dev.vendorpoller.ratelimit.VendorBudget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VendorLimitsTest {
    static HttpClient client;
    DemoVendor vendor;

    @BeforeAll
    static void client() throws Exception {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        if (vendor != null) {
            vendor.close();
        }
    }

    @Test
    void should_announce_the_first_stated_tier_in_the_x_dialect_with_an_epoch_reset() throws Exception {
        VendorLimits limits = VendorLimits.parse("5/2s,1000/1h", "", "x", "epoch", 0);
        start(0, 0.0, limits);
        awaitPhase(2000, 1000);

        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(get());
        }
        long nowSeconds = System.currentTimeMillis() / 1000;

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = responses.get(i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "X-RateLimit-Limit")).isEqualTo(5);
            assertThat(header(r, "X-RateLimit-Remaining")).isEqualTo(4 - i);
            long reset = header(r, "X-RateLimit-Reset");
            assertThat(reset).isGreaterThan(nowSeconds).isLessThanOrEqualTo(nowSeconds + 2).isEqualTo(reset / 2 * 2);
            assertThat(r.headers().firstValue("RateLimit-Limit")).isEmpty();
            assertThat(r.headers().firstValue("RateLimit-Policy")).isEmpty();
        }
        assertThat(header(responses.get(2), "X-RateLimit-Reset")).isEqualTo(header(responses.get(0), "X-RateLimit-Reset"));
        VendorBudget budget = RateLimitHeaders.parse(responses.get(2).headers().map(), Instant.now());
        assertThat(budget.limit()).contains(5L);
        assertThat(budget.remaining()).contains(2L);
        assertThat(budget.reset().orElseThrow()).isAfter(Instant.now()).isBefore(Instant.now().plusSeconds(3));
    }

    @Test
    void should_announce_in_the_ietf_dialect_with_a_policy_and_a_delta_reset() throws Exception {
        start(0, 0.0, VendorLimits.parse("4/2s", null, "IETF", "delta", 0));
        awaitPhase(2000, 1000);

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "RateLimit-Limit")).isEqualTo(4);
            assertThat(header(r, "RateLimit-Remaining")).isEqualTo(3 - i);
            assertThat(header(r, "RateLimit-Reset")).isBetween(1L, 2L);
            assertThat(r.headers().firstValue("RateLimit-Policy")).contains("4;w=2");
            assertThat(r.headers().firstValue("X-RateLimit-Limit")).isEmpty();
            VendorBudget budget = RateLimitHeaders.parse(r.headers().map(), Instant.now());
            assertThat(budget.window()).contains(Duration.ofSeconds(2));
            assertThat(budget.remaining()).contains(3L - i);
        }
    }

    @Test
    void should_answer_429_with_retry_after_past_a_stated_tier_and_let_the_client_in_after_waiting_it() throws Exception {
        VendorLimits limits = VendorLimits.parse("3/1s", null, "X", "DELTA", 0);
        start(0, 0.0, limits);
        awaitPhase(1000, 400);

        for (int i = 0; i < 3; i++) {
            assertThat(get().statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = get();
        long answeredAt = System.currentTimeMillis();
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).isEqualTo("{\"error\":\"rate limited\"}");
        assertThat(header(limited, "X-RateLimit-Remaining")).isZero();
        assertThat(header(limited, "X-RateLimit-Limit")).isEqualTo(3);
        long retryAfter = header(limited, "Retry-After");
        assertThat(retryAfter).isEqualTo(1);
        assertThat(get().statusCode()).isEqualTo(429);

        Thread.sleep(Math.max(0, answeredAt + retryAfter * 1000 - System.currentTimeMillis()));
        HttpResponse<String> after = get();
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(header(after, "X-RateLimit-Remaining")).isEqualTo(2);

        RequestLog log = limits.log();
        assertThat(log.countByStatus()).isEqualTo(Map.of(200, 4L, 429, 2L));
        assertThat(log.count(Verdict.RATE_LIMITED)).isEqualTo(2);
        assertThat(log.acceptedPerWindow(Duration.ofSeconds(1)).values()).containsExactly(3L, 1L);
    }

    @Test
    void should_enforce_a_hidden_tier_without_announcing_it_and_without_spending_stated_budget_on_rejects() throws Exception {
        VendorLimits limits = VendorLimits.parse("10/2s", "2/1s", "IETF", "EPOCH", 0);
        start(0, 0.0, limits);
        awaitPhase(2000, 500);

        assertThat(header(get(), "RateLimit-Remaining")).isEqualTo(9);
        assertThat(header(get(), "RateLimit-Remaining")).isEqualTo(8);
        HttpResponse<String> limited = null;
        for (int i = 0; i < 2; i++) {
            limited = get();
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(header(limited, "RateLimit-Remaining")).isEqualTo(8); // nothing announced is spent, nor spent by the reject
            assertThat(limited.headers().firstValue("RateLimit-Policy")).contains("10;w=2");
        }
        long answeredAt = System.currentTimeMillis();
        long retryAfter = header(limited, "Retry-After");
        assertThat(retryAfter).isEqualTo(1);

        Thread.sleep(Math.max(0, answeredAt + retryAfter * 1000 - System.currentTimeMillis()));
        HttpResponse<String> after = get();
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(header(after, "RateLimit-Remaining")).isEqualTo(7); // same 2 s window: the two 429s cost nothing
        assertThat(limits.log().countByStatus()).isEqualTo(Map.of(200, 3L, 429, 2L));
    }

    @Test
    void should_turn_away_a_request_while_one_is_in_flight_and_free_the_slot_before_answering() throws Exception {
        VendorLimits limits = VendorLimits.parse(null, null, null, null, 1);
        start(300, 0.0, limits);

        List<HttpResponse<String>> parallel = List.of(getAsync(), getAsync()).stream().map(CompletableFuture::join).toList();

        assertThat(parallel).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 503);
        assertThat(parallel).extracting(HttpResponse::body).contains("{\"error\":\"busy\"}");
        for (int i = 0; i < 3; i++) {
            assertThat(get().statusCode()).as("sequential request %d", i).isEqualTo(200);
        }
        RequestLog log = limits.log();
        assertThat(log.count(Verdict.BUSY)).isEqualTo(1);
        assertThat(log.count(Verdict.ADMITTED)).isEqualTo(4);
        assertThat(log.maxConcurrency()).isEqualTo(1);
        assertThat(log.entries()).filteredOn(e -> e.verdict() == Verdict.BUSY)
                .singleElement().satisfies(e -> assertThat(e.inFlightAtArrival()).isEqualTo(1));
    }

    @Test
    void should_see_two_requests_in_flight_without_a_cap() throws Exception {
        VendorLimits limits = VendorLimits.none();
        start(300, 0.0, limits);

        List<HttpResponse<String>> parallel = List.of(getAsync(), getAsync()).stream().map(CompletableFuture::join).toList();

        assertThat(parallel).extracting(HttpResponse::statusCode).containsExactly(200, 200);
        assertThat(limits.log().maxConcurrency()).isEqualTo(2);
    }

    @Test
    void should_answer_503_during_an_outage_and_log_it() throws Exception {
        VendorLimits limits = VendorLimits.parse("100/10s", null, "X", "EPOCH", 0);
        start(0, 0.0, limits);
        long before = System.currentTimeMillis();

        limits.down(true);
        HttpResponse<String> down = get();
        limits.down(false);
        HttpResponse<String> up = get();

        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"error\":\"outage\"}");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(header(up, "X-RateLimit-Remaining")).isEqualTo(99); // the outage spent nothing
        List<RequestLog.Entry> entries = limits.log().between(Instant.ofEpochMilli(before), Instant.now().plusMillis(1));
        assertThat(entries).extracting(RequestLog.Entry::verdict).containsExactly(Verdict.OUTAGE, Verdict.ADMITTED);
        assertThat(entries).extracting(RequestLog.Entry::status).containsExactly(503, 200);
        assertThat(limits.log().total()).isEqualTo(2);
    }

    @Test
    void should_log_the_status_finally_sent_after_admission_and_leave_unauthorised_requests_out() throws Exception {
        VendorLimits limits = VendorLimits.none();
        start(0, 1.0, limits); // every admitted request fails at random

        assertThat(get().statusCode()).isEqualTo(503);
        assertThat(client.send(HttpRequest.newBuilder(uri()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        assertThat(limits.log().entries()).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(503))
                .satisfies(e -> assertThat(e.verdict()).isEqualTo(Verdict.ADMITTED));
        assertThat(limits.log().acceptedPerWindow(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void should_count_accepted_requests_per_window_and_find_them_by_arrival() throws Exception {
        VendorLimits limits = VendorLimits.parse("2/1s", null, "X", "EPOCH", 0);
        start(0, 0.0, limits);
        awaitPhase(1000, 500);

        long first = System.currentTimeMillis() / 1000 * 1000;
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            statuses.add(get().statusCode());
        }
        Thread.sleep(first + 1000 - System.currentTimeMillis() + 20);
        statuses.add(get().statusCode());

        assertThat(statuses).containsExactly(200, 200, 429, 200);
        RequestLog log = limits.log();
        assertThat(log.acceptedPerWindow(Duration.ofSeconds(1))).isEqualTo(Map.of(first, 2L, first + 1000, 1L));
        assertThat(log.acceptedPerWindow(Duration.ofHours(1))).hasSize(1).containsValue(3L);
        assertThat(log.between(Instant.ofEpochMilli(first), Instant.ofEpochMilli(first + 1000))).hasSize(3);
        assertThat(log.total()).isEqualTo(4);
    }

    @Test
    void should_parse_tiers_dialects_and_reset_forms_and_name_a_bad_entry() {
        assertThat(VendorLimits.tiers("100/10s, 5/1s,250/500ms,1/2m,3/1h")).containsExactly(new Tier(100, 10_000),
                new Tier(5, 1_000), new Tier(250, 500), new Tier(1, 120_000), new Tier(3, 3_600_000));
        assertThat(VendorLimits.tiers(" ")).isEmpty();
        assertThat(VendorLimits.tiers(null)).isEmpty();
        VendorLimits limits = VendorLimits.parse("", null, "ietf", "Delta", 2);
        assertThat(limits.dialect()).isEqualTo(Dialect.IETF);
        assertThat(limits.resetForm()).isEqualTo(ResetForm.DELTA);
        assertThat(limits.maxConcurrent()).isEqualTo(2);
        assertThat(limits.stated()).isEmpty();

        assertThatThrownBy(() -> VendorLimits.tiers("100/10s,10/5d")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'10/5d'");
        assertThatThrownBy(() -> VendorLimits.tiers("ten/1s")).hasMessageContaining("'ten/1s'");
        assertThatThrownBy(() -> VendorLimits.tiers("5/0s")).hasMessageContaining("'5/0s'");
        assertThatThrownBy(() -> VendorLimits.tiers("5/1s,")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VendorLimits.parse(null, null, "Y", null, 0)).hasMessageContaining("'Y'");
        assertThatThrownBy(() -> VendorLimits.parse(null, null, null, "SOON", 0)).hasMessageContaining("'SOON'");
        assertThatThrownBy(() -> VendorLimits.parse(null, null, null, null, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private void start(long pageDelayMillis, double failureRate, VendorLimits limits) throws Exception {
        vendor = new DemoVendor(new DemoVendor.Options(0, "tok", 1000, 50, failureRate, 0, pageDelayMillis, false)).limits(limits).start();
        // the first request over a new connection is slow; make it one the limits never see
        client.send(HttpRequest.newBuilder(uri()).build(), HttpResponse.BodyHandlers.discarding());
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + vendor.port() + "/registrations?limit=5");
    }

    private HttpRequest request() {
        return HttpRequest.newBuilder(uri()).header("Authorization", "Bearer tok").timeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> get() throws Exception {
        return client.send(request(), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync() {
        return client.sendAsync(request(), HttpResponse.BodyHandlers.ofString());
    }

    private static long header(HttpResponse<?> response, String name) {
        return Long.parseLong(response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header")));
    }

    /** Waits until at most {@code maxPhaseMillis} of the current fixed window have passed, so a test's requests share it. */
    private static void awaitPhase(long windowMillis, long maxPhaseMillis) throws InterruptedException {
        long phase = System.currentTimeMillis() % windowMillis;
        if (phase > maxPhaseMillis) {
            Thread.sleep(windowMillis - phase + 10);
        }
    }
}
