package dev.vendorpoller.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.delivery.Destinations;
import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.delivery.OutboxKind;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.FeedRecords;
import dev.vendorpoller.record.LedgerPlan;
import dev.vendorpoller.record.Rejection;
import dev.vendorpoller.store.BatchingJdbcMessageIdRepository;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.NamedLocks;
import dev.vendorpoller.store.RejectStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where every batch of vendor records goes, whatever read it and whatever its kind: the contract's results become a
 * {@link PagePlan} (reads only: which versions are new, the ledger rows of their kind, what waited for them, which
 * rejects are new, what to deliver), which is then written in a fixed order — cursor, idempotency keys, ledger,
 * waiting records, rejects, outbox — in one transaction. A crash before the commit leaves none of it, so the page is
 * read again; after it, all of it.
 *
 * <p>Two commits into one feed's ledger never interleave, on any node: each first takes its feed's {@link NamedLocks
 * lock} (and, for a kind that waits for another feed's records, that feed's too). Without it two commits of one record
 * (a webhook batch and a polled page, on two nodes) could both read the same ledgered version and the later commit
 * write the older version over the newer, and a payment page and the registration page it waits for could each miss
 * the other's uncommitted rows under READ COMMITTED (the payment held for good).
 */
public final class Ingest {
    private final TransactionTemplate tx;
    private final NamedLocks locks;
    private final CursorStore cursors;
    private final RejectStore rejects;
    private final Outbox outbox;
    private final Destinations destinations;
    private final ObjectMapper json;
    /** feed → what waits for its records to become current (e.g. payment events for registrations). */
    private final Map<String, List<FeedRecords.Waiting>> waiting = new HashMap<>();
    /** Told, inside the page transaction, which versions a polled page saw first (webhook coverage, issue 15). */
    private volatile FirstSeen polled = FirstSeen.NONE;

    /**
     * Versions a batch recorded for the first time (their idempotent repository ids), told inside the batch's
     * transaction so what it writes commits or rolls back with the batch.
     */
    @FunctionalInterface
    public interface FirstSeen {
        FirstSeen NONE = (feed, messageIds) -> { };

        void seen(Feed feed, Set<String> messageIds);
    }

    public Ingest(Feeds feeds, TransactionTemplate tx, NamedLocks locks, CursorStore cursors, RejectStore rejects,
            Outbox outbox, Destinations destinations, ObjectMapper json) {
        this.tx = tx;
        this.locks = locks;
        this.cursors = cursors;
        this.rejects = rejects;
        this.outbox = outbox;
        this.destinations = destinations;
        this.json = json;
        for (Feed feed : feeds.all()) {
            feed.records().follows().ifPresent(follow -> {
                if (!feeds.has(follow.source())) {
                    throw new ConfigException(follow.property(), "names feed '" + follow.source() + "', which is not in "
                            + FeedConfigLoader.FEEDS);
                }
                waiting.computeIfAbsent(follow.source(), s -> new ArrayList<>()).add(follow.waiting());
            });
        }
    }

    /**
     * Commits a page: the cursor moves from {@code before} to {@code after} with everything the page's results lead
     * to. Empty, with nothing written, when an operator reset the cursor while the page was in flight.
     */
    public Optional<Applied> commitPage(Feed feed, Cursor before, Cursor after, List<ContractResult> results) {
        return Optional.ofNullable(tx.execute(status -> {
            lock(feed);
            // Then the cursor, so a concurrent operator reset either waits for this commit or makes it give way.
            if (!cursors.advance(feed.name(), before, after)) {
                status.setRollbackOnly();
                return null;
            }
            PagePlan plan = plan(feed, results);
            write(feed, plan, before.value().orElse(null));
            polled.seen(feed, plan.newKeys());
            return plan.applied();
        }));
    }

    /** Who is told which versions each polled page saw first (one listener; webhook coverage). */
    public void onPolledVersions(FirstSeen listener) {
        this.polled = listener;
    }

    /** Plans and writes results inside the caller's transaction, without a cursor (an operator's replay of rejects). */
    public Applied apply(Feed feed, List<ContractResult> results) {
        return apply(feed, results, FirstSeen.NONE);
    }

