package dev.vendorpoller.delivery;

/** What an outbox message is, which decides where it goes (the feed's endpoint for that kind) and how it is mapped. */
public enum OutboxKind {
    /** A new ledger version, to the feed's {@code sink-uri} (mapped by {@code sink-fields}). */
    SINK,
    /** A new reject, to the feed's {@code reject-uri}. */
    REJECT,
    /** A copy of a dead letter, to the feed's {@code dead-letter-uri}. */
    DEAD_LETTER
}
