package dev.vendorpoller.source.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.vendorpoller.account.AccountConfigLoader;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.source.PageRequest;
import dev.vendorpoller.source.SourceAdapter;
import dev.vendorpoller.source.SourceTypes;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Feed type http-json end to end: the real service against a made-up vendor ("Gatherly") whose shape is nothing like
 * registration-api (records under /result/items, nested and renamed fields, its own payment spelling), one test per
 * cursor style, each asserting what the vendor received and what reached the ledger.
 */
class DeclarativeFeedTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final String PATH = "/v1/attendees";

    /** One Gatherly attendee. */
    static String attendee(String uid, String email, String modified) {
        return "{\"uid\":\"" + uid + "\",\"attendee\":{\"name\":\"N\",\"email\":\"" + email + "\"},\"ticket\":{\"code\":\"VIP-2026\"},"
                + "\"payment\":{\"state\":\"settled\"},\"created\":\"2026-01-01T09:00:00Z\",\"modified\":\"" + modified + "\","
                + "\"extra\":{\"channel\":\"app\"}}";
    }

    /** A Gatherly page: {"result": {"items": [...], <more>}}. */
    static String page(String more, String... attendees) {
        return "{\"result\":{\"items\":[" + String.join(",", attendees) + "]" + (more.isEmpty() ? "" : "," + more) + "}}";
    }

    /** The Gatherly shape as configuration, plus the cursor style's keys. */
    PollerHarness gatherly(String feed, String... cursorKeys) {
        List<String> keys = new ArrayList<>(List.of(
                "type", "http-json",
                "account", "gatherly",
                "path", PATH,
                "records", "/result/items",
                "field.id", "/uid",
                "field.email", "/attendee/email",
                "field.ticket-sku", "/ticket/code",
                "field.payment-status", "/payment/state",
                "field.created-at", "/created",
                "field.updated-at", "/modified",
                "field.metadata", "/extra",
                "payment-statuses", "settled:COMPLETED"));
        keys.addAll(List.of(cursorKeys));
        return poller.feed(feed, vendor.baseUrl(), keys.toArray(String[]::new))
                .account("gatherly", "auth", "api-key", "api-key-header", "X-Api-Key", "token", "gth-k3y-123");
    }

    MappingBuilder attendees() {
        return get(urlPathEqualTo(PATH));
    }

    List<LoggedRequest> requests() {
        return vendor.findAll(getRequestedFor(urlPathEqualTo(PATH)));
    }

    List<String> queries() {
        return requests().stream().map(r -> r.getUrl().substring(PATH.length())).toList();
    }

    List<Map<String, Object>> ledger(String feed) {
        return poller.query("SELECT external_id, email, ticket_tier, payment_status, metadata FROM ledger_registration"
                + " WHERE source = ? ORDER BY external_id", feed);
    }

    @Test
    void should_page_a_body_cursor_vendor_with_an_api_key_until_a_short_page() throws Exception {
        vendor.stubFor(attendees().withQueryParam("after", absent()).willReturn(okJson(page("\"paging\":{\"next\":\"c1\"}",
                attendee("g1", " Ada@Example.COM", "2026-01-01T10:00:00Z"), attendee("g2", "bo@example.com", "2026-01-01T10:01:00Z")))));
        vendor.stubFor(attendees().withQueryParam("after", equalTo("c1")).willReturn(okJson(page("\"paging\":{\"next\":\"c2\"}",
                attendee("g3", "cy@example.com", "2026-01-01T10:02:00Z")))));
        vendor.stubFor(attendees().withQueryParam("after", equalTo("c2")).willReturn(okJson(page("\"paging\":{\"next\":null}"))));
        gatherly("gatherly", "query", "status=all&expand=ticket", "page-size-param", "per_page", "cursor-style", "body-cursor",
                "next-cursor", "/result/paging/next", "cursor-param", "after").start();

        await("the next run asks after c2", WAIT, () -> queries().contains("?status=all&expand=ticket&per_page=2&after=c2"));

        // no has-more pointer: a full page goes on, the short page after c1 ends the run
        assertThat(queries().subList(0, 3)).containsExactly("?status=all&expand=ticket&per_page=2",
                "?status=all&expand=ticket&per_page=2&after=c1", "?status=all&expand=ticket&per_page=2&after=c2");
        assertThat(requests()).allSatisfy(r -> {
            assertThat(r.getHeader("X-Api-Key")).isEqualTo("gth-k3y-123");
            assertThat(r.containsHeader("Authorization")).isFalse();
        });
        assertThat(poller.storedCursor("gatherly")).isEqualTo("c2");
        assertThat(ledger("gatherly")).containsExactly(
                Map.of("external_id", "g1", "email", "ada@example.com", "ticket_tier", "VIP", "payment_status", "COMPLETED",
                        "metadata", "{\"channel\":\"app\"}"),
                Map.of("external_id", "g2", "email", "bo@example.com", "ticket_tier", "VIP", "payment_status", "COMPLETED",
                        "metadata", "{\"channel\":\"app\"}"),
                Map.of("external_id", "g3", "email", "cy@example.com", "ticket_tier", "VIP", "payment_status", "COMPLETED",
                        "metadata", "{\"channel\":\"app\"}"));
        assertThat(Secrets.mask("key gth-k3y-123")).isEqualTo("key ****");
    }

    @Test
    void should_follow_rel_next_links_with_basic_auth_and_keep_the_last_query() throws Exception {
        String next = vendor.baseUrl() + PATH + "?per_page=2&page_token=p%2B2";
        vendor.stubFor(attendees().withQueryParam("page_token", absent()).willReturn(okJson(page("",
                attendee("g1", "ada@example.com", "2026-01-01T10:00:00Z"), attendee("g2", "bo@example.com", "2026-01-01T10:01:00Z")))
                .withHeader("Link", "<" + vendor.baseUrl() + PATH + "?per_page=2&page_token=zzz>; rel=\"last\", <" + next + ">; rel=\"next\"")));
        vendor.stubFor(attendees().withQueryParam("page_token", equalTo("p+2")).willReturn(okJson(page("",
                attendee("g3", "cy@example.com", "2026-01-01T10:02:00Z")))
                .withHeader("Link", "<" + vendor.baseUrl() + PATH + "?per_page=2>; rel=\"first\"")));
        gatherly("gatherly", "page-size-param", "per_page", "cursor-style", "link-header")
                .account("gatherly", "auth", "basic", "username", "poller", "password", "pa55-w0rd")
                .start();

        await("the last page asked again by the next run", WAIT, () -> queries().stream()
                .filter(q -> q.equals("?per_page=2&page_token=p%2B2")).count() >= 2);

        assertThat(queries().get(0)).isEqualTo("?per_page=2");
        assertThat(queries()).containsOnly("?per_page=2", "?per_page=2&page_token=p%2B2");
        String basic = "Basic " + Base64.getEncoder().encodeToString("poller:pa55-w0rd".getBytes(StandardCharsets.UTF_8));
        assertThat(requests()).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo(basic));
        assertThat(poller.storedCursor("gatherly")).as("no next link: the last page's query is kept").isEqualTo("per_page=2&page_token=p%2B2");
        assertThat(ledger("gatherly")).extracting(r -> r.get("external_id")).containsExactly("g1", "g2", "g3");
        assertThat(Secrets.mask(basic)).isEqualTo("Basic ****");
    }

    @Test
    void should_page_by_offset_until_a_short_page_and_resume_after_the_records_read() throws Exception {
        vendor.stubFor(attendees().withQueryParam("skip", equalTo("0")).willReturn(okJson(page("",
                attendee("g1", "ada@example.com", "2026-01-01T10:00:00Z"), attendee("g2", "bo@example.com", "2026-01-01T10:01:00Z")))));
        vendor.stubFor(attendees().withQueryParam("skip", equalTo("2")).willReturn(okJson(page("",
                attendee("g3", "cy@example.com", "2026-01-01T10:02:00Z")))));
        vendor.stubFor(attendees().withQueryParam("skip", equalTo("3")).willReturn(okJson(page(""))));
        gatherly("gatherly", "page-size-param", "take", "cursor-style", "offset", "offset-param", "skip").start();

        await("the next run asks from offset 3", WAIT, () -> queries().contains("?take=2&skip=3"));

        assertThat(queries().subList(0, 3)).containsExactly("?take=2&skip=0", "?take=2&skip=2", "?take=2&skip=3");
        assertThat(poller.storedCursor("gatherly")).isEqualTo("3");
        assertThat(ledger("gatherly")).extracting(r -> r.get("external_id")).containsExactly("g1", "g2", "g3");
    }

    @Test
    void should_page_by_number_and_read_a_short_last_page_again_next_run() throws Exception {
        vendor.stubFor(attendees().withQueryParam("pg", equalTo("1")).willReturn(okJson(page("",
                attendee("g1", "ada@example.com", "2026-01-01T10:00:00Z"), attendee("g2", "bo@example.com", "2026-01-01T10:01:00Z")))));
        vendor.stubFor(attendees().withQueryParam("pg", equalTo("2")).willReturn(okJson(page("",
                attendee("g3", "cy@example.com", "2026-01-01T10:02:00Z")))));
        gatherly("gatherly", "page-size-param", "size", "cursor-style", "page-number", "page-param", "pg").start();

        await("page 2 read again by the next run", WAIT, () -> queries().stream().filter(q -> q.equals("?size=2&pg=2")).count() >= 2);

        assertThat(queries().subList(0, 3)).containsExactly("?size=2&pg=1", "?size=2&pg=2", "?size=2&pg=2");
        assertThat(poller.storedCursor("gatherly")).isEqualTo("2");
        assertThat(poller.query("SELECT external_id, versions_seen FROM ledger_registration ORDER BY external_id"))
                .as("page 2 read twice, its record ledgered once").extracting(r -> r.get("versions_seen")).containsExactly(1, 1, 1);
    }

    @Test
    void should_scan_since_the_high_water_mark_minus_the_lookback_and_follow_continuation_tokens() throws Exception {
        // first scan, from the beginning: two pages joined by a continuation token
        vendor.stubFor(attendees().withQueryParam("modified_since", absent()).withQueryParam("ct", absent()).willReturn(okJson(
                page("\"continuation\":\"t/1\"", attendee("g1", "ada@example.com", "2026-01-01T10:05:00Z"),
                        attendee("g2", "bo@example.com", "2026-01-01T10:00:00Z")))));
        vendor.stubFor(attendees().withQueryParam("modified_since", absent()).withQueryParam("ct", equalTo("t/1")).willReturn(okJson(
                page("\"continuation\":null", attendee("g3", "cy@example.com", "2026-01-01T10:03:00Z")))));
        // the next scan: since the newest modified seen (10:05) minus the 2m lookback
        vendor.stubFor(attendees().withQueryParam("modified_since", equalTo("2026-01-01T10:03:00Z")).withQueryParam("ct", absent())
                .willReturn(okJson(page("", attendee("g1", "ada@example.com", "2026-01-01T10:05:00Z"),
                        attendee("g2", "bo.new@example.com", "2026-01-01T10:09:00Z")))));
        vendor.stubFor(attendees().withQueryParam("modified_since", equalTo("2026-01-01T10:07:00Z")).willReturn(okJson(page(""))));
        gatherly("gatherly", "cursor-style", "continuation-since", "since-param", "modified_since", "since-field", "/modified",
                "continuation", "/result/continuation", "continuation-param", "ct", "lookback", "2m", "lookback-every", "0s").start();

        await("a scan from the new high-water mark", WAIT, () -> queries().contains("?modified_since=2026-01-01T10%3A07%3A00Z"));

        assertThat(queries().subList(0, 4)).containsExactly("", "?ct=t%2F1", "?modified_since=2026-01-01T10%3A03%3A00Z",
                "?modified_since=2026-01-01T10%3A07%3A00Z");
        assertThat(poller.storedCursor("gatherly")).isEqualTo("hwm=2026-01-01T10:09:00Z");
        assertThat(ledger("gatherly")).extracting(r -> r.get("external_id"), r -> r.get("email")).containsExactly(
                org.assertj.core.groups.Tuple.tuple("g1", "ada@example.com"),
                org.assertj.core.groups.Tuple.tuple("g2", "bo.new@example.com"),
                org.assertj.core.groups.Tuple.tuple("g3", "cy@example.com"));
    }

    @Test
    void should_restart_the_scan_from_its_start_when_the_vendor_refuses_an_expired_continuation_token() throws Exception {
        String scenario = "token expires";
        vendor.stubFor(attendees().inScenario(scenario).whenScenarioStateIs(Scenario.STARTED).withQueryParam("ct", absent())
                .willReturn(okJson(page("\"continuation\":\"t1\"", attendee("g1", "ada@example.com", "2026-01-01T10:05:00Z")))));
        vendor.stubFor(attendees().inScenario(scenario).withQueryParam("ct", equalTo("t1"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"continuation token expired\"}")).willSetStateTo("expired"));
        vendor.stubFor(attendees().inScenario(scenario).whenScenarioStateIs("expired").withQueryParam("ct", absent())
                .willReturn(okJson(page("", attendee("g1", "ada@example.com", "2026-01-01T10:05:00Z"),
                        attendee("g2", "bo@example.com", "2026-01-01T10:01:00Z")))));
        gatherly("gatherly", "cursor-style", "continuation-since", "since-param", "modified_since", "since-field", "/modified",
                "continuation", "/result/continuation", "continuation-param", "ct", "lookback-every", "0s").start();

        await("the scan finished", WAIT, () -> "hwm=2026-01-01T10:05:00Z".equals(poller.storedCursor("gatherly")));

        assertThat(queries().subList(0, 3)).as("the restarted scan starts where the refused one did: the beginning")
                .containsExactly("", "?ct=t1", "");
        assertThat(ledger("gatherly")).extracting(r -> r.get("external_id")).containsExactly("g1", "g2");
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }

    // --- configuration: keys read by the factory, checked at start-up, each error naming the full property ---

    static final String P = "vendor-poller.feed.shop.";
    final Map<String, String> props = new HashMap<>(Map.of(
            "vendor-poller.feeds", "shop",
            P + "type", "http-json",
            P + "base-url", "https://api.shop.example/",
            P + "token", "t0ken-value",
            P + "schedule.interval", "30s",
            P + "records", "/result/items",
            P + "cursor-style", "link-header",
            P + "field.id", "/uid",
            P + "field.email", "/attendee/email"));

    {
        props.putAll(Map.of(P + "field.ticket-sku", "/ticket/code", P + "field.payment-status", "/payment/state",
                P + "field.created-at", "/created", P + "field.updated-at", "/modified"));
    }

    SourceAdapter<?> adapter() {
        ConfigReader reader = new ConfigReader(k -> Optional.ofNullable(props.get(k)));
        FeedConfig feed = new FeedConfigLoader(reader, SourceTypes.types()).load().get(0);
        new AccountConfigLoader(reader).loadFor(List.of(feed), List.of());
        return SourceTypes.create(feed, reader);
    }

    void assertRefusedNaming(String property, String problem) {
        assertThatThrownBy(this::adapter).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).property()).isEqualTo(property))
                .hasMessageContaining("'" + property + "'").hasMessageContaining(problem);
    }

    SourceAdapter<?> continuationSince() {
        props.putAll(Map.of(P + "cursor-style", "continuation-since", P + "since-param", "modified_since", P + "since-field",
                "/modified", P + "continuation", "/result/continuation", P + "continuation-param", "ct"));
        return adapter();
    }

    static Instant hwm(String cursor) {
        return Instant.parse(cursor.split("&")[0].substring("hwm=".length()));
    }

    @Test
    void should_not_move_a_continuation_since_mark_past_now_plus_the_clock_skew() throws Exception {
        SourceAdapter<?> adapter = continuationSince();
        Instant before = Instant.now();
        var body = new ObjectMapper().readTree("{\"result\":{\"items\":[{\"uid\":\"g1\",\"modified\":\"2026-01-01T10:00:00Z\"},"
                + "{\"uid\":\"g2\",\"modified\":\"2099-01-01T00:00:00Z\"}]}}");

        String after = adapter.page(Cursor.start(), body, Map.of()).nextCursor();

        assertThat(hwm(after)).isBetween(before, Instant.now().plus(Duration.ofHours(1)));
        assertThat(adapter.request(Cursor.of("hwm=2096-01-01T00:00:00Z")).query()).as("a blinded cursor: from the start")
                .doesNotContain("modified_since");
    }

    @Test
    void should_bound_the_mark_of_a_long_continuation_since_scan_by_the_time_it_started() throws Exception {
        props.put(P + "lookback", "1s");
        SourceAdapter<?> adapter = continuationSince();
        ObjectMapper json = new ObjectMapper();
        adapter.request(Cursor.start());
        Instant started = Instant.now();
        String inScan = adapter.page(Cursor.start(), json.readTree("{\"result\":{\"continuation\":\"t1\",\"items\":[{\"uid\":"
                + "\"g1\",\"modified\":\"" + started.minusSeconds(10) + "\"}]}}"), Map.of()).nextCursor();
        String after = adapter.page(Cursor.of(inScan), json.readTree("{\"result\":{\"items\":[{\"uid\":\"g2\",\"modified\":\""
                + started.plusSeconds(30) + "\"}]}}"), Map.of()).nextCursor();

        assertThat(hwm(after)).as("no later than the scan's start").isBeforeOrEqualTo(started);
    }

    @Test
    void should_ask_fast_continuation_since_scans_from_the_mark_minus_the_overlap_and_a_deep_one_each_lookback() throws Exception {
        props.put(P + "lookback", "2m");
        SourceAdapter<?> adapter = continuationSince();
        ObjectMapper json = new ObjectMapper();
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        String first = adapter.page(Cursor.start(), json.readTree("{\"result\":{\"items\":[{\"uid\":\"g1\",\"modified\":\""
                + t + "\"}]}}"), Map.of()).nextCursor();
        String second = adapter.page(Cursor.of(first), json.readTree("{\"result\":{\"items\":[{\"uid\":\"g1\",\"modified\":\""
                + t.plusSeconds(2) + "\"}]}}"), Map.of()).nextCursor();
        Cursor deepDue = Cursor.of("hwm=" + t.plusSeconds(2) + "&scan-from=" + t.plusSeconds(1) + "&deep-mark=" + t.minusSeconds(200)
                + "&deep-at=" + t.minusSeconds(200));
        String third = adapter.page(deepDue, json.readTree("{\"result\":{\"items\":[]}}"), Map.of()).nextCursor();

        assertThat(adapter.request(Cursor.of(first)).query()).as("the first scan's mark - lookback: a deep scan")
                .isEqualTo("modified_since=" + URLEncoder.encode(t.minusSeconds(120).toString(), StandardCharsets.UTF_8));
        assertThat(adapter.request(Cursor.of(second)).query()).as("fast: mark - overlap (1s)")
                .isEqualTo("modified_since=" + URLEncoder.encode(t.plusSeconds(1).toString(), StandardCharsets.UTF_8));
        assertThat(adapter.request(Cursor.of(third)).query()).as("2m passed since the last deep scan: from its mark - lookback")
                .isEqualTo("modified_since=" + URLEncoder.encode(t.minusSeconds(320).toString(), StandardCharsets.UTF_8));
    }

    @Test
    void should_refuse_an_unknown_cursor_style_naming_the_property() {
        props.put(P + "cursor-style", "cursorless");
        assertRefusedNaming(P + "cursor-style", "unknown cursor style 'cursorless' (known: body-cursor, link-header, page-number,"
                + " offset, continuation-since)");
    }

    @Test
    void should_refuse_a_missing_or_malformed_records_pointer_naming_the_property() {
        props.remove(P + "records");
        assertRefusedNaming(P + "records", "is required");
        props.put(P + "records", "result.items");
        assertRefusedNaming(P + "records", "JSON pointer");
    }

    @Test
    void should_name_the_keys_a_cursor_style_needs_and_the_fields_of_the_mapping() {
        props.put(P + "cursor-style", "body-cursor");
        assertRefusedNaming(P + "next-cursor", "is required for cursor-style body-cursor");
        props.put(P + "next-cursor", "/next");
        assertRefusedNaming(P + "cursor-param", "is required for cursor-style body-cursor");
        props.put(P + "cursor-param", "after page");
        assertRefusedNaming(P + "cursor-param", "query parameter name");
        props.put(P + "cursor-style", "continuation-since");
        assertRefusedNaming(P + "since-param", "is required for cursor-style continuation-since");
        props.put(P + "cursor-style", "page-number");
        props.put(P + "page-param", "page");
        props.remove(P + "field.updated-at");
        assertRefusedNaming(P + "field.updated-at", "is required");
        props.put(P + "field.updated-at", "/modified");
        props.put(P + "path", "v1/attendees");
        assertRefusedNaming(P + "path", "starting with '/'");
    }

    @Test
    void should_keep_registration_api_as_a_preset_whose_keys_a_feed_can_override() {
        props.clear();
        props.putAll(Map.of("vendor-poller.feeds", "shop", P + "type", "registration-api", P + "base-url", "https://forms.example/v2",
                P + "token", "t0ken-value", P + "schedule.interval", "30s"));
        PageRequest preset = adapter().request(Cursor.of("c/1"));
        assertThat(preset.url()).isEqualTo("https://forms.example/v2/registrations");
        assertThat(preset.query()).isEqualTo("limit=100&cursor=c%2F1");

        props.put(P + "path", "/v3/signups");
        props.put(P + "cursor-param", "after");
        PageRequest overridden = adapter().request(Cursor.of("c/1"));
        assertThat(overridden.url()).isEqualTo("https://forms.example/v2/v3/signups");
        assertThat(overridden.query()).isEqualTo("limit=100&after=c%2F1");
    }
}
