package dev.vendorpoller.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.support.BacklogVendor;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that cannot keep its schedules says so (issue 14): one scheduler thread, and a feed whose run holds it for
 * about 12 s (slow pages, yielding switched off), so two feeds on 1 s schedules wait. Readiness turns DOWN with the
 * reason while they wait, their lateness is a metric, and once they ran the delay is in the histogram and readiness is
 * UP again. Over HTTP on loopback, as an operator or a probe sees it.
 */
class ScheduleDelayTest extends ServiceTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    BacklogVendor vendor;
    int port;

    @AfterEach
    void stopVendor() {
        if (vendor != null) {
            vendor.close();
        }
    }

    String observe(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    JsonNode schedulesCheck() throws Exception {
        for (JsonNode check : new ObjectMapper().readTree(observe("/observe/health")).get("checks")) {
            if (check.get("name").asText().equals("schedules")) {
                return check;
            }
        }
        throw new AssertionError("no readiness check 'schedules'");
    }

    double metric(String pattern) throws Exception {
        Matcher m = Pattern.compile(pattern + " ([0-9.E+-]+)").matcher(observe("/observe/metrics"));
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void readiness_turns_down_with_the_reason_while_feeds_wait_past_two_intervals_and_up_once_they_ran() throws Exception {
        vendor = new BacklogVendor(2_000).backlog("a-hog", 2_000).pageDelayMillis("a-hog", 600)
                .backlog("b-feed", 10).backlog("c-feed", 10);
        port = PollerHarness.freeLoopbackPort();
        PollerHarness poller = newPoller().set("camel.management.enabled", "true")
                .set("camel.management.port", String.valueOf(port))
                .set("vendor-poller.poll.threads", "1")
                .set("vendor-poller.poll.max-pages-per-run", "1000").set("vendor-poller.poll.max-run-time", "1h");
        // a-hog sorts first among triggers due at the same time: it takes the only thread for 20 pages x 0.6 s
        poller.feed("a-hog", vendor.baseUrl("a-hog"), "schedule.interval", "1m", "page-size", "100");
        poller.feed("b-feed", vendor.baseUrl("b-feed"), "schedule.interval", "1s", "page-size", "100");
        poller.feed("c-feed", vendor.baseUrl("c-feed"), "schedule.interval", "1s", "page-size", "100");
        poller.start();
        assertThat(schedulesCheck().get("status").asText()).isEqualTo("UP");

        PollerHarness.await("readiness DOWN for the schedules", Duration.ofSeconds(20),
                () -> check("DOWN"));
        JsonNode down = schedulesCheck();
        System.out.println("readiness: " + down);
        assertThat(down.get("message").asText())
                .startsWith("2 of 3 feeds are more than 2 intervals late (most: ")
                .contains("this node cannot keep its schedules");
        assertThat(poller.count("SELECT COUNT(*) FROM feed_cursor WHERE feed IN ('b-feed', 'c-feed')")).isZero();
        assertThat(metric("vendor_poller_schedule_late_seconds\\{feed=\"b-feed\"}")).isGreaterThan(10);
        assertThat(metric("vendor_poller_schedule_late_seconds\\{feed=\"a-hog\"}")).isZero(); // its own run: not late

        PollerHarness.await("readiness UP once the waiting feeds ran", Duration.ofSeconds(30), () -> check("UP"));
        assertThat(poller.count("SELECT COUNT(*) FROM feed_cursor WHERE feed IN ('b-feed', 'c-feed')")).isEqualTo(2);
        // the first run of b-feed fired more than 10 s after it was due: the histogram has it
        assertThat(metric("vendor_poller_schedule_delay_seconds_max\\{feed=\"b-feed\",trigger=\"schedule\"}"))
                .isGreaterThan(10);
        assertThat(metric("vendor_poller_schedule_delay_seconds_count\\{feed=\"b-feed\",trigger=\"schedule\"}"))
                .isGreaterThanOrEqualTo(1);
    }

    private boolean check(String status) {
        try {
            return schedulesCheck().get("status").asText().equals(status);
        } catch (Exception e) {
            return false;
        }
    }
}
