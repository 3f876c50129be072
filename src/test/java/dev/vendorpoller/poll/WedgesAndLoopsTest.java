package dev.vendorpoller.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.vendorpoller.support.PollerHarness.await;
import static dev.vendorpoller.support.VendorPages.page;
import static dev.vendorpoller.support.VendorPages.rec;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.vendorpoller.support.VendorAndPoller;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Inputs that used to wedge a feed or loop a run for ever (issue 12, "Wedges and loops"): the real service against
 * WireMock on loopback and a real H2 file database, one test per scenario.
 */
class WedgesAndLoopsTest extends VendorAndPoller {
    static final Duration WAIT = Duration.ofSeconds(20);

    MappingBuilder pageAt(String cursor) {
        var m = get(urlPathEqualTo("/registrations")).withQueryParam("limit", equalTo("2"));
        return cursor == null ? m.withQueryParam("cursor", absent()) : m.withQueryParam("cursor", equalTo(cursor));
    }

    int requestsAt(String cursor) {
        return vendor.findAll(getRequestedFor(urlPathEqualTo("/registrations")).withQueryParam("cursor",
                cursor == null ? absent() : equalTo(cursor))).size();
    }

    String storedCursor(String feed) {
        List<Map<String, Object>> rows = poller.query("SELECT cursor_value FROM feed_cursor WHERE feed = ?", feed);
        return rows.isEmpty() ? null : (String) rows.get(0).get("cursor_value");
    }

    @Test
    void should_store_and_follow_a_cursor_longer_than_4000_characters() throws Exception {
        String longCursor = "c".repeat(6_000);
        vendor.stubFor(pageAt(null).willReturn(okJson(page(longCursor, true, rec("r1", "a@x.io", "2026-01-01T00:00:01Z")))));
        vendor.stubFor(pageAt(longCursor).willReturn(okJson(page(longCursor, false, rec("r2", "b@x.io", "2026-01-01T00:00:02Z")))));
        poller.feed("forms", vendor.baseUrl()).start();

        await("the page after the long cursor read twice", WAIT, () -> requestsAt(longCursor) >= 2);

        assertThat(storedCursor("forms")).isEqualTo(longCursor);
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration")).isEqualTo(2);
        assertThat(poller.count("SELECT COUNT(*) FROM dead_letter")).isZero();
    }
}
