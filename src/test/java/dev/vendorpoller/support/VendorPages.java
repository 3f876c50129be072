package dev.vendorpoller.support;

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
}
