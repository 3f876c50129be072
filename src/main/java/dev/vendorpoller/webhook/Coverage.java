package dev.vendorpoller.webhook;

import dev.vendorpoller.cluster.Leases;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.store.Sql;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What each path missed, per feed that has a webhook: versions first seen by webhook, first seen by poll, and of
 * those the ones no webhook announced within the feed's {@code webhook.grace} (missed). Where a version is first
 * recorded (the poll page's or the inbox batch's transaction) a {@code version_seen} row notes its path; a webhook for
 * a version the poll saw first stamps {@code webhook_at}. The coverage pass (routes/webhook-inbox.yaml, one node at a
 * time) moves rows older than the grace into the counts of {@code webhook_coverage}, so the table holds only the grace
 * window and feeds without a webhook write nothing at all.
 */
public final class Coverage {
    static final String WEBHOOK = "WEBHOOK";
    static final String POLL = "POLL";
    private static final String LEASE = "webhook-coverage";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Leases leases;
    private final Map<String, Duration> graces;
    private final Clock clock;
    private volatile Map<String, Counts> snapshot = Map.of();

    /** @param graces the feeds that have a webhook, each with its grace */
    public Coverage(JdbcTemplate jdbc, TransactionTemplate tx, Leases leases, Map<String, Duration> graces, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.leases = leases;
        this.graces = Map.copyOf(graces);
        this.clock = clock;
    }

    /** The feeds that have a webhook. */
    public Set<String> feeds() {
        return graces.keySet();
    }

    /** What the poll tells {@link Ingest#onPolledVersions}: the page's first-seen versions, for feeds with a webhook. */
    public Ingest.FirstSeen polled() {
        return (feed, messageIds) -> {
            if (!messageIds.isEmpty() && graces.containsKey(feed.name())) {
                insert(feed.name(), messageIds, POLL, null);
            }
        };
    }

    /**
     * Inside an inbox batch's transaction: the versions it recorded first are noted as the webhook's, and those it
     * found already recorded (first seen by the poll) are stamped as announced, at the row's receive time.
     *
     * @param receivedAt every valid version of the batch, with the receive time of the (earliest) row that carried it
     */
    void webhookBatch(Feed feed, Map<String, Instant> receivedAt, Set<String> firstSeen) {
        if (!graces.containsKey(feed.name())) {
            return;
        }
        Map<Instant, List<String>> byTime = new LinkedHashMap<>();
        List<Object[]> announced = new ArrayList<>();
        receivedAt.forEach((id, at) -> {
            if (firstSeen.contains(id)) {
                byTime.computeIfAbsent(at, t -> new ArrayList<>()).add(id);
            } else {
                announced.add(new Object[] {Sql.utc(at), id, feed.name()});
            }
        });
        byTime.forEach((at, ids) -> insert(feed.name(), ids, WEBHOOK, at));
        if (!announced.isEmpty()) {
            jdbc.batchUpdate("UPDATE version_seen SET webhook_at = ? WHERE message_id = ? AND feed = ? AND webhook_at IS NULL",
                    announced);
        }
    }

    private void insert(String feed, Collection<String> ids, String path, Instant webhookAt) {
        List<Object[]> rows = new ArrayList<>(ids.size());
        if (webhookAt == null) {
            Object now = Sql.utc(clock.instant());
            ids.forEach(id -> rows.add(new Object[] {id, feed, path, now}));
            jdbc.batchUpdate("INSERT INTO version_seen (message_id, feed, first_path, first_seen_at) VALUES (?, ?, ?, ?)", rows);
            return;
        }
        Object at = Sql.utc(webhookAt);
        ids.forEach(id -> rows.add(new Object[] {id, feed, path, at, at}));
        jdbc.batchUpdate("INSERT INTO version_seen (message_id, feed, first_path, first_seen_at, webhook_at)"
                + " VALUES (?, ?, ?, ?, ?)", rows);
    }

    /**
     * The coverage pass: rows older than their feed's grace are counted and deleted in one transaction (a delete that
     * finds a row gone counts nothing, so two nodes never count one twice), then the snapshot the metrics and the
     * status page read is refreshed.
     */
    public void settle() {
        if (leases.hold(LEASE)) {
            Instant now = clock.instant();
            for (Map.Entry<String, Duration> e : graces.entrySet()) {
                String feed = e.getKey();
                Object cutoff = Sql.utc(now.minus(e.getValue()));
                tx.executeWithoutResult(s -> {
                    int webhook = jdbc.update("DELETE FROM version_seen WHERE feed = ? AND first_seen_at < ? AND first_path = ?",
                            feed, cutoff, WEBHOOK);
                    // announced in time: a webhook came no later than the grace after the poll saw the version
                    int late = jdbc.update("DELETE FROM version_seen WHERE feed = ? AND first_seen_at < ? AND first_path = ?"
                            + " AND webhook_at IS NOT NULL", feed, cutoff, POLL);
                    int missed = jdbc.update("DELETE FROM version_seen WHERE feed = ? AND first_seen_at < ? AND first_path = ?"
                            + " AND webhook_at IS NULL", feed, cutoff, POLL);
                    if (webhook + late + missed > 0) {
                        add(feed, webhook, late + missed, missed, now);
                    }
                });
            }
        }
        refresh();
    }

    private void add(String feed, long webhook, long poll, long missed, Instant now) {
        int updated = jdbc.update("UPDATE webhook_coverage SET by_webhook = by_webhook + ?, by_poll = by_poll + ?,"
                + " missed = missed + ?, updated_at = ? WHERE feed = ?", webhook, poll, missed, Sql.utc(now), feed);
        if (updated == 0) {
            jdbc.update("INSERT INTO webhook_coverage (feed, by_webhook, by_poll, missed, updated_at) VALUES (?, ?, ?, ?, ?)",
                    feed, webhook, poll, missed, Sql.utc(now));
        }
    }

    /** Reads the settled counts and the versions still inside their grace into the snapshot. */
    public void refresh() {
        Map<String, long[]> settled = new HashMap<>();
        jdbc.query("SELECT feed, by_webhook, by_poll, missed FROM webhook_coverage", rs -> {
            settled.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
        });
        Map<String, long[]> open = new HashMap<>();
        jdbc.query("SELECT feed, first_path, COUNT(*) FROM version_seen GROUP BY feed, first_path", rs -> {
            open.computeIfAbsent(rs.getString(1), f -> new long[2])[WEBHOOK.equals(rs.getString(2)) ? 0 : 1] = rs.getLong(3);
        });
        Map<String, Counts> next = new HashMap<>();
        for (String feed : graces.keySet()) {
            long[] s = settled.getOrDefault(feed, new long[3]);
            long[] o = open.getOrDefault(feed, new long[2]);
            next.put(feed, new Counts(s[0] + o[0], s[1] + o[1], s[2], o[0] + o[1]));
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
     * each path, those within the grace included), {@code vendor_poller_webhook_missed_total{feed}} (first seen by the
     * poll, no webhook within the grace) and {@code vendor_poller_webhook_coverage_ratio{feed}} (announced / settled).
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
     * @param byWebhook versions first seen by a webhook (settled and within the grace)
     * @param byPoll    versions first seen by the poll (settled and within the grace)
     * @param missed    settled versions first seen by the poll that no webhook announced within the grace
     * @param open      versions still inside their grace (not yet counted as announced or missed)
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
