package dev.vendorpoller.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.contract.CanonicalRegistration;
import dev.vendorpoller.contract.ContractResult;
import dev.vendorpoller.contract.Rejection;
import dev.vendorpoller.cursor.Cursor;
import dev.vendorpoller.cursor.CursorStore;
import dev.vendorpoller.ledger.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.ledger.LedgerWriter;
import dev.vendorpoller.ledger.RejectStore;
import dev.vendorpoller.outbox.Outbox;
import dev.vendorpoller.vendor.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits one page in one database transaction: idempotency keys, ledger rows, rejects, outbox messages and the
 * advanced cursor. A crash before the commit leaves none of them, so the page is simply read again; after it, all.
 */
public final class PageCommitter {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.page");

    private final Feeds feeds;
    private final TransactionTemplate tx;
    private final CursorStore cursors;
    private final LedgerWriter ledger;
    private final RejectStore rejects;
    private final Outbox outbox;
    private final ObjectMapper json;

    public PageCommitter(Feeds feeds, TransactionTemplate tx, CursorStore cursors, LedgerWriter ledger,
            RejectStore rejects, Outbox outbox, ObjectMapper json) {
        this.feeds = feeds;
        this.tx = tx;
        this.cursors = cursors;
        this.ledger = ledger;
        this.rejects = rejects;
        this.outbox = outbox;
        this.json = json;
    }

    /** Body: the split's contract results. Sets the cursor and has-more properties the page loop reads. */
    public PageOutcome commit(Exchange exchange) {
        Feed feed = feeds.get(exchange.getProperty(PollSteps.FEED, String.class));
        Page page = exchange.getProperty(PollSteps.PAGE, Page.class);
        Cursor before = exchange.getProperty(PollSteps.CURSOR, Cursor.class);
        List<CanonicalRegistration> valid = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        Object body = exchange.getMessage().getBody();
        if (body instanceof List<?> results) {
            for (Object r : results) {
                if (r instanceof ContractResult.Valid v) {
                    valid.add(v.registration());
                } else if (r instanceof ContractResult.Rejected x) {
                    rejected.add(x.rejection());
                }
            }
        }
        if (valid.size() + rejected.size() != page.records().size()) {
            // Every record must come out of the contract as valid or rejected: anything else would be a silent drop.
            throw new IllegalStateException("page of " + page.records().size() + " records produced "
                    + (valid.size() + rejected.size()) + " contract results");
        }
        Cursor after = before.advanceTo(page.nextCursor());
        boolean stalled = page.hasMore() && after.equals(before);
        long txStarted = System.nanoTime();
        PageOutcome outcome = tx.execute(status -> {
            Set<String> fresh = feed.idempotency().addAllNew(valid.stream().map(PageCommitter::messageId).toList());
            List<CanonicalRegistration> freshVersions = valid.stream().filter(r -> fresh.contains(messageId(r))).toList();
            List<CanonicalRegistration> applied = ledger.apply(feed.name(), freshVersions);
            feed.config().sinkUri().ifPresent(uri -> outbox.enqueue(feed.name(), Outbox.SINK, uri,
                    applied.stream().map(r -> new Outbox.Entry(r.idempotencyKey(), toJson(r))).toList()));
            List<Rejection> newRejects = rejects.storeNew(feed.name(), before.value().orElse(null), rejected);
            feed.config().rejectUri().ifPresent(uri -> outbox.enqueue(feed.name(), Outbox.REJECT, uri,
                    newRejects.stream().map(r -> new Outbox.Entry(r.reconciliationKey(), toJson(r))).toList()));
            cursors.save(feed.name(), after);
            return new PageOutcome(before, after, page.records().size(), applied.size(),
                    valid.size() - freshVersions.size(), freshVersions.size() - applied.size(), rejected.size(),
                    page.hasMore() && !stalled);
        });
        if (stalled) {
            LOG.warn("feed={} vendor said has_more but gave no new cursor after {}; stopping this run", feed.name(), before);
        }
        exchange.setProperty(PollSteps.CURSOR, after);
        // On shutdown stop after this committed page (the cursor is durable) instead of paging on to the end of the
        // backlog until the shutdown timeout forces the run to stop mid-page.
        exchange.setProperty(PollSteps.HAS_MORE, outcome.hasMore() && !exchange.getContext().isStopping());
        exchange.setProperty(PollSteps.PAGE_ATTEMPTS, 0);
        long started = exchange.getProperty(PollSteps.PAGE_STARTED, System.nanoTime(), Long.class);
        long now = System.nanoTime();
        LOG.info("feed={} page committed: {}, ms={}, commitMs={}", feed.name(), outcome.summary(), (now - started) / 1_000_000,
                (now - txStarted) / 1_000_000);
        return outcome;
    }

    private static String messageId(CanonicalRegistration r) {
        return BatchingJdbcMessageIdRepository.messageId(r.sourceUpdatedAt(), r.idempotencyKey());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