    /**
     * As {@link #apply(Feed, List)}, telling {@code firstSeen} which versions this batch recorded first (webhooks).
     * Takes the feed's lock first, as a page commit does.
     */
    public Applied apply(Feed feed, List<ContractResult> results, FirstSeen firstSeen) {
        lock(feed);
        PagePlan plan = plan(feed, results);
        write(feed, plan, null);
        firstSeen.seen(feed, plan.newKeys());
        return plan.applied();
    }

    /** A stored raw record (a reject being replayed) through the feed's contract as configured now. */
    public ContractResult recheck(Feed feed, String rawJson) {
        JsonNode record;
        try {
            record = json.readTree(rawJson);
        } catch (JsonProcessingException e) {
            record = TextNode.valueOf(rawJson);
        }
        return feed.records().check(record);
    }

    /** The feed's ingest lock, and the lock of the feed whose records its own wait for: before any read of the plan. */
    private void lock(Feed feed) {
        List<String> names = new ArrayList<>(2);
        names.add("ingest:" + feed.name());
        feed.records().follows().ifPresent(follow -> names.add("ingest:" + follow.source()));
        locks.lock(names);
    }

    PagePlan plan(Feed feed, List<ContractResult> results) {
        Map<String, CanonicalRecord> valid = new LinkedHashMap<>();
        int validCount = 0;
        List<Rejection> rejected = new ArrayList<>();
        for (ContractResult result : results) {
            if (result instanceof ContractResult.Valid v) {
                validCount++;
                valid.putIfAbsent(messageId(v.record()), v.record()); // the same version twice in a page counts once
            } else if (result instanceof ContractResult.Rejected r) {
                rejected.add(r.rejection());
            }
        }
        Set<String> newKeys = feed.idempotency().unseen(new ArrayList<>(valid.keySet()));
        List<CanonicalRecord> fresh = valid.entrySet().stream().filter(e -> newKeys.contains(e.getKey()))
                .map(Map.Entry::getValue).toList();
        LedgerPlan ledger = feed.records().plan(fresh);
        List<LedgerPlan> waited = ledger.current().isEmpty() ? List.of() : waiting.getOrDefault(feed.name(), List.of())
                .stream().map(w -> w.planFor(feed.name(), ledger.current())).toList();
        Map<String, Rejection> byKey = new LinkedHashMap<>();
        rejected.forEach(r -> byKey.putIfAbsent(r.reconciliationKey(), r));
        List<RejectStore.Row> newRejects = rejects.unseen(feed.name(), byKey.values().stream().map(this::row).toList());
        List<Outbox.Entry> sink = destinations.delivers(feed.name(), OutboxKind.SINK)
                ? ledger.current().stream().map(r -> new Outbox.Entry(r.idempotencyKey(), toJson(r),
                        Outbox.recordKey(r.source(), r.recordId()), r.versionTime())).toList() : List.of();
        List<Outbox.Entry> rejectCopies = destinations.delivers(feed.name(), OutboxKind.REJECT)
                ? newRejects.stream().map(r -> new Outbox.Entry(r.reconciliationKey(), toJson(byKey.get(r.reconciliationKey()))))
                        .toList() : List.of();
        Applied applied = new Applied(results.size(), ledger.current().size(), validCount - fresh.size(), ledger.stale(),
                rejected.size());
        return new PagePlan(newKeys, ledger, waited, newRejects, sink, rejectCopies, applied);
    }

    private void write(Feed feed, PagePlan plan, String pageCursor) {
        feed.idempotency().record(plan.newKeys());
        plan.ledger().write();
        plan.waiting().forEach(LedgerPlan::write);
        rejects.store(feed.name(), pageCursor, plan.newRejects());
        destinations.target(feed.name(), OutboxKind.SINK).ifPresent(t ->
                outbox.enqueue(feed.name(), OutboxKind.SINK, t.uri(), plan.sinkDeliveries()));
        destinations.target(feed.name(), OutboxKind.REJECT).ifPresent(t ->
                outbox.enqueue(feed.name(), OutboxKind.REJECT, t.uri(), plan.rejectDeliveries()));
    }

    /** The idempotent repository's id of a version: its time first, so a page's keys are neighbours in the index. */
    public static String messageId(CanonicalRecord record) {
        return BatchingJdbcMessageIdRepository.messageId(record.versionTime(), record.idempotencyKey());
    }

    private RejectStore.Row row(Rejection r) {
        return new RejectStore.Row(r.reconciliationKey(), r.externalId(), r.raw() == null ? "null" : r.raw().toString(),
                toJson(r.errors()), r.rejectedAt());
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
