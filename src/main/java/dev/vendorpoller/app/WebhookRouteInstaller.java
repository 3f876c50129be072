package dev.vendorpoller.app;

import dev.vendorpoller.ops.WebhookMetrics;
import dev.vendorpoller.webhook.WebhookReceiver;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * When a feed receives webhooks: creates route {@code webhooks} from the {@code webhook-receiver} template
 * (routes/webhooks.yaml) as the context initialises, and binds the receivers' counters to the metrics once it runs.
 * Without a webhook feed it is not added, so no platform-http route exists that could land on the management server.
 */
final class WebhookRouteInstaller extends LifecycleStrategySupport {
    static final String TEMPLATE = "webhook-receiver";
    static final String ROUTE_ID = "webhooks";

    @Override
    public void onContextInitializing(CamelContext context) {
        WebhookReceiver receiver = context.getRegistry().lookupByNameAndType("webhookReceiver", WebhookReceiver.class);
        TemplatedRouteBuilder.builder(context, TEMPLATE).routeId(ROUTE_ID).add();
        AtomicBoolean bound = new AtomicBoolean();
        try {
            context.addStartupListener((ctx, alreadyStarted) -> {
                MeterRegistry meters = ctx.getRegistry().findSingleByType(MeterRegistry.class);
                if (meters != null && bound.compareAndSet(false, true)) {
                    WebhookMetrics.bind(meters, receiver.stats());
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
