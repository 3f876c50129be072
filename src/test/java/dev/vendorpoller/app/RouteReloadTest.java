package dev.vendorpoller.app;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.vendorpoller.support.PollerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dev profile: saving routes/poll-feed.yaml changes the running feeds; a broken save changes nothing. */
class RouteReloadTest extends ServiceTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String BEGIN = "          - bean:\n              ref: pollSteps\n              method: begin";
    static final String TAG_RUN = "          - setProperty:\n              name: flowVersion\n              expression:\n"
            + "                constant:\n                  expression: \"v2\"\n";
    static final String FETCH = "        - doTry:\n";
    static final String SEND_TAG = "        - setHeader:\n            name: X-Flow-Version\n            expression:\n"
            + "              simple:\n                expression: \"${exchangeProperty.flowVersion}\"\n";
    WireMockServer vendor;
    PollerHarness poller;
    Path routes;

    @BeforeEach
    void startVendor() throws Exception {
        vendor = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(get(urlPathEqualTo("/registrations")).willReturn(okJson("{\"data\":[],\"next_cursor\":\"c1\",\"has_more\":false}")));
        routes = Files.createTempDirectory("routes");
        for (String file : new String[] {"poll-feed.yaml", "vendor-account.yaml", "errors.yaml", "outbox-drain.yaml"}) {
            Files.copy(Path.of("routes", file), routes.resolve(file));
        }
        // the same keys as config/application-dev.properties, pointed at a copy of routes/
        poller = newPoller()
                .set("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml")
                .set("camel.main.routes-reload-enabled", "true")
                .set("camel.main.routes-reload-directory", routes.toString())
                .set("camel.main.routes-reload-pattern", "*.yaml")
                .set("camel.main.routes-reload-remove-all-routes", "false");
    }

    @AfterEach
    void stopVendorAndService() throws Exception {
        poller.close();
        vendor.stop();
    }

    int requestsWith(String header, String value) {
        return vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations")).withHeader(header, equalTo(value))).size();
    }

    @Test
    void should_apply_a_saved_template_to_the_running_feeds_and_survive_a_broken_save() throws Exception {
        poller.feed("forms", vendor.baseUrl()).start();
        await("polling", WAIT, () -> vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations"))).size() >= 1);

        // An engineer edits the flow: the template tags each run, fetch-page sends the tag to the vendor.
        String yaml = Files.readString(routes.resolve("poll-feed.yaml"));
        assertThat(yaml).contains(BEGIN).contains(FETCH);
        String edited = yaml.replace(BEGIN, TAG_RUN + BEGIN).replace(FETCH, SEND_TAG + FETCH);
        Files.writeString(routes.resolve("poll-feed.yaml"), edited);
        await("requests from the edited template", WAIT, () -> requestsWith("X-Flow-Version", "v2") >= 2);

        // A save that does not parse: reported, and the feed keeps polling with the last good flow.
        Files.writeString(routes.resolve("poll-feed.yaml"), edited + "\n- route: [unbalanced\n");
        Thread.sleep(3000);
        int before = requestsWith("X-Flow-Version", "v2");
        await("still polling with the last good flow", WAIT, () -> requestsWith("X-Flow-Version", "v2") >= before + 3);
        assertThat(poller.context().getRoute("poll-forms")).isNotNull();
    }
}
