package dev.vendorpoller.support;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.MappingBuilder;

/** Records and pages in the registration-api shape, for tests that play the vendor with WireMock. */
public final class VendorPages {
    private VendorPages() {
    }

    public static String rec(String id, String email, String updatedAt) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\","
                + "\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":\"" + updatedAt + "\",\"metadata\":{\"k\":\"" + id + "\"}}";
    }

    public static String page(String next, boolean hasMore, String... records) {
        return "{\"data\":[" + String.join(",", records) + "],\"next_cursor\":" + (next == null ? "null" : "\"" + next + "\"")
                + ",\"has_more\":" + hasMore + "}";
    }

    /** WireMock's request for the registration-api page at {@code cursor} (null: the first), as the harness's feeds ask it (limit 2). */
    public static MappingBuilder pageAt(String cursor) {
        var m = get(urlPathEqualTo("/registrations")).withQueryParam("limit", equalTo("2"));
        return cursor == null ? m.withQueryParam("cursor", absent()) : m.withQueryParam("cursor", equalTo(cursor));
    }
}
