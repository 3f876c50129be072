package dev.vendorpoller.proof;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.app.Service;
import dev.vendorpoller.failure.VendorException;
import dev.vendorpoller.poll.PollRun;
import dev.vendorpoller.poll.PollSteps;
import dev.vendorpoller.ratelimit.Governor;
import dev.vendorpoller.ratelimit.RateLimitHeaders;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.support.CapturedLogs;
import dev.vendorpoller.support.PollerHarness;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * Issue 12, "Proof": generated hostile input through the poll route's own steps (adapter → contract → page commit, the
 * same {@link PollSteps} bean routes/poll-feed.yaml calls, on the real service's H2 database) for three feed types.
 * Whatever a page holds (malformed JSON, wrong types, nulls, huge and negative numbers, unicode, missing fields),
 * whatever rate-limit headers and cursors a vendor sends: no exception escapes except a classified vendor failure
 * (a page that is not of the vendor's shape is retried), every record is ledgered, a duplicate, or rejected, and no
 * configured secret appears in stored text or a log line. 10 000 cases per property. jqwik runs this class on its own
 * engine, where Camel's test kit (a JUnit Jupiter extension) does not apply: the service is the same Camel Main that
 * {@code java -jar} runs ({@link PollerHarness#onCamelMain()}).
 */
class HostileInputProperties {
    static final String TOKEN = "tok-Pr0p3rty-S3cret-8c1d";
    static final String SINK_SECRET = "sink-Pr0p-S3cret-path-77e2";
    static final List<String> FEEDS = List.of("forms", "eb", "pay");
    static PollerHarness poller;
    static PollSteps steps;
    static Service service;
    static CapturedLogs logs;
    /** One connection for the checks (the harness opens one per query). */
    static Connection db;

    @BeforeContainer
    static void start() throws Exception {
        logs = new CapturedLogs();
        String never = "0 0 0 1 1 ? 2099"; // the routes never fire: each case runs the steps itself
        poller = PollerHarness.onCamelMain().database("jdbc:h2:mem:properties;DB_CLOSE_DELAY=-1", "sa")
                .feed("forms", "http://127.0.0.1:9", "schedule.cron", never, "token", TOKEN,
                        "sink-uri", "http://127.0.0.1:9/hooks/" + SINK_SECRET)
                // a feed per property that commits pages on its own, so properties run at once never share a cursor
                .feed("cur", "http://127.0.0.1:9", "schedule.cron", never, "token", TOKEN)
                .feed("hdr", "http://127.0.0.1:9", "schedule.cron", never, "token", TOKEN)
                .feed("eb", "http://127.0.0.1:9", "type", "eventbrite-attendees", "event-id", "42", "schedule.cron", never,
                        "token", TOKEN, "tiers", "1001:GENERAL_ADMISSION")
                .feed("pay", "http://127.0.0.1:9", "type", "stripe-events", "schedule.cron", never, "token", TOKEN,
                        "applies-to", "forms")
                .set("vendor-poller.outbox.poll-interval-ms", "3600000");
        for (String feed : List.of("forms", "eb", "pay", "cur", "hdr")) {
            poller.set("vendor-poller.feed." + feed + ".schedule.interval", "");
        }
        poller.start();
        steps = poller.context().getRegistry().lookupByNameAndType("pollSteps", PollSteps.class);
        db = DriverManager.getConnection(poller.jdbcUrl(), "sa", "");
        service = Service.of(poller.context());
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            List<String> stored = new ArrayList<>();
            for (String table : List.of("feed_cursor", "ledger_registration", "rejected_record", "outbox", "dead_letter",
                    "payment_event", "payment_holding", "oauth_token")) {
                poller.query("SELECT * FROM " + table).forEach(row -> stored.add(row.toString()));
            }
            for (String secret : List.of(TOKEN, SINK_SECRET)) {
                assertThat(stored).as("stored text").noneMatch(text -> text.contains(secret));
                assertThat(logs.lines()).as("log lines").noneMatch(line -> line.contains(secret));
            }
        } finally {
            db.close();
            logs.close();
            poller.close();
        }
    }

    // --- the three properties -------------------------------------------------------------------------------------

    @Property(tries = 10_000)
    void every_record_of_any_page_is_ledgered_a_duplicate_or_rejected_and_nothing_else_escapes(
            @ForAll("feeds") String feed, @ForAll("bodies") String body) {
        runPage(feed, body, Map.of());
    }

    @Property(tries = 10_000)
    void any_rate_limit_headers_are_read_without_an_exception_and_never_wait_past_a_day(
            @ForAll("feeds") String feed, @ForAll("headers") Map<String, Object> headers, @ForAll("statuses") int status) {
        Governor governor = service.accounts().get(feed).governor();
        governor.observe(status, headers);
        var budget = RateLimitHeaders.parse(headers, Instant.now());
        budget.retryAfter().ifPresent(wait -> assertThat(wait).isLessThanOrEqualTo(Duration.ofDays(1)));
        budget.reset().ifPresent(at -> assertThat(at).isBefore(Instant.now().plus(Duration.ofDays(1)).plusSeconds(5)));
        if (status == 400) { // a share of the cases also hands them to the adapter with a page (link-header reads them)
            runPage("hdr", validPage("hdr", "c-" + status), headers);
        }
    }

    @Property(tries = 10_000)
    void any_cursor_a_vendor_sends_is_stored_and_sent_back_in_a_valid_request(@ForAll("cursors") JsonNode next) throws Exception {
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        page.putArray("data").add(registration("r-cursor"));
        page.set("next_cursor", next);
        page.put("has_more", true);
        // non-ASCII as JSON escapes, as a vendor may write them: an unpaired surrogate then reaches the parser too
        boolean committed = runPage("cur", ESCAPING.writeValueAsString(page), Map.of());
        Exchange exchange = exchange("cur");
        steps.begin(exchange);
        steps.prepareRequest(exchange);
        String query = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        assertThat(URI.create("http://127.0.0.1/registrations?" + query)).isNotNull();
        if (committed && next.isValueNode() && !next.isNull() && !next.asText().isBlank()) { // blank: no cursor given
            assertThat(PollRun.of(exchange).cursor().value()).as("stored as sent: " + next.asText().chars()
                    .mapToObj(c -> String.format("\\u%04x", c)).toList()).contains(next.asText());
        }
    }

    // --- one page through the route's steps -----------------------------------------------------------------------

    static Exchange exchange(String feed) {
        Exchange exchange = new DefaultExchange(poller.context());
        exchange.setProperty(PollRun.FEED, feed);
        return exchange;
    }

    /** begin → readPage → checkRecord per record → commitPage; true when the page committed. */
    static boolean runPage(String feed, String body, Map<String, Object> headers) {
        Exchange exchange = exchange(feed);
        steps.begin(exchange);
        exchange.getMessage().setBody(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        headers.forEach(exchange.getMessage()::setHeader);
        List<JsonNode> records;
        try {
            records = steps.readPage(exchange);
        } catch (Exception e) {
            assertThat(e).as("only a classified vendor failure may end a page: " + e).isInstanceOf(VendorException.class);
            return false;
        }
        List<ContractResult> results = new ArrayList<>();
        for (JsonNode record : records) {
            exchange.getMessage().setBody(record);
            results.add(steps.checkRecord(exchange));
        }
        exchange.getMessage().setBody(results);
        var expected = PollRun.of(exchange).cursor().advanceTo(PollRun.of(exchange).page().nextCursor());
        steps.commitPage(exchange);
        assertThat(PollRun.of(exchange).cursor()).as("the page committed (nothing else moves this feed's cursor)").isEqualTo(expected);
        assertThat(results).hasSize(records.size());
        for (ContractResult result : results) {
            if (result instanceof ContractResult.Valid v) {
                assertThat(count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND messageId = ?",
                        feed, BatchingJdbcMessageIdRepository.messageId(v.record().versionTime(), v.record().idempotencyKey())))
                        .as("a valid record's version is recorded (ledgered now or before)").isEqualTo(1);
            } else if (result instanceof ContractResult.Rejected r) {
                assertThat(count("SELECT COUNT(*) FROM rejected_record WHERE feed = ? AND reconciliation_key = ?",
                        feed, r.rejection().reconciliationKey())).as("a rejected record is stored").isEqualTo(1);
            }
        }
        return true;
    }

    static long count(String sql, String a, String b) {
        try (var ps = db.prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Text a UTF-8 body can carry: no unpaired surrogate (a JSON escape can write one; no vendor's string holds one). */
    static boolean validUnicode(String s) {
        return s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    // --- generators -----------------------------------------------------------------------------------------------

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final ObjectWriter ESCAPING = new ObjectMapper().writer()
            .with(JsonWriteFeature.ESCAPE_NON_ASCII);

    @Provide
    Arbitrary<String> feeds() {
        return Arbitraries.of(FEEDS);
    }

    @Provide
    Arbitrary<Integer> statuses() {
        return Arbitraries.of(200, 200, 429, 503, 400);
    }

    /** Hostile text: unicode of every plane, control characters, quotes, very long. */
    static Arbitrary<String> text() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().all().ofMaxLength(20),
                Arbitraries.strings().withChars("\u0000\u001f\"\\'<>&%\u202e\ud83d\ude00é中").ofMaxLength(12),
                Arbitraries.strings().alpha().ofMinLength(300).ofMaxLength(600),
                Arbitraries.of("", " ", "null", "NaN", "-1", "2026-02-30T25:61:00Z", "+999999999-12-31T23:59:59Z"));
    }

    /** Any JSON value, nested up to {@code depth}. */
    static Arbitrary<JsonNode> anyJson(int depth) {
        List<Arbitrary<JsonNode>> leaves = List.of(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -1L, 1767229656L, 99_999_999_999L).map(NODES::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(19), BigInteger.TEN.pow(40)).map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.of(1e308, -1e308, Double.MIN_VALUE, -0.0).map(NODES::numberNode),
                text().map(NODES::textNode));
        if (depth <= 0) {
            return Arbitraries.oneOf(leaves);
        }
        Arbitrary<JsonNode> array = anyJson(depth - 1).list().ofMaxSize(3).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Combinators.combine(text().list().ofMaxSize(3), anyJson(depth - 1).list().ofSize(3))
                .as((keys, values) -> {
                    ObjectNode o = NODES.objectNode();
                    for (int i = 0; i < keys.size(); i++) {
                        o.set(keys.get(i), values.get(i));
                    }
                    return o;
                });
        List<Arbitrary<JsonNode>> all = new ArrayList<>(leaves);
        all.add(array);
        all.add(object);
        return Arbitraries.oneOf(all);
    }

    /** A field: usually a plausible value, sometimes anything, sometimes missing (null here). */
    static Arbitrary<JsonNode> field(Arbitrary<JsonNode> plausible) {
        return Arbitraries.frequencyOf(
                Tuple.of(6, plausible),
                Tuple.of(2, anyJson(1)),
                Tuple.of(1, Arbitraries.just((JsonNode) null)));
    }

    static Arbitrary<JsonNode> times() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1_600_000_000L, 1_800_000_000L).map(NODES::numberNode),
                Arbitraries.longs().between(1_600_000_000L, 1_800_000_000L).map(s -> NODES.textNode(Instant.ofEpochSecond(s).toString())),
                Arbitraries.of("2026-01-01T03:07:36+02:00", "2026-03-01T10:00:00Z", "2026-03-01 10:00:00").map(NODES::textNode));
    }

    static Arbitrary<JsonNode> ids() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12).map(NODES::textNode),
                Arbitraries.integers().between(1, 50).map(i -> NODES.textNode("id-" + i))); // repeats: duplicates and versions
    }

    static Arbitrary<ObjectNode> record(Map<String, Arbitrary<JsonNode>> fields) {
        List<String> names = new ArrayList<>(fields.keySet());
        List<Arbitrary<JsonNode>> values = names.stream().map(n -> field(fields.get(n))).toList();
        return Combinators.combine(values).as(list -> {
            ObjectNode o = NODES.objectNode();
            for (int i = 0; i < names.size(); i++) {
                if (list.get(i) != null) {
                    o.set(names.get(i), list.get(i));
                }
            }
            return o;
        });
    }

    static Arbitrary<ObjectNode> registrationRecord() {
        Map<String, Arbitrary<JsonNode>> f = new HashMap<>();
        f.put("id", ids());
        f.put("email", Arbitraries.oneOf(Arbitraries.of("a@x.io", " A.B@Example.COM ", "not-an-email"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(400).map(s -> s + "@x.io")).map(NODES::textNode));
        f.put("ticket_sku", Arbitraries.of("GA-2026", "VIP-2026", "XX").map(NODES::textNode));
        f.put("payment_status", Arbitraries.of("paid", "pending", "refunded", "weird").map(NODES::textNode));
        f.put("created_at", times());
        f.put("updated_at", times());
        f.put("metadata", anyJson(2));
        return record(f);
    }

    static Arbitrary<ObjectNode> attendeeRecord() {
        Map<String, Arbitrary<JsonNode>> f = new HashMap<>();
        f.put("id", ids());
        f.put("changed", times());
        f.put("created", times());
        f.put("status", Arbitraries.of("Attending", "Not Attending", "Checked In", "??").map(NODES::textNode));
        f.put("cancelled", anyJson(0));
        f.put("refunded", anyJson(0));
        f.put("ticket_class_id", Arbitraries.of("1001", "2002").map(NODES::textNode));
        f.put("profile", Arbitraries.of("a@x.io", "bad").map(e -> (JsonNode) NODES.objectNode().put("email", e)));
        f.put("costs", anyJson(2));
        return record(f);
    }

    static Arbitrary<ObjectNode> stripeEvent() {
        Map<String, Arbitrary<JsonNode>> f = new HashMap<>();
        f.put("id", ids().map(id -> NODES.textNode("evt_" + id.asText())));
        f.put("type", Arbitraries.of("charge.succeeded", "charge.refunded", "customer.created", "x").map(NODES::textNode));
        f.put("created", times());
        f.put("data", Combinators.combine(ids(), anyJson(0), Arbitraries.of("EUR", "usd", "TOOLONG", "")).as((ref, amount, cur) -> {
            ObjectNode object = NODES.objectNode().put("id", "pi_1").put("currency", cur).put("status", "succeeded");
            object.set("amount", amount);
            object.putObject("metadata").set("registration_id", ref);
            ObjectNode data = NODES.objectNode();
            data.set("object", object);
            return (JsonNode) data;
        }));
        return record(f);
    }

    static ObjectNode registration(String id) {
        return NODES.objectNode().put("id", id).put("email", "a@x.io").put("ticket_sku", "GA-2026").put("payment_status", "paid")
                .put("created_at", 1767225600).put("updated_at", 1767225600);
    }

    /** A page of the feed's shape whose records are generated, or a broken body. */
    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<List<ObjectNode>> regs = registrationRecord().list().ofMaxSize(4);
        Arbitrary<List<ObjectNode>> attendees = attendeeRecord().list().ofMaxSize(4);
        Arbitrary<List<ObjectNode>> events = stripeEvent().list().ofMaxSize(4);
        Arbitrary<String> pages = Combinators.combine(regs, attendees, events, cursors(), anyJson(0), Arbitraries.integers().between(0, 2))
                .as((r, a, e, cursor, flag, shape) -> {
                    ObjectNode page = NODES.objectNode();
                    // all three shapes in one body: each feed reads its own fields; a body may also lack them
                    page.set("data", array(shape == 2 ? e : r));
                    page.set("next_cursor", cursor);
                    page.set("has_more", flag.isBoolean() ? flag : NODES.booleanNode(false));
                    page.set("attendees", array(a));
                    page.putObject("pagination").set("has_more_items", flag.isBoolean() ? flag : NODES.booleanNode(false));
                    return page.toString();
                });
        return Arbitraries.frequencyOf(
                Tuple.of(10, pages),
                Tuple.of(1, pages.flatMap(p -> Arbitraries.integers().between(0, Math.max(0, p.length() - 1))
                        .map(cut -> p.substring(0, cut)))), // truncated
                Tuple.of(1, anyJson(2).map(JsonNode::toString)),
                Tuple.of(1, text()));
    }

    static ArrayNode array(List<ObjectNode> items) {
        ArrayNode a = NODES.arrayNode();
        items.forEach(a::add);
        return a;
    }

    static String validPage(String feed, String cursor) {
        ObjectNode page = NODES.objectNode();
        page.putArray("data").add(registration("r-h"));
        page.put("next_cursor", cursor).put("has_more", false);
        page.putArray("attendees");
        page.putObject("pagination").put("has_more_items", false);
        return page.toString();
    }

    /** The vendor's next cursor: any string (unicode, up to 6 000 characters), or a value of another type. */
    @Provide
    Arbitrary<JsonNode> cursors() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(60)
                        .map(NODES::textNode)),
                Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(4_000).ofMaxLength(6_000)
                        .map(NODES::textNode)),
                Tuple.of(2, anyJson(1)));
    }

    @Provide
    Arbitrary<Map<String, Object>> headers() {
        Arbitrary<String> names = Arbitraries.of("Retry-After", "RateLimit", "RateLimit-Limit", "RateLimit-Remaining",
                "RateLimit-Reset", "RateLimit-Policy", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                "retry-after", "Link", "X-Other");
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30);
        Arbitrary<String> values = Arbitraries.oneOf(digits, digits.map(d -> "-" + d), text(),
                Arbitraries.of("Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
                Combinators.combine(digits, digits, digits).as((l, r, s) -> "limit=" + l + ", remaining=" + r + ", reset=" + s),
                Combinators.combine(digits, digits).as((q, w) -> q + ";w=" + w + ", 1000;w=" + w),
                Arbitraries.of("<http://127.0.0.1/x?cursor=a>; rel=\"next\"", "<>; rel=next", "garbage"));
        return Arbitraries.maps(names, values.map(v -> (Object) v)).ofMaxSize(6);
    }
}
