package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.demo.DemoVendor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service's operator surfaces without a JMX console: the Camel CLI connector (the status files
 * {@code camel get} and {@code camel top} read under ~/.camel), the feed MBeans over Jolokia, and the {@code ops}
 * command line against the HTTP operations.
 */
class OperatorSurfacesIT {
    private static final String TOKEN = "ops-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @TempDir
    Path tmp;

    @Test
    void should_be_operable_through_the_camel_cli_jolokia_and_the_ops_command() throws Exception {
        int status = freePort();
        int jolokia = freePort();
        try (DemoVendor vendor = new DemoVendor(new DemoVendor.Options(0, "tok", 100, 50, 0, 0, 0, false)).start()) {
            List<String> config = new ArrayList<>(ServiceProcess.CAMEL_BASE);
            config.addAll(List.of("camel.management.enabled = false",
                    "vendor-poller.db.url = jdbc:h2:file:" + tmp.resolve("db") + ";WRITE_DELAY=0",
                    "vendor-poller.demo.enabled = false",
                    "vendor-poller.status.port = " + status,
                    "vendor-poller.jolokia.port = " + jolokia,
                    "vendor-poller.ops.token = " + TOKEN,
                    "vendor-poller.feeds = forms",
                    "vendor-poller.feed.forms.type = registration-api",
                    "vendor-poller.feed.forms.base-url = http://127.0.0.1:" + vendor.port(),
                    "vendor-poller.feed.forms.token = tok",
                    "vendor-poller.feed.forms.schedule.interval = 1s"));
            Path file = tmp.resolve("app.properties");
            Files.write(file, config, StandardCharsets.UTF_8);
            ServiceProcess service = ServiceProcess.start(file, tmp.resolve("service.log"), false, List.of(), Map.of());
            try {
                // the MBeans are up as the context starts, just before its routes: the feed reads Stopped until then
                String state = awaitBody("http://127.0.0.1:" + jolokia + "/jolokia/read/dev.vendorpoller:type=feed,name=forms/State",
                        service, "\"value\":\"Started\"");
                assertThat(state).contains("\"value\":\"Started\"");

                Path camelStatus = Path.of(System.getProperty("user.home"), ".camel", service.pid() + "-status.json");
                assertThat(camelStatus).as("the Camel CLI connector's status file (camel get / camel top read it)").exists();
                long until = System.nanoTime() + Duration.ofSeconds(15).toNanos(); // the connector rewrites it every second
                while (!Files.readString(camelStatus).contains("poll-forms") && System.nanoTime() < until) {
                    Thread.sleep(300);
                }
                assertThat(Files.readString(camelStatus)).contains("\"name\":\"vendor-poller\"").contains("poll-forms");

                Process ops = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                        ServiceProcess.jar().toString(), "ops", "--port", String.valueOf(status), "forms", "pause")
                        .redirectErrorStream(true).start();
                assertThat(ops.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String answer = new String(ops.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(ops.exitValue()).as(answer).isEqualTo(2); // no VENDOR_POLLER_OPS_TOKEN: refused before sending
                assertThat(answer).contains("VENDOR_POLLER_OPS_TOKEN");

                ProcessBuilder withToken = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar", ServiceProcess.jar().toString(), "ops", "--port", String.valueOf(status), "forms", "pause")
                        .redirectErrorStream(true);
                withToken.environment().put("VENDOR_POLLER_OPS_TOKEN", TOKEN);
                Process paused = withToken.start();
                assertThat(paused.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(paused.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("paused\n");
                assertThat(paused.exitValue()).isZero();
                assertThat(awaitBody("http://127.0.0.1:" + jolokia + "/jolokia/read/dev.vendorpoller:type=feed,name=forms/State",
                        service)).contains("\"value\":\"Suspended\"");
            } finally {
                service.stop(Duration.ofSeconds(30));
                service.ensureDead();
            }
        }
    }

    private String awaitBody(String url, ServiceProcess service) throws Exception {
        return awaitBody(url, service, "\"status\":200");
    }

    /** The first 200 answer from {@code url} whose body contains {@code wanted} (and Jolokia's status 200). */
    private String awaitBody(String url, ServiceProcess service, String wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("service alive; log:\n" + service.tail(30)).isTrue();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"status\":200") && r.body().contains(wanted)) {
                    return r.body();
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("no answer from " + url + "; log:\n" + service.tail(30));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
