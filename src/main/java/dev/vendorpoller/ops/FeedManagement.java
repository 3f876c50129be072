package dev.vendorpoller.ops;

import dev.vendorpoller.cluster.ClusterSettings;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.RejectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One feed, managed over JMX as {@code dev.vendorpoller:type=feed,name=<feed>}. Every operation is logged and safe to
 * repeat; counters are since start, everything else is read from the database.
 */
@ManagedResource(description = "A vendor-poller feed: its cursor, progress and the operations on-call needs")
public final class FeedManagement {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.ops");
    private static final int MAX_CURSOR = 4000;

    private final Feed feed;
    private final CamelContext context;
    private final FeedFacts facts;
    private final TransactionTemplate tx;
    private final CursorStore cursors;
    private final DeadLetters deadLetters;
    private final RejectStore rejects;
    private final Ingest ingest;
    private final ClusterSettings cluster;

    /** {@code dev.vendorpoller:type=feed,name=<feed>} (feed names are [a-z0-9-], safe unquoted). */
    public static ObjectName objectName(String feed) throws MalformedObjectNameException {
        return new ObjectName("dev.vendorpoller:type=feed,name=" + feed);
    }

    public FeedManagement(Feed feed, CamelContext context, FeedFacts facts, TransactionTemplate tx, CursorStore cursors,
            DeadLetters deadLetters, RejectStore rejects, Ingest ingest, ClusterSettings cluster) {
        this.feed = feed;
        this.cluster = cluster;
        this.context = context;
        this.facts = facts;
        this.tx = tx;
        this.cursors = cursors;
        this.deadLetters = deadLetters;
        this.rejects = rejects;
        this.ingest = ingest;
    }

    @ManagedAttribute(description = "Feed type")
    public String getType() {
        return feed.config().type();
    }

    @ManagedAttribute(description = "This node's name (vendor-poller.node-id)")
    public String getNode() {
        return cluster.nodeId();
    }

    @ManagedAttribute(description = "The node running a poll of this feed now (empty: none; on one node: this node or none)")
    public String getRunningOn() {
        if (!cluster.clustered()) {
            return context.getInflightRepository().size(feed.config().routeId()) > 0 ? cluster.nodeId() : "";
        }
        return facts.runningOn().getOrDefault(feed.name(), "");
    }

    @ManagedAttribute(description = "Started, or Suspended when paused (in a cluster: paused on any node is paused on all)")
    public String getState() {
        if (cluster.clustered() && facts.pausedInTheCluster().contains(feed.name())) {
            return ServiceStatus.Suspended.name();
        }
        ServiceStatus status = context.getRouteController().getRouteStatus(feed.config().routeId());
        return status == null ? "Unknown" : status.name();
    }

    @ManagedAttribute(description = "The durable cursor the next page is read after (empty: start of the data)")
    public String getCursor() {
        return cursors.load(feed.name()).value().orElse("");
    }

    @ManagedAttribute(description = "When the last page committed (ISO-8601), empty if none since start")
    public String getLastSuccessfulPoll() {
        Instant at = feed.stats().lastCommit();
        return at == null ? "" : at.toString();
    }

    @ManagedAttribute(description = "Pages committed since start")
    public long getPagesFetched() {
        return feed.stats().pages();
    }

    @ManagedAttribute(description = "Records read since start")
    public long getRecordsIn() {
        return feed.stats().records();
    }

    @ManagedAttribute(description = "Record versions that became current in the ledger since start")
    public long getRecordsLedgered() {
        return feed.stats().ledgered();
    }

    @ManagedAttribute(description = "Records rejected by the contract since start")
    public long getRecordsRejected() {
        return feed.stats().rejected();
    }

    @ManagedAttribute(description = "The vendor account the feed's requests go through (shared budget and breaker)")
    public String getAccount() {
        return feed.account().name();
    }

    @ManagedAttribute(description = "Requests left in the account's current window (vendor-stated, else configured; -1: unknown)")
    public long getBudgetRemaining() {
        return feed.account().governor().budgetRemaining();
    }

    @ManagedAttribute(description = "The account's circuit breaker: CLOSED, OPEN or HALF_OPEN")
    public String getBreakerState() {
        return feed.account().breaker().getState().name();
    }

    @ManagedAttribute(description = "Requests per second learned from 429s no known limit explains (-1: none learned)")
    public double getLearnedRateLimit() {
        double rate = feed.account().governor().learnedRate();
        return Double.isFinite(rate) ? rate : -1;
    }

    @ManagedAttribute(description = "Rejects stored and not replayed")
    public long getRejectsStored() {
        return facts.storedRejects(feed.name());
    }

    @ManagedAttribute(description = "Dead letters not replayed")
    public long getDeadLettered() {
        return facts.openDeadLetters(feed.name());
    }

    @ManagedAttribute(description = "Deliveries waiting in the outbox")
    public long getOutboxDepth() {
        return facts.outboxDepth(feed.name());
    }

