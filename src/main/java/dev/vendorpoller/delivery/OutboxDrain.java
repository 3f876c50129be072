package dev.vendorpoller.delivery;

import dev.vendorpoller.account.AccountCall;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.failure.BudgetWaitTooLongException;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.VendorException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * Steps of routes/outbox-drain.yaml. The endpoint is looked up from the feed's current configuration at send time, so
 * credentials in an endpoint URI are never stored in the database.
 */
public final class OutboxDrain {
    private static final String MESSAGE = "outboxMessage";
    /** The endpoint the drain route sends the prepared message to ({@code toD ${exchangeProperty.outboxEndpoint}}). */
    public static final String ENDPOINT = "outboxEndpoint";

    private final Outbox outbox;
    private final DeadLetters deadLetters;
    private final Destinations destinations;
    private final DeliverySettings settings;

    public OutboxDrain(Outbox outbox, DeadLetters deadLetters, Destinations destinations, DeliverySettings settings) {
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.destinations = destinations;
        this.settings = settings;
    }

    /** Each lane's due messages: of each record only its newest version, and only if newer than the accepted one. */
    public List<OutboxMessage> due() {
        List<OutboxMessage> due = new ArrayList<>();
        for (Lane lane : outbox.lanes()) {
            due.addAll(outbox.take(lane, settings.batchSize()).messages());
        }
        return due;
    }

    /** Turns one outbox row into the message to send: payload as body, its idempotency key as a header. */
    public void prepare(Exchange exchange) {
        OutboxMessage message = exchange.getMessage().getBody(OutboxMessage.class);
        exchange.setProperty(MESSAGE, message);
        Destinations.Target target = destinations.target(message.feed(), message.kind())
                .orElseThrow(() -> new NoDestinationException(message.feed(), message.kind()));
        exchange.setProperty(ENDPOINT, target.uri());
        target.account().ifPresent(account -> {
            // through the account's route: its budget, concurrency cap, breaker and credentials (routes/vendor-account.yaml)
            AccountCall.to(exchange, account, target.uri());
            exchange.setProperty(ENDPOINT, AccountCall.endpoint(account));
        });
        var out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader("Idempotency-Key", message.idempotencyKey());
        out.setHeader("VendorPollerFeed", message.feed());
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader(Exchange.HTTP_METHOD, "POST");
        // the mapping of the feed's configuration now, like the endpoint; the outbox keeps the canonical JSON
        out.setBody(message.kind() == OutboxKind.SINK ? target.mapping().apply(message.payload()) : message.payload());
    }

    public void delivered(Exchange exchange) {
        outbox.settle(List.of(exchange.getProperty(MESSAGE, OutboxMessage.class)));
    }

    /** A failed send: try again later with backoff, or dead-letter once the attempts are used up. */
    public void failed(Exchange exchange) {
        OutboxMessage message = exchange.getProperty(MESSAGE, OutboxMessage.class);
        if (message == null) {
            return; // failed before a message was taken; nothing to account for
        }
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (Failures.any(error, NoDestinationException.class)) {
            // nowhere to send it, now or later: one dead letter with the reason, instead of a row due forever
            deadLetters.deliveryFailed(message, Failures.find(error, NoDestinationException.class).orElseThrow());
            return;
        }
        if (notSent(error)) {
            // the account's breaker is open or its budget is spent: nothing reached the vendor, so no attempt is used
            outbox.retryLater(message.id(), message.attempts(), Secrets.mask(String.valueOf(error)));
            return;
        }
        OutboxMessage attempted = message.attempted();
        if (attempted.attempts() >= settings.maxAttempts()) {
            deadLetters.deliveryFailed(attempted, error);
        } else {
            outbox.retryLater(message.id(), attempted.attempts(), Secrets.mask(String.valueOf(error)
                    + (Failures.vendorCause(error) instanceof VendorException v && v.bodyExcerpt() != null
                            ? "; vendor answered: " + v.bodyExcerpt() : "")));
        }
    }

    /** Nothing reached the vendor: its account's breaker is open, or its budget would have held the request too long. */
    static boolean notSent(Throwable error) {
        return Failures.any(error, CallNotPermittedException.class, BudgetWaitTooLongException.class);
    }
}
