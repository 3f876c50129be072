package dev.vendorpoller.delivery;

import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.app.Service;
import dev.vendorpoller.delivery.DeadLetter;
import dev.vendorpoller.demo.DemoVendor;
import dev.vendorpoller.demo.ParticipantsDemo;
import dev.vendorpoller.demo.VendorLimits;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real service pushing new registrations to a vendor that takes one request at a time
 * ({@link ParticipantsDemo}, POST /participants/add on the demo vendor, which also serves the registrations the feeds
 * poll). Every assertion is on what the vendor itself recorded, or on the service's database.
 */
class ParticipantsSinkTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "acme-token";
    static final String FIELDS = "email:email,name:metadata.full_name,tier:ticket_tier,ref:external_id,feed:source,channel:metadata.channel";

    DemoVendor vendor;
    ParticipantsDemo participants;
    PollerHarness poller;

    @BeforeEach
    void startVendor() throws Exception {
        // a client-side timeout frees the account's slot while the vendor may still be processing: keep it out of the
        // way on a loaded machine (the harness default is 1 s)
        poller = newPoller().set("camel.component.http.response-timeout", "10000")
                .set("camel.component.http.so-timeout", "10000");
    }

    @AfterEach
    void stopVendorAndService() throws Exception {
        poller.close();
        if (vendor != null) {
            vendor.close();
        }
    }

    /** The demo vendor (not started yet): {@code backlog} valid registrations, its participants sink. */
    void vendor(int backlog, long pageDelayMillis) throws Exception {
        vendor = new DemoVendor(new DemoVendor.Options(0, TOKEN, backlog, 1_000_000, 0.0, 0, pageDelayMillis, false));
        participants = vendor.participants();
    }

    String url(String path) {
        return "http://127.0.0.1:" + vendor.port() + path;
    }

    /** Feed {@code name} polls the demo vendor with its token and pushes to /participants/add through {@code sinkAccount}. */
    void feed(String name, String sinkAccount, String... extra) {
        String[] keys = {"token", TOKEN, "page-size", "10", "sink-uri", url(ParticipantsDemo.PATH), "sink-account", sinkAccount,
                "sink-fields", FIELDS};
        String[] all = java.util.Arrays.copyOf(keys, keys.length + extra.length);
        System.arraycopy(extra, 0, all, keys.length, extra.length);
        poller.feed(name, url(""), all);
    }

    /** Ledger rows by idempotency key. */
    Map<String, Map<String, Object>> ledger() {
        return poller.query("SELECT idempotency_key, source, external_id, email, ticket_tier, metadata FROM ledger_registration")
                .stream().collect(Collectors.toMap(r -> (String) r.get("idempotency_key"), Function.identity()));
    }

    void awaitAllDelivered(int records) throws InterruptedException {
        await(records + " records ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == records);
        await("the outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
    }

    /** Every ledgered record reached the vendor exactly once (by Idempotency-Key), and nothing else did. */
    void assertEachRecordAcceptedExactlyOnce() {
        Map<String, Long> perKey = participants.acceptedPerKey();
        assertThat(perKey.keySet()).as("keys the vendor accepted = keys in the ledger").isEqualTo(ledger().keySet());
        assertThat(perKey).as("accepted once per idempotency key").allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
        assertThat(participants.accepted()).noneMatch(ParticipantsDemo.Participant::duplicate);
    }

    /**
     * A vendor that takes one request at a time across its whole API (its polls and its pushes), and two feeds that
     * poll it and push to it through one account, acme; the caller sets the account and starts the service.
     */
    VendorLimits twoFeedsOnAOneAtATimeVendor() throws Exception {
        VendorLimits oneAtATime = ParticipantsDemo.oneAtATime(0);
        vendor(30, 15);
        vendor.limits(oneAtATime);
        participants.limits(oneAtATime).processingDelay(Duration.ofMillis(10));
        vendor.start();
        feed("alpha", "acme", "account", "acme");
        feed("beta", "acme", "account", "acme");
        return oneAtATime;
    }

    @Test
    void should_keep_a_sink_lane_of_concurrency_4_to_the_account_s_one_request_in_flight() throws Exception {
        vendor(40, 0);
        participants.limits(ParticipantsDemo.oneAtATime(0)).processingDelay(Duration.ofMillis(20));
        vendor.start();
        feed("alpha", "acme", "page-size", "40", "sink-concurrency", "4");
        poller.account("acme", "token", TOKEN, "max-concurrent", "1").start();

        awaitAllDelivered(40);
        assertThat(participants.count(r -> r.verdict() == VendorLimits.Verdict.BUSY)).as("503 busy").isZero();
        assertThat(participants.maxConcurrency()).as("the account's cap, whatever the lane's concurrency").isEqualTo(1);
        assertEachRecordAcceptedExactlyOnce();
    }

    @Test
    void two_feeds_sharing_the_account_never_have_two_requests_in_flight_and_each_record_arrives_once_mapped() throws Exception {
        VendorLimits oneAtATime = twoFeedsOnAOneAtATimeVendor();
        poller.account("acme", "token", TOKEN, "max-concurrent", "1").start();

        awaitAllDelivered(60);
        assertThat(oneAtATime.log().count(VendorLimits.Verdict.BUSY)).as("503 busy anywhere on the vendor").isZero();
        assertThat(oneAtATime.log().maxConcurrency()).isEqualTo(1);
        List<ParticipantsDemo.Request> pushes = participants.requests();
        assertThat(pushes).hasSize(60).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.inFlightAtArrival()).isZero();
            assertThat(r.idempotencyKey()).matches("[0-9a-f]{64}");
        });
        for (int i = 1; i < pushes.size(); i++) {
            assertThat(pushes.get(i).arrivalMillis()).as("push %s arrived after push %s was answered", i, i - 1)
                    .isGreaterThanOrEqualTo(pushes.get(i - 1).answeredMillis());
        }
        assertEachRecordAcceptedExactlyOnce();
        Map<String, Map<String, Object>> ledger = ledger();
        assertThat(participants.accepted()).allSatisfy(p -> {
            Map<String, Object> row = ledger.get(p.idempotencyKey());
            JsonNode metadata = JSON.readTree((String) row.get("metadata"));
            assertThat(p.body().toString()).isEqualTo(JSON.createObjectNode().put("email", (String) row.get("email"))
                    .put("tier", (String) row.get("ticket_tier")).put("ref", (String) row.get("external_id"))
                    .put("feed", (String) row.get("source")).put("channel", metadata.get("channel").asText()).toString());
        });
        assertThat(participants.accepted()).as("no full_name in the source: the field is left out")
                .noneMatch(p -> p.body().has("name"));
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void without_the_cap_the_vendor_answers_503_busy() throws Exception {
        VendorLimits oneAtATime = twoFeedsOnAOneAtATimeVendor();
        // the default cap (8 in flight); the breaker kept closed, so the 503s do not stop the traffic that overlaps
        poller.account("acme", "token", TOKEN, "breaker.window", "1000", "breaker.minimum-calls", "1000").start();

        // The drain sends one push at a time, so a push that finds the vendor busy met a poll on the same account:
        // that is what max-concurrent 1 serializes in the test above.

        await("a push found another request in flight (503 busy)", WAIT,
                () -> participants.count(r -> r.verdict() == VendorLimits.Verdict.BUSY) > 0);
        assertThat(participants.requests()).filteredOn(r -> r.verdict() == VendorLimits.Verdict.BUSY)
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(503));
    }

    @Test
    void after_a_429_the_next_push_waits_for_retry_after_and_the_refused_one_is_sent_again_with_its_key() throws Exception {
        vendor(8, 0);
        participants.limits(ParticipantsDemo.oneAtATime(2));
        vendor.start();
        feed("alpha", "crm");
        poller.account("crm", "token", TOKEN, "max-concurrent", "1").start();

        awaitAllDelivered(8);
        List<ParticipantsDemo.Request> pushes = participants.requests();
        List<ParticipantsDemo.Request> refused = pushes.stream().filter(r -> r.status() == 429).toList();
        assertThat(refused).as("the vendor's 2/s limit was hit").isNotEmpty();
        for (ParticipantsDemo.Request r : refused) {
            assertThat(r.retryAfter()).as("429 carries Retry-After").isNotNull();
            int i = pushes.indexOf(r);
            assertThat(pushes).as("a push after the 429").hasSizeGreaterThan(i + 1);
            assertThat(pushes.get(i + 1).arrivalMillis()).as("the next push waited Retry-After %s s", r.retryAfter())
                    .isGreaterThanOrEqualTo(r.answeredMillis() + Long.parseLong(r.retryAfter()) * 1000 - 10);
            assertThat(participants.accepted()).as("the refused push was sent again with the same Idempotency-Key")
                    .anyMatch(p -> p.idempotencyKey().equals(r.idempotencyKey()));
        }
        assertThat(pushes).allSatisfy(r -> assertThat(r.inFlightAtArrival()).isZero());
        assertEachRecordAcceptedExactlyOnce();
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    @Test
    void a_vendor_that_keeps_refusing_gets_max_attempts_then_a_delivery_dead_letter_with_its_answer() throws Exception {
        vendor(2, 0);
        participants.refuse(422, "{\"error\":\"email domain not allowed\",\"field\":\"email\"}");
        vendor.start();
        feed("alpha", "crm");
        poller.set("vendor-poller.outbox.max-attempts", "3").account("crm", "token", TOKEN, "max-concurrent", "1").start();

        await("2 dead letters", WAIT, () -> poller.count("SELECT COUNT(*) FROM dead_letter") == 2);
        await("the outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
        Map<String, Map<String, Object>> ledger = ledger();
        List<Map<String, Object>> rows = poller.query("SELECT * FROM dead_letter ORDER BY id");
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.get("kind")).isEqualTo("DELIVERY");
            assertThat(row.get("outbox_kind")).isEqualTo("SINK");
            assertThat(row.get("http_status")).isEqualTo(422);
            assertThat((String) row.get("response_excerpt")).isEqualTo("{\"error\":\"email domain not allowed\",\"field\":\"email\"}");
            assertThat(row.get("attempts")).isEqualTo(3);
            // destination URIs are secrets (SecretDestinationsTest): scheme, host and port only
            assertThat(row.get("endpoint_uri")).isEqualTo(url(""));
            assertThat(row.get("error_type")).isEqualTo("dev.vendorpoller.failure.VendorRequestRejectedException");
            assertThat((String) row.get("error_message")).contains("422").contains(url("")).doesNotContain(ParticipantsDemo.PATH);
            String key = (String) row.get("idempotency_key");
            assertThat(ledger).containsKey(key);
            JsonNode payload = JSON.readTree((String) row.get("payload"));
            assertThat(payload.get("idempotency_key").asText()).as("the canonical payload, what a replay sends").isEqualTo(key);
            assertThat(payload.get("external_id").asText()).isEqualTo(ledger.get(key).get("external_id"));
        });
        assertThat(Service.of(poller.context()).deadLetters().latest("alpha", 20))
                .as("as operators read them").hasSize(2).allSatisfy(d -> {
                    assertThat(d.httpStatus()).isEqualTo(422);
                    assertThat(d.responseExcerpt()).contains("email domain not allowed");
                    assertThat(d.kind()).isEqualTo(DeadLetter.Kind.DELIVERY);
                });
        Map<String, Long> attemptsPerKey = participants.requests().stream()
                .collect(Collectors.groupingBy(ParticipantsDemo.Request::idempotencyKey, Collectors.counting()));
        assertThat(attemptsPerKey).as("each record tried max-attempts times, always with its own key")
                .isEqualTo(Map.of((String) rows.get(0).get("idempotency_key"), 3L, (String) rows.get(1).get("idempotency_key"), 3L));
        assertThat(participants.requests()).allSatisfy(r -> assertThat(r.status()).isEqualTo(422));
        assertThat(participants.accepted()).isEmpty();
    }

    @Test
    void a_restart_while_the_vendor_refuses_loses_nothing_and_duplicates_nothing() throws Exception {
        vendor(30, 0);
        participants.processingDelay(Duration.ofMillis(30));
        vendor.start();
        feed("alpha", "crm", "page-size", "30");
        poller.set("vendor-poller.outbox.max-attempts", "50").account("crm", "token", TOKEN, "max-concurrent", "1").start();

        await("some pushes accepted", WAIT, () -> participants.accepted().size() >= 5);
        participants.refuse(503, "{\"error\":\"maintenance\"}");
        await("a push refused", WAIT, () -> participants.count(r -> r.status() == 503) > 0);
        poller.stop();
        long pending = poller.count("SELECT COUNT(*) FROM outbox");
        assertThat(pending).as("undelivered records wait in the outbox").isPositive();
        assertThat(participants.accepted().size() + pending).as("accepted + pending = every record").isEqualTo(30);
        assertThat(poller.count("SELECT COUNT(*) FROM outbox WHERE attempts > 0")).as("a refused one was being retried").isPositive();

        participants.accept();
        poller.start();
        awaitAllDelivered(30);
        await("the vendor has every record", WAIT, () -> participants.acceptedPerKey().size() == 30);
        assertEachRecordAcceptedExactlyOnce();
        Set<String> refusedKeys = participants.requests().stream().filter(r -> r.status() == 503)
                .map(ParticipantsDemo.Request::idempotencyKey).collect(Collectors.toSet());
        assertThat(participants.acceptedPerKey().keySet()).as("refused before the restart, accepted after it").containsAll(refusedKeys);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }
}
