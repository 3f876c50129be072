package dev.vendorpoller.delivery;

import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.delivery.OutboxMessage;
import dev.vendorpoller.failure.VendorException;
import dev.vendorpoller.store.Sql;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
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
    /** feed name → its dead-letter-uri, if any. */
    private final Function<String, Optional<String>> forwardUri;
    /** Told about each page dead letter, by feed (health turns the feed down). */
    private volatile java.util.function.Consumer<String> pageFailureListener = feed -> { };

    public void onPageFailure(java.util.function.Consumer<String> listener) {
        this.pageFailureListener = listener;
    }

    public DeadLetters(JdbcTemplate jdbc, TransactionTemplate tx, Outbox outbox, Function<String, Optional<String>> forwardUri) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.forwardUri = forwardUri;
    }

    /** Called by the poll route's error handler once a page's retries are exhausted. */
    public void pageFailed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String feed = exchange.getProperty("feed", String.class);
        var cursor = exchange.getProperty("cursor", dev.vendorpoller.feed.Cursor.class);
        int attempts = Math.max(1, exchange.getProperty("pageAttempts", 1, Integer.class));
        String payload = vendorCause(error) instanceof VendorException v ? v.bodyExcerpt() : null;
        String cursorText = cursor == null ? null : cursor.value().orElse(null); // null: from the start of the data
        long id = record(feed, DeadLetter.PAGE, null, cursorText, null, null, vendorCause(error), payload, attempts);
        pageFailureListener.accept(feed);
        LOG.warn("feed={} page after cursor {} dead-lettered as #{} after {} attempt(s): {}", feed, cursorText, id,
                attempts, Secrets.mask(String.valueOf(error)));
    }

    /** The classified vendor failure behind what a route caught (Camel and the circuit breaker wrap it), or the error. */
    public static Throwable vendorCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VendorException) {
                return t;
            }
        }
        return error;
    }

    /**
     * Called by the outbox drain when a message has used all its attempts; removes it from the outbox. The row keeps
     * the endpoint, the idempotency key, the payload (the canonical message, what a replay sends again), the attempts,
     * and from the last attempt the error, the vendor's status and an excerpt of its answer.
     */
    public void deliveryFailed(OutboxMessage message, Throwable error) {
        long id = tx.execute(s -> {
            long dl = record(message.feed(), DeadLetter.DELIVERY, message.kind(), null, message.endpointUri(),
                    message.idempotencyKey(), vendorCause(error), message.payload(), message.attempts());
            outbox.delivered(message.id());
            return dl;
        });
        LOG.warn("feed={} {} delivery of {} dead-lettered as #{} after {} attempt(s): {}", message.feed(),
                message.kind(), message.idempotencyKey(), id, message.attempts(), Secrets.mask(String.valueOf(error)));
    }

    /** Ids of the feed's dead letters not replayed yet, oldest first. */
    public List<Long> open(String feed) {
        return jdbc.queryForList("SELECT id FROM dead_letter WHERE feed = ? AND replayed_at IS NULL ORDER BY id", Long.class, feed);
    }

    public List<DeadLetter> latest(String feed, int limit) {
        return jdbc.query("SELECT id, feed, kind, outbox_kind, page_cursor, endpoint_uri, idempotency_key, error_type, error_message,"
                + " payload, attempts, created_at, replayed_at, http_status, response_excerpt FROM dead_letter WHERE feed = ?"
                + " ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY", (rs, i) -> new DeadLetter(rs.getLong(1),
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getString(10), rs.getInt(11), rs.getObject(12, OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rs.getObject(13, OffsetDateTime.class)).map(OffsetDateTime::toInstant).orElse(null),
                rs.getObject(14, Integer.class), rs.getString(15)), feed);
    }

    /**
     * Replays one dead letter: a delivery goes back into the outbox, to be sent to the endpoint the feed configures
     * for its kind at send time; a page needs nothing re-sent, since its cursor never moved and the next poll reads
     * it again. Idempotent: a dead letter is replayed at most once.
     *
     * @return false if there is no such dead letter or it was replayed already
     */
    public boolean replay(long id) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT feed, kind, outbox_kind, endpoint_uri,"
                    + " idempotency_key, payload FROM dead_letter WHERE id = ? AND replayed_at IS NULL", id);
            if (rows.isEmpty()) {
                return false;
            }
            Map<String, Object> row = rows.get(0);
            if (DeadLetter.DELIVERY.equals(row.get("kind"))) {
                outbox.enqueue((String) row.get("feed"), (String) row.get("outbox_kind"), (String) row.get("endpoint_uri"),
                        List.of(new Outbox.Entry((String) row.get("idempotency_key"), (String) row.get("payload"))));
            }
            jdbc.update("UPDATE dead_letter SET replayed_at = ? WHERE id = ?", OffsetDateTime.now(ZoneOffset.UTC), id);
            return true;
        }));
    }

    private long record(String feed, String kind, String outboxKind, String cursor, String endpoint, String key,
            Throwable error, String payload, int attempts) {
        String type = error == null ? "unknown" : error.getClass().getName();
        String message = Secrets.mask(error == null ? "unknown error" : String.valueOf(error.getMessage()));
        // what the vendor answered, when it answered (a status of 0 means none came, e.g. a token endpoint down)
        Integer status = error instanceof VendorException v && v.status() > 0 ? v.status() : null;
        String excerpt = error instanceof VendorException v ? Sql.truncate(Secrets.mask(v.bodyExcerpt()), 2000) : null;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return tx.execute(s -> {
            var holder = new org.springframework.jdbc.support.GeneratedKeyHolder();
            jdbc.update(con -> {
                var ps = con.prepareStatement("INSERT INTO dead_letter (feed, kind, outbox_kind, page_cursor, endpoint_uri,"
                        + " idempotency_key, error_type, error_message, payload, attempts, created_at, http_status, response_excerpt)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"});
                ps.setString(1, feed);
                ps.setString(2, kind);
                ps.setString(3, outboxKind);
                ps.setString(4, cursor);
                ps.setString(5, Secrets.mask(endpoint));
                ps.setString(6, key);
                ps.setString(7, Sql.truncate(type, 255));
                ps.setString(8, Sql.truncate(message, 4000));
                ps.setString(9, Secrets.mask(payload));
                ps.setInt(10, attempts);
                ps.setObject(11, now);
                ps.setObject(12, status, java.sql.Types.INTEGER);
                ps.setString(13, excerpt);
                return ps;
            }, holder);
            long id = holder.getKey().longValue();
            forwardUri.apply(feed).ifPresent(uri -> outbox.enqueue(feed, Outbox.DEAD_LETTER, uri,
                    List.of(new Outbox.Entry("dead-letter-" + id, deadLetterJson(id, feed, kind, cursor, type, message, payload,
                            status, excerpt)))));
            return id;
        });
    }

    private static String deadLetterJson(long id, String feed, String kind, String cursor, String type, String message,
            String payload, Integer status, String excerpt) {
        var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        node.put("dead_letter_id", id).put("feed", feed).put("kind", kind).put("page_cursor", cursor)
                .put("error_type", type).put("error_message", message).put("payload", Secrets.mask(payload))
                .put("http_status", status).put("response_excerpt", excerpt);
        return node.toString();
    }
}
