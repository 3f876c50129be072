package dev.vendorpoller.webhook;

import dev.vendorpoller.cluster.Leases;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.store.NamedLocks;
import dev.vendorpoller.store.Sql;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What each path missed, per feed that has a webhook: versions first seen by webhook, first seen by poll, and of
 * those the ones no webhook announced within the feed's {@code webhook.grace} (missed). Counted per second in
 * {@code webhook_coverage} inside the transaction that first records a version — a poll page adds one figure per page
 * (no row per version: the page commit stays cheap), a webhook batch its new versions, and a webhook for a version the
 * poll saw first one announcement in the second the poll saw it ({@code CAMEL_MESSAGEPROCESSED.createdAt}), if it came
 * within the grace. A second older than the grace is settled: its {@code by_poll - announced} were missed. The coverage
 * pass (routes/webhook-inbox.yaml) folds settled seconds into one row per feed and refreshes the figures the metrics
 * and the status page read. Feeds without a webhook write nothing.
 */
public final class Coverage {
    /** The row every settled second of a feed is folded into. */
    static final OffsetDateTime FOLDED = OffsetDateTime.parse("1970-01-01T00:00:00Z");
    private static final String LEASE = "webhook-coverage";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Leases leases;
    private final NamedLocks locks;
    private final Map<String, Duration> graces;
    private final Clock clock;
    private volatile Map<String, Counts> snapshot = Map.of();

    /** @param graces the feeds that have a webhook, each with its grace */
    public Coverage(JdbcTemplate jdbc, TransactionTemplate tx, Leases leases, NamedLocks locks, Map<String, Duration> graces,
            Clock clock) {
        this.jdbc = jdbc;
        this.locks = locks;
        this.tx = tx;
        this.leases = leases;
        this.graces = Map.copyOf(graces);
        this.clock = clock;
    }

    /** The feeds that have a webhook. */
    public Set<String> feeds() {
        return graces.keySet();
    }

    /** What the poll tells {@link Ingest#onPolledVersions}: how many versions a page saw first, for feeds with a webhook. */
    public Ingest.FirstSeen polled() {
        return (feed, messageIds) -> {
            if (!messageIds.isEmpty() && graces.containsKey(feed.name())) {
                add(feed.name(), clock.instant(), 0, messageIds.size(), 0);
            }
        };
    }

