package dev.vendorpoller.app;

import dev.vendorpoller.account.Account;
import dev.vendorpoller.account.Accounts;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.ingest.Feeds;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev profile (route reloading on): Camel reloads a changed routes/*.yaml itself, including the poll-feed template,
 * but routes already made from a template keep the old one. After each successful reload this rebuilds every feed's
 * and account route from the templates as they are now (a page in flight finishes first; its commit is atomic either way). A file
 * that fails to load is reported, and every running route keeps going as it was.
 */
final class FeedRouteReloader extends EventNotifierSupport {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.reload");
    private final Feeds feeds;
    private final Accounts accounts;

    FeedRouteReloader(Feeds feeds, Accounts accounts) {
        this.feeds = feeds;
        this.accounts = accounts;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteReloadedEvent || event instanceof CamelEvent.CamelContextReloadFailureEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        if (event instanceof CamelEvent.CamelContextReloadFailureEvent failure) {
            LOG.error("route reload failed, the running routes keep going unchanged: {}", failure.getCause() == null
                    ? "unknown error" : failure.getCause().getMessage());
            return;
        }
        CamelEvent.RouteReloadedEvent reloaded = (CamelEvent.RouteReloadedEvent) event;
        if (reloaded.getIndex() < reloaded.getTotal()) {
            return; // rebuild once, after the last route of this reload
        }
        CamelContext context = reloaded.getRoute().getCamelContext();
        refreshTemplate(context, reloaded.getRoute().getSourceResource());
        for (Account account : accounts.all()) {
            String id = FeedRouteInstaller.routeId(account);
            context.getRouteController().stopRoute(id);
            context.removeRoute(id);
            FeedRouteInstaller.install(context, account);
            context.getRouteController().startRoute(id);
        }
        for (Feed feed : feeds.all()) {
            String id = feed.config().routeId();
            context.getRouteController().stopRoute(id);
            context.removeRoute(id);
            FeedRouteInstaller.install(context, feed);
            context.getRouteController().startRoute(id);
        }
        LOG.info("routes reloaded; feed routes rebuilt from the {} template: {}", FeedRouteInstaller.TEMPLATE,
                feeds.all().stream().map(f -> f.config().routeId()).toList());
    }

    /** Camel's reload replaces a file's routes but not its route templates: read the templates from the file again. */
    private static void refreshTemplate(CamelContext context, Resource resource) throws Exception {
        if (resource == null) {
            return;
        }
        var model = (ModelCamelContext) context;
        for (var builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)) {
            if (builder instanceof RouteBuilder rb) {
                rb.setCamelContext(context);
                rb.configureRoutes(context);
                var templates = rb.getRouteTemplateCollection().getRouteTemplates();
                for (var template : templates) {
                    var old = model.getRouteTemplateDefinition(template.getId());
                    if (old != null) {
                        model.removeRouteTemplateDefinition(old);
                    }
                }
                model.addRouteTemplateDefinitions(templates);
            }
        }
    }
}
