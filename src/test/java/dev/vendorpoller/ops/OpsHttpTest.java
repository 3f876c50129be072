package dev.vendorpoller.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The feed operations without a JMX console: over HTTP on the status page's loopback port (a token from config, or
 * off), and from the command line ({@code java -jar vendor-poller.jar ops …}).
 */
class OpsHttpTest extends VendorAndPoller {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "ops-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();
    private int port;

    private void startWith(String token) throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent())
                .willReturn(okJson(page("c1", false, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1"))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"cursor c1 refused\"}")));
        port = PollerHarness.freeLoopbackPort();
        poller.set("vendor-poller.status.port", String.valueOf(port)).feed("forms", vendor.baseUrl(), "schedule.interval", "1h")
                .feed("eb", vendor.baseUrl(), "type", "eventbrite-attendees", "event-id", "1", "schedule.interval", "1h");
        if (token != null) {
            poller.set("vendor-poller.ops.token", token);
        }
        poller.start();
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String state(String feed) throws Exception {
        String json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status/feeds.json")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode f : new ObjectMapper().readTree(json)) {
            if (f.path("name").asText().equals(feed)) {
                return f.path("state").asText();
            }
        }
        return "no feed " + feed + " in " + json;
    }

    private String cursor(String feed) {
        var rows = poller.query("SELECT cursor_value FROM feed_cursor WHERE feed = ?", feed);
        return rows.isEmpty() ? null : (String) rows.get(0).get("cursor_value");
    }

    @Test
    void should_refuse_every_http_operation_while_no_token_is_configured() throws Exception {
        startWith(null);

        HttpResponse<String> response = post("/ops/feeds/forms/pause", "anything", "");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("vendor-poller.ops.token");
        assertThat(state("forms")).isEqualTo("Started");
    }

    @Test
    void should_pause_resume_and_poll_now_over_http_with_the_token_only() throws Exception {
        startWith(TOKEN);
        await("the first page", WAIT, () -> "c1".equals(cursor("forms")));

        assertThat(post("/ops/feeds/forms/pause", "wrong-token-0123456789", "").statusCode()).isEqualTo(401);
        assertThat(post("/ops/feeds/forms/pause", null, "").statusCode()).isEqualTo(401);
        assertThat(state("forms")).isEqualTo("Started");

        HttpResponse<String> paused = post("/ops/feeds/forms/pause", TOKEN, "");
        assertThat(paused.statusCode()).isEqualTo(200);
        assertThat(paused.body()).isEqualTo("paused\n");
        assertThat(state("forms")).isEqualTo("Paused");
        assertThat(post("/ops/feeds/forms/resume", TOKEN, "").body()).isEqualTo("resumed\n");
        assertThat(state("forms")).isEqualTo("Started");
        assertThat(post("/ops/feeds/forms/poll-now", TOKEN, "").body()).isEqualTo("poll triggered\n");
        assertThat(post("/ops/feeds/nope/pause", TOKEN, "").statusCode()).isEqualTo(404);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ops/feeds/forms/pause"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void should_refuse_a_malformed_cursor_and_store_a_valid_one() throws Exception {
        startWith(TOKEN);
        String before = cursor("eb");

        HttpResponse<String> refused = post("/ops/feeds/eb/reset-cursor", TOKEN, "not-a-time");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("not a cursor a eventbrite-attendees feed can read").contains("nothing changed");
        assertThat(cursor("eb")).isEqualTo(before);

        HttpResponse<String> reset = post("/ops/feeds/eb/reset-cursor", TOKEN, "2026-03-01T10:00:00Z");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(cursor("eb")).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(post("/ops/feeds/forms/reset-cursor", TOKEN, "START").body()).endsWith("-> <start>\n");
    }

    @Test
    void should_replay_a_dead_letter_over_http_and_from_the_command_line() throws Exception {
        startWith(TOKEN);
        await("the first page", WAIT, () -> "c1".equals(cursor("forms")));
        Thread.sleep(500); // the first run ends (a stateful job: a trigger during the run would wait for it)
        post("/ops/feeds/forms/poll-now", TOKEN, "");
        await("a dead letter for the refused page", WAIT,
                () -> poller.count("SELECT COUNT(*) FROM dead_letter WHERE feed = 'forms'") == 1);
        long id = poller.count("SELECT id FROM dead_letter WHERE feed = 'forms'");

        assertThat(post("/ops/feeds/forms/dead-letters/" + id + "/replay", TOKEN, "").body()).isEqualTo("replayed #" + id + "\n");
        assertThat(post("/ops/feeds/forms/dead-letters/" + id + "/replay", TOKEN, "").body()).isEqualTo("no open dead letter #" + id + "\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = cli(List.of("--port", String.valueOf(port), "forms", "pause"), out, err);
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("paused\n");
        assertThat(state("forms")).isEqualTo("Paused");
        assertThat(cli(List.of("--port", String.valueOf(port), "forms", "replay-rejects"), out, err)).isZero();
        assertThat(cli(List.of("--port", String.valueOf(port), "eb", "reset-cursor", "yesterday"), out, err)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing changed");
    }

    private static int cli(List<String> args, ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        var run = Class.forName("dev.vendorpoller.app.OpsCli").getDeclaredMethod("run", List.class, Map.class,
                PrintStream.class, PrintStream.class);
        run.setAccessible(true);
        return (int) run.invoke(null, args, Map.of("VENDOR_POLLER_OPS_TOKEN", TOKEN),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
