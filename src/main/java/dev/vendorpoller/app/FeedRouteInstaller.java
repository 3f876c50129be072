package dev.vendorpoller.app;

import dev.vendorpoller.poll.Feed;
import dev.vendorpoller.poll.Feeds;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Once routes/*.yaml are loaded, creates one route per configured feed from the poll-feed route template. */
public final class FeedRouteInstaller extends MainListenerSupport {
    public static final String TEMPLATE = "poll-feed";
    private static final Logger LOG = LoggerFactory.getLogger(FeedRouteInstaller.class);

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Feeds feeds = context.getRegistry().lookupByNameAndType("feeds", Feeds.class);
        for (Feed feed : feeds.all()) {
            install(context, feed);
            LOG.info("feed {} ({}) polls {} every {}", feed.name(), feed.config().type(), feed.config().baseUrl(),
                    feed.config().schedule().cron() != null ? "cron " + feed.config().schedule().cron() : feed.config().schedule().interval());
        }
        if (context.getCamelContextExtension().getContextPlugin(org.apache.camel.spi.ReloadStrategy.class) != null
                || main.configure().isRoutesReloadEnabled()) {
            context.getManagementStrategy().addEventNotifier(new FeedRouteReloader(feeds));
        }
    }

    /** Creates the feed's route from the poll-feed template as it is now. */
    static void install(CamelContext context, Feed feed) {
        TemplatedRouteBuilder.builder(context, TEMPLATE)
                .routeId(feed.config().routeId())
                .parameter("feed", feed.name())
                .parameter("trigger", feed.config().schedule().quartzOptions())
                .add();
    }
}
