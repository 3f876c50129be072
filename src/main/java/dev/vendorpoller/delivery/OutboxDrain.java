package dev.vendorpoller.delivery;

import dev.vendorpoller.account.VendorCalls;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.failure.VendorException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.camel.Exchange;

/**
 * Steps of routes/outbox-drain.yaml. The endpoint is looked up from the feed's current configuration at send time, so
 * credentials in an endpoint URI are never stored in the database.
 */
public final class OutboxDrain {
    public static final String MESSAGE = "outboxMessage";
    public static final String ENDPOINT = "outboxEndpoint";

    private final Outbox outbox;
    private final DeadLetters deadLetters;
    private final BiFunction<String, String, Optional<Target>> endpointFor;

    /**
     * Where a delivery goes now: a Camel URI, sent directly or, when an account is named, through its route; and how
     * a sink record's canonical JSON becomes the body sent there ({@link SinkMapping}, the feed's sink-fields).
     */
    public record Target(String uri, Optional<String> account, SinkMapping mapping) {
        public Target(String uri, Optional<String> account) {
            this(uri, account, SinkMapping.IDENTITY);
        }

        public static Target direct(String uri) {
            return new Target(uri, Optional.empty());
        }
    }
    private final int batchSize;
    private final int maxAttempts;

    /** @param endpointFor (feed, kind) → the endpoint configured for it now */
    public OutboxDrain(Outbox outbox, DeadLetters deadLetters, BiFunction<String, String, Optional<Target>> endpointFor,
            int batchSize, int maxAttempts) {
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.endpointFor = endpointFor;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
    }

    public List<OutboxMessage> due() {
        return outbox.due(batchSize);
    }

    /** Turns one outbox row into the message to send: payload as body, its idempotency key as a header. */
    public void prepare(Exchange exchange) {
        OutboxMessage message = exchange.getMessage().getBody(OutboxMessage.class);
        Target target = endpointFor.apply(message.feed(), message.kind()).orElseThrow(() -> new IllegalStateException(
                "feed " + message.feed() + " no longer configures an endpoint for " + message.kind()));
        exchange.setProperty(MESSAGE, message);
        exchange.setProperty(ENDPOINT, target.uri());
        target.account().ifPresent(account -> {
            // through the account's route: its budget, concurrency cap, breaker and credentials (routes/vendor-account.yaml)
            exchange.setProperty(VendorCalls.ACCOUNT, account);
            exchange.setProperty(VendorCalls.REQUEST_URL, target.uri());
            exchange.setProperty(ENDPOINT, "direct:account-" + account);
        });
        var out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader("Idempotency-Key", message.idempotencyKey());
        out.setHeader("VendorPollerFeed", message.feed());
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader(Exchange.HTTP_METHOD, "POST");
        // the mapping of the feed's configuration now, like the endpoint; the outbox keeps the canonical JSON
        out.setBody(Outbox.SINK.equals(message.kind()) ? target.mapping().apply(message.payload()) : message.payload());
    }

    public void delivered(Exchange exchange) {
        outbox.delivered(exchange.getProperty(MESSAGE, OutboxMessage.class).id());
    }

    /** A failed send: try again later with backoff, or dead-letter once the attempts are used up. */
    public void failed(Exchange exchange) {
        OutboxMessage message = exchange.getProperty(MESSAGE, OutboxMessage.class);
        if (message == null) {
            return; // failed before a message was taken; nothing to account for
        }
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (notSent(error)) {
            // the account's breaker is open or its budget is spent: nothing reached the vendor, so no attempt is used
            outbox.retryLater(message.id(), message.attempts(), Secrets.mask(String.valueOf(error)));
            return;
        }
        int attempts = message.attempts() + 1;
        if (attempts >= maxAttempts) {
            deadLetters.deliveryFailed(new OutboxMessage(message.id(), message.feed(), message.kind(), message.endpointUri(),
                    message.idempotencyKey(), message.payload(), attempts), error);
        } else {
            outbox.retryLater(message.id(), attempts, Secrets.mask(String.valueOf(error)
                    + (DeadLetters.vendorCause(error) instanceof VendorException v && v.bodyExcerpt() != null
                            ? "; vendor answered: " + v.bodyExcerpt() : "")));
        }
    }

    static boolean notSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException
                    || t instanceof dev.vendorpoller.failure.BudgetWaitTooLongException) {
                return true;
            }
        }
        return false;
    }
}
