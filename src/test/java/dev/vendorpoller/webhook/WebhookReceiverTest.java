package dev.vendorpoller.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import dev.vendorpoller.support.VendorPages;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook receivers over real HTTP on loopback, against the service in-process (management server on too): for
 * each style good, rotated, bad, stale and future signatures, a body changed after signing, the same delivery twice;
 * oversize bodies (413), unknown feeds (404), an Eventbrite api_url on another host (400, and that host hears
 * nothing), a database that cannot take the row (503). Each case is checked in webhook_inbox and in /observe/metrics.
 */
class WebhookReceiverTest extends VendorAndPoller {
    static final String STRIPE_OLD = "whsec_stripe_old_1";
    static final String STRIPE_NEW = "whsec_stripe_new_2";
    static final String STD_OLD = Signing.whsec("standard-key-old-0123456789");
    static final String STD_NEW = Signing.whsec("standard-key-new-9876543210");
    static final String HMAC_OLD = "plain-secret-old-1";
    static final String HMAC_NEW = "plain-secret-new-2";
    static final int MAX_BODY = 4096;
    int hooks;
    int management;
    WireMockServer elsewhere;

    @BeforeEach
    void prepare() throws Exception {
        vendor.stubFor(get(urlPathMatching(".*")).willReturn(okJson(VendorPages.page(null, false))));
        elsewhere = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        elsewhere.start();
        hooks = PollerHarness.freeLoopbackPort();
        management = PollerHarness.freeLoopbackPort();
        poller.set("camel.management.enabled", "true").set("camel.management.port", String.valueOf(management))
                .set("vendor-poller.webhooks.port", String.valueOf(hooks))
                .set("vendor-poller.webhooks.max-body", String.valueOf(MAX_BODY))
                .feed("pay", vendor.baseUrl(), "schedule.interval", "1h", "webhook.style", "stripe",
                        "webhook.secrets", STRIPE_OLD + ", " + STRIPE_NEW)
                .feed("std", vendor.baseUrl(), "schedule.interval", "1h", "webhook.style", "standard-webhooks",
                        "webhook.secrets", STD_OLD + "," + STD_NEW, "webhook.tolerance", "5m")
                .feed("plain", vendor.baseUrl(), "schedule.interval", "1h", "webhook.style", "hmac",
                        "webhook.secrets", HMAC_OLD + "," + HMAC_NEW, "webhook.header", "X-Signature")
                .feed("plain64", vendor.baseUrl(), "schedule.interval", "1h", "webhook.style", "hmac",
                        "webhook.secrets", HMAC_OLD, "webhook.header", "X-Signature", "webhook.encoding", "base64",
                        "webhook.id-header", "X-Delivery-Id")
                .feed("brite", "http://127.0.0.1:" + vendor.port() + "/v3", "schedule.interval", "1h", "webhook.style", "eventbrite")
                .feed("brite-signed", "http://127.0.0.1:" + vendor.port() + "/v3", "schedule.interval", "1h", "webhook.style", "eventbrite",
                        "webhook.secrets", HMAC_OLD + "," + HMAC_NEW, "webhook.header", "X-Brite-Signature")
                .feed("polled", vendor.baseUrl(), "schedule.interval", "1h");
    }

