package dev.vendorpoller.ops;

import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.cluster.ClusterSettings;
import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.delivery.DeliveryStats;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import dev.vendorpoller.ingest.Ingest;
import dev.vendorpoller.poll.FeedSchedules;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.RejectStore;
import dev.vendorpoller.webhook.Coverage;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an operator sees and does, started once the context runs: one {@link FeedManagement} per feed with
 * Camel's JMX agent, beside Camel's own route MBeans (route ids poll-&lt;feed&gt;), unregistered by the agent on stop
 * (off when JMX is off); per-feed and per-account metrics; the database and per-feed readiness checks; the status
 * page.
 */
public final class Operations {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    private final Feeds feeds;
    private final Accounts accounts;
    private final Database db;
    private final CursorStore cursors;
    private final DeadLetters deadLetters;
    private final RejectStore rejects;
    private final Ingest ingest;
    private final FeedFacts facts;
    private final DeliveryStats delivery;
    private final ClusterSettings cluster;
    private Coverage coverage;

    public Operations(Feeds feeds, Accounts accounts, Database db, CursorStore cursors, DeadLetters deadLetters,
            RejectStore rejects, Ingest ingest, DeliveryStats delivery, ClusterSettings cluster) {
        this.feeds = feeds;
        this.accounts = accounts;
        this.db = db;
        this.cursors = cursors;
        this.deadLetters = deadLetters;
        this.rejects = rejects;
        this.ingest = ingest;
        this.facts = new FeedFacts(db.jdbc());
        this.delivery = delivery;
        this.cluster = cluster;
    }

    /** What each path missed, per feed with a webhook: metrics and the status page's webhook coverage column. */
    public Operations webhookCoverage(Coverage coverage) {
        this.coverage = coverage;
        return this;
    }

    /** Starts metrics, health checks, the feed MBeans, the status page with the HTTP operations, and Jolokia. */
    public void start(CamelContext context, OpsSettings settings) {
        observe(context);
        logManagementUrls(context);
        Map<String, FeedManagement> managed = new LinkedHashMap<>();
        for (Feed feed : feeds.all()) {
            managed.put(feed.name(), new FeedManagement(feed, context, facts, db.tx(), cursors, deadLetters, rejects, ingest, cluster));
        }
        startStatusPage(context, settings, managed);
        ManagementAgent agent = context.getManagementStrategy().getManagementAgent();
        if (agent == null) {
            LOG.info("JMX is off (camel.main.jmx-enabled=false): no feed MBeans");
            return;
        }
        managed.forEach((name, management) -> {
            try {
                agent.register(management, FeedManagement.objectName(name));
                LOG.debug("feed {} manageable over JMX as {}", name, FeedManagement.objectName(name));
            } catch (Exception e) {
                throw new IllegalStateException("cannot register the JMX MBean of feed " + name, e);
            }
        });
        if (settings.jolokiaPort() > 0) {
            Jolokia.start(context, settings.jolokiaPort());
        }
    }

    /**
     * Where health and metrics are, at the address the management server binds (Camel's own summary line says
     * 0.0.0.0 whatever camel.management.host is; log4j2.properties keeps it at WARN).
     */
    private static void logManagementUrls(CamelContext context) {
        var properties = context.getPropertiesComponent();
        if (!"true".equalsIgnoreCase(properties.resolveProperty("camel.management.enabled").orElse("false").trim())) {
            return;
        }
        String base = "http://" + properties.resolveProperty("camel.management.host").orElse("0.0.0.0").trim() + ":"
                + properties.resolveProperty("camel.management.port").orElse("9876").trim();
        LOG.info("health on {}/observe/health, metrics on {}/observe/metrics", base, base);
    }

    /** Feed metrics into Camel's Micrometer registry (when camel.metrics.enabled) and health checks into its registry. */
    private void observe(CamelContext context) {
        MeterRegistry meters = context.getRegistry().findSingleByType(MeterRegistry.class);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            register(context, health, new DatabaseHealthCheck(db.jdbc()));
            if (cluster.clustered()) {
                register(context, health, new ClusterHealthCheck(db.jdbc(), cluster));
            }
        }
        if (meters != null) {
            // every account, those only sinks use included (they take 429s too)
            accounts.all().forEach(account -> AccountMetrics.bind(account, meters));
            if (coverage != null) {
                coverage.bind(meters);
            }
        }
        FeedSchedules schedules = context.getRegistry().lookupByNameAndType("feedSchedules", FeedSchedules.class);
        if (schedules != null) {
            if (meters != null) {
                FeedMetrics.bindSchedules(schedules, feeds.all(), meters);
            }
            if (health != null) {
                register(context, health, new ScheduleHealthCheck(schedules));
            }
        }
        for (Feed feed : feeds.all()) {
            if (meters != null) {
                FeedMetrics.bind(feed, meters, facts);
            }
            if (health != null) {
                register(context, health, new FeedHealthCheck(feed, facts));
            }
        }
    }

    /** The status page and the HTTP operations on 127.0.0.1 (status port 0: neither). */
    private void startStatusPage(CamelContext context, OpsSettings settings, Map<String, FeedManagement> managed) {
        int port = settings.statusPort();
        if (port <= 0) {
            return;
        }
        try {
            StatusPage page = new StatusPage("127.0.0.1", port, context, feeds, accounts, facts, deadLetters, delivery, cluster, db.jdbc(),
                    coverage);
            page.serve("/ops/", new OpsEndpoint(managed, settings.opsToken()));
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    page.close();
                }
            });
            LOG.info("status page on http://127.0.0.1:{}/status; operations over HTTP {}", page.port(),
                    settings.opsToken().isPresent() ? "on http://127.0.0.1:" + page.port() + "/ops/ (bearer token)"
                            : "off (no " + OpsSettings.OPS_TOKEN + ")");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the status page on 127.0.0.1:" + port
                    + " (property vendor-poller.status.port)", e);
        }
    }

    private static void register(CamelContext context, HealthCheckRegistry health, AbstractHealthCheck check) {
        check.setCamelContext(Objects.requireNonNull(context));
        health.register(check);
    }
}
