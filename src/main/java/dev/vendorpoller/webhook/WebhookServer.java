package dev.vendorpoller.webhook;

import io.vertx.core.VertxOptions;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business HTTP server the webhook route ({@code platform-http:/webhooks/{feed}}) is served on: Camel's
 * camel-platform-http-main server (Vert.x), built here from {@code vendor-poller.webhooks.*} rather than
 * {@code camel.server.*}, so that it runs only when a feed receives webhooks, binds 127.0.0.1 by default and is
 * capped at {@code max-body}. It runs beside the management server ({@code camel.management.*}, /observe), on a port
 * of its own. The body limit is Vert.x's body handler's: a Content-Length over it is answered 413 before the body is
 * read, and a body without one is cut off at the limit.
 */
public final class WebhookServer {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.webhooks");
    /** Vert.x worker threads (deliveries being verified or waiting for their commit at once). */
    static final int WORKERS = 200;

    private WebhookServer() {
    }

    /** Adds the server to the context (it starts with it, before the routes) and its 413 answer once it runs. */
    public static void install(CamelContext context, WebhookSettings settings, WebhookReceiver receiver) throws Exception {
        if (context.getRegistry().findSingleByType(VertxOptions.class) == null) {
            // each delivery holds a Vert.x worker thread until its inbox row is committed (group commit): Vert.x's
            // default of 20 workers would cap a batch at 20 rows and the receivers at 20 per commit
            context.getRegistry().bind("webhookVertxOptions", new VertxOptions().setWorkerPoolSize(WORKERS));
        }
        MainHttpServer server = new MainHttpServer();
        server.setCamelContext(context);
        server.setHost(settings.host());
        server.setPort(settings.port());
        server.setPath("/");
        server.setMaxBodySize(settings.maxBody());
        server.setFileUploadEnabled(false);
        context.addService(server, true, true);
        AtomicBoolean done = new AtomicBoolean(); // listeners run again after a route reload (dev profile)
        context.addStartupListener((ctx, alreadyStarted) -> {
            if (done.compareAndSet(false, true)) {
                server.getRouter().route(WebhookReceiver.PATH + ":feed").failureHandler(receiver::tooLarge);
                LOG.info("webhooks on http://{}:{}{}<feed> for {} (at most {} bytes a body)", settings.host(), settings.port(),
                        WebhookReceiver.PATH, settings.feeds().values().stream().map(h -> h.feed() + " (" + h.style().key() + ")")
                                .toList(), settings.maxBody());
            }
        });
    }
}
