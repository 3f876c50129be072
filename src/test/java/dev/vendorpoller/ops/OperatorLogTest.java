package dev.vendorpoller.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service's INFO log as an operator reads it: one short line per page (long cursors cut), one line per retry
 * with its classified reason and no stock "Failed delivery for" warning, one configuration line instead of Camel's
 * summaries, and the health URL at the address the management server binds.
 */
class OperatorLogTest extends VendorAndPoller {
    private static final String LONG_CURSOR = "forward:scan:" + "x".repeat(300) + ":end:tail-0042";
    private final Capture capture = new Capture();

    /** What the configured appenders get: INFO and above, as the console shows it. */
    private static final class Capture extends AbstractAppender {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        Capture() {
            super("capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getMessage().getFormattedMessage());
        }

        List<String> snapshot() {
            synchronized (lines) {
                return new ArrayList<>(lines);
            }
        }
    }

    @BeforeEach
    void attach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        capture.start();
        context.getConfiguration().getRootLogger().addAppender(capture, Level.INFO, null);
        context.getConfiguration().getLoggers().values().forEach(l -> l.addAppender(capture, Level.INFO, null));
        context.updateLoggers();
    }

    @AfterEach
    void detach() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("capture");
        context.getConfiguration().getLoggers().values().forEach(l -> l.removeAppender("capture"));
        context.updateLoggers();
    }

    private static ScenarioMappingBuilder first() {
        return get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent()).inScenario("flaky");
    }

    @Test
    void should_log_one_short_line_per_page_and_per_retry_with_its_reason_and_the_real_health_url() throws Exception {
        vendor.stubFor(first().whenScenarioStateIs(Scenario.STARTED).willSetStateTo("once")
                .willReturn(aResponse().withStatus(503).withBody("busy")));
        vendor.stubFor(first().whenScenarioStateIs("once").willSetStateTo("twice").willReturn(aResponse().withStatus(503).withBody("busy")));
        vendor.stubFor(first().whenScenarioStateIs("twice")
                .willReturn(okJson(page(LONG_CURSOR, false, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo(LONG_CURSOR))
                .willReturn(okJson(page(LONG_CURSOR, false))));
        int management = PollerHarness.freeLoopbackPort();
        poller.set("camel.management.enabled", "true").set("camel.management.port", String.valueOf(management))
                .set("camel.management.host", "127.0.0.1").feed("forms", vendor.baseUrl(), "schedule.interval", "1h").start();

        await("the page committed", Duration.ofSeconds(20),
                () -> capture.snapshot().stream().anyMatch(l -> l.contains("page committed")));
        List<String> lines = capture.snapshot();

        List<String> retries = lines.stream().filter(l -> l.contains("vendor-poller.retry")).toList();
        assertThat(retries).hasSize(2);
        assertThat(retries.get(0)).contains("feed=forms page after cursor <start>: retry 1 of 3: vendor failure 503");
        assertThat(retries.get(1)).contains("retry 2 of 3");
        assertThat(lines).noneMatch(l -> l.contains("Failed delivery for"));

        String pageLine = lines.stream().filter(l -> l.contains("page committed")).findFirst().orElseThrow();
        assertThat(pageLine).contains("tail-0042").contains("…").doesNotContain("x".repeat(60));
        assertThat(pageLine.length()).isLessThan(260);

        assertThat(lines).anyMatch(l -> l.contains("configuration: ") && l.contains("feeds forms"));
        assertThat(lines).noneMatch(l -> l.contains("Property-placeholders summary"));
        assertThat(lines).anyMatch(l -> l.contains("health on http://127.0.0.1:" + management + "/observe/health"));
        assertThat(lines).noneMatch(l -> l.contains("0.0.0.0"));
    }
}
