package dev.vendorpoller.ops;

import dev.vendorpoller.cluster.ClusterSettings;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Readiness of this node as a member of the cluster: Quartz's own table says when each node last checked in. Up while
 * this node's check-in is recent (within three intervals); down when it is not — the node lost the database, or its
 * scheduler stalled, and the other nodes will soon take its feeds over. Details name this node and the nodes alive,
 * so each node's /observe/health tells its own state and what it sees of the others.
 */
public final class ClusterHealthCheck extends ReadinessCheck {
    private final JdbcTemplate jdbc;
    private final ClusterSettings cluster;

    public ClusterHealthCheck(JdbcTemplate jdbc, ClusterSettings cluster) {
        super("cluster");
        this.jdbc = jdbc;
        this.cluster = cluster;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("node", cluster.nodeId());
        long now = System.currentTimeMillis();
        long stale = 3 * cluster.checkinInterval().toMillis();
        try {
            List<Map<String, Object>> nodes = jdbc.queryForList(
                    "SELECT instance_name, last_checkin_time FROM qrtz_scheduler_state ORDER BY instance_name");
            List<String> alive = nodes.stream().filter(n -> now - ((Number) n.get("last_checkin_time")).longValue() <= stale)
                    .map(n -> (String) n.get("instance_name")).toList();
            builder.detail("nodes_alive", String.join(",", alive));
            Long mine = nodes.stream().filter(n -> cluster.nodeId().equals(n.get("instance_name")))
                    .map(n -> ((Number) n.get("last_checkin_time")).longValue()).findFirst().orElse(null);
            if (mine == null) {
                builder.message("node " + cluster.nodeId() + " has not checked in to the cluster yet").down();
            } else if (now - mine > stale) {
                builder.message("node " + cluster.nodeId() + " last checked in " + (now - mine) / 1000
                        + " s ago: the other nodes will take its feeds over").down();
            } else {
                builder.up();
            }
        } catch (RuntimeException e) {
            builder.error(e).message("cluster state unreadable (database unreachable?)").down();
        }
    }
}
