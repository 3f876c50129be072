package dev.vendorpoller.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Rejection;
import dev.vendorpoller.record.payment.CanonicalPaymentEvent;
import dev.vendorpoller.record.payment.PaymentLedger;
import dev.vendorpoller.record.registration.CanonicalRegistration;
import dev.vendorpoller.record.registration.RegistrationLedger;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.PaymentEventAdapter;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.RejectStore;
import java.time.Instant;
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
    private final RegistrationLedger ledger;
    private final RejectStore rejects;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final PaymentLedger payments;
    private final Set<String> paymentTargets;

    public PageCommitter(Feeds feeds, TransactionTemplate tx, CursorStore cursors, RegistrationLedger ledger,
            RejectStore rejects, Outbox outbox, ObjectMapper json, PaymentLedger payments) {
        this.payments = payments;
        // only registration feeds a payment feed applies to can have events waiting for them
        this.paymentTargets = feeds.all().stream().map(Feed::adapter).filter(PaymentEventAdapter.class::isInstance)
                .map(a -> ((PaymentEventAdapter) a).appliesTo()).flatMap(java.util.Optional::stream)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.feeds = feeds;
        this.tx = tx;
        this.cursors = cursors;
        this.ledger = ledger;
        this.rejects = rejects;
        this.outbox = outbox;
        this.json = json;
    }

    /** What applying a set of contract results did. */
    public record Applied(int ledgered, int duplicates, int stale, int rejected) {
    }

    /** Body: the split's contract results. Sets the cursor and has-more properties the page loop reads. */
    public PageOutcome commit(Exchange exchange) {
        Feed feed = feeds.get(exchange.getProperty(PollSteps.FEED, String.class));
        Page page = exchange.getProperty(PollSteps.PAGE, Page.class);
        Cursor before = exchange.getProperty(PollSteps.CURSOR, Cursor.class);
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
        Applied applied = tx.execute(status -> {
            // First, so a concurrent operator reset either waits for this commit or makes it give way.
            if (!cursors.advance(feed.name(), before, after)) {
                status.setRollbackOnly();
                return null;
            }
            return apply(feed, results, before.value().orElse(null));
        });
        if (applied == null) {
            Cursor now = cursors.load(feed.name());
            LOG.warn("feed={} cursor was reset to {} while the page after {} was in flight: page dropped, run ends; the next"
                    + " run starts from the reset cursor", feed.name(), now, before);
            exchange.setProperty(PollSteps.CURSOR, now);
            exchange.setProperty(PollSteps.HAS_MORE, false);
            return null;
        }
        PageOutcome outcome = new PageOutcome(before, after, results.size(), applied.ledgered(), applied.duplicates(),
                applied.stale(), applied.rejected(), page.hasMore() && !stalled);
        feed.stats().pageCommitted(outcome, Instant.now());
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
        // Key-values become fields of the JSON log line (VENDOR_POLLER_LOG_FORMAT=json); the text line says the same.
        LOG.atInfo().addKeyValue("feed", feed.name()).addKeyValue("cursor_before", before.value().orElse(""))
                .addKeyValue("cursor_after", after.value().orElse("")).addKeyValue("records", outcome.records())
                .addKeyValue("ledgered", outcome.ledgered()).addKeyValue("duplicates", outcome.duplicates() + outcome.stale())
                .addKeyValue("rejected", outcome.rejected()).addKeyValue("has_more", outcome.hasMore())
                .addKeyValue("duration_ms", (now - started) / 1_000_000).addKeyValue("commit_ms", (now - txStarted) / 1_000_000)
                .log("feed={} page committed: {}, ms={}, commitMs={}", feed.name(), outcome.summary(), (now - started) / 1_000_000,
                        (now - txStarted) / 1_000_000);
        return outcome;
    }

    /**
     * Applies contract results inside the caller's transaction: new versions through the idempotent repository into
     * the ledger and the sink outbox, new rejects into rejected_record and the reject outbox. Used for pages and for
     * operator replays of rejects.
     */
    public Applied apply(Feed feed, List<ContractResult> results, String pageCursor) {
        List<CanonicalRegistration> valid = new ArrayList<>();
        List<CanonicalPaymentEvent> events = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (ContractResult r : results) {
            if (r instanceof ContractResult.Valid v) {
                valid.add(v.registration());
            } else if (r instanceof ContractResult.ValidPayment p) {
                events.add(p.event());
            } else if (r instanceof ContractResult.Rejected x) {
                rejected.add(x.rejection());
            }
        }
        int eventsApplied = applyEvents(feed, events);
        Set<String> fresh = feed.idempotency().addAllNew(valid.stream().map(PageCommitter::messageId).toList());
        List<CanonicalRegistration> freshVersions = valid.stream().filter(r -> fresh.contains(messageId(r))).toList();
        List<CanonicalRegistration> current = ledger.apply(feed.name(), freshVersions);
        if (paymentTargets.contains(feed.name())) {
            payments.applyHeld(feed.name(), current); // payment events that arrived before these registrations
        }
        feed.config().sinkUri().ifPresent(uri -> outbox.enqueue(feed.name(), Outbox.SINK, uri,
                current.stream().map(r -> new Outbox.Entry(r.idempotencyKey(), toJson(r))).toList()));
        List<Rejection> newRejects = rejects.storeNew(feed.name(), pageCursor, rejected);
        feed.config().rejectUri().ifPresent(uri -> outbox.enqueue(feed.name(), Outbox.REJECT, uri,
                newRejects.stream().map(r -> new Outbox.Entry(r.reconciliationKey(), toJson(r))).toList()));
        return new Applied(current.size() + eventsApplied, valid.size() - freshVersions.size() + events.size() - eventsApplied,
                freshVersions.size() - current.size(), rejected.size());
    }

    /** New payment events: recorded, and applied to (or held for) the registrations of the feed they refer to. */
    private int applyEvents(Feed feed, List<CanonicalPaymentEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        Set<String> fresh = feed.idempotency().addAllNew(events.stream()
                .map(e -> BatchingJdbcMessageIdRepository.messageId(e.createdAt(), e.idempotencyKey())).toList());
        List<CanonicalPaymentEvent> freshEvents = events.stream()
                .filter(e -> fresh.contains(BatchingJdbcMessageIdRepository.messageId(e.createdAt(), e.idempotencyKey())))
                .collect(java.util.stream.Collectors.toMap(CanonicalPaymentEvent::idempotencyKey, e -> e, (a, b) -> a,
                        java.util.LinkedHashMap::new)).values().stream().toList();
        String appliesTo = feed.adapter() instanceof PaymentEventAdapter p ? p.appliesTo().orElse(null) : null;
        payments.apply(appliesTo, freshEvents);
        feed.config().sinkUri().ifPresent(uri -> outbox.enqueue(feed.name(), Outbox.SINK, uri,
                freshEvents.stream().map(e -> new Outbox.Entry(e.idempotencyKey(), toJson(e))).toList()));
        return freshEvents.size();
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
