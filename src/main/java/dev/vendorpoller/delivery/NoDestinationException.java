package dev.vendorpoller.delivery;

/**
 * An outbox message whose feed no longer configures an endpoint for its kind (the feed, its sink-uri, reject-uri or
 * dead-letter-uri was removed while it waited): no attempt can ever succeed, so it becomes a dead letter at once.
 */
public final class NoDestinationException extends IllegalStateException {
    public NoDestinationException(String feed, OutboxKind kind) {
        super("feed " + feed + " no longer configures an endpoint for " + kind + " messages ("
                + (kind == OutboxKind.SINK ? Destinations.SINK_URI : kind == OutboxKind.REJECT ? Destinations.REJECT_URI
                        : Destinations.DEAD_LETTER_URI) + " removed, or the feed itself): dead-lettered without sending");
    }
}
