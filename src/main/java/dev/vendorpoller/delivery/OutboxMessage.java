package dev.vendorpoller.delivery;

/** One pending delivery: what to send where, and how often it was tried. */
public record OutboxMessage(long id, String feed, OutboxKind kind, String endpointUri, String idempotencyKey,
        String payload, int attempts) {

    /** The same message after one more failed attempt. */
    OutboxMessage attempted() {
        return new OutboxMessage(id, feed, kind, endpointUri, idempotencyKey, payload, attempts + 1);
    }
}
