package dev.vendorpoller.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.account.AccountCall;
import dev.vendorpoller.cluster.Leases;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.failure.BudgetWaitTooLongException;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.RateLimitedException;
import dev.vendorpoller.failure.VendorException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.ingest.Applied;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.poll.PollRun;
import dev.vendorpoller.ratelimit.FullJitterBackoff;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.store.Sql;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Steps of routes/webhook-inbox.yaml: the inbox drain. One node drains at a time (lease {@code webhook-inbox}; a
 * single node always holds it). A pass takes the due PENDING rows in id order, maps each body to the feed's vendor
 * records ({@link WebhookRecords}; an Eventbrite hint is fetched through the feed's account by the route first), and
 * per feed sends them through the path of a polled page — contract, idempotent repository, ledger, what waited,
 * rejects, outbox ({@link Ingest#apply}) — marking the rows DONE in that same transaction, in which Ingest first takes
 * the feed's lock (store/NamedLocks), so it never interleaves with a page commit of the same feed on any node. A kill at any instant leaves the rows
 * PENDING with nothing of them written, or DONE with all of it. A batch that fails is retried row by row; a row that
 * keeps failing is tried again with full-jitter backoff, then FAILED with a WEBHOOK dead letter; a row that can never
 * work (not JSON, a refused api_url, a 4xx) is FAILED at once.
 */
public final class InboxDrain {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.webhook");
    private static final String BATCH = "webhookBatch";
    /** The pass's rows whose object must be fetched first ({@code ${exchangeProperty.webhookFetches}}). */
    public static final String FETCHES = "webhookFetches";
    private static final String LEASE = "webhook-inbox";

    private final Feeds feeds;
    private final Ingest ingest;
    private final DeadLetters deadLetters;
    private final Coverage coverage;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Leases leases;
    private final InboxSettings settings;
    private final WebhookRecords mapping;
    private final Clock clock;
    /** Eventbrite feeds' event-id: a fetched attendee of another event is not this feed's. */
    private final Map<String, String> eventIds;

    public InboxDrain(Feeds feeds, Ingest ingest, DeadLetters deadLetters, Coverage coverage, JdbcTemplate jdbc,
            TransactionTemplate tx, Leases leases, InboxSettings settings, com.fasterxml.jackson.databind.ObjectMapper json,
            Clock clock, Map<String, String> eventIds) {
        this.eventIds = Map.copyOf(eventIds);
        this.feeds = feeds;
        this.ingest = ingest;
        this.deadLetters = deadLetters;
        this.coverage = coverage;
        this.jdbc = jdbc;
        this.tx = tx;
        this.leases = leases;
        this.settings = settings;
        this.mapping = new WebhookRecords(json);
        this.clock = clock;
    }

    /** One inbox row as the drain works on it. */
    static final class Item {
        final long id;
        final String feed;
        final String deliveryId;
        final String style;
        final String body;
        final Instant receivedAt;
        final int attempts;
        WebhookRecords.Mapped mapped;
        List<JsonNode> records;
        Throwable error;

        Item(long id, String feed, String deliveryId, String style, String body, Instant receivedAt, int attempts) {
            this.id = id;
            this.feed = feed;
            this.deliveryId = deliveryId;
            this.style = style;
            this.body = body;
            this.receivedAt = receivedAt;
            this.attempts = attempts;
        }
    }

    /**
     * A pass: the rows it took, in id order, and whether it took all it could. The next pass starts at once only after
     * a full pass that got rows done: a pass of rows that all wait (an open breaker, a spent budget) waits a period.
     */
    static final class Batch {
        final List<Item> items;
        final boolean full;
        volatile boolean progressed;

        Batch(List<Item> items, boolean full) {
            this.items = items;
            this.full = full;
        }

        boolean worthAnother() {
            return full && progressed;
        }
    }

    /**
     * The loop condition of the drain route: takes the next pass into the exchange and says whether there is one.
     * After a full pass the next starts at once; otherwise the drain waits for its timer.
     */
    public boolean nextBatch(Exchange exchange) {
        Batch previous = exchange.getProperty(BATCH, Batch.class);
        if (previous != null && !previous.worthAnother() || exchange.getContext().isStopping()) {
            return false;
        }
        if (!leases.hold(LEASE)) {
            return false; // another node of the cluster drains the inbox now
        }
        List<Item> items = jdbc.query("SELECT id, feed, delivery_id, style, body, received_at, attempts FROM webhook_inbox"
                + " WHERE state = 'PENDING' AND next_attempt_at <= ? ORDER BY id FETCH FIRST " + settings.batchSize()
                + " ROWS ONLY", (rs, i) -> new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getInt(7)), Sql.utc(clock.instant()));
        if (items.isEmpty()) {
            return false;
        }
        List<Item> fetches = new ArrayList<>();
        for (Item item : items) {
            if (!feeds.has(item.feed)) {
                item.error = new WebhookRecords.Unprocessable("feed '" + item.feed + "' is not configured (vendor-poller.feeds)");
                continue;
            }
            try {
                item.mapped = mapping.map(item.style, item.body, feeds.get(item.feed).config().baseUrl());
                if (item.mapped instanceof WebhookRecords.Records r) {
                    item.records = r.records();
                } else if (item.mapped instanceof WebhookRecords.Fetch) {
                    fetches.add(item);
                }
            } catch (RuntimeException e) {
                item.error = e;
            }
        }
        exchange.setProperty(BATCH, new Batch(items, items.size() >= settings.batchSize()));
        exchange.setProperty(FETCHES, fetches);
        return true;
    }

    /** Before a fetch: GET the hinted object through the feed's account (budget, credentials, breaker). */
    public void prepareFetch(Exchange exchange) {
        Item item = exchange.getMessage().getBody(Item.class);
        WebhookRecords.Fetch fetch = (WebhookRecords.Fetch) item.mapped;
        Feed feed = feeds.get(item.feed);
        exchange.setProperty(BATCH + "Item", item);
        exchange.setProperty(PollRun.FEED, item.feed); // the feed's request metrics count the fetch
        var message = exchange.getMessage();
        message.getHeaders().clear();
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        if (fetch.query() != null) {
            message.setHeader(Exchange.HTTP_QUERY, fetch.query());
        }
        message.setHeader("Accept", "application/json");
        AccountCall.to(exchange, feed.config().account(), fetch.url());
    }

    /** The account's route answered 2xx: the fetched object's records. */
    public void fetched(Exchange exchange) throws java.io.IOException {
        Item item = exchange.getProperty(BATCH + "Item", Item.class);
        String body;
        try (InputStream in = exchange.getMessage().getBody(InputStream.class)) {
            body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            item.records = mapping.fetched(body, eventIds.get(item.feed));
            if (item.records.isEmpty()) {
                item.mapped = new WebhookRecords.Ignored("ignored: the fetched object is about another event than the"
                        + " feed's event-id " + eventIds.get(item.feed));
                item.records = null;
            }
        } catch (RuntimeException e) {
            item.error = e;
        }
    }

    /** The fetch failed (the account's route classified it): the row is retried or failed by {@link #commit}. */
    public void fetchFailed(Exchange exchange) {
        Item item = exchange.getProperty(BATCH + "Item", Item.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (item != null) {
            item.error = error == null ? new IllegalStateException("fetch failed") : error;
        }
    }

    /** The end of a pass: per feed, its rows through the ledger path in one transaction; failed rows handled each. */
    public void commit(Exchange exchange) {
        Batch batch = exchange.getProperty(BATCH, Batch.class);
        if (batch == null) {
            return;
        }
        Map<String, List<Item>> byFeed = new LinkedHashMap<>();
        for (Item item : batch.items) {
            if (item.error != null) {
                failed(item, item.error);
            } else if (item.records == null && !(item.mapped instanceof WebhookRecords.Ignored)) {
                failed(item, new IllegalStateException("the hinted object was not fetched"));
            } else {
                byFeed.computeIfAbsent(item.feed, f -> new ArrayList<>()).add(item);
            }
        }
        byFeed.forEach((feed, items) -> {
            try {
                apply(feeds.get(feed), items);
                batch.progressed = true;
            } catch (RuntimeException e) {
                if (items.size() == 1) {
                    failed(items.get(0), e);
                    return;
                }
                LOG.warn("feed={} webhook batch of {} rows failed ({}); trying each row alone", feed, items.size(),
                        Secrets.mask(String.valueOf(e)));
                for (Item item : items) {
                    try {
                        apply(feeds.get(feed), List.of(item));
                        batch.progressed = true;
                    } catch (RuntimeException alone) {
                        failed(item, alone);
                    }
                }
            }
        });
    }

    /** The rows' records through contract → idempotent repository → ledger → outbox, the rows DONE, one transaction. */
    private void apply(Feed feed, List<Item> items) {
        List<ContractResult> results = new ArrayList<>();
        Map<String, Instant> receivedAt = new HashMap<>();
        for (Item item : items) {
            if (item.records == null) {
                continue; // an ignored notification: marked done below, nothing to check
            }
            for (JsonNode record : item.records) {
                ContractResult result = feed.records().check(record);
                results.add(result);
                if (result instanceof ContractResult.Valid v) {
                    receivedAt.putIfAbsent(Ingest.messageId(v.record()), item.receivedAt);
                }
            }
        }
        Instant now = clock.instant();
        Applied applied = tx.execute(s -> {
            // Ingest.apply takes the feed's lock first, as a page commit does: a batch and a page of one feed never interleave
            Applied a = ingest.apply(feed, results, (f, firstSeen) -> coverage.webhookBatch(f, receivedAt, firstSeen));
            List<Object[]> done = new ArrayList<>(items.size());
            for (Item item : items) {
                String note = item.mapped instanceof WebhookRecords.Ignored ignored ? ignored.why() : null;
                done.add(new Object[] {item.attempts + 1, Sql.utc(now), note, item.id});
            }
            int[] updated = jdbc.batchUpdate("UPDATE webhook_inbox SET state = 'DONE', attempts = ?, processed_at = ?,"
                    + " last_error = ? WHERE id = ? AND state = 'PENDING'", done);
            for (int n : updated) {
                if (n == 0) {
                    // another node processed a row of this batch meanwhile (a lease that changed hands): write nothing
                    throw new IllegalStateException("an inbox row of this batch is no longer PENDING");
                }
            }
            return a;
        });
        if (applied != null) {
            // not counted in the feed's page statistics: those say how the poll does (last successful poll, health)
            LOG.info("feed={} webhook rows {}..{} committed: {}", feed.name(), items.get(0).id, items.get(items.size() - 1).id,
                    applied.summary());
        }
    }

    /**
     * A row that failed: FAILED with a dead letter at once when it can never work or its attempts are used; again
     * later (full-jitter backoff) otherwise. Nothing reached the vendor (breaker open, budget spent, 429): no attempt
     * is used.
     */
    private void failed(Item item, Throwable error) {
        try {
            settleFailure(item, error);
        } catch (RuntimeException e) {
            // the database refused even this: the row stays PENDING as it was and is taken again by a later pass
            LOG.warn("feed={} webhook inbox #{} could not be marked after a failure ({}): {}", item.feed, item.id,
                    Secrets.mask(describe(error)), Secrets.mask(String.valueOf(e)));
        }
    }

    private void settleFailure(Item item, Throwable error) {
        String reason = Secrets.mask(describe(error));
        Instant now = clock.instant();
        if (Failures.any(error, CallNotPermittedException.class, BudgetWaitTooLongException.class, RateLimitedException.class)) {
            later(item, item.attempts, reason, now, settings.retryDelay().toMillis());
            return;
        }
        int attempts = item.attempts + 1;
        boolean permanent = Failures.any(error, WebhookRecords.Unprocessable.class, VendorRequestRejectedException.class);
        if (!permanent && attempts < settings.maxAttempts()) {
            later(item, attempts, reason, now, 1);
            LOG.info("feed={} webhook inbox #{} failed (attempt {} of {}), tried again later: {}", item.feed, item.id, attempts,
                    settings.maxAttempts(), reason);
            return;
        }
        tx.executeWithoutResult(s -> {
            int updated = jdbc.update("UPDATE webhook_inbox SET state = 'FAILED', attempts = ?, processed_at = ?, last_error = ?"
                    + " WHERE id = ? AND state = 'PENDING'", attempts, Sql.utc(now), Sql.truncate(reason, 2000), item.id);
            if (updated == 1) {
                deadLetters.webhookFailed(item.feed, item.id, item.deliveryId, attempts,
                        permanent ? error : new IllegalStateException("after " + attempts + " attempts: " + reason, error),
                        item.body);
            }
        });
    }

    /** Due again after the full-jitter backoff of {@code attempts}, and not before {@code minMillis}. */
    private void later(Item item, int attempts, String reason, Instant now, long minMillis) {
        long delay = Math.max(minMillis, FullJitterBackoff.jitteredDelay(Math.max(1, attempts), settings.retryDelay().toMillis(),
                settings.maxRetryDelay().toMillis()));
        jdbc.update("UPDATE webhook_inbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'PENDING'",
                attempts, Sql.utc(now.plusMillis(delay)), Sql.truncate(reason, 2000), item.id);
    }

    private static String describe(Throwable error) {
        Throwable cause = Failures.vendorCause(error);
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        if (cause instanceof VendorException v && v.bodyExcerpt() != null) {
            text += "; vendor answered: " + Failures.excerpt(v.bodyExcerpt());
        }
        return text;
    }
}
