package dev.vendorpoller.cluster;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.store.StoreSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Whether this node shares its work with others, and under which name: {@code vendor-poller.node-id} (default: host
 * name and process id) and {@code vendor-poller.cluster.checkin-interval} (how often a node tells the others it is
 * alive; a node silent for about twice as long is taken over). Every node whose {@code vendor-poller.db.url} is the
 * same PostgreSQL database joins one cluster, with no other switch; embedded H2 is one node.
 */
public record ClusterSettings(String nodeId, boolean clustered, Duration checkinInterval) {
    public static final String NODE_ID = "vendor-poller.node-id";
    public static final String CHECKIN_INTERVAL = "vendor-poller.cluster.checkin-interval";
    public static final List<String> KEYS = List.of(NODE_ID, CHECKIN_INTERVAL);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,80}");

    public static ClusterSettings load(ConfigReader config, StoreSettings store) {
        String nodeId = config.string(NODE_ID, defaultNodeId()).trim();
        if (!NAME.matcher(nodeId).matches()) {
            throw new ConfigException(NODE_ID, "must be 1 to 80 letters, digits, '.', '_' or '-' (it names this node"
                    + " in the cluster's tables, the status page and the metrics), not '" + nodeId + "'");
        }
        Duration checkin = config.duration(CHECKIN_INTERVAL, Duration.ofSeconds(5));
        if (checkin.compareTo(Duration.ofSeconds(1)) < 0 || checkin.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new ConfigException(CHECKIN_INTERVAL, "must be between 1s and 5m, not " + checkin);
        }
        return new ClusterSettings(nodeId, store.dbUrl().startsWith("jdbc:postgresql:"), checkin);
    }

    /** Host name and process id: unique on a machine, readable in a cluster (e.g. {@code poller-3.example-41722}). */
    static String defaultNodeId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        if (host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "node";
            }
        }
        String name = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
        return name.length() > 80 ? name.substring(name.length() - 80) : name;
    }
}
