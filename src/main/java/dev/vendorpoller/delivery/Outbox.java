package dev.vendorpoller.delivery;

import dev.vendorpoller.ratelimit.FullJitterBackoff;
import dev.vendorpoller.store.Sql;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The transactional outbox. {@link #enqueue} runs inside the page transaction, so a delivery exists exactly when its
 * ledger row does; the drain route sends each message at-least-once and deletes it after the endpoint accepted it.
 */
public final class Outbox {
    private final JdbcTemplate jdbc;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;

    /** @param maxRetryDelay the cap of the backoff (at least {@code retryDelay}) */
    public Outbox(JdbcTemplate jdbc, Duration retryDelay, Duration maxRetryDelay) {
        if (maxRetryDelay.compareTo(retryDelay) < 0) {
            throw new IllegalArgumentException("max retry delay " + maxRetryDelay + " is below the retry delay " + retryDelay);
        }
        this.jdbc = jdbc;
        this.retryDelay = retryDelay;
        this.maxRetryDelay = maxRetryDelay;
    }

    public record Entry(String idempotencyKey, String payload) {
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
            rows.add(new Object[] {feed, kind.name(), shown, e.idempotencyKey(), e.payload(), now, now});
        }
        jdbc.batchUpdate("INSERT INTO outbox (feed, kind, endpoint_uri, idempotency_key, payload, attempts,"
                + " next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)", rows);
    }

    /** The oldest due messages, in commit order. One drain route reads them, so no row is handed out twice. */
    public List<OutboxMessage> due(int limit) {
        return jdbc.query("SELECT id, feed, kind, endpoint_uri, idempotency_key, payload, attempts FROM outbox"
                        + " WHERE next_attempt_at <= ? ORDER BY id FETCH FIRST " + limit + " ROWS ONLY",
                (rs, i) -> new OutboxMessage(rs.getLong(1), rs.getString(2), OutboxKind.valueOf(rs.getString(3)), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7)),
                OffsetDateTime.now(ZoneOffset.UTC));
    }

    public void delivered(long id) {
        jdbc.update("DELETE FROM outbox WHERE id = ?", id);
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

}