    @ManagedAttribute(description = "Seconds between now and the newest source_updated_at in the ledger (-1: empty)")
    public long getLagSeconds() {
        return facts.lag(feed.name()).map(Duration::toSeconds).orElse(-1L);
    }

    @ManagedOperation(description = "Stop scheduling polls of this feed (a run in progress finishes its page loop)")
    public String pause() throws Exception {
        if ("Suspended".equals(getState())) {
            return "already paused";
        }
        if (cluster.clustered()) {
            // in the database: no node fires it until a resume on any node (the routes stay started everywhere, so
            // a node's own suspended route cannot keep a run from happening after the resume)
            scheduler().pauseJob(jobKey());
        } else {
            context.getRouteController().suspendRoute(feed.config().routeId());
        }
        LOG.info("operator paused feed {}", feed.name());
        return "paused";
    }

    @ManagedOperation(description = "Resume scheduled polls of this feed")
    public String resume() throws Exception {
        if (!"Suspended".equals(getState())) {
            return "not paused";
        }
        if (cluster.clustered()) {
            scheduler().resumeJob(jobKey()); // paused perhaps on another node: resumed for the whole cluster
        } else {
            context.getRouteController().resumeRoute(feed.config().routeId());
        }
        LOG.info("operator resumed feed {}", feed.name());
        return "resumed";
    }

    @ManagedOperation(description = "Poll now, outside the schedule (never while a run of this feed is in progress)")
    public String pollNow() throws Exception {
        if ("Suspended".equals(getState())) {
            return "paused: resume first";
        }
        scheduler().triggerJob(jobKey());
        LOG.info("operator triggered a poll of feed {}", feed.name());
        return "poll triggered";
    }

    private Scheduler scheduler() {
        return context.getComponent("quartz", QuartzComponent.class).getScheduler();
    }

    private JobKey jobKey() {
        return JobKey.jobKey(feed.name(), "vendor-poller");
    }

    @ManagedOperation(description = "Set the cursor (START for the beginning of the data). Waits for a page commit in"
            + " progress; that run then stops and the next one reads after the new cursor")
    public String resetCursor(String value) {
        if (value == null || value.isBlank() || value.length() > MAX_CURSOR || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("cursor must be START or 1-" + MAX_CURSOR + " printable characters");
        }
        Cursor next = value.equals("START") ? Cursor.start() : Cursor.of(value.trim());
        try {
            feed.source().request(next); // the feed's own reading of a cursor: one it cannot read is refused, not stored
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a cursor a " + feed.config().type() + " feed can read ("
                    + e.getMessage() + "): nothing changed", e);
        }
        Cursor previous = tx.execute(s -> {
            Cursor before = cursors.load(feed.name());
            cursors.reset(feed.name(), next);
            return before;
        });
        LOG.info("operator reset the cursor of feed {} from {} to {}", feed.name(), previous.shortened(), next.shortened());
        return "cursor " + previous + " -> " + next;
    }

    @ManagedOperation(description = "Replay one dead letter by id (a delivery goes back to the outbox; at most once)")
    public String replayDeadLetter(long id) {
        boolean replayed = deadLetters.replay(id);
        LOG.info("operator replayed dead letter #{} of feed {}: {}", id, feed.name(), replayed ? "replayed" : "nothing to replay");
        return replayed ? "replayed #" + id : "no open dead letter #" + id;
    }

    @ManagedOperation(description = "Replay every open dead letter of this feed")
    public String replayDeadLetters() {
        int n = 0;
        for (long id : deadLetters.open(feed.name())) {
            n += deadLetters.replay(id) ? 1 : 0;
        }
        LOG.info("operator replayed {} dead letter(s) of feed {}", n, feed.name());
        return n + " dead letter(s) replayed";
    }

    @ManagedOperation(description = "Re-check one stored reject (by reconciliation key) against the contract as configured"
            + " now; if it passes it goes on like a new record and leaves the rejects")
    public String replayReject(String reconciliationKey) {
        return replay(reconciliationKey);
    }

    @ManagedOperation(description = "Re-check every stored reject of this feed against the contract as configured now")
    public String replayRejects() {
        return replay(null);
    }

    private String replay(String key) {
        List<RejectStore.StoredReject> stored = rejects.stored(feed.name(), key);
        int ledgered = 0;
        int stillInvalid = 0;
        for (RejectStore.StoredReject reject : stored) {
            ContractResult result = ingest.recheck(feed, reject.rawPayload());
            if (result instanceof ContractResult.Valid) {
                tx.executeWithoutResult(s -> {
                    ingest.apply(feed, List.of(result));
                    rejects.delete(feed.name(), reject.reconciliationKey());
                });
                ledgered++;
            } else {
                stillInvalid++;
            }
        }
        LOG.info("operator replayed {} reject(s) of feed {}: {} now valid, {} still invalid", stored.size(), feed.name(),
                ledgered, stillInvalid);
        return ledgered + " reject(s) now valid and passed on, " + stillInvalid + " still invalid";
    }


}
