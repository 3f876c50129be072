package dev.vendorpoller.source.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** An encoded query string that only grows: {@code Query.of("a=1").with("cursor", "x y")} is {@code a=1&cursor=x+y}. */
final class Query {
    private final String encoded;

    private Query(String encoded) {
        this.encoded = encoded;
    }

    /** A query already encoded, as written in a URL ({@code a=1&b=2}); empty for none. */
    static Query of(String encoded) {
        return new Query(encoded == null ? "" : encoded);
    }

    /** Adds one parameter; the value is encoded here. */
    Query with(String name, String value) {
        String pair = name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
        return new Query(encoded.isEmpty() ? pair : encoded + "&" + pair);
    }

    @Override
    public String toString() {
        return encoded;
    }
}
