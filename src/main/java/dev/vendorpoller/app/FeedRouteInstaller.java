package dev.vendorpoller.app;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.spi.ReloadStrategy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once routes/*.yaml are loaded, creates the templated routes: one per vendor account (vendor-account) and one per
 * feed (poll-feed). It runs as the context initialises (after Camel Main or its test kit loaded the route files,
 * before routes start), so {@code java -jar}, Camel JBang and the tests install the same routes.
 */
final class FeedRouteInstaller extends LifecycleStrategySupport {
    public static final String TEMPLATE = "poll-feed";
    public static final String ACCOUNT_TEMPLATE = "vendor-account";
    private static final Logger LOG = LoggerFactory.getLogger(FeedRouteInstaller.class);

    private final boolean routesReloadEnabled;

    FeedRouteInstaller(boolean routesReloadEnabled) {
        this.routesReloadEnabled = routesReloadEnabled;
    }

    @Override
    public void onContextInitializing(CamelContext context) {
        Service service = Service.of(context);
        Feeds feeds = service.feeds();
        Accounts accounts = service.accounts();
        for (Account account : accounts.all()) {
            install(context, account);
            LOG.info("account {} ({}): limits {}, reserve {}%, at most {} in flight", account.name(),
                    account.credentials().describe(), account.config().governor().tiers(),
                    account.config().governor().reservePercent(), account.config().governor().maxConcurrent());
        }
        for (Feed feed : feeds.all()) {
            install(context, feed);
            LOG.info("feed {} ({}) polls {} every {}", feed.name(), feed.config().type(), feed.config().baseUrl(),
                    feed.config().schedule().cron() != null ? "cron " + feed.config().schedule().cron() : feed.config().schedule().interval());
        }
        if (context.getCamelContextExtension().getContextPlugin(ReloadStrategy.class) != null
                || routesReloadEnabled) {
            context.getManagementStrategy().addEventNotifier(new FeedRouteReloader(feeds, accounts));
        }
    }

    /** Creates the account's route from the vendor-account template as it is now. */
    static void install(CamelContext context, Account account) {
        TemplatedRouteBuilder.builder(context, ACCOUNT_TEMPLATE)
                .routeId(routeId(account))
                .parameter("account", account.name())
                .parameter("unthrottled", account.config().governor().tiers().isEmpty())
                .add();
    }

    static String routeId(Account account) {
        return "account-" + account.name();
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
