package dev.vendorpoller.webhook;

import dev.vendorpoller.store.Sql;
import java.time.Clock;
import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The durable webhook inbox ({@code webhook_inbox}): a verified delivery is one row, PENDING, committed before the
 * sender gets its 2xx. One row per (feed, delivery id): a delivery the sender repeats stores nothing new.
 */
public final class Inbox {
    private static final String INSERT = "INSERT INTO webhook_inbox (feed, delivery_id, style, body, received_at, state,"
            + " attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?)";
    private final JdbcTemplate jdbc;
    private final boolean postgres;
    private final Clock clock;

    /**
     * @param jdbc     on the service's pool; each {@link #store} is one statement in its own (auto-committed)
     *                 transaction, never joined to a caller's
     * @param postgres PostgreSQL ({@code ON CONFLICT DO NOTHING}) or H2 (the unique violation caught)
     */
    public Inbox(JdbcTemplate jdbc, boolean postgres, Clock clock) {
        this.jdbc = jdbc;
        this.postgres = postgres;
        this.clock = clock;
    }

    /**
     * Stores a verified delivery, committed when this returns.
     *
     * @return true when stored now, false when the feed already has this delivery id (nothing is written)
     * @throws org.springframework.dao.DataAccessException when the database cannot take it (the sender is answered 503)
     */
    public boolean store(String feed, String deliveryId, String style, String body) {
        Instant now = clock.instant();
        if (postgres) {
            // no error for a repeat: a unique violation would be logged by the server for every repeated delivery
            return jdbc.update(INSERT + " ON CONFLICT (delivery_id, feed) DO NOTHING", feed, deliveryId, style, body,
                    Sql.utc(now), Sql.utc(now)) == 1;
        }
        try {
            return jdbc.update(INSERT, feed, deliveryId, style, body, Sql.utc(now), Sql.utc(now)) == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }
}
