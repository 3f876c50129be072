package dev.vendorpoller.delivery;

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

import dev.vendorpoller.support.VendorAndPoller;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A page that fails on every scheduled run (a stuck cursor) keeps one open dead letter, not one per run. */
class StuckPageDeadLetterTest extends VendorAndPoller {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void should_keep_one_open_dead_letter_for_a_cursor_stuck_over_several_runs() throws Exception {
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", absent())
                .willReturn(okJson(page("c1", true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(get(urlPathEqualTo("/registrations")).withQueryParam("cursor", equalTo("c1"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\":\"cursor expired\"}")));
        poller.feed("forms", vendor.baseUrl(), "schedule.interval", "300ms").start();

        await("three runs refused at c1", WAIT, () -> requestsAt("c1") >= 3);
        await("the third run recorded", WAIT, () -> poller.count("SELECT COALESCE(MAX(failures), 0) FROM dead_letter") >= 3);

        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter WHERE feed = 'forms'")).isEqualTo(1);
        var dl = poller.query("SELECT kind, page_cursor, failures, http_status, replayed_at FROM dead_letter").get(0);
        assertThat(dl).containsEntry("kind", "PAGE").containsEntry("page_cursor", "c1").containsEntry("http_status", 400);
        assertThat(((Number) dl.get("failures")).intValue()).isGreaterThanOrEqualTo(3);
        assertThat(dl.get("replayed_at")).isNull();

        // once replayed (marked handled), the next failure of the same page opens a new one
        long id = poller.count("SELECT id FROM dead_letter");
        try (Connection c = DriverManager.getConnection(poller.jdbcUrl(), "sa", "")) {
            c.createStatement().executeUpdate("UPDATE dead_letter SET replayed_at = CURRENT_TIMESTAMP WHERE id = " + id);
        }
        await("a new dead letter after the replay", WAIT,
                () -> poller.count("SELECT COUNT(*) FROM dead_letter WHERE replayed_at IS NULL") == 1);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isEqualTo(2);
    }
}
