package dev.vendorpoller.store;

import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes idempotency keys older than the retention (routes/outbox-drain.yaml, hourly) in bounded batches, each in its
 * own short transaction, so the connection goes back to the pool between batches and a page commit waits at most one
 * batch, never the whole prune. Both statements of a batch seek the createdAt index (V12_6): the createdAt of the
 * {@code batchSize}-th oldest key, then a delete up to it (keys sharing that instant go with it: one page's worth at
 * most, since a page's keys are recorded with one timestamp).
 */
public final class IdempotencyPrune {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Retention retention;
    private final int batchSize;

    public IdempotencyPrune(JdbcTemplate jdbc, TransactionTemplate tx, Retention retention, int batchSize) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.retention = retention;
        this.batchSize = batchSize;
    }

    /** Deletes every key older than the retention's cut-off; returns how many. */
    public long prune() {
        return pruneInBatches(() -> { });
    }

    /** As {@link #prune()}, running {@code betweenBatches} after each batch committed (with no connection held). */
    public long pruneInBatches(Runnable betweenBatches) {
        Timestamp cutoff = retention.cutoff();
        long deleted = 0;
        while (true) {
            Integer batch = tx.execute(s -> deleteBatch(cutoff));
            deleted += batch;
            if (batch == 0) {
                return deleted;
            }
            betweenBatches.run();
        }
    }

    private int deleteBatch(Timestamp cutoff) {
        List<Timestamp> last = jdbc.queryForList("SELECT createdAt FROM CAMEL_MESSAGEPROCESSED WHERE createdAt < ?"
                + " ORDER BY createdAt OFFSET " + (batchSize - 1) + " ROWS FETCH FIRST 1 ROW ONLY", Timestamp.class, cutoff);
        if (last.isEmpty()) {
            // fewer than a batch left before the cut-off
            return jdbc.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE createdAt < ?", cutoff);
        }
        return jdbc.update("DELETE FROM CAMEL_MESSAGEPROCESSED WHERE createdAt <= ? AND createdAt < ?", last.get(0), cutoff);
    }
}
