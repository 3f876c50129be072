package dev.vendorpoller.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL while batches are in flight to the sink: after a restart nothing is lost, and repeats carry the same keys. */
class BatchKillIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int RECORDS = 300;
    @TempDir
    Path tmp;
    WireMockServer vendor;

    @BeforeEach
    void setUp() {
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(20));
        vendor.start();
        String records = IntStream.rangeClosed(1, RECORDS).mapToObj(i -> "{\"id\":\"r" + i + "\",\"email\":\"r" + i
                + "@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",\"created_at\":1,\"updated_at\":2,\"metadata\":{}}")
                .collect(Collectors.joining(","));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":[" + records
                + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200).withFixedDelay(400)));
    }

    @AfterEach
    void tearDown() {
        vendor.stop();
    }

    /** Element keys of every batch the sink received, repeats included. */
    List<String> delivered() {
        List<String> keys = new ArrayList<>();
        vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).forEach(r -> {
            try {
                JSON.readTree(r.getBodyAsString()).forEach(e -> keys.add(e.get("idempotency_key").asText()));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        return keys;
    }

    @Test
    void should_lose_nothing_and_repeat_with_the_same_keys_after_a_sigkill_during_a_batch() throws Exception {
        String db = "jdbc:h2:file:" + tmp.resolve("db") + ";WRITE_DELAY=0";
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "vendor-poller.db.url = " + db,
                "vendor-poller.data-dir = " + tmp,
                "vendor-poller.demo.enabled = false",
                "vendor-poller.status.port = 0",
                "camel.management.enabled = false",
                "vendor-poller.outbox.poll-interval-ms = 100",
                "vendor-poller.feeds = forms",
                "vendor-poller.feed.forms.type = registration-api",
                "vendor-poller.feed.forms.base-url = " + vendor.baseUrl(),
                "vendor-poller.feed.forms.token = kill-token",
                "vendor-poller.feed.forms.schedule.interval = 1s",
                "vendor-poller.feed.forms.page-size = 1000",
                "vendor-poller.feed.forms.tiers = GA-2026:GENERAL_ADMISSION",
                "vendor-poller.feed.forms.sink-uri = " + vendor.baseUrl() + "/sink",
                "vendor-poller.feed.forms.sink-batch-size = 20",
                "vendor-poller.feed.forms.sink-concurrency = 2"));
        Path config = tmp.resolve("kill.properties");
        Files.write(config, lines, StandardCharsets.UTF_8);

        ServiceProcess first = ServiceProcess.start(config, tmp.resolve("first.log"), false, List.of(), Map.of());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).size() < 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo("/sink")))).as("batches in flight").hasSizeGreaterThanOrEqualTo(4);
        } finally {
            first.kill(); // mid-drain: batches in flight, accepted ones not yet settled
        }
        int beforeRestart = delivered().size();
        assertThat(beforeRestart).as("killed before the drain finished").isLessThan(RECORDS);

        ServiceProcess second = ServiceProcess.start(config, tmp.resolve("second.log"), false, List.of(), Map.of());
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (new HashSet<>(delivered()).size() < RECORDS && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(1500); // the last pass settles
        } finally {
            second.stop(Duration.ofSeconds(30));
        }

        Set<String> ledger = new HashSet<>();
        long outbox;
        try (Connection c = DriverManager.getConnection(db, "sa", "")) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT idempotency_key FROM ledger_registration")) {
                while (rs.next()) {
                    ledger.add(rs.getString(1));
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM outbox")) {
                rs.next();
                outbox = rs.getLong(1);
            }
        }
        List<String> keys = delivered();
        Map<String, Integer> times = new HashMap<>();
        keys.forEach(k -> times.merge(k, 1, Integer::sum));
        assertThat(ledger).hasSize(RECORDS);
        assertThat(times.keySet()).as("every ledgered version reached the sink; nothing else did").isEqualTo(ledger);
        assertThat(outbox).as("nothing left in the outbox").isZero();
        System.out.printf("BatchKillIT: %d element deliveries for %d records (%d repeated, with their own keys)%n",
                keys.size(), RECORDS, times.values().stream().filter(n -> n > 1).count());
    }
}
