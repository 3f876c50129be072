package dev.vendorpoller.delivery;

import java.time.Instant;

/**
 * A row of dead_letter: something that failed after its retries, with the context to replay it.
 *
 * @param outboxKind      for a DELIVERY: the kind of the message, which says where a replay goes; null for a PAGE
 * @param httpStatus      the vendor's status on the last attempt (null: no answer, e.g. a timeout or an open breaker)
 * @param responseExcerpt the start of the vendor's body on the last attempt, masked (null: none)
 */
public record DeadLetter(long id, String feed, Kind kind, OutboxKind outboxKind, String pageCursor, String endpointUri,
        String idempotencyKey, String errorType, String errorMessage, String payload, int attempts,
        Instant createdAt, Instant replayedAt, Integer httpStatus, String responseExcerpt) {

    /** What failed (dead_letter.kind). */
    public enum Kind {
        /** A page that could not be fetched or committed; replaying it means polling again from page_cursor. */
        PAGE,
        /** An outbox message its endpoint kept refusing; replaying it puts it back in the outbox. */
        DELIVERY,
        /**
         * A webhook delivery the inbox drain could not process after its attempts (issue 15); replaying it puts the
         * inbox row back to PENDING.
         */
        WEBHOOK
    }
}
