package dev.vendorpoller.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.pageAt;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.StoreSettings;
import dev.vendorpoller.support.LocalPostgres;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbox drain on PostgreSQL, where several nodes share the inbox: a node drains only while it holds the
 * {@code webhook-inbox} lease, takes it over once the node that held it stops renewing, and the webhook and the poll
 * of one version still make one ledger version and one sink delivery.
 */
class InboxDrainPostgresTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    WireMockServer vendor;
    PollerHarness poller;
    String schema;

    @BeforeEach
    void start() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("vp_wh_");
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        poller = newPoller().database(LocalPostgres.url(schema), "postgres").set("vendor-poller.node-id", "node-b")
                .set("vendor-poller.webhooks.drain-interval-ms", "100")
                .set("vendor-poller.webhooks.port", String.valueOf(PollerHarness.freeLoopbackPort()));
    }

    @AfterEach
    void stop() throws Exception {
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
    void only_the_lease_holder_drains_a_dead_holders_lease_is_taken_over_and_one_version_is_sent_once() throws Exception {
        // the schema exists before the node starts: another node (node-a) holds the drain's lease
        try (Database db = new Database(StoreSettings.of(LocalPostgres.url(schema), "postgres"))) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            db.jdbc().update("INSERT INTO lease (name, node, expires_at) VALUES ('webhook-inbox', 'node-a', ?)", now.plusMinutes(5));
            db.jdbc().update("INSERT INTO webhook_inbox (feed, delivery_id, style, body, received_at, state, attempts,"
                    + " next_attempt_at) VALUES ('forms', 'msg_1', 'standard-webhooks', ?, ?, 'PENDING', 0, ?)",
                    "{\"data\":" + rec("r1", "r1@x.io", "2026-01-01T00:00:01Z") + "}", now, now);
        }
        vendor.stubFor(post(urlPathEqualTo("/sink")).willReturn(aResponse().withStatus(201)));
        vendor.stubFor(pageAt(null).willReturn(okJson(page("c0", false))));
        vendor.stubFor(pageAt("c0").willReturn(okJson(page("c0", false))));
        poller.feed("forms", vendor.baseUrl(), "sink-uri", vendor.baseUrl() + "/sink", "webhook.style", "standard-webhooks",
                "webhook.secrets", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        poller.start();

        Thread.sleep(1_800); // the drain's timer has fired many times by now
        assertThat(poller.query("SELECT state FROM webhook_inbox")).as("node-a holds the lease: node-b leaves the row")
                .containsExactly(Map.of("state", "PENDING"));

        // node-a dies: it stops renewing, and its lease runs out
        poller.update("UPDATE lease SET expires_at = ? WHERE name = 'webhook-inbox'", OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1));
        await("node-b takes the expired lease and drains", WAIT,
                () -> poller.query("SELECT state FROM webhook_inbox").equals(List.of(Map.of("state", "DONE"))));
        assertThat(poller.query("SELECT node FROM lease WHERE name = 'webhook-inbox'")).containsExactly(Map.of("node", "node-b"));

        // the poll then reads the same version: one ledger version, one sink delivery
        vendor.stubFor(pageAt("c0").willReturn(okJson(page("c1", false, rec("r1", "r1@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt("c1").willReturn(okJson(page("c1", false))));
        await("polled", WAIT, () -> "c1".equals(poller.storedCursor("forms")));
        await("sent", WAIT, () -> vendor.findAll(postRequestedFor(urlPathEqualTo("/sink"))).size() == 1);
        Thread.sleep(500);
        assertThat(vendor.findAll(postRequestedFor(urlPathEqualTo("/sink")))).hasSize(1);
        assertThat(poller.query("SELECT versions_seen FROM ledger_registration WHERE external_id = 'r1'"))
                .containsExactly(Map.of("versions_seen", 1));
        assertThat(poller.count("SELECT SUM(by_webhook) FROM webhook_coverage")).as("first seen by the webhook").isEqualTo(1);
        assertThat(poller.count("SELECT SUM(by_poll) FROM webhook_coverage")).isZero();
    }
}
