package dev.vendorpoller.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.pageAt;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The poll route end to end: WireMock as the vendor on loopback, the real routes, a real H2 file database. */
class PollingPipelineTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);




    void stubThreePages() {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z"),
                rec("r2", "b@x.io", "2026-01-01T00:00:02Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c2", false, rec("r3", "c@x.io", "2026-01-01T00:00:03Z")))));
        vendor.stubFor(pageAt("c2").willReturn(okJson(page("c2", false))));
    }

    @Test
    void should_page_until_caught_up_and_keep_the_vendors_last_cursor() throws Exception {
        stubThreePages();
        poller.feed("forms", vendor.baseUrl()).start();

        await(poller.runsOf("forms", 2), WAIT); // caught up, then polled again from c2

        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE source = 'forms'")).isEqualTo(3);
        assertThat(poller.storedCursor("forms")).isEqualTo("c2");
        assertThat(requestsAt(null)).isEqualTo(1);
        assertThat(requestsAt("c1")).isEqualTo(1);
        vendor.verify(getRequestedFor(urlPathEqualTo("/registrations")).withHeader("Authorization", equalTo("Bearer test-token-forms")));
        assertThat(poller.query("SELECT email, ticket_tier, payment_status, versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("email", "a@x.io", "ticket_tier", "GENERAL_ADMISSION", "payment_status", "COMPLETED", "versions_seen", 1));
    }

    @Test
    void should_resume_from_the_stored_cursor_after_a_restart_without_rescanning() throws Exception {
        stubThreePages();
        poller.feed("forms", vendor.baseUrl()).start();
        await(poller.runsOf("forms", 1), WAIT); // caught up

        poller.restart();
        int before = requestsAt("c2");
        await(poller.runsOf("forms", 1), WAIT);
        await("polled again after restart", WAIT, () -> requestsAt("c2") > before);

        assertThat(requestsAt(null)).as("requests from the start of the data").isEqualTo(1);
        assertThat(requestsAt("c1")).isEqualTo(1);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).isEqualTo(3);
        assertThat(poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")).isEqualTo(3);
    }

    @Test
    void should_keep_the_cursor_when_the_vendor_returns_no_next_cursor_at_the_end() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page(null, false, rec("r2", "b@x.io", "2026-01-01T00:00:02Z")))));
        poller.feed("forms", vendor.baseUrl()).start();

        await("the last page read twice", WAIT, () -> requestsAt("c1") >= 2);

        assertThat(poller.storedCursor("forms")).as("never reset to empty").isEqualTo("c1");
        assertThat(requestsAt(null)).isEqualTo(1);
        assertThat(poller.query("SELECT versions_seen FROM ledger_registration WHERE external_id = 'r2'"))
                .containsExactly(Map.of("versions_seen", 1));
    }

    @Test
    void should_reject_bad_records_with_raw_payload_and_errors_and_ledger_valid_ones_exactly_once() throws Exception {
        String bad = rec("r2", "not-an-email", "2026-01-01T00:00:02Z");
        String good = rec("r1", "A@X.io", "2026-01-01T00:00:01Z");
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, good, bad))));
        // the vendor serves the same versions again (overlap, replays): dropped by the idempotent repository
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false, good, bad, good))));
        poller.feed("forms", vendor.baseUrl()).start();

        await("the overlapping page read three times", WAIT, () -> requestsAt("c1") >= 3);

        assertThat(poller.query("SELECT external_id, email, versions_seen FROM ledger_registration"))
                .containsExactly(Map.of("external_id", "r1", "email", "a@x.io", "versions_seen", 1));
        var rejects = poller.query("SELECT external_id, raw_payload, errors, reconciliation_key FROM rejected_record");
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).get("external_id")).isEqualTo("r2");
        assertThat((String) rejects.get(0).get("raw_payload")).contains("\"email\":\"not-an-email\"");
        assertThat((String) rejects.get(0).get("errors")).contains("\"field\":\"email\"").contains("\"code\":\"email\"");
        assertThat((String) rejects.get(0).get("reconciliation_key")).matches("[0-9a-f]{64}");
    }

    @Test
    void should_keep_the_newest_version_and_count_every_version_once() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, rec("r1", "old@x.io", "2026-01-01T00:00:05Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c2", true, rec("r1", "new@x.io", "2026-01-01T00:00:09Z")))));
        // an older version arriving late must not overwrite the newer one
        vendor.stubFor(pageAt("c2").willReturn(okJson(page("c3", false, rec("r1", "older@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c3").willReturn(okJson(page("c3", false))));
        poller.feed("forms", vendor.baseUrl()).start();

        await("caught up", WAIT, () -> requestsAt("c3") >= 1);

        assertThat(poller.query("SELECT email, versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("email", "new@x.io", "versions_seen", 3));
    }

    static Stream<Arguments> transientFailures() {
        return Stream.of(
                Arguments.of("503", aResponse().withStatus(503).withBody("{\"error\":\"busy\"}")),
                Arguments.of("429", aResponse().withStatus(429)),
                Arguments.of("malformed JSON", okJson("{\"data\":[{\"id\":")),
                Arguments.of("not the vendor's shape", okJson("{\"items\":[]}")),
                Arguments.of("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)),
                Arguments.of("truncated body", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)),
                Arguments.of("empty response", aResponse().withFault(Fault.EMPTY_RESPONSE)),
                Arguments.of("timeout", okJson(page("c1", false)).withFixedDelay(2500)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientFailures")
    void should_retry_a_transient_failure_and_then_commit_the_page(String name, ResponseDefinitionBuilder failure) throws Exception {
        vendor.stubFor(pageAt(null).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(failure).willSetStateTo("recovered"));
        vendor.stubFor(pageAt(null).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson(page("c1", false, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        poller.feed("forms", vendor.baseUrl()).start();

        await("page committed after a retry", WAIT, () -> requestsAt("c1") >= 1);

        assertThat(requestsAt(null)).isEqualTo(2);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).isEqualTo(1);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void should_dead_letter_a_page_that_keeps_failing_and_not_move_the_cursor() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(aResponse().withStatus(502).withBody("upstream exploded")));
        poller.feed("forms", vendor.baseUrl()).start();

        await("a dead letter", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") >= 1);

        var dl = poller.query("SELECT feed, kind, page_cursor, error_type, error_message, payload, attempts FROM dead_letter").get(0);
        assertThat(dl).containsEntry("feed", "forms").containsEntry("kind", "PAGE").containsEntry("page_cursor", "c1")
                .containsEntry("attempts", 4).containsEntry("payload", "upstream exploded")
                .containsEntry("error_type", "dev.vendorpoller.failure.RetryableVendorException");
        assertThat((String) dl.get("error_message")).contains("502").doesNotContain("test-token");
        assertThat(requestsAt("c1")).isGreaterThanOrEqualTo(4);
        assertThat(poller.storedCursor("forms")).isEqualTo("c1");
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).isEqualTo(1);
    }

    @Test
    void should_dead_letter_a_refused_request_at_once_without_retrying() throws Exception {
        vendor.stubFor(pageAt(null).willReturn(aResponse().withStatus(401).withBody("{\"error\":\"bad token\"}")));
        poller.feed("forms", vendor.baseUrl(), "schedule.interval", "1h").start();

        await("a dead letter", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") >= 1);

        var dl = poller.query("SELECT error_type, error_message, attempts, page_cursor FROM dead_letter").get(0);
        assertThat(dl.get("error_type")).isEqualTo("dev.vendorpoller.failure.VendorRequestRejectedException");
        assertThat(dl.get("attempts")).isEqualTo(1);
        assertThat(dl.get("page_cursor")).isNull();
        assertThat((String) dl.get("error_message")).contains("401").doesNotContain("test-token");
        assertThat(requestsAt(null)).isEqualTo(1);
    }

    @Test
    void should_run_two_feeds_of_the_same_type_side_by_side() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/a/registrations")).willReturn(okJson(page("a1", false, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(get(urlPathEqualTo("/b/registrations")).willReturn(okJson(page("b1", false,
                rec("r1", "b@x.io", "2026-01-01T00:00:01Z"), rec("r2", "c@x.io", "2026-01-01T00:00:01Z")))));
        poller.feed("east", vendor.baseUrl() + "/a").feed("west", vendor.baseUrl() + "/b").start();

        await("both feeds ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 3);

        assertThat(poller.storedCursor("east")).isEqualTo("a1");
        assertThat(poller.storedCursor("west")).isEqualTo("b1");
        assertThat(poller.query("SELECT email FROM ledger_registration WHERE source = 'east'")).containsExactly(Map.of("email", "a@x.io"));
        assertThat(poller.context().getRoute("poll-east")).isNotNull();
        assertThat(poller.context().getRoute("poll-west")).isNotNull();
        vendor.verify(getRequestedFor(urlPathEqualTo("/b/registrations")).withHeader("Authorization", equalTo("Bearer test-token-west")));
    }

    @Test
    void should_prune_idempotency_keys_older_than_the_retention() throws Exception {
        stubThreePages();
        poller.feed("forms", vendor.baseUrl())
                .set("vendor-poller.idempotency.retention", "1ms")
                .set("vendor-poller.idempotency.prune-cron", "0/1+*+*+*+*+?")
                .start();

        await("ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 3);
        await("keys pruned", WAIT, () -> poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED") == 0);

        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).as("the ledger is not pruned").isEqualTo(3);
    }
}
