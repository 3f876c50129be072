package dev.vendorpoller.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.support.LocalPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook answered 2xx is durable: the fat jar (on PostgreSQL, which the test can read while the service runs)
 * takes signed webhooks (hmac style), and is killed with SIGKILL right
 * after the last 2xx, before its inbox drain has run. After a restart every event answered 2xx reaches the ledger,
 * once, and the sink, with its Idempotency-Key; none answered 2xx is lost.
 */
class WebhookKillIT {
    static final int EVENTS = 200;
    static final String SECRET = "whk-kill-test-secret-0001";
    ClusterIT.Vendor vendor;
    RecordingSink sink;
    Path dir;
    int webhookPort;
    String schema;
    final List<ServiceProcess> runs = new ArrayList<>();

    @BeforeEach
    void vendorAndSink() throws Exception {
        LocalPostgres.assumeUp();
        schema = LocalPostgres.createSchema("webhook_kill_");
        vendor = new ClusterIT.Vendor(Duration.ZERO);
        vendor.records("forms", 0); // polling finds nothing: every record comes by webhook
        sink = new RecordingSink();
        dir = ServiceProcess.freshDirectory(Path.of("target", "webhook-kill-it").toAbsolutePath());
        webhookPort = ClusterIT.freePort();
    }

    @AfterEach
    void stop() throws Exception {
        for (ServiceProcess run : runs) {
            run.ensureDead();
        }
        vendor.close();
        sink.close();
        if (schema != null) {
            LocalPostgres.dropSchema(schema);
        }
    }

    @Test
    void every_webhook_answered_2xx_before_a_sigkill_is_ledgered_once_after_the_restart() throws Exception {
        Path config = writeConfig();
        ServiceProcess first = ServiceProcess.start(config, dir.resolve("run-1.log"), false, List.of(), Map.of());
        runs.add(first);
        HttpClient http = HttpClient.newHttpClient();
        // up means the feed's route verifies: an unsigned probe is refused 401 (before the route is started the
        // server answers 404 for every path, as it does for a feed without webhooks)
        await("the webhook route up", Duration.ofSeconds(60), () -> sendUnsigned(http) == 401);

        int accepted = 0;
        Map<Integer, Integer> answers = new java.util.TreeMap<>();
        for (int i = 0; i < EVENTS; i++) {
            String body = "{\"id\":\"w" + i + "\",\"email\":\"w" + i + "@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\","
                    + "\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"2026-01-01T00:00:01Z\",\"metadata\":{}}";
            // as a sender does: a delivery not answered 2xx (no answer, 5xx) is sent again, a few times
            for (int attempt = 1; attempt <= 5; attempt++) {
                int status = send(http, "d" + i, body);
                answers.merge(status, 1, Integer::sum);
                if (status == 200) {
                    accepted++;
                    break;
                }
            }
        }
        first.kill(); // right after the last 2xx
        long doneAtKill = query("SELECT COUNT(*) FROM webhook_inbox WHERE state = 'DONE'");
        assertThat(accepted).as("every signed webhook answered 2xx (answers by status, 0 = no answer: %s)", answers)
                .isEqualTo(EVENTS);
        assertThat(query("SELECT COUNT(*) FROM webhook_inbox WHERE delivery_id LIKE 'd%'")).as("each stored before its 2xx")
                .isEqualTo(EVENTS);

        runs.add(ServiceProcess.start(config, dir.resolve("run-2.log"), false, List.of(), Map.of()));
        await("every event ledgered after the restart", Duration.ofSeconds(60),
                () -> query("SELECT COUNT(*) FROM ledger_registration") == EVENTS);
        await("every event at the sink", Duration.ofSeconds(60), () -> sink.keys("/sink").size() == EVENTS);

        System.out.printf("WebhookKillIT: answers by status %s; %d webhooks answered 2xx, %d processed before the SIGKILL, %d ledgered after the"
                + " restart, %d posts%n", answers, accepted, doneAtKill, query("SELECT COUNT(*) FROM ledger_registration"), sink.posts());
        assertThat(query("SELECT COUNT(*) FROM ledger_registration WHERE versions_seen <> 1")).as("none applied twice").isZero();
        assertThat(query("SELECT COUNT(*) FROM webhook_inbox WHERE delivery_id LIKE 'd%' AND state <> 'DONE'")).isZero();
        assertThat(sink.postsWithoutKey()).isZero();
    }

    private int sendUnsigned(HttpClient http) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhookPort + "/webhooks/forms"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Status of one signed delivery (0: no answer). */
    private int send(HttpClient http, String id, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhookPort + "/webhooks/forms"))
                    .header("Content-Type", "application/json").header("X-Signature", signature).header("X-Delivery", id)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            System.out.println("WebhookKillIT: delivery " + id + " got no answer: " + e);
            return 0;
        }
    }

    private Path writeConfig() throws Exception {
        String f = "vendor-poller.feed.forms.";
        List<String> lines = new ArrayList<>(ServiceProcess.CAMEL_BASE);
        lines.addAll(List.of(
                "vendor-poller.db.url = " + LocalPostgres.url(schema),
                "vendor-poller.db.user = postgres",
                "vendor-poller.db.password =",
                "vendor-poller.outbox.poll-interval-ms = 100",
                "vendor-poller.demo.enabled = false",
                "vendor-poller.webhooks.port = " + webhookPort,
                // the drain's first pass comes 1 s after the start, the next a minute later: the kill comes before it
                "vendor-poller.webhooks.drain-interval-ms = 60000",
                // the restarted process is the same node (as with a fixed node id in a deployment): the leases the
                // killed process held (inbox drain, outbox lanes) are its own at once, not after their 60 s expiry,
                // which the drain, fired once a minute here, would only see after this test's wait
                "vendor-poller.node-id = webhook-kill-node",
                "vendor-poller.feeds = forms",
                f + "type = registration-api",
                f + "base-url = " + vendor.baseUrl("forms"),
                f + "token = t-forms",
                f + "schedule.interval = 1s",
                f + "tiers = GA-2026:GENERAL_ADMISSION",
                f + "sink-uri = " + sink.uri("/sink"),
                f + "webhook.style = hmac",
                f + "webhook.secrets = " + SECRET,
                f + "webhook.header = X-Signature",
                f + "webhook.id-header = X-Delivery"));
        Path config = dir.resolve("webhook-kill.properties");
        Files.write(config, lines, StandardCharsets.UTF_8);
        return config;
    }

    private long query(String sql) {
        return ServiceProcess.queryPostgres(LocalPostgres.url(schema), sql);
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ServiceProcess.await(what, timeout, condition, runs);
    }
}
