package dev.vendorpoller.delivery;

/** One pending delivery: what to send where, and how often it was tried. */
public record OutboxMessage(long id, String feed, String kind, String endpointUri, String idempotencyKey,
        String payload, int attempts) {
}
