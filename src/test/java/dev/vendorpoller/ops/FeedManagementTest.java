package dev.vendorpoller.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.RMIServerSocketFactory;
import java.time.Duration;
import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feed MBean driven the way an operator does: through a remote JMX connection (RMI on 127.0.0.1). */
class FeedManagementTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static JMXConnectorServer jmxServer;
    static JMXServiceURL jmxUrl;
    WireMockServer vendor;
    PollerHarness poller;
    JMXConnector client;
    MBeanServerConnection jmx;
    ObjectName feed;

    @BeforeAll
    static void startJmxConnector() throws Exception {
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        RMIServerSocketFactory loopback = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        int port;
        port = PollerHarness.freeLoopbackPort();
        LocateRegistry.createRegistry(port, null, loopback);
        jmxUrl = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        jmxServer = JMXConnectorServerFactory.newJMXConnectorServer(jmxUrl,
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopback), ManagementFactory.getPlatformMBeanServer());
        jmxServer.start();
    }

    @AfterAll
    static void stopJmxConnector() throws Exception {
        jmxServer.stop();
    }

    @BeforeEach
    void startVendor() throws Exception {
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent()).willReturn(okJson(
                "{\"data\":[" + rec("r1", "paid") + "," + rec("r2", "cancelled") + "],\"next_cursor\":\"c1\",\"has_more\":false}")));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1"))
                .willReturn(okJson("{\"data\":[],\"next_cursor\":\"c1\",\"has_more\":false}")));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("x9"))
                .willReturn(okJson("{\"data\":[" + rec("r3", "paid") + "],\"next_cursor\":\"x9\",\"has_more\":false}")));
        poller = newPoller().set("camel.main.jmx-enabled", "true");
        feed = FeedManagement.objectName("forms");
    }

    @AfterEach
    void stopVendorAndService() throws Exception {
        if (client != null) {
            client.close();
        }
        poller.close();
        vendor.stop();
    }

    static String rec(String id, String status) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + id + "@x.io\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"" + status
                + "\",\"created_at\":1,\"updated_at\":2,\"metadata\":{}}";
    }

    void startAndConnect(String... feedSettings) throws Exception {
        // one scheduled poll at start, then only what the operator triggers
        String[] settings = new String[feedSettings.length + 2];
        settings[0] = "schedule.interval";
        settings[1] = "1h";
        System.arraycopy(feedSettings, 0, settings, 2, feedSettings.length);
        poller.feed("forms", vendor.baseUrl(), settings).start();
        client = JMXConnectorFactory.connect(jmxUrl);
        jmx = client.getMBeanServerConnection();
    }

    Object attr(String name) throws Exception {
        return jmx.getAttribute(feed, name);
    }

    Object call(String operation, Object... args) throws Exception {
        String[] signature = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            signature[i] = args[i] instanceof Long ? "long" : args[i].getClass().getName();
        }
        return jmx.invoke(feed, operation, args, signature);
    }

    int requestsAt(String cursor) {
        return vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations"))
                .withQueryParam("cursor", cursor == null ? absent() : equalTo(cursor))).size();
    }

    @Test
    void should_show_the_feed_and_pause_resume_and_poll_it_on_demand() throws Exception {
        startAndConnect();
        await("first scheduled poll", WAIT, () -> requestsAt(null) == 1);
        await("page committed", WAIT, () -> poller.count("SELECT COUNT(*) FROM feed_cursor") == 1);

        assertThat(attr("Cursor")).isEqualTo("c1");
        assertThat(attr("State")).isEqualTo("Started");
        assertThat(attr("PagesFetched")).isEqualTo(1L);
        assertThat(attr("RecordsIn")).isEqualTo(2L);
        assertThat(attr("RecordsLedgered")).isEqualTo(1L);
        assertThat(attr("RecordsRejected")).isEqualTo(1L);
        assertThat(attr("RejectsStored")).isEqualTo(1L);
        assertThat(attr("DeadLettered")).isEqualTo(0L);
        assertThat((Long) attr("LagSeconds")).isGreaterThan(0L);
        assertThat((String) attr("LastSuccessfulPoll")).isNotEmpty();
        assertThat(attr("Account")).isEqualTo("forms");
        assertThat(attr("BreakerState")).isEqualTo("CLOSED");
        assertThat(attr("BudgetRemaining")).as("nothing stated or configured").isEqualTo(-1L);
        assertThat(jmx.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"poll-forms\",*"), null))
                .as("Camel's own route MBean, named for the feed").hasSize(1);

        assertThat(call("pollNow")).isEqualTo("poll triggered");
        await("polled on demand", WAIT, () -> requestsAt("c1") == 1);

        assertThat(call("pause")).isEqualTo("paused");
        assertThat(call("pause")).isEqualTo("already paused");
        assertThat(attr("State")).isEqualTo("Suspended");
        assertThat(call("pollNow")).isEqualTo("paused: resume first");
        assertThat(call("resume")).isEqualTo("resumed");
        assertThat(call("resume")).isEqualTo("not paused");
        call("pollNow");
        await("polled after resume", WAIT, () -> requestsAt("c1") == 2);
    }

    @Test
    void should_reset_the_cursor_to_a_validated_value_and_read_from_there() throws Exception {
        startAndConnect();
        await("page committed", WAIT, () -> poller.count("SELECT COUNT(*) FROM feed_cursor") == 1);

        assertThat((String) call("resetCursor", "x9")).isEqualTo("cursor c1 -> x9");
        assertThat(attr("Cursor")).isEqualTo("x9");
        assertThatThrownBy(() -> call("resetCursor", " ")).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> call("resetCursor", "bad\ncursor")).hasRootCauseInstanceOf(IllegalArgumentException.class);
        assertThat(attr("Cursor")).as("a refused reset changes nothing").isEqualTo("x9");

        call("pollNow");
        await("r3 ledgered after the reset", WAIT, () -> poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'r3'") == 1);
        assertThat(requestsAt("x9")).isEqualTo(1);
        assertThat(requestsAt("c1")).isZero();

        assertThat((String) call("resetCursor", "START")).isEqualTo("cursor x9 -> <start>");
        assertThat(attr("Cursor")).isEqualTo("");
    }

    @Test
    void should_drop_the_page_in_flight_when_the_cursor_is_reset_under_it() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent()).willReturn(okJson(
                "{\"data\":[" + rec("r1", "paid") + "],\"next_cursor\":\"c1\",\"has_more\":true}")));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1")).willReturn(okJson(
                "{\"data\":[" + rec("r9", "paid") + "],\"next_cursor\":\"c2\",\"has_more\":false}").withFixedDelay(700)));
        startAndConnect();
        await("the second page is in flight", WAIT, () -> requestsAt("c1") == 1);

        call("resetCursor", "x9");
        Thread.sleep(1500); // the slow page has arrived and tried to commit

        assertThat(attr("Cursor")).as("the operator's reset wins").isEqualTo("x9");
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'r9'")).as("page dropped").isZero();
        call("pollNow");
        await("the next run reads after the reset cursor", WAIT, () ->
                poller.count("SELECT COUNT(*) FROM ledger_registration WHERE external_id = 'r3'") == 1);
    }

    @Test
    void should_replay_rejects_once_the_configuration_accepts_them() throws Exception {
        startAndConnect();
        await("page committed", WAIT, () -> poller.count("SELECT COUNT(*) FROM feed_cursor") == 1);
        assertThat(call("replayRejects")).isEqualTo("0 reject(s) now valid and passed on, 1 still invalid");
        client.close();
        poller.stop();

        // the vendor's 'cancelled' is mapped now: the stored reject passes the contract on replay
        startAndConnect("payment-statuses", "cancelled:FAILED");
        assertThat(call("replayRejects")).isEqualTo("1 reject(s) now valid and passed on, 0 still invalid");
        assertThat(call("replayRejects")).isEqualTo("0 reject(s) now valid and passed on, 0 still invalid");
        assertThat(poller.query("SELECT payment_status FROM ledger_registration WHERE external_id = 'r2'"))
                .containsExactly(Map.of("payment_status", "FAILED"));
        assertThat(attr("RejectsStored")).isEqualTo(0L);
        assertThat(call("replayDeadLetters")).isEqualTo("0 dead letter(s) replayed");
        assertThat(call("replayDeadLetter", 42L)).isEqualTo("no open dead letter #42");
    }
}
