package dev.vendorpoller.store;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.LocalPostgres;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same migrations, SQL and page transaction on PostgreSQL (127.0.0.1:5432, database test, trust auth), each run
 * in a schema of its own. Skipped where no PostgreSQL listens, except under CI=true, where .ci/run starts it and a
 * missing server is a failure rather than a silent skip.
 */
class PostgresPortabilityTest extends ServiceTest {
    static final String SERVER = LocalPostgres.URL;
    static final Duration WAIT = Duration.ofSeconds(20);
    WireMockServer vendor;
    PollerHarness poller;
    String schema;

    @BeforeEach
    void startVendor() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("vp_");
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        poller = newPoller().database(LocalPostgres.url(schema), "postgres").set("vendor-poller.node-id", "pg-node-1");
    }

    @AfterEach
    void stopVendorAndService() throws Exception {
        if (poller != null) {
            poller.close();
        }
        if (vendor != null) {
            vendor.stop();
        }
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }


    @Test
    void should_run_the_whole_page_transaction_on_postgresql_and_resume_after_a_restart() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent()).willReturn(okJson(
                "{\"data\":[" + rec("r1", "a@x.io", "2026-01-01T00:00:01Z") + "," + rec("r2", "bad", "2026-01-01T00:00:02Z")
                        + "],\"next_cursor\":\"c1\",\"has_more\":true}")));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1")).willReturn(okJson(
                "{\"data\":[" + rec("r1", "a@x.io", "2026-01-01T00:00:01Z") + "," + rec("r1", "new@x.io", "2026-01-01T00:00:09Z")
                        + "],\"next_cursor\":\"c2\",\"has_more\":false}")));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c2"))
                .willReturn(okJson("{\"data\":[],\"next_cursor\":\"c2\",\"has_more\":false}")));
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(200)));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink")
                .set("vendor-poller.idempotency.prune-cron", "0/1+*+*+*+*+?")
                .start();

        // r1's first version is sent only if the drain takes it before page c1 commits r1's newer one (issue 11: a
        // newer pending version supersedes an older undelivered one), so 1 or 2 posts, the newest last
        await("caught up and delivered", WAIT, () -> countAt("c2") >= 1 && poller.count("SELECT COUNT(*) FROM outbox") == 0
                && vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).stream()
                        .anyMatch(r -> r.getBodyAsString().contains("new@x.io")));
        var sinkPosts = vendor.findAll(postRequestedFor(urlPathEqualTo("/sink")));
        assertThat(sinkPosts.size()).isBetween(1, 2);
        assertThat(sinkPosts.get(sinkPosts.size() - 1).getBodyAsString()).contains("new@x.io");
        poller.restart();
        int before = countAt("c2");
        await("polled again after restart", WAIT, () -> countAt("c2") > before);

        assertThat(countAt(null)).isEqualTo(1);
        assertThat(poller.query("SELECT email, versions_seen, payment_status FROM ledger_registration"))
                .containsExactly(Map.of("email", "new@x.io", "versions_seen", 2, "payment_status", "COMPLETED"));
        assertThat(poller.count("SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED")).isEqualTo(2);
        assertThat(poller.count("SELECT COUNT(*) FROM rejected_record")).isEqualTo(1);
        assertThat(poller.query("SELECT cursor_value FROM feed_cursor")).containsExactly(Map.of("cursor_value", "c2"));
        assertThat(poller.count("SELECT COUNT(*) FROM outbox")).isZero();
        long migrations = 0;
        for (String location : List.of("src/main/resources/db/migration", "src/main/resources/db/cluster/postgresql")) {
            try (var files = Files.list(Path.of(location))) {
                migrations += files.filter(f -> f.getFileName().toString().matches("V.*__.*\\.sql")).count();
            }
        }
        assertThat(poller.query("SELECT COUNT(*) AS n FROM flyway_schema_history WHERE success"))
                .as("every migration applied, Quartz's cluster tables included").containsExactly(Map.of("n", migrations));
        assertThat(poller.query("SELECT instance_name FROM qrtz_scheduler_state"))
                .as("the node checked in to the cluster under its node id").containsExactly(Map.of("instance_name", "pg-node-1"));
        assertThat(poller.query("SELECT trigger_group, trigger_name FROM qrtz_triggers WHERE sched_name = 'vendor-poller'"))
                .as("the feed's and the prune's triggers are in the database").containsExactlyInAnyOrder(
                        Map.of("trigger_group", "vendor-poller", "trigger_name", "forms"),
                        Map.of("trigger_group", "vendor-poller", "trigger_name", "idempotency-prune"));
    }

    /** In a cluster each node's metrics carry its name, and its health says whether it is a live member. */
    @Test
    void should_label_metrics_with_the_node_and_report_its_cluster_membership_in_health() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(
                "{\"data\":[" + rec("r1", "a@x.io", "2026-01-01T00:00:01Z") + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        int port = PollerHarness.freeLoopbackPort();
        poller.feed("forms", vendor.baseUrl()).set("camel.management.enabled", "true")
                .set("camel.management.port", String.valueOf(port)).set("vendor-poller.cluster.checkin-interval", "1s").start();
        HttpClient http = HttpClient.newHttpClient();
        await("the node checked in and its health is up", WAIT, () -> {
            String health = scrape(http, port, "/observe/health");
            return health.contains("\"cluster\"") && !health.contains("\"DOWN\"");
        });

        String metrics = scrape(http, port, "/observe/metrics");
        List<String> ours = metrics.lines().filter(l -> l.startsWith("vendor_poller_")).toList();
        assertThat(ours).as("the service's own series").isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("node=\"pg-node-1\""));
        assertThat(metrics.lines().filter(l -> l.startsWith("camel_exchanges_total")))
                .as("Camel's route series too").isNotEmpty().allSatisfy(line -> assertThat(line).contains("node=\"pg-node-1\""));
        String health = scrape(http, port, "/observe/health?data=true");
        assertThat(health).contains("\"node\":\"pg-node-1\"").contains("\"nodes_alive\":\"pg-node-1\"");
    }

    private static String scrape(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private int countAt(String cursor) {
        return vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations"))
                .withQueryParam("cursor", cursor == null ? absent() : equalTo(cursor))).size();
    }
}
