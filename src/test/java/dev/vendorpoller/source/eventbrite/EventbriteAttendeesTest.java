package dev.vendorpoller.source.eventbrite;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.demo.EventbriteDemo;
import dev.vendorpoller.support.ManualClock;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * eventbrite-attendees end to end: WireMock plays Eventbrite on loopback, the real routes run in-process on an H2 file.
 * Each test is a way a naive changed_since poller loses or duplicates attendees; the assertions are on what the
 * vendor received (query parameters, in order) and on what the database holds.
 */
class EventbriteAttendeesTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String PATH = "/events/42/attendees/";
    static final String START = "2026-03-01T00:00:00Z";
    static final ObjectMapper JSON = new ObjectMapper();

    PollerHarness feed(String... extra) {
        // lookback-every 0s: every scan from mark - lookback (these scenarios predate the fast/deep split of the lookback)
        List<String> keys = new ArrayList<>(List.of("type", "eventbrite-attendees", "event-id", "42",
                "tiers", "1001:GENERAL_ADMISSION,VIP:VIP", "lookback-every", "0s"));
        keys.addAll(Arrays.asList(extra));
        return poller.feed("eb", vendor.baseUrl(), keys.toArray(String[]::new));
    }

    static MappingBuilder scan(String changedSince, String continuation) {
        var m = get(urlPathEqualTo(PATH))
                .withQueryParam("changed_since", changedSince == null ? absent() : equalTo(changedSince));
        return m.withQueryParam("continuation", continuation == null ? absent() : equalTo(continuation));
    }

    static String attendee(String id, String changed) {
        return "{\"id\":\"" + id + "\",\"changed\":\"" + changed + "\",\"created\":\"2026-02-01T09:00:00Z\",\"status\":\"Attending\","
                + "\"cancelled\":false,\"refunded\":false,\"ticket_class_id\":\"1001\",\"ticket_class_name\":\"General Admission\","
                + "\"profile\":{\"email\":\"" + id + "@example.com\"},\"costs\":{\"gross\":{\"value\":5000}},\"order_id\":\"o-" + id + "\"}";
    }

    /** Attendees {@code from..to} (inclusive), all changed in the same second. */
    static String[] sameSecond(int from, int to, String changed) {
        String[] out = new String[to - from + 1];
        for (int i = from; i <= to; i++) {
            out[i - from] = attendee("a" + i, changed);
        }
        return out;
    }

    static String page(boolean hasMore, String continuation, String... attendees) {
        return "{\"pagination\":{\"object_count\":" + attendees.length + ",\"page_size\":50,\"has_more_items\":" + hasMore
                + (continuation == null ? "" : ",\"continuation\":\"" + continuation + "\"") + "},\"attendees\":["
                + String.join(",", attendees) + "]}";
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** What the vendor received, oldest first, as "changed_since|continuation" ("-" for absent). */
    List<String> received() {
        List<ServeEvent> events = new ArrayList<>(vendor.getAllServeEvents());
        java.util.Collections.reverse(events);
        return events.stream().map(ServeEvent::getRequest).map(EventbriteAttendeesTest::describe).toList();
    }

    static String describe(LoggedRequest r) {
        return param(r, "changed_since") + "|" + param(r, "continuation");
    }

    static String param(LoggedRequest r, String name) {
        var p = r.queryParameter(name);
        return p.isPresent() ? p.firstValue() : "-";
    }

    int requests(String changedSince, String continuation) {
        return (int) received().stream().filter((changedSince + "|" + continuation)::equals).count();
    }

    JsonNode storedCursor() throws Exception {
        return JSON.readTree((String) poller.query("SELECT cursor_value FROM feed_cursor WHERE feed = 'eb'").get(0).get("cursor_value"));
    }

    Map<String, Object> ledgerCounts() {
        return poller.query("SELECT COUNT(*) AS records, SUM(versions_seen) AS versions FROM ledger_registration WHERE source = 'eb'").get(0);
    }

    void assertNothingDeadLetteredOrRejected() {
        assertThat(poller.query("SELECT kind, error_message FROM dead_letter")).isEmpty();
        assertThat(poller.count("SELECT COUNT(*) FROM rejected_record")).isZero();
    }

    /**
     * Rule 1: eight attendees share one second across a page boundary; then a scan from mark - lookback finds one
     * attendee that became visible late with a changed time older than the mark, and one more in the mark's own second.
     * A poller that asks changed_since = mark (or mark + 1 s) never sees either; everything re-read is dropped.
     */
    @Test
    void overlapping_scans_ledger_late_and_same_second_attendees_exactly_once() throws Exception {
        String second = "2026-03-01T10:00:05Z";
        String since = "2026-03-01T09:55:05Z"; // mark - 5m
        vendor.stubFor(scan(null, null).willReturn(okJson(page(true, "p2", sameSecond(1, 4, second)))));
        vendor.stubFor(scan(null, "p2").willReturn(okJson(page(false, null, sameSecond(5, 8, second)))));
        vendor.stubFor(scan(since, null).inScenario("index").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(page(false, null, sameSecond(1, 8, second)))).willSetStateTo("late"));
        vendor.stubFor(scan(since, null).inScenario("index").whenScenarioStateIs("late")
                .willReturn(okJson(page(false, null, concat(sameSecond(1, 8, second),
                        attendee("late-older", "2026-03-01T10:00:03Z"), attendee("late-same-second", second))))));
        feed().start();

        await("three scans from mark - lookback", WAIT, () -> requests(since, "-") >= 3);

        assertThat(received().subList(0, 3)).as("the second page continues the scan with the same (absent) changed_since")
                .containsExactly("-|-", "-|p2", since + "|-");
        assertThat(received()).as("only mark - lookback after the first scan, never the mark itself")
                .allMatch(r -> r.equals("-|-") || r.equals("-|p2") || r.equals(since + "|-"));
        assertThat(requests("-", "-")).isEqualTo(1);
        assertThat(requests("-", "p2")).isEqualTo(1);
        assertThat(vendor.findAll(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("limit", matching(".*")))).as("no limit").isEmpty();
        vendor.verify(getRequestedFor(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer test-token-eb")));

        assertThat(ledgerCounts()).as("ten attendees, each version once").isEqualTo(Map.of("records", 10L, "versions", 10L));
        assertThat(poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")).isEqualTo(10);
        assertThat(poller.query("SELECT source_updated_at, ticket_tier FROM ledger_registration WHERE external_id = 'late-older'"))
                .hasSize(1).allSatisfy(row -> assertThat(row.get("source_updated_at").toString()).contains("10:00:03"));
        JsonNode cursor = storedCursor();
        assertThat(cursor.get("mark").asText()).isEqualTo(second);
        assertThat(cursor.get("changed_since").asText()).isEqualTo(since);
        assertThat(cursor.has("continuation")).as("token cleared at the end of a scan").isFalse();
        assertNothingDeadLetteredOrRejected();
    }

    /**
     * Rule 2: the continuation token of a scan in progress is committed with its page, so a restart continues the scan
     * (same token, same changed_since) instead of starting it over or skipping to the mark.
     */
    @Test
    void a_restart_continues_the_scan_in_progress_with_its_token() throws Exception {
        vendor.stubFor(scan(START, null).willReturn(okJson(page(true, "tok-1",
                attendee("b1", "2026-03-01T10:00:01Z"), attendee("b2", "2026-03-01T10:00:07Z")))));
        // before the restart the second page is refused (the run ends with a dead letter, the cursor stays on tok-1)
        vendor.stubFor(scan(START, "tok-1").inScenario("restart").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"INVALID_AUTH\"}")));
        vendor.stubFor(scan(START, "tok-1").inScenario("restart").whenScenarioStateIs("restarted")
                .willReturn(okJson(page(false, null, attendee("b3", "2026-03-01T10:00:04Z")))));
        vendor.stubFor(scan("2026-03-01T09:55:07Z", null).willReturn(okJson(page(false, null))));
        feed("start", START).start();
        await("the first page committed, the second refused", WAIT,
                () -> poller.count("SELECT COUNT(*) FROM dead_letter") >= 1);
        assertThat(storedCursor().get("continuation").asText()).isEqualTo("tok-1");

        poller.stop();
        vendor.resetRequests();
        vendor.setScenarioState("restart", "restarted");
        poller.start();
        await("the scan finished after the restart", WAIT, () -> requests("2026-03-01T09:55:07Z", "-") >= 1);

        assertThat(received().get(0)).as("the first request after the restart").isEqualTo(START + "|tok-1");
        assertThat(requests(START, "-")).as("no new scan from the start after the restart").isZero();
        assertThat(ledgerCounts()).isEqualTo(Map.of("records", 3L, "versions", 3L));
        assertThat(storedCursor().get("mark").asText()).as("the newest of the whole scan, across the restart")
                .isEqualTo("2026-03-01T10:00:07Z");
        assertThat(poller.count("SELECT COUNT(*) FROM rejected_record")).isZero();
    }

    /**
     * Rule 3: in a scan from mark - lookback, the vendor answers 400 to an expired continuation token. The scan restarts
     * from its stored changed_since: not a full re-scan (no changed_since), not from a mark moved by the pages already
     * read (one attendee there changed at 10:20), not a dead letter or a stuck feed; the feed goes on and commits.
     */
    @Test
    void an_expired_token_restarts_the_scan_from_its_stored_changed_since() throws Exception {
        String since = "2026-03-01T09:55:02Z";
        String[] firstPage = {attendee("c1", "2026-03-01T10:00:01Z"), attendee("c2", "2026-03-01T10:00:02Z"),
                attendee("c4", "2026-03-01T10:20:00Z")};
        vendor.stubFor(scan(null, null).willReturn(okJson(page(false, null, firstPage[0], firstPage[1]))));
        vendor.stubFor(scan(since, null).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(page(true, "tok-old", firstPage))).willSetStateTo("reissued"));
        vendor.stubFor(scan(since, null).inScenario("tokens").whenScenarioStateIs("reissued")
                .willReturn(okJson(page(true, "tok-new", firstPage))));
        vendor.stubFor(scan(since, "tok-old").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"INVALID_CONTINUATION\"}")));
        vendor.stubFor(scan(since, "tok-new").willReturn(okJson(page(false, null, attendee("c3", "2026-03-01T10:00:09Z")))));
        vendor.stubFor(scan("2026-03-01T10:15:00Z", null).willReturn(okJson(page(false, null, firstPage[2]))));
        feed().start();

        await("scanning on from the new mark", WAIT, () -> requests("2026-03-01T10:15:00Z", "-") >= 2);

        assertThat(received().subList(0, 6)).containsExactly("-|-", since + "|-", since + "|tok-old",
                since + "|-", since + "|tok-new", "2026-03-01T10:15:00Z|-");
        assertThat(requests(since, "tok-old")).as("the expired token is asked once").isEqualTo(1);
        assertThat(requests("-", "-")).as("never a full re-scan").isEqualTo(1);
        assertThat(ledgerCounts()).isEqualTo(Map.of("records", 4L, "versions", 4L));
        assertThat(poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")).isEqualTo(4);
        assertThat(storedCursor().get("mark").asText()).isEqualTo("2026-03-01T10:20:00Z");
        assertNothingDeadLetteredOrRejected();
    }

    /**
     * The demo's Eventbrite mode end to end: 20 attendees per second over pages of 50, one in 100 with a status no
     * spelling maps (rejected), and late attendees with an older changed time, ledgered by the next lookback scan.
     */
    @Test
    void polls_the_demo_vendors_eventbrite_mode_to_the_end_and_picks_up_late_attendees() throws Exception {
        var clock = new ManualClock(Clock.systemUTC().instant());
        HttpServer demo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        demo.createContext("/events/", new EventbriteDemo("test-token-eb", 400, Duration.ofSeconds(60), Duration.ofSeconds(15), clock));
        demo.start();
        try {
            poller.feed("eb", "http://127.0.0.1:" + demo.getAddress().getPort(), "type", "eventbrite-attendees", "event-id", "1001",
                    "tiers", "1002:VIP,general admission:GENERAL_ADMISSION,Student:STUDENT").start();
            await("all visible attendees ledgered or rejected", WAIT,
                    () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 396);
            assertThat(poller.count("SELECT COUNT(*) FROM rejected_record")).as("'Transferred': 99, 199, 299, 399").isEqualTo(4);

            clock.advance(Duration.ofSeconds(15));
            await("the late attendees ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 401);

            assertThat(poller.count("SELECT SUM(versions_seen) FROM ledger_registration")).isEqualTo(401);
            assertThat(poller.query("SELECT ticket_tier, COUNT(*) AS n FROM ledger_registration GROUP BY ticket_tier ORDER BY ticket_tier")
                    .stream().collect(Collectors.toMap(r -> r.get("ticket_tier"), r -> ((Number) r.get("n")).intValue())))
                    .containsOnlyKeys("GENERAL_ADMISSION", "STUDENT", "VIP");
            assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE payment_status = 'REFUNDED'")).isPositive();
            assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
        } finally {
            poller.stop();
            demo.stop(0);
        }
    }
}
