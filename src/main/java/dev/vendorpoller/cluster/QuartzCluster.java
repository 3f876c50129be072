package dev.vendorpoller.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Puts camel-quartz on Quartz's clustered JDBC JobStore, on the service's own PostgreSQL pool. What each setting is
 * for:
 * <ul>
 * <li>the same scheduler name on every node ({@code vendor-poller}, and camel-quartz's instance-name prefix off), so
 * the nodes share one set of triggers; the node id is Quartz's instance id;</li>
 * <li>{@code isClustered}: a trigger fires on one node only, and a node that stops checking in is taken over
 * (its runs that were in progress run again elsewhere: the poll route asks for {@code recoverableJob});</li>
 * <li>{@code acquireTriggersWithinLock}: without it a trigger can fire twice under load (quartz-scheduler/quartz#107);
 * </li>
 * <li>the poll route's {@code stateful=true} is Quartz's {@code DisallowConcurrentExecution}: with the JDBC store it
 * holds across the cluster, so one run of a feed at a time.</li>
 * </ul>
 * The Quartz tables come with the service's Flyway history (db/cluster/postgresql).
 */
public final class QuartzCluster {
    /** The scheduler's name on every node; the Quartz tables' SCHED_NAME. */
    public static final String SCHEDULER = "vendor-poller";
    private static final String DATA_SOURCE = "vendorPoller";

    private QuartzCluster() {
    }

    public static void join(QuartzComponent quartz, DataSource dataSource, ClusterSettings cluster, int threads) {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new PooledConnections(dataSource));
        Map<String, Object> p = new HashMap<>();
        p.put("org.quartz.scheduler.instanceName", SCHEDULER);
        p.put("org.quartz.scheduler.instanceId", cluster.nodeId());
        // an idle node looks for triggers another node released every second, not every 30 s (Quartz's default): a
        // node only hears of its own releases, so with the default one node kept every feed (ClusterBudgetIT)
        p.put("org.quartz.scheduler.idleWaitTime", "1000");
        p.put("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.put("org.quartz.threadPool.threadCount", String.valueOf(threads));
        p.put("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.put("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.put("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.put("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.put("org.quartz.jobStore.isClustered", "true");
        p.put("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.put("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(cluster.checkinInterval().toMillis()));
        // a run missed while no node was up fires once when one is (the poll is idempotent), not once per missed fire
        p.put("org.quartz.jobStore.misfireThreshold", "60000");
        // how long Quartz waits after a failed database call before its next try (default 15 s): with the database
        // back, feeds resume within about this (DatabaseRestartIT)
        p.put("org.quartz.jobStore.dbRetryInterval", "2000");
        quartz.setProperties(p);
        quartz.setPrefixInstanceName(false);
    }

    /** Quartz borrows connections from the service's pool; the pool's lifecycle is the service's. */
    private record PooledConnections(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
