package dev.vendorpoller.webhook;

import dev.vendorpoller.store.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable webhook inbox ({@code webhook_inbox}): a verified delivery is one row, PENDING, committed before the
 * sender gets its 2xx. One row per (feed, delivery id): a delivery the sender repeats stores nothing new.
 * <p>
 * Group commit: deliveries arriving together are written by one writer thread in one transaction (up to
 * {@value #MAX_BATCH} rows), and each {@link #store} returns once the transaction holding its row has committed. On
 * embedded H2 (one pooled connection, one file write per commit) a commit per delivery capped the receivers well below
 * a thousand a second. A batch that fails is written again row by row, each in its own transaction, so one row
 * cannot fail the others.
 */
public final class Inbox implements AutoCloseable {
    static final int MAX_BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.webhooks");
    private static final String INSERT = "INSERT INTO webhook_inbox (feed, delivery_id, style, body, received_at, state,"
            + " attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?)";
    private static final long WAIT_SECONDS = 30;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final boolean postgres;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private Thread writer;
    private boolean closed;

    private record Pending(String feed, String deliveryId, String style, String body, CompletableFuture<Boolean> done) {
    }

    /**
     * @param jdbc     and {@code tx}: on the service's pool; the inbox's transactions are its own, never a caller's
     * @param postgres PostgreSQL ({@code ON CONFLICT DO NOTHING}) or H2 (the unique violation caught)
     */
    public Inbox(JdbcTemplate jdbc, TransactionTemplate tx, boolean postgres, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
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
        Pending pending = new Pending(feed, deliveryId, style, body, new CompletableFuture<>());
        startWriter();
        queue.add(pending);
        try {
            return pending.done().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            // it may still commit: the sender's retry is then answered as a repeat
            throw new QueryTimeoutException("the webhook inbox did not commit within " + WAIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientDataAccessResourceException("interrupted while the webhook inbox committed");
        }
    }

    private synchronized void startWriter() {
        if (closed) {
            throw new TransientDataAccessResourceException("the webhook inbox is closed: the service is stopping");
        }
        if (writer == null) {
            writer = new Thread(this::write, "webhook-inbox-writer");
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void write() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            try {
                List<Boolean> stored = tx.execute(status -> batch.stream().map(this::insert).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(stored.get(i));
                }
            } catch (RuntimeException batchFailed) {
                if (batch.size() > 1) {
                    LOG.debug("inbox batch of {} failed, writing its rows one by one", batch.size());
                }
                for (Pending pending : batch) {
                    try {
                        pending.done().complete(tx.execute(status -> insert(pending)));
                    } catch (RuntimeException e) {
                        pending.done().completeExceptionally(e);
                    }
                }
            } catch (Error e) {
                // the writer must outlive anything: a dead writer would leave every later delivery waiting
                batch.forEach(p -> p.done().completeExceptionally(new TransientDataAccessResourceException(
                        "the webhook inbox failed: " + e.getClass().getSimpleName())));
                LOG.error("webhook inbox writer: {} (the batch's senders were answered 503)", e.toString());
            }
        }
    }

    /** Stops the writer (the service is stopping): deliveries not yet committed are answered 503. */
    @Override
    public synchronized void close() {
        closed = true;
        if (writer != null) {
            writer.interrupt();
        }
        for (Pending pending; (pending = queue.poll()) != null; ) {
            pending.done().completeExceptionally(new TransientDataAccessResourceException("the service is stopping"));
        }
    }

    /** One row in the current transaction: false when the feed has the delivery id already. */
    private boolean insert(Pending p) {
        Instant now = clock.instant();
        if (postgres) {
            // no error for a repeat: it would abort the transaction, and the server would log every repeated delivery
            return jdbc.update(INSERT + " ON CONFLICT (delivery_id, feed) DO NOTHING", p.feed(), p.deliveryId(), p.style(),
                    p.body(), Sql.utc(now), Sql.utc(now)) == 1;
        }
        try {
            return jdbc.update(INSERT, p.feed(), p.deliveryId(), p.style(), p.body(), Sql.utc(now), Sql.utc(now)) == 1;
        } catch (DuplicateKeyException e) {
            return false; // H2 undoes the one statement; the transaction goes on
        }
    }
}
