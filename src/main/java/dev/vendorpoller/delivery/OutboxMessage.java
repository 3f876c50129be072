package dev.vendorpoller.delivery;

import java.time.Instant;

/**
 * One pending delivery: what to send where, and how often it was tried.
 *
 * @param recordKey   for a record version (a SINK message): source and the vendor's id of the record; else null
 * @param versionTime the vendor's time of that version (null when recordKey is)
 * @param createdAt   when the message was committed with its ledger row (freshness is measured from here)
 */
public record OutboxMessage(long id, String feed, OutboxKind kind, String endpointUri, String idempotencyKey,
        String payload, int attempts, String recordKey, Instant versionTime, Instant createdAt) {

    /** The same message after one more failed attempt. */
    OutboxMessage attempted() {
        return new OutboxMessage(id, feed, kind, endpointUri, idempotencyKey, payload, attempts + 1, recordKey, versionTime,
                createdAt);
    }

    /** The lane it is delivered in. */
    public Lane lane() {
        return new Lane(feed, kind);
    }
}
