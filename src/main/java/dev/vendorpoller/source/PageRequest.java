package dev.vendorpoller.source;

/** The request for one page: a URL without query, and the query string (already encoded). */
public record PageRequest(String url, String query) {
}
