package dev.vendorpoller.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
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
}
