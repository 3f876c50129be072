package dev.vendorpoller.delivery;

import dev.vendorpoller.account.AccountCall;
import dev.vendorpoller.cluster.Leases;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.failure.BudgetWaitTooLongException;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.VendorException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * Steps of routes/outbox-drain.yaml: each lane (a feed's endpoint for one kind of message) runs passes of its own —
 * take what is due, send it with the lane's concurrency, settle what was accepted in one transaction. The endpoint is
 * looked up from the feed's current configuration at send time, so credentials in an endpoint URI are never stored in
 * the database.
 */
public final class OutboxDrain {
    private static final String MESSAGE = "outboxMessage";
    private static final String PASS = "outboxPass";
    /** The messages of the lane's current pass, which the lane route splits ({@code ${exchangeProperty.outboxMessages}}). */
    public static final String MESSAGES = "outboxMessages";
    /** The endpoint the drain route sends the prepared message to ({@code toD ${exchangeProperty.outboxEndpoint}}). */
    public static final String ENDPOINT = "outboxEndpoint";
    /** Passes take at most this many rounds of the lane's concurrency, so accepted rows leave the outbox soon. */
    static final int ROUNDS_PER_PASS = 8;

    private final Outbox outbox;
    private final DeadLetters deadLetters;
    private final Destinations destinations;
    private final DeliverySettings settings;
    private final Map<String, Lane> lanes;
    private final DeliveryStats stats;
    private final Leases leases;

    /** @param leases which lanes this node drains now: all of them alone, each by one node at a time in a cluster */
    private static final String LEASE_PREFIX = "outbox-";

    public OutboxDrain(Outbox outbox, DeadLetters deadLetters, Destinations destinations, DeliverySettings settings,
            Leases leases) {
        this.outbox = outbox;
        this.leases = leases;
        this.stats = new DeliveryStats(outbox);
        this.deadLetters = deadLetters;
        this.destinations = destinations;
        this.settings = settings;
        this.lanes = new LinkedHashMap<>();
        destinations.lanes().keySet().forEach(lane -> lanes.put(lane.name(), lane));
    }

    /** Per lane: depth, oldest pending age, rate, failures (what the metrics and a status page read). */
    public DeliveryStats stats() {
        return stats;
    }

    /** The configured lanes and where each goes (one route per lane, each with its own thread pool). */
    public Map<Lane, Destinations.Target> lanes() {
        return destinations.lanes();
    }

    /**
     * The loop condition of a lane's route: takes the lane's next pass into the exchange ({@value #MESSAGES}) and says
     * whether there is one. After a pass that took all it could and got something accepted, the next starts at once;
     * otherwise the lane waits for its timer.
     */
    public boolean nextPass(Exchange exchange, String laneName) {
        LanePass previous = exchange.getProperty(PASS, LanePass.class);
        if (previous != null && !previous.worthAnother() || exchange.getContext().isStopping()) {
            // a stop ends the lane after the pass in flight: what is left waits in the outbox for the next start
            return false;
        }
        if (!leases.hold(LEASE_PREFIX + laneName)) {
            return false; // another node of the cluster drains this lane now
        }
        Lane lane = lanes.get(laneName);
        Destinations.Target target = destinations.target(lane.feed(), lane.kind()).orElseThrow();
        int limit = target.batchSize() > 1 ? target.batchSize() * target.concurrency() * 2
                : Math.min(settings.batchSize(), target.concurrency() * ROUNDS_PER_PASS);
        Outbox.Taken taken = outbox.take(lane, limit);
        stats.dropped(lane, taken.superseded(), taken.stale());
        if (taken.messages().isEmpty()) {
            return false;
        }
        boolean full = taken.messages().size() + taken.superseded() + taken.stale() >= limit;
        LanePass pass = new LanePass(lane, taken.messages(), full);
        exchange.setProperty(PASS, pass);
        exchange.setProperty(MESSAGES, SinkBatch.split(pass.messages(), lane.kind() == OutboxKind.SINK ? target.batchSize() : 1));
        return true;
    }

    /** The pass is over: what its endpoint accepted leaves the outbox in one transaction. */
    public void settle(Exchange exchange) {
        LanePass pass = exchange.getProperty(PASS, LanePass.class);
        if (pass != null) {
            outbox.settle(pass.accepted());
        }
    }

    /**
     * Messages of lanes no longer configured (their feed, or its endpoint for their kind, was removed while they
     * waited): each becomes one dead letter at once, with the reason.
     */
    public void sweepOrphans() {
        if (!leases.hold(LEASE_PREFIX + "orphans")) {
            return;
        }
        for (Lane lane : outbox.lanes()) {
            if (!lanes.containsKey(lane.name()) || destinations.target(lane.feed(), lane.kind()).isEmpty()) {
                List<OutboxMessage> orphans;
                while (!(orphans = outbox.orphans(lane, settings.batchSize())).isEmpty()) {
                    orphans.forEach(m -> deadLetters.deliveryFailed(m, new NoDestinationException(m.feed(), m.kind())));
                }
            }
        }
    }

    /**
     * Turns one request's outbox rows into the message to send. One row: its payload as body, its idempotency key as
     * header Idempotency-Key. A batch ({@code sink-batch-size} above 1): a JSON array of the payloads, each keeping its
     * idempotency_key, with the batch's key (from its members' keys) as Idempotency-Key and Batch-Key.
     */
    @SuppressWarnings("unchecked")
    public void prepare(Exchange exchange) {
        List<OutboxMessage> batch = exchange.getMessage().getBody(List.class);
        exchange.setProperty(MESSAGE, batch);
        OutboxMessage message = batch.get(0);
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
        out.setHeader("VendorPollerFeed", message.feed());
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setHeader(Exchange.HTTP_METHOD, "POST");
        // the mapping of the feed's configuration now, like the endpoint; the outbox keeps the canonical JSON
        SinkMapping mapping = message.kind() == OutboxKind.SINK ? target.mapping() : SinkMapping.IDENTITY;
        if (target.batchSize() > 1 && message.kind() == OutboxKind.SINK) {
            String key = SinkBatch.key(batch);
            out.setHeader("Idempotency-Key", key);
            out.setHeader(SinkBatch.HEADER, key);
            out.setBody(SinkBatch.body(batch, mapping));
        } else {
            out.setHeader("Idempotency-Key", message.idempotencyKey());
            out.setBody(mapping.apply(message.payload()));
        }
    }

    /** The endpoint accepted the message; it leaves the outbox when the pass settles. */
    public void delivered(Exchange exchange) {
        LanePass pass = exchange.getProperty(PASS, LanePass.class);
        List<OutboxMessage> batch = batch(exchange);
        batch.forEach(pass::accepted);
        stats.accepted(pass.lane(), batch);
    }

    @SuppressWarnings("unchecked")
    private static List<OutboxMessage> batch(Exchange exchange) {
        List<OutboxMessage> batch = exchange.getProperty(MESSAGE, List.class);
        return batch == null ? List.of() : batch;
    }

    /** A failed send: each message of it is tried again later with backoff, or dead-lettered once its attempts are used. */
    public void failed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        List<OutboxMessage> batch = batch(exchange);
        if (!batch.isEmpty()) {
            stats.failed(batch.get(0).lane(), batch.size());
        }
        for (OutboxMessage message : batch) {
            failed(message, error);
        }
    }

    private void failed(OutboxMessage message, Throwable error) {
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
