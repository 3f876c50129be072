package dev.vendorpoller.account;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.vendorpoller.app.Service;
import dev.vendorpoller.auth.TokenCipher;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The account's circuit breaker and credentials, end to end against WireMock, counted on what the vendor received. */
class BreakerAndCredentialsTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);

    CircuitBreaker breaker() {
        return Service.of(poller.context()).accounts().get("forms").breaker();
    }

    List<Long> requestTimes() {
        return vendor.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().startsWith("/registrations"))
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    }

    @Test
    void an_outage_opens_the_breaker_the_vendor_then_sees_only_probes_and_recovery_closes_it() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(aResponse().withStatus(503)));
        poller.feed("forms", vendor.baseUrl())
                .account("forms", "breaker.minimum-calls", "3", "breaker.window", "4", "breaker.open-for", "2s", "breaker.probes", "1")
                .start();

        await("breaker open", WAIT, () -> breaker().getState() == CircuitBreaker.State.OPEN);
        long opened = System.currentTimeMillis();
        assertThat(requestTimes()).as("calls it took to open").hasSize(3);

        Thread.sleep(5_000); // 2.5 open periods of 2 s
        List<Long> during = requestTimes().stream().filter(t -> t > opened).toList();
        assertThat(during).as("only half-open probes during the outage").hasSizeBetween(1, 2);
        assertThat(during.get(0) - opened).as("no probe before open-for").isGreaterThanOrEqualTo(1900);
        if (during.size() == 2) {
            assertThat(during.get(1) - during.get(0)).as("probes an open period apart").isGreaterThanOrEqualTo(1900);
        }

        vendor.resetAll();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(page("c1", false,
                rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        long back = System.currentTimeMillis();
        await("a record ledgered after recovery", WAIT,
                () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 1);
        assertThat(System.currentTimeMillis() - back).as("recovered within one probe interval").isLessThan(2_000 + 1_000);
        assertThat(breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    void stubTokenEndpoint() {
        vendor.stubFor(post(urlPathEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"access_token\":\"acc-one\",\"expires_in\":3600,\"refresh_token\":\"ref-two\"}"))
                .willSetStateTo("second"));
        vendor.stubFor(post(urlPathEqualTo("/oauth/token")).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson("{\"access_token\":\"acc-two\",\"expires_in\":3600,\"refresh_token\":\"ref-three\"}")));
    }

    PollerHarness oauthFeed() {
        return poller.feed("forms", vendor.baseUrl(), "schedule.interval", "1h", "account", "forms-oauth")
                .account("forms-oauth", "auth", "oauth2", "oauth2.token-url", vendor.baseUrl() + "/oauth/token",
                        "oauth2.client-id", "poller", "oauth2.client-secret", "cl1ent-s3cret", "oauth2.refresh-token", "ref-one");
    }

    @Test
    void a_401_refreshes_the_oauth2_tokens_once_stores_them_and_retries() throws Exception {
        stubTokenEndpoint();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withHeader("Authorization", equalTo("Bearer acc-one"))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"token revoked\"}")));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withHeader("Authorization", equalTo("Bearer acc-two"))
                .willReturn(okJson(page("c1", false, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        oauthFeed().start();

        await("ledgered with the refreshed token", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 1);
        List<ServeEvent> api = vendor.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().startsWith("/registrations"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate())).toList();
        assertThat(api).extracting(e -> e.getResponse().getStatus()).containsExactly(401, 200);
        vendor.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
        vendor.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")).withRequestBody(containing("refresh_token=ref-two")));
        Map<String, Object> stored = poller.query("SELECT access_token, refresh_token FROM oauth_token WHERE account = 'forms-oauth'").get(0);
        TokenCipher cipher = TokenCipher.of(Base64.getDecoder().decode(PollerHarness.TOKEN_KEY));
        // stored encrypted (TokenEncryptionTest): decrypted, they are the refreshed tokens
        assertThat(Map.of("access_token", cipher.decrypt("forms-oauth", "access_token", (String) stored.get("access_token")),
                "refresh_token", cipher.decrypt("forms-oauth", "refresh_token", (String) stored.get("refresh_token"))))
                .containsEntry("access_token", "acc-two").containsEntry("refresh_token", "ref-three");
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void a_401_that_survives_the_refresh_is_dead_lettered_after_one_retry() throws Exception {
        stubTokenEndpoint();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(aResponse().withStatus(401)));
        oauthFeed().start();

        await("dead-lettered", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") == 1);
        Thread.sleep(300);
        vendor.verify(2, getRequestedFor(urlPathEqualTo("/registrations")));
        vendor.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
        var letter = poller.query("SELECT error_type, error_message FROM dead_letter").get(0);
        assertThat((String) letter.get("error_message")).contains("401").doesNotContain("acc-").doesNotContain("ref-");
    }

    @Test
    void a_static_token_refused_with_401_is_dead_lettered_without_a_retry() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(aResponse().withStatus(401)));
        poller.feed("forms", vendor.baseUrl(), "schedule.interval", "1h").start();

        await("dead-lettered", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") == 1);
        Thread.sleep(300);
        vendor.verify(1, getRequestedFor(urlPathEqualTo("/registrations")));
    }
}
