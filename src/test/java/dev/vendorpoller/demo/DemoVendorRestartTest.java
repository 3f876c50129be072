package dev.vendorpoller.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo vendor across its own restarts: the same data, and a cursor past it answered as a vendor would. */
class DemoVendorRestartTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path data;

    private HttpResponse<String> get(DemoVendor vendor, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vendor.port() + pathAndQuery))
                .header("Authorization", "Bearer demo-token").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DemoVendor.Options options(long backlog) {
        return new DemoVendor.Options(0, "demo-token", backlog, 50, 0, 0, 0, false);
    }

    @Test
    void should_answer_a_cursor_past_its_data_with_an_empty_page_and_the_same_cursor() throws Exception {
        try (DemoVendor vendor = new DemoVendor(options(100)).start()) {
            HttpResponse<String> page = get(vendor, "/registrations?limit=10&cursor=" + DemoVendor.encode(250));

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("{\"data\":[],\"next_cursor\":\"" + DemoVendor.encode(250) + "\",\"has_more\":false}");
        }
    }

    @Test
    void should_serve_the_same_stripe_events_and_registration_log_after_a_restart() throws Exception {
        String events;
        try (DemoVendor vendor = new DemoVendor(options(100)).persistIn(data).stripe(0).start()) {
            events = get(vendor, "/stripe/events?limit=100").body();
        }
        try (DemoVendor vendor = new DemoVendor(options(100)).persistIn(data).stripe(0).start()) {
            assertThat(get(vendor, "/stripe/events?limit=100").body()).isEqualTo(events);
        }
        assertThat(events).contains("\"id\":\"evt_");
    }
}
