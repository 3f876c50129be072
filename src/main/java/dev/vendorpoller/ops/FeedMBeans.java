package dev.vendorpoller.ops;

import dev.vendorpoller.cursor.CursorStore;
import dev.vendorpoller.deadletter.DeadLetters;
import dev.vendorpoller.ledger.RejectStore;
import dev.vendorpoller.poll.Feed;
import dev.vendorpoller.poll.Feeds;
import dev.vendorpoller.poll.PageCommitter;
import dev.vendorpoller.poll.PollSteps;
import dev.vendorpoller.storage.Database;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.Registry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one {@link FeedManagement} per feed with Camel's JMX agent once the context runs, beside Camel's own route
 * MBeans (route ids poll-&lt;feed&gt;). The agent unregisters them when the context stops. Off when JMX is off.
 */
public final class FeedMBeans extends MainListenerSupport {
    public static final String DOMAIN = "dev.vendorpoller";
    private static final Logger LOG = LoggerFactory.getLogger(FeedMBeans.class);

    public static ObjectName name(String feed) throws Exception {
        return new ObjectName(DOMAIN + ":type=feed,name=" + feed);
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        try {
            // a startup listener fires once the context (and its JMX agent) runs, however Main was started
            main.getCamelContext().addStartupListener((context, alreadyStarted) -> register(context));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void register(CamelContext context) {
        ManagementAgent agent = context.getManagementStrategy().getManagementAgent();
        if (agent == null) {
            LOG.info("JMX is off (camel.main.jmx-enabled=false): no feed MBeans");
            return;
        }
        Registry r = context.getRegistry();
        Database db = r.lookupByNameAndType("database", Database.class);
        for (Feed feed : r.lookupByNameAndType("feeds", Feeds.class).all()) {
            try {
                agent.register(new FeedManagement(feed, context, db.jdbc(), db.tx(), r.lookupByNameAndType("cursorStore", CursorStore.class),
                        r.lookupByNameAndType("deadLetters", DeadLetters.class), r.lookupByNameAndType("rejectStore", RejectStore.class),
                        r.lookupByNameAndType("pollSteps", PollSteps.class), r.lookupByNameAndType("pageCommitter", PageCommitter.class)),
                        name(feed.name()));
                LOG.info("feed {} manageable over JMX as {}", feed.name(), name(feed.name()));
            } catch (Exception e) {
                throw new IllegalStateException("cannot register the JMX MBean of feed " + feed.name(), e);
            }
        }
    }
}
