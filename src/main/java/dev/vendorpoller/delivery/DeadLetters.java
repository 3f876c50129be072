package dev.vendorpoller.delivery;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.VendorException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.store.Sql;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dead-letter endpoint: the dead_letter table (always, so everything is replayable) plus, where a feed names a
 * dead-letter-uri, a copy delivered there through the outbox. Error texts pass through {@link Secrets#mask}.
 */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.dead-letter");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final Destinations destinations;
    /** Told about each page dead letter, by feed (health turns the feed down). */
    private volatile Consumer<String> pageFailureListener = feed -> { };

    public DeadLetters(JdbcTemplate jdbc, TransactionTemplate tx, Outbox outbox, Destinations destinations) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.destinations = destinations;
    }

    public void onPageFailure(Consumer<String> listener) {
        this.pageFailureListener = listener;
    }

    /**
     * A page failed after its retries: a PAGE dead letter (its cursor did not move, so the next run reads it again).
     *
     * @param cursor the cursor the page was read after; null: from the start of the data
     */
    public void pageFailed(String feed, String cursor, int attempts, Throwable error) {
        Throwable cause = Failures.vendorCause(error);
        String payload = cause instanceof VendorException v ? v.bodyExcerpt() : null;
        Optional<Long> open = openPage(feed, cursor);
        if (open.isPresent()) {
            // the same page, still stuck: one open dead letter per stuck cursor, not one per scheduled run
            int failures = repeat(open.get(), cause, payload, attempts);
            pageFailureListener.accept(feed);
            LOG.warn("feed={} page after cursor {} failed again ({} runs, dead letter #{}) after {} attempt(s): {}", feed,
                    Cursor.shorten(cursor), failures, open.get(), attempts, Secrets.mask(String.valueOf(error)));
            return;
        }
        long id = record(feed, DeadLetter.Kind.PAGE, null, cursor, null, null, cause, payload, attempts);
        pageFailureListener.accept(feed);
        LOG.warn("feed={} page after cursor {} dead-lettered as #{} after {} attempt(s): {}", feed, Cursor.shorten(cursor), id,
                attempts, Secrets.mask(String.valueOf(error)));
    }

    private Optional<Long> openPage(String feed, String cursor) {
        String sameCursor = cursor == null ? "page_cursor IS NULL" : "page_cursor = ?";
        Object[] args = cursor == null ? new Object[] {feed} : new Object[] {feed, cursor};
        return jdbc.queryForList("SELECT id FROM dead_letter WHERE feed = ? AND kind = 'PAGE' AND replayed_at IS NULL AND "
                + sameCursor + " ORDER BY id DESC", Long.class, args).stream().findFirst();
    }

    /** Another failed run of an open page dead letter: its last error, attempts and answer, one more failure. */
    private int repeat(long id, Throwable error, String payload, int attempts) {
        String type = error == null ? "unknown" : error.getClass().getName();
        String message = Secrets.mask(error == null ? "unknown error" : String.valueOf(error.getMessage()));
        Integer status = error instanceof VendorException v && v.status() > 0 ? v.status() : null;
        String excerpt = error instanceof VendorException v ? Failures.excerpt(Secrets.mask(v.bodyExcerpt())) : null;
        return tx.execute(s -> {
            jdbc.update("UPDATE dead_letter SET failures = failures + 1, last_failed_at = ?, attempts = ?, error_type = ?,"
                    + " error_message = ?, payload = ?, http_status = ?, response_excerpt = ? WHERE id = ?",
                    OffsetDateTime.now(ZoneOffset.UTC), attempts, Sql.truncate(type, 255), Sql.truncate(message, 4000),
                    Secrets.mask(payload), status, excerpt, id);
            return jdbc.queryForObject("SELECT failures FROM dead_letter WHERE id = ?", Integer.class, id);
        });
    }

    /**
     * Called by the outbox drain when a message has used all its attempts; removes it from the outbox. The row keeps
     * the endpoint, the idempotency key, the payload (the canonical message, what a replay sends again), the attempts,
     * and from the last attempt the error, the vendor's status and an excerpt of its answer.
     */
    public void deliveryFailed(OutboxMessage message, Throwable error) {
        long id = tx.execute(s -> {
            long dl = record(message.feed(), DeadLetter.Kind.DELIVERY, message.kind(), null, message.endpointUri(),
                    message.idempotencyKey(), Failures.vendorCause(error), message.payload(), message.attempts());
            jdbc.update("UPDATE dead_letter SET record_key = ?, version_time = ? WHERE id = ?", message.recordKey(),
                    Sql.utc(message.versionTime()), dl);
            outbox.delivered(message.id());
            return dl;
        });
        LOG.warn("feed={} {} delivery of {} dead-lettered as #{} after {} attempt(s): {}", message.feed(),
                message.kind(), message.idempotencyKey(), id, message.attempts(), Secrets.mask(String.valueOf(error)));
    }

    /**
     * A webhook delivery that failed after its attempts, or can never be processed (issue 15): a WEBHOOK dead letter
     * with the inbox row's id (what a replay puts back to PENDING; the row keeps the delivery id) and its body. Joins the caller's
     * transaction, which also marks the inbox row FAILED.
     */
    public long webhookFailed(String feed, long inboxId, String deliveryId, int attempts, Throwable error, String body) {
        long id = record(feed, DeadLetter.Kind.WEBHOOK, null, null, null, null, Failures.vendorCause(error),
                body, attempts);
        jdbc.update("UPDATE dead_letter SET webhook_inbox_id = ? WHERE id = ?", inboxId, id);
        LOG.warn("feed={} webhook delivery {} (inbox #{}) dead-lettered as #{} after {} attempt(s): {}", feed, deliveryId,
                inboxId, id, attempts, Secrets.mask(String.valueOf(error)));
        return id;
    }

    /** Ids of the feed's dead letters not replayed yet, oldest first. */
    public List<Long> open(String feed) {
        return jdbc.queryForList("SELECT id FROM dead_letter WHERE feed = ? AND replayed_at IS NULL ORDER BY id", Long.class, feed);
    }

    public List<DeadLetter> latest(String feed, int limit) {
        return jdbc.query("SELECT id, feed, kind, outbox_kind, page_cursor, endpoint_uri, idempotency_key, error_type, error_message,"
                + " payload, attempts, created_at, replayed_at, http_status, response_excerpt FROM dead_letter WHERE feed = ?"
                + " ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY", (rs, i) -> new DeadLetter(rs.getLong(1),
                rs.getString(2), DeadLetter.Kind.valueOf(rs.getString(3)),
                Optional.ofNullable(rs.getString(4)).map(OutboxKind::valueOf).orElse(null), rs.getString(5), rs.getString(6),
                rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getInt(11),
                rs.getObject(12, OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rs.getObject(13, OffsetDateTime.class)).map(OffsetDateTime::toInstant).orElse(null),
                rs.getObject(14, Integer.class), rs.getString(15)), feed);
    }

    /**
     * Replays one dead letter: a delivery goes back into the outbox, to be sent to the endpoint the feed configures
     * for its kind at send time. A record version goes back as the version it was: if a newer version of the record is
     * pending it is superseded, and if the endpoint already accepted a newer one it is dropped as stale — the replay then
     * sends nothing, because the receiver has (or is about to get) something newer; it never goes backwards; a page needs nothing re-sent, since its cursor never moved and the next poll reads
     * it again. Idempotent: a dead letter is replayed at most once.
     *
     * @return false if there is no such dead letter or it was replayed already
     */
    public boolean replay(long id) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT feed, kind, outbox_kind, endpoint_uri,"
                    + " idempotency_key, payload, record_key, version_time, webhook_inbox_id FROM dead_letter WHERE id = ?"
                    + " AND replayed_at IS NULL", id);
            if (rows.isEmpty()) {
                return false;
            }
            Map<String, Object> row = rows.get(0);
            if (DeadLetter.Kind.DELIVERY.name().equals(row.get("kind"))) {
                outbox.enqueue((String) row.get("feed"), OutboxKind.valueOf((String) row.get("outbox_kind")),
                        (String) row.get("endpoint_uri"),
                        List.of(new Outbox.Entry((String) row.get("idempotency_key"), (String) row.get("payload"),
                                (String) row.get("record_key"), versionTime(row.get("version_time")))));
            }
            if (DeadLetter.Kind.WEBHOOK.name().equals(row.get("kind")) && row.get("webhook_inbox_id") != null) {
                // the inbox row is processed again from scratch, with all its attempts (issue 15)
                jdbc.update("UPDATE webhook_inbox SET state = 'PENDING', attempts = 0, next_attempt_at = ?, last_error = NULL,"
                        + " processed_at = NULL WHERE id = ?", OffsetDateTime.now(ZoneOffset.UTC),
                        ((Number) row.get("webhook_inbox_id")).longValue());
            }
            jdbc.update("UPDATE dead_letter SET replayed_at = ? WHERE id = ?", OffsetDateTime.now(ZoneOffset.UTC), id);
            return true;
        }));
    }

    private static Instant versionTime(Object value) {
        return value instanceof OffsetDateTime t ? t.toInstant() : value instanceof Timestamp t ? t.toInstant() : null;
    }

    private long record(String feed, DeadLetter.Kind kind, OutboxKind outboxKind, String cursor, String endpoint, String key,
            Throwable error, String payload, int attempts) {
        String type = error == null ? "unknown" : error.getClass().getName();
        String message = Secrets.mask(error == null ? "unknown error" : String.valueOf(error.getMessage()));
        // what the vendor answered, when it answered (a status of 0 means none came, e.g. a token endpoint down)
        Integer status = error instanceof VendorException v && v.status() > 0 ? v.status() : null;
        String excerpt = error instanceof VendorException v ? Failures.excerpt(Secrets.mask(v.bodyExcerpt())) : null;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return tx.execute(s -> {
            var holder = new GeneratedKeyHolder();
            jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO dead_letter (feed, kind, outbox_kind, page_cursor, endpoint_uri,"
                        + " idempotency_key, error_type, error_message, payload, attempts, created_at, http_status, response_excerpt)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
                ps.setString(1, feed);
                ps.setString(2, kind.name());
                ps.setString(3, outboxKind == null ? null : outboxKind.name());
                ps.setString(4, cursor);
                ps.setString(5, EndpointUris.shown(endpoint));
                ps.setString(6, key);
                ps.setString(7, Sql.truncate(type, 255));
                ps.setString(8, Sql.truncate(message, 4000));
                ps.setString(9, Secrets.mask(payload));
                ps.setInt(10, attempts);
                ps.setObject(11, now);
                ps.setObject(12, status, Types.INTEGER);
                ps.setString(13, excerpt);
                return ps;
            }, holder);
            long id = holder.getKey().longValue();
            if (outboxKind == OutboxKind.DEAD_LETTER) {
                return id; // a copy of a dead letter that could not be forwarded: kept here, never forwarded again
            }
            destinations.target(feed, OutboxKind.DEAD_LETTER).ifPresent(target -> outbox.enqueue(feed, OutboxKind.DEAD_LETTER,
                    target.uri(), List.of(new Outbox.Entry("dead-letter-" + id, deadLetterJson(id, feed, kind, cursor, type,
                            message, payload, status, excerpt)))));
            return id;
        });
    }

    private static String deadLetterJson(long id, String feed, DeadLetter.Kind kind, String cursor, String type, String message,
            String payload, Integer status, String excerpt) {
        var node = JsonNodeFactory.instance.objectNode();
        node.put("dead_letter_id", id).put("feed", feed).put("kind", kind.name()).put("page_cursor", cursor)
                .put("error_type", type).put("error_message", message).put("payload", Secrets.mask(payload))
                .put("http_status", status).put("response_excerpt", excerpt);
        return node.toString();
    }
}