    /**
     * Inside an inbox batch's transaction (which holds the feed's lock): the versions it recorded first count for the
     * webhook; those the poll recorded first and no webhook brought before are announcements, counted in the second the
     * poll saw them when this webhook's receive time is within the grace of it.
     *
     * @param receivedAt every valid version of the batch, with the receive time of the (earliest) row that carried it
     */
    void webhookBatch(Feed feed, Map<String, Instant> receivedAt, Set<String> firstSeen) {
        Duration grace = graces.get(feed.name());
        if (grace == null || receivedAt.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (!firstSeen.isEmpty()) {
            add(feed.name(), now, firstSeen.size(), 0, 0);
        }
        List<String> known = receivedAt.keySet().stream().filter(id -> !firstSeen.contains(id)).toList();
        Set<String> broughtBefore = new HashSet<>();
        Map<String, Instant> polledAt = new HashMap<>();
        for (List<String> chunk : Sql.chunks(known)) {
            List<Object> args = new ArrayList<>(chunk.size() + 1);
            args.add(feed.name());
            args.addAll(chunk);
            broughtBefore.addAll(jdbc.queryForList("SELECT message_id FROM webhook_seen WHERE feed = ? AND message_id IN ("
                    + Sql.placeholders(chunk.size()) + ")", String.class, args.toArray()));
            jdbc.query("SELECT messageId, createdAt FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? AND messageId IN ("
                    + Sql.placeholders(chunk.size()) + ")", rs -> {
                        Timestamp created = rs.getTimestamp(2);
                        polledAt.put(rs.getString(1), created.toInstant());
                    }, args.toArray());
        }
        List<Object[]> seen = new ArrayList<>();
        Object at = Sql.utc(now);
        for (String id : firstSeen) {
            seen.add(new Object[] {id, feed.name(), at});
        }
        for (String id : known) {
            Instant polled = polledAt.get(id);
            if (broughtBefore.contains(id) || polled == null) {
                continue; // a webhook brought it before (a repeat), or its key is older than the retention
            }
            seen.add(new Object[] {id, feed.name(), at});
            if (!receivedAt.get(id).isAfter(polled.plus(grace))) {
                add(feed.name(), polled, 0, 0, 1);
            }
        }
        if (!seen.isEmpty()) {
            jdbc.batchUpdate("INSERT INTO webhook_seen (message_id, feed, seen_at) VALUES (?, ?, ?)", seen);
        }
    }

    /** Adds to the feed's figures of the second {@code at} falls in (the caller's transaction holds the feed's lock). */
    private void add(String feed, Instant at, long webhook, long poll, long announced) {
        add(feed, Sql.utc(at.truncatedTo(ChronoUnit.SECONDS)), webhook, poll, announced);
    }

    private void add(String feed, OffsetDateTime bucket, long webhook, long poll, long announced) {
        int updated = jdbc.update("UPDATE webhook_coverage SET by_webhook = by_webhook + ?, by_poll = by_poll + ?,"
                + " announced = announced + ? WHERE bucket_start = ? AND feed = ?", webhook, poll, announced, bucket, feed);
        if (updated == 0) {
            jdbc.update("INSERT INTO webhook_coverage (bucket_start, feed, by_webhook, by_poll, announced) VALUES (?, ?, ?, ?, ?)",
                    bucket, feed, webhook, poll, announced);
        }
    }

    /**
     * The coverage pass: per feed, the settled seconds are folded into its 1970 row and webhook_seen rows older than
     * twice the grace are deleted, in one transaction holding the feed's lock (the one its page commits and webhook
     * batches take), so no count is lost or counted twice whichever node folds; then the figures are refreshed.
     */
    public void settle() {
        if (graces.isEmpty()) {
            return;
        }
        if (leases.hold(LEASE)) {
            Instant now = clock.instant();
            graces.forEach((feed, grace) -> tx.executeWithoutResult(s -> {
                locks.lock(List.of("ingest:" + feed)); // the lock Ingest takes for the feed's page commits and webhook batches
                OffsetDateTime cutoff = Sql.utc(settledBefore(now, grace));
                long[] sums = jdbc.query("SELECT COALESCE(SUM(by_webhook), 0), COALESCE(SUM(by_poll), 0),"
                        + " COALESCE(SUM(announced), 0), COUNT(*) FROM webhook_coverage WHERE feed = ? AND bucket_start > ?"
                        + " AND bucket_start < ?", rs -> {
                            rs.next();
                            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
                        }, feed, FOLDED, cutoff);
                if (sums[3] > 0) {
                    jdbc.update("DELETE FROM webhook_coverage WHERE feed = ? AND bucket_start > ? AND bucket_start < ?",
                            feed, FOLDED, cutoff);
                    add(feed, FOLDED, sums[0], sums[1], sums[2]);
                }
                jdbc.update("DELETE FROM webhook_seen WHERE feed = ? AND seen_at < ?", feed, Sql.utc(now.minus(grace.multipliedBy(2))));
            }));
        }
        refresh();
    }

    /** Seconds starting before this are settled: their whole second plus the grace has passed. */
    private static Instant settledBefore(Instant now, Duration grace) {
        return now.minus(grace).minusSeconds(1);
    }

    /** Reads the figures into the snapshot the metrics and the status page show. */
    public void refresh() {
        Instant now = clock.instant();
        Map<String, long[]> sums = new HashMap<>(); // by_webhook, by_poll, missed (settled), settled, open
        jdbc.query("SELECT feed, bucket_start, by_webhook, by_poll, announced FROM webhook_coverage", rs -> {
            String feed = rs.getString(1);
            Duration grace = graces.get(feed);
            if (grace == null) {
                return;
            }
            long[] s = sums.computeIfAbsent(feed, f -> new long[5]);
            Instant bucket = rs.getObject(2, OffsetDateTime.class).toInstant();
            long webhook = rs.getLong(3);
            long poll = rs.getLong(4);
            long announced = rs.getLong(5);
            s[0] += webhook;
            s[1] += poll;
            if (bucket.isBefore(settledBefore(now, grace))) {
                s[2] += poll - announced;
                s[3] += webhook + poll;
            } else {
                s[3] += webhook; // a version first seen by a webhook needs no grace
                s[4] += poll;
            }
        });
        Map<String, Counts> next = new HashMap<>();
        for (String feed : graces.keySet()) {
            long[] s = sums.getOrDefault(feed, new long[5]);
            next.put(feed, new Counts(s[0], s[1], Math.max(0, s[2]), s[4]));
        }
        snapshot = Map.copyOf(next);
    }

    /** The feed's figures as of the last pass; empty for a feed without a webhook. */
    public Optional<Counts> counts(String feed) {
        return graces.containsKey(feed) ? Optional.of(snapshot.getOrDefault(feed, Counts.NONE)) : Optional.empty();
    }

    /** For the status page: e.g. "87 % announced (12 missed)"; empty for a feed without a webhook. */
    public Optional<String> words(String feed) {
        return counts(feed).map(Counts::words);
    }

    /**
     * Per feed with a webhook: {@code vendor_poller_webhook_versions_total{feed,first_path}} (versions first seen by
     * each path), {@code vendor_poller_webhook_missed_total{feed}} (first seen by the poll, no webhook within the
     * grace) and {@code vendor_poller_webhook_coverage_ratio{feed}} (announced / settled).
     */
    public void bind(MeterRegistry registry) {
        for (String feed : graces.keySet()) {
            FunctionCounter.builder("vendor_poller_webhook_versions", this, c -> c.count(feed).byWebhook())
                    .description("Versions first seen by each path (webhook or poll)").tag("feed", feed)
                    .tag("first_path", "webhook").register(registry);
            FunctionCounter.builder("vendor_poller_webhook_versions", this, c -> c.count(feed).byPoll())
                    .description("Versions first seen by each path (webhook or poll)").tag("feed", feed)
                    .tag("first_path", "poll").register(registry);
            FunctionCounter.builder("vendor_poller_webhook_missed", this, c -> c.count(feed).missed())
                    .description("Versions first seen by the poll that no webhook announced within webhook.grace")
                    .tag("feed", feed).register(registry);
            Gauge.builder("vendor_poller_webhook_coverage_ratio", this, c -> c.count(feed).ratio())
                    .description("Settled versions a webhook announced, over all settled versions (NaN: none yet)")
                    .tag("feed", feed).register(registry);
        }
    }

    private Counts count(String feed) {
        return snapshot.getOrDefault(feed, Counts.NONE);
    }

    /**
     * @param byWebhook versions first seen by a webhook
     * @param byPoll    versions first seen by the poll (settled and within the grace)
     * @param missed    settled versions first seen by the poll that no webhook announced within the grace
     * @param open      versions first seen by the poll still inside their grace (not yet announced or missed)
     */
    public record Counts(long byWebhook, long byPoll, long missed, long open) {
        static final Counts NONE = new Counts(0, 0, 0, 0);

        long settled() {
            return byWebhook + byPoll - open;
        }

        double ratio() {
            long settled = settled();
            return settled == 0 ? Double.NaN : (double) (settled - missed) / settled;
        }

        String words() {
            long settled = settled();
            String pending = open > 0 ? ", " + open + " within the grace" : "";
            if (settled == 0) {
                return "no settled versions yet" + pending;
            }
            return Math.round(ratio() * 100) + " % announced (" + missed + " missed)" + pending;
        }
    }
}
