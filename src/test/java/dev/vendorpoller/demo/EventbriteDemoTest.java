package dev.vendorpoller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.support.ManualClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo vendor's Eventbrite mode over HTTP: paging, shared seconds, expiring tokens, late attendees, 404s. */
class EventbriteDemoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T12:00:00Z"));
    private HttpServer server;
    private DemoVendor vendor;

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
        if (vendor != null) {
            vendor.close();
        }
    }

    private String base(EventbriteDemo demo) throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/events/", demo);
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pages_through_shared_seconds_and_expires_tokens() throws Exception {
        String base = base(new EventbriteDemo("tk", 120, Duration.ofSeconds(60), Duration.ofSeconds(15), clock));
        String url = base + "/events/7/attendees/?changed_since=2026-03-01T10:00:01Z";

        JsonNode first = JSON.readTree(get(url, "tk").body());
        assertThat(first.at("/pagination/has_more_items").booleanValue()).isTrue();
        assertThat(first.at("/pagination/object_count").intValue()).as("seconds 20 s apart from 10:00:20, 20 attendees each").isEqualTo(100);
        assertThat(first.get("attendees")).hasSize(EventbriteDemo.PAGE_SIZE);
        assertThat(first.at("/attendees/49/changed").asText()).isEqualTo(first.at("/attendees/40/changed").asText());
        String token = first.at("/pagination/continuation").asText();

        JsonNode second = JSON.readTree(get(url + "&continuation=" + token, "tk").body());
        assertThat(second.at("/pagination/has_more_items").booleanValue()).isFalse();
        assertThat(second.at("/attendees/0/changed").asText()).as("the page boundary splits a second")
                .isEqualTo(first.at("/attendees/49/changed").asText());
        Set<String> ids = new HashSet<>();
        first.get("attendees").forEach(a -> ids.add(a.get("id").asText()));
        second.get("attendees").forEach(a -> ids.add(a.get("id").asText()));
        assertThat(ids).hasSize(100);

        assertThat(get(base + "/events/7/attendees/?continuation=" + token, "tk").statusCode())
                .as("a token belongs to its changed_since").isEqualTo(400);
        clock.advance(Duration.ofSeconds(59));
        assertThat(get(url + "&continuation=" + token, "tk").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(2));
        HttpResponse<String> expired = get(url + "&continuation=" + token, "tk");
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("\"error\":\"INVALID_CONTINUATION\"");
    }

    @Test
    void shows_late_attendees_with_an_older_changed_time() throws Exception {
        String base = base(new EventbriteDemo("tk", 100, Duration.ofSeconds(60), Duration.ofSeconds(15), clock));
        String url = base + "/events/7/attendees/?changed_since=2026-03-01T10:00:42Z";
        assertThat(JSON.readTree(get(url, "tk").body()).at("/pagination/object_count").intValue()).isEqualTo(40);

        clock.advance(Duration.ofSeconds(15));
        JsonNode page = JSON.readTree(get(url, "tk").body());

        assertThat(page.at("/pagination/object_count").intValue()).isEqualTo(40 + EventbriteDemo.LATE);
        assertThat(page.at("/attendees/20/id").asText()).as("sorted before the newest second").isEqualTo("3000000100");
        assertThat(page.at("/attendees/20/changed").asText()).as("2 s before the newest").isEqualTo("2026-03-01T10:01:18Z");
        assertThat(page.at("/attendees/25/changed").asText()).isEqualTo("2026-03-01T10:01:20Z");
    }

    @Test
    void the_demo_vendor_serves_it_under_events_and_nothing_else() throws Exception {
        vendor = new DemoVendor(new DemoVendor.Options(0, "demo-token", 10, 0, 0, 0, 0, false)).start();
        String base = "http://127.0.0.1:" + vendor.port();

        HttpResponse<String> ok = get(base + "/events/1001/attendees/", "demo-token");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).at("/attendees/0/profile/email").asText()).isEqualTo("Attendee.0@Example.COM");
        assertThat(get(base + "/events/1001/attendees/", "wrong").statusCode()).isEqualTo(401);
        assertThat(get(base + "/events/1001/orders/", "demo-token").statusCode()).isEqualTo(404);
        assertThat(get(base + "/events/", "demo-token").statusCode()).isEqualTo(404);
        assertThat(get(base + "/registrations?limit=1", "demo-token").statusCode()).isEqualTo(200);
    }
}
