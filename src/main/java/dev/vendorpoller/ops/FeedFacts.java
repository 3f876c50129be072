package dev.vendorpoller.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/** The durable facts about a feed that JMX, metrics and health all show, read from the database in one place. */
public final class FeedFacts {
    private final JdbcTemplate jdbc;

    public FeedFacts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Now minus the newest source_updated_at in the feed's ledger; empty while the ledger has none. */
    public Optional<Duration> lag(String feed) {
        OffsetDateTime newest = jdbc.queryForObject("SELECT MAX(source_updated_at) FROM ledger_registration WHERE source = ?",
                OffsetDateTime.class, feed);
        return Optional.ofNullable(newest).map(n -> Duration.between(n.toInstant(), Instant.now()));
    }

    /** Records in the feed's ledger (registrations or payment events), whatever this process did since it started. */
    public long ledgerTotal(String feed) {
        return count("SELECT COUNT(*) FROM ledger_registration WHERE source = ?", feed)
                + count("SELECT COUNT(*) FROM payment_event WHERE source = ?", feed);
    }

    /** The stored cursor, or empty at the start of the data. */
    public Optional<String> cursor(String feed) {
        return jdbc.queryForList("SELECT cursor_value FROM feed_cursor WHERE feed = ?", String.class, feed).stream()
                .filter(v -> v != null && !v.isBlank()).findFirst();
    }

    /** The newest open dead letter's error: what went wrong last, and when (its latest failure). */
    public Optional<LastError> lastError(String feed) {
        return jdbc.query("SELECT kind, error_message, http_status, COALESCE(last_failed_at, created_at) FROM dead_letter"
                + " WHERE feed = ? AND replayed_at IS NULL ORDER BY id DESC FETCH FIRST 1 ROWS ONLY",
                (rs, i) -> new LastError(rs.getString(1), rs.getString(2), rs.getObject(3, Integer.class),
                        rs.getObject(4, OffsetDateTime.class).toInstant()), feed).stream().findFirst();
    }

    /** @param status the vendor's HTTP status, null when none came */
    public record LastError(String kind, String message, Integer status, Instant at) {
    }

    public long outboxDepth(String feed) {
        return count("SELECT COUNT(*) FROM outbox WHERE feed = ?", feed);
    }

    public long openDeadLetters(String feed) {
        return count("SELECT COUNT(*) FROM dead_letter WHERE feed = ? AND replayed_at IS NULL", feed);
    }

    public long storedRejects(String feed) {
        return count("SELECT COUNT(*) FROM rejected_record WHERE feed = ?", feed);
    }

    private long count(String sql, String feed) {
        Long n = jdbc.queryForObject(sql, Long.class, feed);
        return n == null ? 0 : n;
    }

    /** Per feed, the node whose Quartz is executing its poll now (a cluster's feeds only: Quartz's own table). */
    Map<String, String> runningOn() {
        Map<String, String> running = new HashMap<>();
        jdbc.query("SELECT trigger_name, instance_name FROM qrtz_fired_triggers WHERE state = 'EXECUTING'",
                rs -> {
                    running.put(rs.getString(1), rs.getString(2));
                });
        return running;
    }

    /** The feeds paused in a cluster: their triggers are PAUSED in Quartz's table, so no node fires them. */
    java.util.Set<String> pausedInTheCluster() {
        return new java.util.HashSet<>(jdbc.queryForList("SELECT trigger_name FROM qrtz_triggers WHERE sched_name = 'vendor-poller'"
                + " AND trigger_group = 'vendor-poller' AND trigger_state = 'PAUSED'", String.class));
    }
}
