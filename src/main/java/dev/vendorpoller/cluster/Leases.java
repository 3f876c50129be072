package dev.vendorpoller.cluster;

import dev.vendorpoller.store.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Work every node could do but only one node at a time may: each outbox lane (so a message goes out once, and a
 * record's versions in order, whichever nodes run) and the orphan sweep. On a cluster a node does such work only
 * while it holds the work's lease (table {@code lease}); it renews the lease each time it starts a pass, and a lease
 * a dead node held expires after {@link #TTL}, when another node takes it. A single node (embedded H2) always holds.
 */
public final class Leases implements AutoCloseable {
    /** How long a lease lasts without renewal: longer than any one pass of a lane (a pass is bounded). */
    public static final Duration TTL = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    private final JdbcTemplate jdbc;
    private final String node;
    private final Duration ttl;
    private final Clock clock;

    private Leases(JdbcTemplate jdbc, String node, Duration ttl, Clock clock) {
        this.jdbc = jdbc;
        this.node = node;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Leases in the cluster's database when it is one, else a single node that always holds. */
    public static Leases of(ClusterSettings cluster, JdbcTemplate jdbc) {
        return cluster.clustered() ? new Leases(jdbc, cluster.nodeId(), TTL, Clock.systemUTC()) : single();
    }

    /** A single node: it holds every lease. */
    public static Leases single() {
        return new Leases(null, null, TTL, Clock.systemUTC());
    }

    /** Leases of {@code node} lasting {@code ttl} (tests). */
    public static Leases of(JdbcTemplate jdbc, String node, Duration ttl) {
        return new Leases(jdbc, node, ttl, Clock.systemUTC());
    }

    /**
     * Takes or renews the lease {@code name}: true when this node holds it now (it was free, expired, or already
     * this node's), false when another node holds it.
     */
    public boolean hold(String name) {
        if (jdbc == null) {
            return true;
        }
        Instant now = clock.instant();
        // one statement, atomic in PostgreSQL: the update happens only if the lease is ours or has expired
        return jdbc.update("INSERT INTO lease (name, node, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                + " SET node = EXCLUDED.node, expires_at = EXCLUDED.expires_at"
                + " WHERE lease.node = EXCLUDED.node OR lease.expires_at < ?", name, node, Sql.utc(now.plus(ttl)),
                Sql.utc(now)) > 0;
    }

    /** Gives this node's leases back (a graceful stop), so another node need not wait for them to expire. */
    @Override
    public void close() {
        if (jdbc != null) {
            try {
                jdbc.update("DELETE FROM lease WHERE node = ?", node);
            } catch (RuntimeException e) {
                LOG.warn("could not give back the leases of node {} (they expire within {}): {}", node, ttl, e.getMessage());
            }
        }
    }
}
