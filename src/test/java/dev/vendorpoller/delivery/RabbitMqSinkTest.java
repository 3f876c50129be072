package dev.vendorpoller.delivery;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rabbitmq: sink against the machine's RabbitMQ (127.0.0.1:5672, guest/guest; .ci/run starts it when down). */
class RabbitMqSinkTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();
    WireMockServer vendor;
    PollerHarness poller;
    Connection broker;
    Channel channel;
    String queue = "vendor-poller-test-" + UUID.randomUUID();

    @BeforeEach
    void prepare() throws Exception {
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 1000);
            up = true;
        } catch (IOException e) {
            up = false;
        }
        Assumptions.assumeTrue(up || "true".equals(System.getenv("CI")), "RabbitMQ is not listening on 127.0.0.1:5672");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        broker = factory.newConnection("vendor-poller-test");
        channel = broker.createChannel();
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson(DeliveryLanesTest.page("r", 3))));
        poller = newPoller();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (poller != null) {
            poller.close();
        }
        if (vendor != null) {
            vendor.stop();
        }
        if (channel != null) {
            channel.queueDelete(queue);
            broker.close();
        }
    }

    @Test
    void should_deliver_each_version_to_the_queue_with_its_idempotency_key_as_a_header_once_the_broker_confirmed() throws Exception {
        poller.feed("forms", vendor.baseUrl(), "page-size", "10", "sink-uri", "rabbitmq:" + queue).start();

        await("outbox drained", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 3
                && poller.count("SELECT COUNT(*) FROM outbox") == 0);

        Map<String, String> byHeader = new HashMap<>();
        GetResponse got;
        while ((got = channel.basicGet(queue, true)) != null) {
            String key = String.valueOf(got.getProps().getHeaders().get("Idempotency-Key"));
            String body = new String(got.getBody(), StandardCharsets.UTF_8);
            assertThat(JSON.readTree(body).get("idempotency_key").asText()).isEqualTo(key);
            assertThat(got.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
            assertThat(got.getProps().getMessageId()).isEqualTo(key);
            byHeader.put(key, body);
        }
        Set<String> ledger = poller.query("SELECT idempotency_key FROM ledger_registration").stream()
                .map(r -> (String) r.get("idempotency_key")).collect(Collectors.toSet());
        assertThat(byHeader.keySet()).isEqualTo(ledger).hasSize(3);
    }

    @Test
    void should_keep_messages_in_the_outbox_while_no_queue_takes_them_and_deliver_them_once_one_does() throws Exception {
        poller.feed("forms", vendor.baseUrl(), "page-size", "10", "sink-uri", "rabbitmq:" + queue + "?declare=false")
                .set("vendor-poller.outbox.max-attempts", "1000").start();

        await("ledgered", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration") == 3);
        await("refused: the broker returned them", WAIT, () ->
                poller.count("SELECT COUNT(*) FROM outbox WHERE attempts > 0 AND last_error LIKE '%returned%'") == 3);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();

        channel.queueDeclare(queue, true, false, false, null);
        await("delivered once the queue exists", WAIT, () -> poller.count("SELECT COUNT(*) FROM outbox") == 0);
        assertThat(channel.messageCount(queue)).isEqualTo(3);
    }
}
