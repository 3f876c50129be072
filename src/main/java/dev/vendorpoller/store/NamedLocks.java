package dev.vendorpoller.store;

import java.util.Collection;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Locks by name, held until the caller's transaction ends, for work that must not interleave with itself on any node:
 * two commits into one feed's ledger (a webhook batch and a polled page), a payment page and the registration page it
 * waits for, two OAuth2 refreshes of one account.
 *
 * <p>On PostgreSQL a transaction-scoped advisory lock ({@code pg_advisory_xact_lock}): every node on the database sees
 * it, the database releases it at commit or rollback, and a node that dies releases it with its connection. Embedded
 * H2 is one process (a second node is refused), so a lock in this JVM is the same guarantee there; it is released
 * when the transaction completes. Names are always taken in sorted order, so two callers asking for overlapping sets
 * cannot deadlock. Taken first in a transaction, a lock also makes READ COMMITTED reads after it see whatever the
 * previous holder committed.
 */
public final class NamedLocks {
    /** The advisory lock space of vendor-poller (the first of PostgreSQL's two int keys): "VP". */
    private static final int SPACE = 0x5650;
    private final JdbcTemplate jdbc;
    private final boolean postgres;
    private final ConcurrentMap<String, ReentrantLock> local = new ConcurrentHashMap<>();

    public NamedLocks(Database db) {
        this(db.jdbc(), db.postgres());
    }

    public NamedLocks(JdbcTemplate jdbc, boolean postgres) {
        this.jdbc = jdbc;
        this.postgres = postgres;
    }

    /**
     * Takes every lock of {@code names} (waiting for other holders) until the current transaction ends.
     *
     * @throws IllegalStateException outside a transaction: the lock would have nothing to end it
     */
    public void lock(Collection<String> names) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("named locks are held until a transaction ends; none is active");
        }
        for (String name : new TreeSet<>(names)) {
            if (postgres) {
                // hashtext: a 32-bit hash of the name; a collision only makes two names wait for each other
                jdbc.queryForList("SELECT pg_advisory_xact_lock(?, hashtext(?))", SPACE, name);
            } else {
                ReentrantLock lock = local.computeIfAbsent(name, n -> new ReentrantLock());
                lock.lock();
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        lock.unlock();
                    }
                });
            }
        }
    }
}