    @AfterEach
    void stopElsewhere() {
        elsewhere.stop();
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    @Test
    void stripe_signatures_each_v1_against_each_secret_within_the_tolerance() throws Exception {
        poller.start();
        String e1 = stripeEvent("evt_1");
        assertAnswer(stripe(e1, Signing.stripe(STRIPE_OLD, now(), e1)), 200, "stored");
        String e2 = stripeEvent("evt_2");
        assertAnswer(stripe(e2, Signing.stripe(STRIPE_NEW, now() - 200, e2)), 200, "stored"); // rotated; inside 300 s
        String e3 = stripeEvent("evt_3");
        long t = now();
        String wrongThenRight = "t=" + t + ",v1=" + "ab".repeat(32) + ",v1=" + Signing.stripe(STRIPE_NEW, t, e3).split("v1=")[1]
                + ",v0=deadbeef";
        assertAnswer(stripe(e3, wrongThenRight), 200, "stored"); // several v1 during a rotation: one matching is enough
        assertAnswer(stripe(e1, Signing.stripe(STRIPE_OLD, now(), e1)), 200, "duplicate"); // Stripe delivers again

        String e4 = stripeEvent("evt_4");
        assertAnswer(stripe(e4, Signing.stripe("whsec_someone_else", now(), e4)), 401, "bad_signature");
        assertAnswer(stripe(e4, Signing.stripe(STRIPE_OLD, now() - 400, e4)), 401, "stale");
        assertAnswer(stripe(e4, Signing.stripe(STRIPE_OLD, now() + 400, e4)), 401, "future");
        assertAnswer(stripe(e4.replace("evt_4", "evt_5"), Signing.stripe(STRIPE_OLD, now(), e4)), 401, "bad_signature");
        assertAnswer(stripe(changeOneByte(e4), Signing.stripe(STRIPE_OLD, now(), e4)), 401, "bad_signature");
        assertAnswer(Signing.post(hooks, "/webhooks/pay", e4), 401, "bad_signature"); // unsigned
        assertAnswer(stripe(e4, "t=" + now()), 401, "bad_signature"); // no v1
        String noId = "{\"type\":\"charge.succeeded\"}";
        assertAnswer(stripe(noId, Signing.stripe(STRIPE_OLD, now(), noId)), 400, "malformed"); // verified, but no id

        assertThat(rows("pay")).extracting(r -> r.get("delivery_id")).containsExactly("evt_1", "evt_2", "evt_3");
        Map<String, Object> row = rows("pay").get(0);
        assertThat(row).containsEntry("style", "stripe").containsEntry("state", "PENDING").containsEntry("attempts", 0)
                .containsEntry("body", e1);
        assertThat(row.get("next_attempt_at")).isEqualTo(row.get("received_at"));
        assertMetrics("pay", 3, 1, Map.of("bad_signature", 5, "stale", 1, "future", 1, "malformed", 1));
    }

    @Test
    void standard_webhooks_signatures_over_id_timestamp_and_body() throws Exception {
        poller.start();
        String body = "{\"type\":\"registration.updated\",\"data\":{\"id\":\"r1\"}}";
        assertAnswer(standard("msg_1", now(), body, Signing.standard(STD_OLD, "msg_1", now(), body)), 200, "stored");
        long t = now() - 120;
        assertAnswer(standard("msg_2", t, body, "v1,Zm9v " + Signing.standard(STD_NEW, "msg_2", t, body) + " v1a,xyz"),
                200, "stored"); // rotated: the new key's signature among others
        assertAnswer(standard("msg_1", now(), body, Signing.standard(STD_NEW, "msg_1", now(), body)), 200, "duplicate");

        assertAnswer(standard("msg_3", now(), body, Signing.standard(Signing.whsec("another"), "msg_3", now(), body)),
                401, "bad_signature");
        assertAnswer(standard("msg_3", now() - 400, body, Signing.standard(STD_OLD, "msg_3", now() - 400, body)), 401, "stale");
        assertAnswer(standard("msg_3", now() + 400, body, Signing.standard(STD_OLD, "msg_3", now() + 400, body)), 401, "future");
        long t3 = now();
        assertAnswer(standard("msg_3", t3, changeOneByte(body), Signing.standard(STD_OLD, "msg_3", t3, body)), 401, "bad_signature");
        assertAnswer(standard("msg_4", t3, body, Signing.standard(STD_OLD, "msg_3", t3, body)), 401, "bad_signature"); // id swapped
        assertAnswer(standard("msg_3", t3 + 1, body, Signing.standard(STD_OLD, "msg_3", t3, body)), 401, "bad_signature");
        assertAnswer(Signing.post(hooks, "/webhooks/std", body, "webhook-id", "msg_5"), 401, "bad_signature"); // headers missing

        assertThat(rows("std")).extracting(r -> r.get("delivery_id")).containsExactly("msg_1", "msg_2");
        assertThat(rows("std").get(0)).containsEntry("style", "standard-webhooks").containsEntry("body", body);
        assertMetrics("std", 2, 1, Map.of("bad_signature", 5, "stale", 1, "future", 1));
    }

    @Test
    void hmac_signature_of_the_raw_body_in_a_configured_header() throws Exception {
        poller.start();
        String b1 = "{\"event\":\"order.created\",\"order\":1}";
        String b2 = "{\"event\":\"order.created\",\"order\":2}";
        String b3 = "{\"event\":\"order.created\",\"order\":3}";
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b1, "X-Signature", Signing.hmacHex(HMAC_OLD, b1)), 200, "stored");
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b2, "X-Signature", "sha256=" + Signing.hmacHex(HMAC_NEW, b2)),
                200, "stored"); // rotated, GitHub-style prefix
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b3, "X-Signature", Signing.hmacHex(HMAC_NEW, b3).toUpperCase()),
                200, "stored"); // hex in capitals
        // no timestamp in this style: an old delivery replayed is the same bytes, so the same id (its SHA-256): stored once
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b1, "X-Signature", Signing.hmacHex(HMAC_OLD, b1)), 200, "duplicate");
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b1, "X-Signature", Signing.hmacHex("not-ours", b1)), 401, "bad_signature");
        assertAnswer(Signing.post(hooks, "/webhooks/plain", changeOneByte(b1), "X-Signature", Signing.hmacHex(HMAC_OLD, b1)),
                401, "bad_signature");
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b1, "X-Signature", Signing.hmacBase64(HMAC_OLD, b1)), 401,
                "bad_signature"); // base64 where hex is configured
        assertAnswer(Signing.post(hooks, "/webhooks/plain", b1, "X-Other", Signing.hmacHex(HMAC_OLD, b1)), 401, "bad_signature");

        // base64 with the sender's delivery id in a header
        assertAnswer(Signing.post(hooks, "/webhooks/plain64", b1, "X-Signature", Signing.hmacBase64(HMAC_OLD, b1),
                "X-Delivery-Id", "d-1"), 200, "stored");
        assertAnswer(Signing.post(hooks, "/webhooks/plain64", b1, "X-Signature", Signing.hmacBase64(HMAC_OLD, b1),
                "X-Delivery-Id", "d-1"), 200, "duplicate");
        assertAnswer(Signing.post(hooks, "/webhooks/plain64", b1, "X-Signature", Signing.hmacBase64(HMAC_OLD, b1)), 400,
                "malformed"); // verified, but without its id

        assertThat(rows("plain")).extracting(r -> r.get("delivery_id")).containsExactly(sha256(b1), sha256(b2), sha256(b3));
        assertThat(rows("plain64")).extracting(r -> r.get("delivery_id")).containsExactly("d-1");
        assertMetrics("plain", 3, 1, Map.of("bad_signature", 4));
        assertMetrics("plain64", 1, 1, Map.of("malformed", 1));
    }

    @Test
    void eventbrite_api_url_only_on_the_feed_host_and_nothing_sent_anywhere() throws Exception {
        poller.start();
        String own = brite("http://127.0.0.1:" + vendor.port() + "/v3/events/1001/attendees/7/");
        assertAnswer(Signing.post(hooks, "/webhooks/brite", own), 200, "stored");
        assertAnswer(Signing.post(hooks, "/webhooks/brite", own), 200, "duplicate");
        int port = vendor.port();
        for (String foreign : List.of("http://127.0.0.1:" + elsewhere.port() + "/v3/events/1001/attendees/7/", // same address, another port
                "http://localhost:" + port + "/v3/events/1/", // another host name
                "https://127.0.0.1:" + port + "/v3/events/1/", // another scheme
                "http://127.0.0.1:" + port + "@" + elsewhere.baseUrl().substring("http://".length()) + "/v3/", // user-info trick
                "/v3/events/1/", "file:///etc/passwd")) {
            assertAnswer(Signing.post(hooks, "/webhooks/brite", brite(foreign)), 400, "foreign_api_url");
        }
        assertAnswer(Signing.post(hooks, "/webhooks/brite", "{\"config\":{}}"), 400, "malformed");
        assertAnswer(Signing.post(hooks, "/webhooks/brite", "not json"), 400, "malformed");
        assertThat(rows("brite")).extracting(r -> r.get("delivery_id")).containsExactly(sha256(own));
        assertThat(elsewhere.findAll(anyRequestedFor(anyUrl()))).as("requests to the sender's host").isEmpty();

        // with secrets: the hmac mechanism first, then the same host rule
        String own2 = brite("HTTP://127.0.0.1:" + port + "/v3/events/1001/attendees/8/"); // scheme and host in any case
        assertAnswer(Signing.post(hooks, "/webhooks/brite-signed", own2, "X-Brite-Signature", Signing.hmacHex(HMAC_NEW, own2)),
                200, "stored");
        assertAnswer(Signing.post(hooks, "/webhooks/brite-signed", own2), 401, "bad_signature");
        assertAnswer(Signing.post(hooks, "/webhooks/brite-signed", changeOneByte(own2), "X-Brite-Signature",
                Signing.hmacHex(HMAC_NEW, own2)), 401, "bad_signature");
        String foreign = brite(elsewhere.baseUrl() + "/v3/events/1/");
        assertAnswer(Signing.post(hooks, "/webhooks/brite-signed", foreign, "X-Brite-Signature", Signing.hmacHex(HMAC_OLD, foreign)),
                400, "foreign_api_url");
        assertThat(rows("brite-signed")).extracting(r -> r.get("delivery_id")).containsExactly(sha256(own2));
        assertThat(elsewhere.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        assertMetrics("brite", 1, 1, Map.of("foreign_api_url", 6, "malformed", 2));
        assertMetrics("brite-signed", 1, 0, Map.of("bad_signature", 2, "foreign_api_url", 1));
    }

    @Test
    void a_body_over_the_limit_is_refused_unread_and_one_at_the_limit_is_taken() throws Exception {
        poller.start();
        String atLimit = stripeEvent("evt_big", MAX_BODY);
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);
        assertAnswer(stripe(atLimit, Signing.stripe(STRIPE_OLD, now(), atLimit)), 200, "stored");

        String over = stripeEvent("evt_huge", MAX_BODY + 1);
        String signature = Signing.stripe(STRIPE_OLD, now(), over);
        // a Content-Length over the limit: answered at once, before a byte of the body is sent
        assertThat(Signing.raw(hooks, "/webhooks/pay", "Content-Length: " + (MAX_BODY + 1) + "\r\nStripe-Signature: " + signature, null))
                .startsWith("HTTP/1.1 413").contains("\"too_large\"");
        // the same waiting for 100-continue (curl's way with large bodies): 413 instead of 100
        assertThat(Signing.raw(hooks, "/webhooks/pay", "Content-Length: " + (MAX_BODY + 1) + "\r\nExpect: 100-continue", null))
                .startsWith("HTTP/1.1 413");
        // no Content-Length (chunked): cut off while reading, at the limit, though the sender goes on
        byte[] chunk = "x".repeat(1000).getBytes(StandardCharsets.UTF_8);
        assertThat(Signing.raw(hooks, "/webhooks/pay", "Transfer-Encoding: chunked\r\nStripe-Signature: " + signature, out -> {
            for (int i = 0; i < 50; i++) {
                out.write(("3e8\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        })).startsWith("HTTP/1.1 413").contains("\"too_large\"");
        assertThat(Signing.raw(hooks, "/webhooks/nope", "Content-Length: " + (MAX_BODY + 1), null)).startsWith("HTTP/1.1 413");

        assertThat(rows("pay")).extracting(r -> r.get("delivery_id")).containsExactly("evt_big");
        assertMetrics("pay", 1, 0, Map.of("too_large", 3));
        assertThat(metrics()).contains("vendor_poller_webhook_rejected_total{feed=\"_unknown\",reason=\"too_large\"} 1.0");
    }

    @Test
    void unknown_feeds_other_methods_and_form_bodies_are_refused() throws Exception {
        poller.start();
        String e1 = stripeEvent("evt_1");
        String signature = Signing.stripe(STRIPE_OLD, now(), e1);
        assertAnswer(Signing.post(hooks, "/webhooks/nope", e1, "Stripe-Signature", signature), 404, "not_found");
        assertAnswer(Signing.post(hooks, "/webhooks/polled", e1, "Stripe-Signature", signature), 404, "not_found"); // no webhook
        assertThat(Signing.post(hooks, "/webhooks/pay/more", e1, "Stripe-Signature", signature).statusCode()).isEqualTo(404);
        HttpResponse<String> get = Signing.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hooks + "/webhooks/pay"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertAnswer(Signing.post(hooks, "/webhooks/pay", "id=evt_1", "Content-Type", "application/x-www-form-urlencoded",
                "Stripe-Signature", Signing.stripe(STRIPE_OLD, now(), "id=evt_1")), 415, "unsupported_media_type");
        // webhooks are not on the management server, nor is /observe on the webhook server
        assertThat(Signing.post(management, "/webhooks/pay", e1, "Stripe-Signature", signature).statusCode()).isEqualTo(404);
        assertThat(Signing.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hooks + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(poller.count("SELECT COUNT(*) FROM webhook_inbox")).isZero();
        assertThat(metrics()).contains("vendor_poller_webhook_rejected_total{feed=\"_unknown\",reason=\"not_found\"} 2.0")
                .contains("vendor_poller_webhook_rejected_total{feed=\"pay\",reason=\"unsupported_media_type\"} 1.0");
    }

    @Test
    void a_database_that_cannot_take_the_row_is_answered_503_and_the_retry_is_stored() throws Exception {
        poller.start();
        String e1 = stripeEvent("evt_1");
        poller.update("ALTER TABLE webhook_inbox RENAME TO webhook_inbox_away");
        HttpResponse<String> down = stripe(e1, Signing.stripe(STRIPE_OLD, now(), e1));
        assertAnswer(down, 503, "unavailable");
        assertThat(down.headers().firstValue("Retry-After")).isPresent();
        poller.update("ALTER TABLE webhook_inbox_away RENAME TO webhook_inbox");
        assertThat(rows("pay")).isEmpty();
        assertAnswer(stripe(e1, Signing.stripe(STRIPE_OLD, now(), e1)), 200, "stored"); // the sender's retry
        assertThat(rows("pay")).hasSize(1);
        assertMetrics("pay", 1, 0, Map.of("unavailable", 1));
    }

    @Test
    void without_a_webhook_feed_no_business_server_runs() throws Exception {
        PollerHarness plain = newPoller().set("vendor-poller.webhooks.port", String.valueOf(hooks))
                .feed("polled", vendor.baseUrl(), "schedule.interval", "1h");
        plain.start();
        assertThat(plain.context().getRoute("webhooks")).isNull();
        assertThatThrownBy(() -> Signing.post(hooks, "/webhooks/polled", "{}")).isInstanceOf(ConnectException.class);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    HttpResponse<String> stripe(String body, String signature) throws Exception {
        return Signing.post(hooks, "/webhooks/pay", body, "Stripe-Signature", signature);
    }

    HttpResponse<String> standard(String id, long t, String body, String signature) throws Exception {
        return Signing.post(hooks, "/webhooks/std", body, "webhook-id", id, "webhook-timestamp", String.valueOf(t),
                "webhook-signature", signature);
    }

    static String stripeEvent(String id) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"data\":{\"object\":{\"amount\":4200}}}";
    }

    /** A Stripe event of exactly {@code size} bytes (padded in a field). */
    static String stripeEvent(String id, int size) {
        String head = "{\"id\":\"" + id + "\",\"pad\":\"";
        return head + "x".repeat(size - head.length() - 2) + "\"}";
    }

    static String brite(String apiUrl) {
        return "{\"config\":{\"action\":\"attendee.updated\",\"user_id\":\"1\",\"endpoint_url\":\"x\",\"webhook_id\":\"9\"},"
                + "\"api_url\":\"" + apiUrl + "\"}";
    }

    static String changeOneByte(String body) {
        int i = body.length() / 2;
        return body.substring(0, i) + (char) (body.charAt(i) ^ 1) + body.substring(i + 1);
    }

    static String sha256(String body) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    List<Map<String, Object>> rows(String feed) {
        return poller.query("SELECT * FROM webhook_inbox WHERE feed = ? ORDER BY id", feed);
    }

    static void assertAnswer(HttpResponse<String> answer, int status, String word) {
        assertThat(answer.statusCode()).as("status of %s", answer.body()).isEqualTo(status);
        assertThat(answer.body()).contains("\"" + word + "\"");
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(answer.headers().map().keySet()).noneMatch(h -> h.toLowerCase().contains("signature") || h.startsWith("webhook"));
    }

    String metrics() throws Exception {
        return Signing.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    void assertMetrics(String feed, int stored, int duplicates, Map<String, Integer> rejected) throws Exception {
        String metrics = metrics();
        assertThat(metrics).contains("vendor_poller_webhook_received_total{feed=\"" + feed + "\",outcome=\"stored\"} " + stored + ".0")
                .contains("vendor_poller_webhook_received_total{feed=\"" + feed + "\",outcome=\"duplicate\"} " + duplicates + ".0");
        for (WebhookRefusedException.Reason reason : WebhookRefusedException.Reason.values()) {
            if (reason != WebhookRefusedException.Reason.NOT_FOUND) {
                assertThat(metrics).contains("vendor_poller_webhook_rejected_total{feed=\"" + feed + "\",reason=\"" + reason.tag()
                        + "\"} " + rejected.getOrDefault(reason.tag(), 0) + ".0");
            }
        }
    }
}
