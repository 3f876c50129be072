package dev.vendorpoller.ops;

import dev.vendorpoller.delivery.DeadLetters;
import dev.vendorpoller.poll.Feed;
import dev.vendorpoller.poll.Feeds;
import dev.vendorpoller.poll.PageCommitter;
import dev.vendorpoller.poll.PollSteps;
import dev.vendorpoller.store.CursorStore;
import dev.vendorpoller.store.Database;
import dev.vendorpoller.store.RejectStore;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the context runs: one {@link FeedManagement} per feed with Camel's JMX agent, beside Camel's own route MBeans
 * (route ids poll-&lt;feed&gt;), unregistered by the agent on stop (off when JMX is off); per-feed metrics; the database
 * and per-feed readiness checks.
 */
public final class OperationsInstaller extends MainListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsInstaller.class);


    @Override
    public void afterConfigure(BaseMainSupport main) {
        try {
            // a startup listener fires once the context (and its JMX agent) runs, however Main was started
            // Camel calls startup listeners again after a route reload (dev profile): register once only
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            main.getCamelContext().addStartupListener((context, alreadyStarted) -> {
                if (done.compareAndSet(false, true)) {
                    register(context);
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void register(CamelContext context) {
        Registry r = context.getRegistry();
        Database db = r.lookupByNameAndType("database", Database.class);
        Feeds feeds = r.lookupByNameAndType("feeds", Feeds.class);
        observe(context, db, feeds);
        startStatusPage(context, db, feeds);
        ManagementAgent agent = context.getManagementStrategy().getManagementAgent();
        if (agent == null) {
            LOG.info("JMX is off (camel.main.jmx-enabled=false): no feed MBeans");
            return;
        }
        for (Feed feed : feeds.all()) {
            try {
                agent.register(new FeedManagement(feed, context, new FeedFacts(db.jdbc()), db.tx(), r.lookupByNameAndType("cursorStore", CursorStore.class),
                        r.lookupByNameAndType("deadLetters", DeadLetters.class), r.lookupByNameAndType("rejectStore", RejectStore.class),
                        r.lookupByNameAndType("pollSteps", PollSteps.class), r.lookupByNameAndType("pageCommitter", PageCommitter.class)),
                        FeedManagement.objectName(feed.name()));
                LOG.info("feed {} manageable over JMX as {}", feed.name(), FeedManagement.objectName(feed.name()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot register the JMX MBean of feed " + feed.name(), e);
            }
        }
    }

    /** Feed metrics into Camel's Micrometer registry (when camel.metrics.enabled) and health checks into its registry. */
    private static void observe(CamelContext context, Database db, Feeds feeds) {
        var meters = context.getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
        var health = org.apache.camel.health.HealthCheckRegistry.get(context);
        if (health != null) {
            register(context, health, new DatabaseHealthCheck(db.jdbc()));
        }
        FeedFacts facts = new FeedFacts(db.jdbc());
        if (meters != null) {
            feeds.all().stream().map(Feed::account).distinct().forEach(account -> AccountMetrics.bind(account, meters));
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

    /** The status page on 127.0.0.1:{@code vendor-poller.status.port} (unset or 0: no status page). */
    private static void startStatusPage(CamelContext context, Database db, Feeds feeds) {
        int port = Integer.parseInt(context.getPropertiesComponent().resolveProperty("vendor-poller.status.port").orElse("0").trim());
        if (port <= 0) {
            return;
        }
        try {
            StatusPage page = new StatusPage("127.0.0.1", port, context, feeds, new FeedFacts(db.jdbc()),
                    context.getRegistry().lookupByNameAndType("deadLetters", DeadLetters.class), db.jdbc());
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    page.close();
                }
            });
            LOG.info("status page on http://127.0.0.1:{}/status", page.port());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the status page on 127.0.0.1:" + port
                    + " (property vendor-poller.status.port)", e);
        }
    }

    private static void register(CamelContext context, org.apache.camel.health.HealthCheckRegistry health,
            org.apache.camel.impl.health.AbstractHealthCheck check) {
        check.setCamelContext(context);
        health.register(check);
    }
}
