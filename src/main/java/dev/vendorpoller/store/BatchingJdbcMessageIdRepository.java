package dev.vendorpoller.store;

import dev.vendorpoller.store.Sql;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * camel-sql's JDBC idempotent repository (same table, same rows, usable by an {@code idempotentConsumer}) with one
 * addition: {@link #unseen} and {@link #record} check and record a whole page of keys in two statements instead of two per key. It
 * runs inside the caller's transaction, so a page's keys commit or vanish together with its ledger rows and cursor.
 *
 * <p>The stored messageId is {@link #messageId}: the record's idempotency key behind its version time in hex. Same
 * identity as the key alone, but time-ordered: a page's keys land in a few neighbouring B-tree leaves instead of one
 * random leaf each, which is what keeps H2's copy-on-write store from rewriting a leaf per record on every commit
 * (measured: 20k -> 50k+ key inserts/s; see docs/performance.md).
 */
public class BatchingJdbcMessageIdRepository extends JdbcMessageIdRepository {
    private static final String INSERT = "INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, ?)";
    private final JdbcTemplate jdbc;
    private final String processorName;
    private final boolean postgres;

    /** On embedded H2 (one node). */
    public BatchingJdbcMessageIdRepository(JdbcTemplate jdbc, TransactionTemplate tx, String processorName) {
        this(jdbc, tx, processorName, false);
    }

    /**
     * @param postgres on PostgreSQL inserts are {@code ON CONFLICT DO NOTHING}: camel-sql's select-then-insert lets
     *                 two nodes both see a key as new, and there the losing INSERT aborts the caller's whole transaction
     */
    public BatchingJdbcMessageIdRepository(JdbcTemplate jdbc, TransactionTemplate tx, String processorName, boolean postgres) {
        super(jdbc, tx);
        this.jdbc = jdbc;
        this.processorName = processorName;
        this.postgres = postgres;
        setProcessorName(processorName);
        setCreateTableIfNotExists(false); // Flyway owns the table
        if (postgres) {
            setInsertString(INSERT + " ON CONFLICT DO NOTHING");
        }
    }

    /**
     * camel-sql's single-key add (an {@code idempotentConsumer}): on PostgreSQL one statement, true only for the node
     * whose insert took the key; camel-sql's own answers true after a SELECT that saw nothing, whoever inserted.
     */
    @Override
    public boolean add(String key) {
        if (!postgres) {
            return super.add(key);
        }
        return jdbc.update(getInsertString(), processorName, key, new Timestamp(System.currentTimeMillis())) == 1;
    }

    /** The repository's messageId for a record version: 12 hex digits of its epoch millis, '-', its idempotency key. */
    public static String messageId(Instant version, String idempotencyKey) {
        String millis = Long.toHexString(Math.max(0, version.toEpochMilli()));
        return "000000000000".substring(Math.min(12, millis.length())) + millis + "-" + idempotencyKey;
    }

    /** The messageIds of {@code keys} not recorded before, each once, in input order (reads only). */
    public Set<String> unseen(List<String> keys) {
        Set<String> wanted = new LinkedHashSet<>(keys);
        Set<String> seen = new HashSet<>();
        for (List<String> chunk : Sql.chunks(new ArrayList<>(wanted))) {
            List<Object> args = new ArrayList<>(chunk.size() + 1);
            args.add(processorName);
            args.addAll(chunk);
            seen.addAll(jdbc.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ?"
                    + " AND messageId IN (" + Sql.placeholders(chunk.size()) + ")", String.class, args.toArray()));
        }
        wanted.removeAll(seen);
        return wanted;
    }

    /**
     * Records messageIds that {@link #unseen} returned, in the caller's transaction.
     *
     * @throws ConcurrentlyRecordedException on PostgreSQL, when another transaction recorded one of them since
     *         {@link #unseen} (its insert did nothing): the caller's plan is out of date and must not be written; its
     *         transaction rolls back and the work is retried, never written twice. Callers that serialise their
     *         commits (Ingest's lock per feed) never see it; it is the repository's own guarantee.
     */
    public void record(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        List<Object[]> rows = new ArrayList<>(keys.size());
        for (String key : keys) {
            rows.add(new Object[] {processorName, key, now});
        }
        int[] counts = jdbc.batchUpdate(postgres ? INSERT + " ON CONFLICT DO NOTHING" : INSERT, rows);
        if (postgres) {
            for (int count : counts) {
                // the driver may answer SUCCESS_NO_INFO (-2) for a batched statement: only a definite 0 is a conflict
                if (count == 0) {
                    throw new ConcurrentlyRecordedException(processorName);
                }
            }
        }
    }

    /** Another transaction recorded a key of this one's plan first: roll back and retry (see {@link #record}). */
    public static final class ConcurrentlyRecordedException extends IllegalStateException {
        ConcurrentlyRecordedException(String feed) {
            super("another transaction recorded a version of feed '" + feed + "' first; this commit is retried");
        }
    }
}
