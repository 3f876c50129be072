package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.demo.DemoVendor;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Start-up as an operator sees it, with the packaged jar: a bad configuration stops the process at once, exit code 2,
 * naming the property and never echoing the token; an environment variable or a {@code -D} system property overrides
 * the file.
 */
class StartupConfigIT {
    private static final String FEED = "cfg-feed";
    private static final String P = "vendor-poller.feed." + FEED + ".";
    /** VENDOR_POLLER_FEED_CFG_FEED_: upper case, '.' and '-' become '_'. */
    private static final String ENV = "VENDOR_POLLER_FEED_CFG_FEED_";
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private static final Duration FAIL_FAST = Duration.ofSeconds(30);
    private static final Duration FIRST_PAGE = Duration.ofSeconds(30);

    private static DemoVendor vendor;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startVendor() throws IOException {
        vendor = new DemoVendor(new DemoVendor.Options(0, TOKEN, 200, 50, 0, 0, 0, false)).start();
    }

    @AfterAll
    static void stopVendor() {
        if (vendor != null) {
            vendor.close();
        }
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of("missing base-url", P + "base-url", (UnaryOperator<List<String>>) c -> without(c, P + "base-url")),
                Arguments.of("missing token", P + "token", (UnaryOperator<List<String>>) c -> without(c, P + "token")),
                Arguments.of("unknown feed type", P + "type", (UnaryOperator<List<String>>) c -> with(c, P + "type", "soap-api")),
                Arguments.of("typo in an optional key", P + "page-sise", (UnaryOperator<List<String>>) c -> with(c, P + "page-sise", "50")),
                Arguments.of("typo in a required key", P + "base-ulr",
                        (UnaryOperator<List<String>>) c -> with(without(c, P + "base-url"), P + "base-ulr", vendorUrl())),
                Arguments.of("malformed cron", P + "schedule.cron",
                        (UnaryOperator<List<String>>) c -> with(without(c, P + "schedule.interval"), P + "schedule.cron", "not a cron")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigurations")
    void bad_configuration_fails_fast_naming_the_property_without_the_token(String defect, String property,
            UnaryOperator<List<String>> breakIt) throws Exception {
        Path config = write(breakIt.apply(config(vendorUrl())));
        long pagesBefore = vendor.pagesServed();
        ServiceProcess service = ServiceProcess.start(config, tmp.resolve("service.log"), true, List.of(), Map.of());
        try {
            Integer exit = service.awaitExit(FAIL_FAST);
            assertThat(exit).as("%s: exit code within %s (null: still running). Output:%n%s", defect, FAIL_FAST, service.output())
                    .isEqualTo(2);
            assertThat(service.stderr()).as("%s: stderr", defect)
                    .contains("vendor-poller: Invalid configuration: property '" + property + "'");
            assertThat(service.output()).as("%s: stdout and stderr", defect).contains(property).doesNotContain(TOKEN);
            assertThat(vendor.pagesServed()).as("%s: pages polled before failing", defect).isEqualTo(pagesBefore);
        } finally {
            service.ensureDead();
        }
    }

    @Test
    void should_say_the_default_file_was_not_read_and_log_no_sigterm_when_an_extra_config_alone_fails() throws Exception {
        Path extra = write(List.of(P + "page-size = 50"));
        ServiceProcess service = ServiceProcess.start(extra, tmp.resolve("extra.log"), true, List.of(), Map.of());
        try {
            assertThat(service.awaitExit(FAIL_FAST)).as("exit code; output:%n%s", service.output()).isEqualTo(2);
            assertThat(service.stderr()).contains("vendor-poller: Invalid configuration: property")
                    .contains("config/application.properties was not read: --config FILE replaces it")
                    .contains("--config config/application.properties --config FILE");
            assertThat(service.output()).doesNotContain("SIGTERM");
        } finally {
            service.ensureDead();
        }
    }

    @Test
    void should_point_at_the_key_meant_when_a_key_is_misspelt() throws Exception {
        Path config = write(with(config(vendorUrl()), P + "page-sise", "50"));
        ServiceProcess service = ServiceProcess.start(config, tmp.resolve("typo.log"), true, List.of(), Map.of());
        try {
            assertThat(service.awaitExit(FAIL_FAST)).as("exit code; output:%n%s", service.output()).isEqualTo(2);
            assertThat(service.stderr()).contains("property '" + P + "page-sise' is not a known key: did you mean '"
                    + P + "page-size'?");
            assertThat(service.output()).doesNotContain("SIGTERM");
        } finally {
            service.ensureDead();
        }
    }

    @Test
    void environment_variable_overrides_the_feed_base_url() throws Exception {
        List<String> config = with(config(vendorUrl()), P + "base-url", wrongUrl());
        assertPolls(config, List.of(), Map.of(ENV + "BASE_URL", vendorUrl()), "[OS Environment Variable]");
    }

    @Test
    void system_property_overrides_the_feed_base_url() throws Exception {
        List<String> config = with(config(vendorUrl()), P + "base-url", wrongUrl());
        assertPolls(config, List.of("-D" + P + "base-url=" + vendorUrl()), Map.of(), "[JVM System Property]");
    }

    @Test
    void environment_variable_supplies_the_token_and_it_stays_out_of_the_output() throws Exception {
        List<String> config = without(config(vendorUrl()), P + "token");
        assertPolls(config, List.of(), Map.of(ENV + "TOKEN", TOKEN), "[OS Environment Variable]");
    }

    /** Starts the service, waits until the vendor served it a page (the vendor insists on the bearer token), stops it. */
    private void assertPolls(List<String> config, List<String> jvmArgs, Map<String, String> env, String source) throws Exception {
        long before = vendor.pagesServed();
        ServiceProcess service = ServiceProcess.start(write(config), tmp.resolve("service.log"), false, jvmArgs, env);
        try {
            long deadline = System.nanoTime() + FIRST_PAGE.toNanos();
            while (vendor.pagesServed() == before && service.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(vendor.pagesServed()).as("pages the vendor served to the service. Output tail:%n%s", service.tail(40))
                    .isGreaterThan(before);
            assertThat(service.stop(Duration.ofSeconds(40))).as("exit code after SIGTERM").isIn(0, 143);
            String output = service.output();
            assertThat(output).as("Camel's property summary names where the override came from")
                    .containsPattern("\\Q" + source + "\\E\\s+vendor-poller\\.feed\\." + FEED + "\\.");
            assertThat(output).as("service output").doesNotContain(TOKEN);
        } finally {
            service.ensureDead();
        }
    }

    @Test
    void a_second_node_on_one_embedded_h2_file_fails_at_start_up_saying_h2_is_single_node() throws Exception {
        Path config = write(config(vendorUrl()));
        ServiceProcess first = ServiceProcess.start(config, tmp.resolve("first.log"), false, List.of(), Map.of());
        try {
            long deadline = System.nanoTime() + FIRST_PAGE.toNanos();
            while (!first.output().contains("page committed") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            ServiceProcess second = ServiceProcess.start(config, tmp.resolve("second.log"), false, List.of(), Map.of());
            Integer exit = second.awaitExit(FAIL_FAST);
            second.ensureDead();
            assertThat(exit).as("the second node's exit code. Output tail:%n%s", second.tail(20)).isNotNull().isNotZero();
            assertThat(second.output()).contains("vendor-poller.db.url").contains("single-node")
                    .contains("PostgreSQL");
            assertThat(first.isAlive()).as("the first node runs on").isTrue();
        } finally {
            first.stop(Duration.ofSeconds(30));
        }
    }

    // ---- configuration files ------------------------------------------------------------------------------------

    @Test
    void json_logs_give_one_structured_line_per_page_and_never_the_token() throws Exception {
        Path config = write(config(vendorUrl()));
        ServiceProcess service = ServiceProcess.start(config, tmp.resolve("json.log"), true, List.of(),
                Map.of("VENDOR_POLLER_LOG_FORMAT", "json"));
        try {
            long deadline = System.nanoTime() + FIRST_PAGE.toNanos();
            while (!service.stdout().contains("page committed") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } finally {
            service.stop(Duration.ofSeconds(30));
        }
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var pages = new ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        for (String line : service.stdout().split("\n")) {
            if (!line.isBlank()) {
                var event = json.readTree(line); // every line is one JSON object
                if (event.path("message").asText().contains("page committed")) {
                    pages.add(event);
                }
            }
        }
        assertThat(pages).as("page lines in:%n%s", service.tail(20)).isNotEmpty();
        var fields = pages.get(0).get("fields");
        assertThat(fields.get("feed").asText()).isEqualTo(FEED);
        assertThat(fields.get("cursor_before").asText()).isEmpty();
        assertThat(fields.get("cursor_after").asText()).isNotEmpty();
        assertThat(fields.get("records").asInt()).isPositive();
        assertThat(fields.has("rejected")).isTrue();
        assertThat(fields.has("duration_ms")).isTrue();
        assertThat(pages.get(0).get("level").asText()).isEqualTo("INFO");
        assertThat(service.output()).doesNotContain(TOKEN);
    }

    private List<String> config(String baseUrl) {
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "vendor-poller.db.url = jdbc:h2:file:" + tmp.resolve("db") + ";WRITE_DELAY=0",
                "vendor-poller.retry.base-delay = 100ms",
                "vendor-poller.retry.max-delay = 1s",
                "vendor-poller.demo.enabled = false",
                "vendor-poller.feeds = " + FEED,
                P + "type = registration-api",
                P + "base-url = " + baseUrl,
                P + "token = " + TOKEN,
                P + "schedule.interval = 200ms",
                P + "page-size = 50"));
        return lines;
    }

    private Path write(List<String> lines) throws IOException {
        Path file = tmp.resolve("startup-" + UUID.randomUUID() + ".properties");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> without(List<String> config, String key) {
        List<String> out = new ArrayList<>(config);
        out.removeIf(line -> line.startsWith(key + " ") || line.startsWith(key + "="));
        return out;
    }

    private static List<String> with(List<String> config, String key, String value) {
        List<String> out = without(config, key);
        out.add(key + " = " + value);
        return out;
    }

    private static String vendorUrl() {
        return "http://127.0.0.1:" + vendor.port();
    }

    /** A loopback port nobody listens on (just closed). */
    private static String wrongUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }
}
