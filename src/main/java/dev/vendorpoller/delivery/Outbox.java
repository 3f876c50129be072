package dev.vendorpoller.delivery;

import dev.vendorpoller.ratelimit.FullJitterBackoff;
import dev.vendorpoller.store.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transactional outbox. {@link #enqueue} runs inside the page transaction, so a delivery exists exactly when its
 * ledger row does. A lane {@link #take}s what is due, newest version per record only, and {@link #settle}s what its
 * endpoint accepted in one transaction: the rows leave the outbox and the accepted versions are remembered
 * (delivered_version), so an older version of a record is never sent after a newer one was accepted.
 */
public final class Outbox {
    private static final String COLUMNS = "id, feed, kind, endpoint_uri, idempotency_key, payload, attempts, record_key,"
            + " version_time, created_at";
    /** Versions of one record, oldest first: the vendor's version time, then when it was ledgered. Never the id. */
    static final Comparator<OutboxMessage> VERSION_ORDER = Comparator.comparing(OutboxMessage::versionTime)
            .thenComparing(OutboxMessage::createdAt).thenComparingLong(OutboxMessage::id);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;

    /** @param maxRetryDelay the cap of the backoff (at least {@code retryDelay}) */
    public Outbox(JdbcTemplate jdbc, TransactionTemplate tx, Duration retryDelay, Duration maxRetryDelay) {
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException("max retry delay " + maxRetryDelay + " is below the retry delay " + retryDelay);
        }
        this.jdbc = jdbc;
        this.tx = tx;
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
    }

    /**
     * One message to queue.
     *
     * @param recordKey   for a version of a record: {@link #recordKey}(source, record id); null for other messages
     * @param versionTime the vendor's time of that version (null when recordKey is)
     */
    public record Entry(String idempotencyKey, String payload, String recordKey, Instant versionTime) {
        /** A message that is no version of a record (a reject, a dead-letter copy): no ordering applies. */
        public Entry(String idempotencyKey, String payload) {
            this(idempotencyKey, payload, null, null);
        }
    }

    /** The identity of a record across versions: the feed it was read from and the vendor's id of it. */
    public static String recordKey(String source, String recordId) {
        return Sql.truncate(source + "/" + recordId, 400);
    }

    /** What one pass of a lane took: the messages to send now, and how many it dropped as superseded or stale. */
    public record Taken(List<OutboxMessage> messages, int superseded, int stale) {
    }

    /** @param endpointUri shown to operators only (stored as scheme, host and port); the drain sends to the live config */
    public void enqueue(String feed, OutboxKind kind, String endpointUri, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        String shown = EndpointUris.shown(endpointUri);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            rows.add(new Object[] {feed, kind.name(), shown, e.idempotencyKey(), e.payload(), now, now, e.recordKey(),
                    Sql.utc(e.versionTime())});
        }
        jdbc.batchUpdate("INSERT INTO outbox (feed, kind, endpoint_uri, idempotency_key, payload, attempts,"
                + " next_attempt_at, created_at, record_key, version_time) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)", rows);
    }

    /** A lane's pending messages: how many, and when the oldest was committed. */
    public record Depth(long messages, Instant oldest) {
    }

    /** Every lane's pending messages (due or waiting for a retry), read now: one grouped scan of the outbox. */
    public Map<Lane, Depth> depths() {
        Map<Lane, Depth> depths = new HashMap<>();
        jdbc.query("SELECT feed, kind, COUNT(*), MIN(created_at) FROM outbox GROUP BY feed, kind", rs -> {
            depths.put(new Lane(rs.getString(1), OutboxKind.valueOf(rs.getString(2))), new Depth(rs.getLong(3), instant(rs, 4)));
        });
        return depths;
    }

    /** The lanes that have messages (configured or not), each once. */
    public List<Lane> lanes() {
        return jdbc.query("SELECT DISTINCT feed, kind FROM outbox", (rs, i) -> new Lane(rs.getString(1),
                OutboxKind.valueOf(rs.getString(2))));
    }

    /** Up to {@code limit} of the lane's messages, due or not (a lane no longer configured: they all go). */
    public List<OutboxMessage> orphans(Lane lane, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE feed = ? AND kind = ? ORDER BY created_at, id FETCH FIRST "
                + limit + " ROWS ONLY", Outbox::message, lane.feed(), lane.kind().name());
    }

    /**
     * The lane's due messages, longest due first (read along the lane's index: ORDER BY names its columns, or H2 sorts every due row), at most {@code limit}, keeping of each record only its newest pending
     * version, and only if it is newer than the version the endpoint last accepted. Older pending versions are
     * superseded and stale ones (not newer than the accepted one, e.g. a replayed dead letter) dropped: both leave the
     * outbox here, never sent. One lane takes at a time, so no row is handed out twice.
     */
    public Taken take(Lane lane, int limit) {
        List<OutboxMessage> due = jdbc.query("SELECT " + COLUMNS + " FROM outbox WHERE feed = ? AND kind = ?"
                + " AND next_attempt_at <= ? ORDER BY feed, kind, next_attempt_at FETCH FIRST " + limit + " ROWS ONLY", Outbox::message,
                lane.feed(), lane.kind().name(), OffsetDateTime.now(ZoneOffset.UTC));
        List<String> keys = new ArrayList<>(new LinkedHashSet<>(due.stream().map(OutboxMessage::recordKey)
                .filter(k -> k != null).toList()));
        if (keys.isEmpty()) {
            return new Taken(due, 0, 0);
        }
        Map<String, OutboxMessage> newest = new HashMap<>();
        Map<String, Accepted> accepted = new HashMap<>();
        for (List<String> chunk : Sql.chunks(keys)) {
            List<Object> args = new ArrayList<>(List.of(lane.feed(), lane.kind().name()));
            args.addAll(chunk);
            String in = " AND record_key IN (" + Sql.placeholders(chunk.size()) + ")";
            jdbc.query("SELECT id, record_key, version_time, created_at, idempotency_key FROM outbox"
                    + " WHERE feed = ? AND kind = ?" + in, rs -> {
                OutboxMessage m = new OutboxMessage(rs.getLong(1), lane.feed(), lane.kind(), null, rs.getString(5), null, 0,
                        rs.getString(2), instant(rs, 3), instant(rs, 4));
                newest.merge(m.recordKey(), m, (a, b) -> VERSION_ORDER.compare(a, b) >= 0 ? a : b);
            }, args.toArray());
            jdbc.query("SELECT record_key, version_time, enqueued_at, idempotency_key FROM delivered_version"
                    + " WHERE feed = ? AND kind = ?" + in, rs -> {
                accepted.put(rs.getString(1), new Accepted(instant(rs, 2), instant(rs, 3), rs.getString(4)));
            }, args.toArray());
        }
        List<OutboxMessage> send = new ArrayList<>(due.size());
        List<Long> drop = new ArrayList<>();
        int superseded = 0;
        int stale = 0;
        for (OutboxMessage m : due) {
            if (m.recordKey() == null) {
                send.add(m);
            } else if (newest.get(m.recordKey()).id() != m.id()) {
                drop.add(m.id());
                superseded++;
            } else if (Optional.ofNullable(accepted.get(m.recordKey())).map(a -> !a.olderThan(m)).orElse(false)) {
                drop.add(m.id());
                stale++;
            } else {
                send.add(m);
            }
        }
        if (!drop.isEmpty()) {
            delete(drop);
        }
        return new Taken(send, superseded, stale);
    }

    /** The version a lane's endpoint last accepted for one record. */
    private record Accepted(Instant versionTime, Instant enqueuedAt, String idempotencyKey) {
        /** True when {@code m} is a newer version than this one (an equal time counts if it was ledgered later). */
        boolean olderThan(OutboxMessage m) {
            int byTime = m.versionTime().compareTo(versionTime);
            return byTime > 0 || byTime == 0 && !m.idempotencyKey().equals(idempotencyKey) && m.createdAt().isAfter(enqueuedAt);
        }
    }

    /**
     * The endpoint accepted these messages: in one transaction they leave the outbox and the accepted versions become
     * the ones later versions are compared with.
     */
    public void settle(List<OutboxMessage> accepted) {
        if (accepted.isEmpty()) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        tx.executeWithoutResult(s -> {
            delete(accepted.stream().map(OutboxMessage::id).toList());
            List<OutboxMessage> versions = accepted.stream().filter(m -> m.recordKey() != null).toList();
            if (versions.isEmpty()) {
                return;
            }
            // one lane settles at a time, so replacing the rows of these records cannot race (portable: no upsert)
            Lane lane = versions.get(0).lane();
            for (List<String> chunk : Sql.chunks(versions.stream().map(OutboxMessage::recordKey).toList())) {
                List<Object> args = new ArrayList<>(List.of(lane.feed(), lane.kind().name()));
                args.addAll(chunk);
                jdbc.update("DELETE FROM delivered_version WHERE feed = ? AND kind = ? AND record_key IN ("
                        + Sql.placeholders(chunk.size()) + ")", args.toArray());
            }
            List<Object[]> inserts = versions.stream().map(m -> new Object[] {m.recordKey(), m.feed(), m.kind().name(),
                    Sql.utc(m.versionTime()), Sql.utc(m.createdAt()), m.idempotencyKey(), now}).toList();
            jdbc.batchUpdate("INSERT INTO delivered_version (record_key, feed, kind, version_time, enqueued_at,"
                    + " idempotency_key, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?)", inserts);
        });
    }

    public void delivered(long id) {
        delete(List.of(id));
    }

    private void delete(List<Long> ids) {
        for (List<Long> chunk : Sql.chunks(ids)) {
            jdbc.update("DELETE FROM outbox WHERE id IN (" + Sql.placeholders(chunk.size()) + ")", chunk.toArray());
        }
    }

    /**
     * Schedules the next attempt with truncated exponential backoff and full jitter: after the n-th failed attempt
     * the next one waits a uniformly random time in [0, min(max-retry-delay, retry-delay × 2^(n-1))]. Full jitter
     * spreads retries out; a vendor's Retry-After is honoured separately, by the account's governor.
     */
    public void retryLater(long id, int attempts, String error) {
        long delay = retryDelayMillis(attempts);
        jdbc.update("UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                attempts, OffsetDateTime.now(ZoneOffset.UTC).plusNanos(delay * 1_000_000L), Sql.truncate(error, 2000), id);
    }

    /** The wait before the next attempt after {@code attempts} failed ones (see {@link #retryLater}). */
    long retryDelayMillis(int attempts) {
        return FullJitterBackoff.jitteredDelay(attempts, retryDelay.toMillis(), maxRetryDelay.toMillis());
    }

    private static OutboxMessage message(ResultSet rs, int row) throws SQLException {
        return new OutboxMessage(rs.getLong(1), rs.getString(2), OutboxKind.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), instant(rs, 9), instant(rs, 10));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
