package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, stopped and started again as a user would (SIGTERM, then the same command with the same
 * ./data): the demo vendor comes back with the data it had, so every feed goes on from its stored cursor with no
 * failed page, no dead letter, and health UP. The bundled config/application.properties, with free ports and a
 * data directory of its own.
 */
class DemoRestartIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @TempDir
    Path tmp;

    @Test
    void should_go_on_from_its_cursors_after_the_demo_is_stopped_and_started_again() throws Exception {
        int demo = freePort();
        int status = freePort();
        Path config = demoConfig(demo, freePort(), status);
        List<ServiceProcess> runs = new ArrayList<>();
        try {
            ServiceProcess first = ServiceProcess.startDemo(config, tmp.resolve("first.log"));
            runs.add(first);
            JsonNode before = awaitFeeds(status, first, Duration.ofSeconds(60), "every feed committed a page",
                    feeds -> everyFeed(feeds, f -> !f.path("last_successful_poll").isNull()));
            Thread.sleep(3000); // the registration log grows past its backlog, the Stripe cursor moves forward
            first.stop(Duration.ofSeconds(30)); // SIGTERM, as Ctrl-C

            ServiceProcess second = ServiceProcess.startDemo(config, tmp.resolve("second.log"));
            runs.add(second);
            awaitFeeds(status, second, Duration.ofSeconds(60), "every feed committed a page after the restart",
                    feeds -> everyFeed(feeds, f -> !f.path("last_successful_poll").isNull()));
            Thread.sleep(12_000); // two more scheduled runs of every feed (every 5 s)
            JsonNode after = feeds(status);

            for (JsonNode feed : after) {
                assertThat(feed.path("dead_letters").asLong()).as(feed.path("name").asText() + " open dead letters").isZero();
                assertThat(feed.path("health").asText()).as(feed.path("name").asText() + " health: "
                        + feed.path("health_message").asText()).isEqualTo("UP");
            }
            assertThat(second.output()).doesNotContain("NoHttpResponseException").doesNotContain("DuplicateKeyException")
                    .doesNotContain("dead-lettered").doesNotContain("No such event");
            assertThat(before.size()).isEqualTo(after.size()).isEqualTo(3);
            second.stop(Duration.ofSeconds(30));
        } finally {
            for (ServiceProcess run : runs) {
                run.ensureDead();
            }
        }
    }

    private Path demoConfig(int demo, int management, int status) throws IOException {
        String bundled = Files.readString(ServiceProcess.projectRoot().toPath().resolve("config/application.properties"));
        Path data = tmp.resolve("data");
        String config = bundled
                .replace("127.0.0.1:8089", "127.0.0.1:" + demo)
                .replace("vendor-poller.demo.port = 8089", "vendor-poller.demo.port = " + demo)
                .replace("camel.management.port = 9876", "camel.management.port = " + management)
                .replace("vendor-poller.status.port = 9877", "vendor-poller.status.port = " + status)
                .replace("vendor-poller.data-dir = data", "vendor-poller.data-dir = " + data)
                .replace("file:data/", "file:" + data + "/")
                + "\nvendor-poller.db.url = jdbc:h2:file:" + data.resolve("vendor-poller") + ";WRITE_DELAY=0\n"
                + "camel.main.jmx-enabled = false\n";
        assertThat(config).doesNotContain("127.0.0.1:8089").contains("vendor-poller.status.port = " + status)
                .contains("camel.management.port = " + management).contains("vendor-poller.demo.port = " + demo);
        Path file = tmp.resolve("application.properties");
        Files.writeString(file, config);
        return file;
    }

    private JsonNode awaitFeeds(int port, ServiceProcess run, Duration timeout, String what, Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            assertThat(run.isAlive()).as("service alive; log tail:\n" + run.tail(30)).isTrue();
            try {
                last = feeds(port);
                if (done.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("timed out waiting: " + what + "; last status " + last + "\nlog tail:\n" + run.tail(40));
    }

    private JsonNode feeds(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status/feeds.json"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("status " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static boolean everyFeed(JsonNode feeds, Predicate<JsonNode> test) {
        if (feeds.size() == 0) {
            return false;
        }
        for (JsonNode feed : feeds) {
            if (!test.test(feed)) {
                return false;
            }
        }
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
