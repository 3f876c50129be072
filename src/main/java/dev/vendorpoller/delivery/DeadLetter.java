package dev.vendorpoller.delivery;

import java.time.Instant;

/**
 * A row of dead_letter: something that failed after its retries, with the context to replay it.
 *
 * @param httpStatus      the vendor's status on the last attempt (null: no answer, e.g. a timeout or an open breaker)
 * @param responseExcerpt the start of the vendor's body on the last attempt, masked (null: none)
 */
public record DeadLetter(long id, String feed, String kind, String outboxKind, String pageCursor, String endpointUri,
        String idempotencyKey, String errorType, String errorMessage, String payload, int attempts,
        Instant createdAt, Instant replayedAt, Integer httpStatus, String responseExcerpt) {
    /** A page that could not be fetched or committed; replaying it means polling again from page_cursor. */
    public static final String PAGE = "PAGE";
    /** An outbox message its endpoint kept refusing; replaying it puts it back in the outbox. */
    public static final String DELIVERY = "DELIVERY";
}
