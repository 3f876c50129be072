package dev.vendorpoller.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.account.AccountCall;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.ingest.Applied;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.PageRequest;
import dev.vendorpoller.store.CursorStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * The poll route's steps that are logic rather than flow (routes/poll-feed.yaml and routes/errors.yaml call them by
 * name). State between steps travels in exchange properties, through {@link PollRun}.
 */
public final class PollSteps {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.poll");
    private static final Logger PAGE_LOG = LoggerFactory.getLogger("vendor-poller.page");

    private final Feeds feeds;
    private final CursorStore cursors;
    private final Ingest ingest;
    private final DeadLetters deadLetters;
    private final ObjectMapper json;
    private final PollSettings settings;

    public PollSteps(Feeds feeds, CursorStore cursors, Ingest ingest, DeadLetters deadLetters, ObjectMapper json,
            PollSettings settings) {
        this.settings = settings;
        this.feeds = feeds;
        this.cursors = cursors;
        this.ingest = ingest;
        this.deadLetters = deadLetters;
        this.json = json;
    }

    /** Start of a run: resume from the durable cursor. */
    public void begin(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        run.cursor(cursors.load(run.feed()));
        run.hasMore(true);
    }

    /** URL and query for the next page, and the account to send it through (which adds the credentials). */
    public void prepareRequest(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        Feed feed = feeds.get(run.feed());
        PageRequest request = feed.source().request(run.cursor());
        var message = exchange.getMessage();
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_QUERY, request.query());
        message.setHeader("Accept", "application/json");
        AccountCall.to(exchange, feed.config().account(), request.url());
        run.requestStarted();
    }

    /** Parses a 2xx page (routes/vendor-account.yaml classified the status); the body becomes the page's records. */
    public List<JsonNode> readPage(Exchange exchange) throws IOException {
        PollRun run = PollRun.of(exchange);
        var message = exchange.getMessage();
        String url = AccountCall.url(exchange);
        JsonNode body;
        try (InputStream in = message.getBody(InputStream.class)) {
            body = in == null ? null : json.readTree(in);
        } catch (JsonProcessingException e) {
            throw new MalformedPageException("page from GET " + url + " is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (body == null || !body.isObject()) {
            throw new MalformedPageException("page from GET " + url + " is empty or not a JSON object", null);
        }
        Page page = feeds.get(run.feed()).source().page(run.cursor(), body, message.getHeaders());
        if (!storable(page.nextCursor())) {
            // PostgreSQL refuses NUL in text and UTF-8 has no unpaired surrogate: such a cursor could never commit
            throw new MalformedPageException("page from GET " + url + " has a next cursor with a NUL character or an"
                    + " unpaired surrogate, which no database stores", null);
        }
        run.page(page);
        return page.records();
    }

    private static boolean storable(String cursor) {
        return cursor == null || (cursor.indexOf('\u0000') < 0
                && cursor.equals(new String(cursor.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
    }

    /**
     * True when the vendor refused the page's request because of its cursor, the source knows a safe restart, and the
     * run has recoveries left: a vendor that refuses every token would otherwise loop page 1 → token → refused → page 1
     * for ever. Past the bound the refusal is dead-lettered (saying so) and the feed turns DOWN.
     */
    public boolean canRecover(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        if (recovered(run).isEmpty()) {
            return false;
        }
        if (run.recoveries() >= settings.maxCursorRecoveries()) {
            run.recoveryLimitReached(settings.maxCursorRecoveries());
            return false;
        }
        return true;
    }

    /**
     * Stores the cursor the source derived from a refused one (e.g. an expired continuation token dropped, the scan
     * restarted from its stored start) and reads on from it. Compare-and-set, like a page commit.
     */
    public void recoverCursor(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        Cursor from = run.cursor();
        Cursor to = recovered(run).orElseThrow();
        if (!cursors.advance(run.feed(), from, to)) {
            throw new IllegalStateException("feed " + run.feed() + ": cursor changed while recovering from a refused request");
        }
        run.cursor(to);
        run.recovered();
        feeds.get(run.feed()).stats().cursorRecovered();
        LOG.warn("feed={} vendor refused the cursor ({}); restarting from {}", run.feed(), run.caught().getMessage(), to);
    }

    private Optional<Cursor> recovered(PollRun run) {
        return Failures.find(run.caught(), VendorRequestRejectedException.class)
                .flatMap(refusal -> feeds.get(run.feed()).source().recover(run.cursor(), refusal));
    }

    /** One record through its feed's contract. Never throws: whatever is wrong with a record rejects that record only. */
    public ContractResult checkRecord(Exchange exchange) {
        return feeds.get(PollRun.of(exchange).feed()).records().check(exchange.getMessage().getBody(JsonNode.class));
    }

    /**
     * Body: the split's contract results. Commits the page (ledger, rejects, outbox, cursor in one transaction), logs
     * one line, and decides whether the loop goes on: not after the last page, not when the vendor said has-more but
     * gave no new cursor (a stalled feed), not when the service is stopping (the cursor is durable; the next run goes
     * on), and not when an operator reset the cursor while the page was in flight (the page is dropped).
     */
    public void commitPage(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        Feed feed = feeds.get(run.feed());
        Page page = run.page();
        Cursor before = run.cursor();
        List<ContractResult> results = new ArrayList<>();
        if (exchange.getMessage().getBody() instanceof List<?> list) {
            list.stream().filter(ContractResult.class::isInstance).map(ContractResult.class::cast).forEach(results::add);
        }
        if (results.size() != page.records().size()) {
            // Every record must come out of the contract as valid or rejected: anything else would be a silent drop.
            throw new IllegalStateException("page of " + page.records().size() + " records produced "
                    + results.size() + " contract results");
        }
        Cursor after = before.advanceTo(page.nextCursor());
        boolean stalled = page.hasMore() && after.equals(before);
        long txStarted = System.nanoTime();
        Optional<Applied> committed = ingest.commitPage(feed, before, after, results);
        if (committed.isEmpty()) {
            Cursor now = cursors.load(feed.name());
            LOG.warn("feed={} cursor was reset to {} while the page after {} was in flight: page dropped, run ends; the next"
                    + " run starts from the reset cursor", feed.name(), now, before);
            run.cursor(now);
            run.hasMore(false);
            return;
        }
        Applied applied = committed.get();
        feed.stats().pageCommitted(applied, Instant.now());
        if (stalled) {
            LOG.warn("feed={} vendor said has_more but gave no new cursor after {}; stopping this run", feed.name(), before);
            feed.stats().runStalled(settings.maxStalledRuns(), "stalled: the vendor said has_more but gave no new cursor"
                    + " after " + before + " in " + settings.maxStalledRuns() + " or more runs in a row ("
                    + PollSettings.PREFIX + "max-stalled-runs)");
        } else if (!page.hasMore()) {
            feed.stats().reachedEnd();
        }
        boolean more = page.hasMore() && !stalled;
        run.cursor(after);
        run.hasMore(more && !exchange.getContext().isStopping());
        run.pageCommitted();
        logPage(feed.name(), before, after, applied, more, run.pageNanos(), System.nanoTime() - txStarted);
    }

    /** One line per committed page; the key-values become fields of the JSON log line (VENDOR_POLLER_LOG_FORMAT=json). */
    private static void logPage(String feed, Cursor before, Cursor after, Applied applied, boolean more, long pageNanos,
            long commitNanos) {
        PAGE_LOG.atInfo().addKeyValue("feed", feed).addKeyValue("cursor_before", before.value().orElse(""))
                .addKeyValue("cursor_after", after.value().orElse("")).addKeyValue("records", applied.records())
                .addKeyValue("ledgered", applied.ledgered()).addKeyValue("duplicates", applied.duplicates() + applied.stale())
                .addKeyValue("rejected", applied.rejected()).addKeyValue("has_more", more)
                .addKeyValue("duration_ms", pageNanos / 1_000_000).addKeyValue("commit_ms", commitNanos / 1_000_000)
                .log("feed={} page committed: cursor {} -> {}, {}, hasMore={}, ms={}, commitMs={}", feed, before.shortened(),
                        after.shortened(),
                        applied.summary(), more, pageNanos / 1_000_000, commitNanos / 1_000_000);
    }

    /**
     * The account's circuit breaker is open, or its budget would hold the next request longer than max-wait: end
     * this run without a dead letter. Nothing was fetched and the cursor has not moved; the next run tries again.
     */
    public void deferRun(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        run.hasMore(false);
        Throwable why = run.caught();
        LOG.info("feed={} run deferred, cursor unchanged: {}", run.feed(), why == null ? "unknown" : why.getMessage());
    }

    /** Called by the poll route's error handler once a page's retries are exhausted: a PAGE dead letter. */
    public void pageFailed(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        Cursor cursor = run.cursor();
        Throwable error = run.caught();
        if (Failures.any(error, DataAccessResourceFailureException.class, TransientDataAccessException.class,
                TransactionException.class)) {
            // The database went away (its driver's IOException matched the vendor retries first): not the page's
            // fault and nothing was committed. No dead letter; the next run reads the page again.
            run.hasMore(false);
            LOG.warn("feed={} run deferred, cursor unchanged: the database is unreachable ({})", run.feed(),
                    error.getClass().getSimpleName());
            return;
        }
        if (run.recoveryLimit() > 0) {
            String reason = "recovery loop: the vendor refused the cursor again after " + run.recoveryLimit()
                    + " recoveries in this run (" + PollSettings.PREFIX + "max-cursor-recoveries)";
            error = Failures.find(error, VendorRequestRejectedException.class)
                    .<Throwable>map(r -> new VendorRequestRejectedException(reason + ": " + r.getMessage(), r.status(), r.bodyExcerpt()))
                    .orElse(error);
            feeds.get(run.feed()).stats().wedged(reason);
        }
        deadLetters.pageFailed(run.feed(), cursor == null ? null : cursor.value().orElse(null), Math.max(1, run.attempts()),
                error);
    }
}
