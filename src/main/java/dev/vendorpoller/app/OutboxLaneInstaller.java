package dev.vendorpoller.app;

import dev.vendorpoller.delivery.Destinations;
import dev.vendorpoller.delivery.Lane;
import dev.vendorpoller.delivery.OutboxDrain;
import dev.vendorpoller.ops.DeliveryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once routes/*.yaml are loaded, creates one outbox-lane route per configured lane (routes/outbox-drain.yaml), each with
 * a thread pool of the lane's concurrency, so lanes drain independently of each other. Like {@link FeedRouteInstaller}
 * it runs as the context initialises, however the context is built (Camel Main, Camel JBang, the test kit).
 */
final class OutboxLaneInstaller extends LifecycleStrategySupport {
    public static final String TEMPLATE = "outbox-lane";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxLaneInstaller.class);

    @Override
    public void onContextInitializing(CamelContext context) {
        OutboxDrain drain = context.getRegistry().lookupByNameAndType("outboxDrain", OutboxDrain.class);
        for (Map.Entry<Lane, Destinations.Target> e : drain.lanes().entrySet()) {
            Lane lane = e.getKey();
            Destinations.Target target = e.getValue();
            String executor = "outboxLanePool-" + lane.name();
            // a queue that takes every split task: with none (a SynchronousQueue) a pass's task submitted while the
            // lane's thread was busy was rejected and lost, and the lane waited for it for ever
            ExecutorService pool = context.getExecutorServiceManager().newThreadPool(this, "outbox-" + lane.name(),
                    // a queue for the pass's requests: with none (-1 is a direct hand-over in Camel) the second request
                    // of a pass was rejected while the first ran, and the parallel split never completed (the lane hung
                    // for good: KillRestartIT's final run, 10 755 messages left)
                    new ThreadPoolProfileBuilder(executor).poolSize(target.concurrency()).maxPoolSize(target.concurrency())
                            .maxQueueSize(Integer.MAX_VALUE).rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).build());
            context.getRegistry().bind(executor, pool);
            TemplatedRouteBuilder.builder(context, TEMPLATE)
                    .routeId("outbox-" + lane.name())
                    .parameter("lane", lane.name())
                    .parameter("executor", executor)
                    .add();
            LOG.info("outbox lane {}: {} in flight at most, {} message(s) per request{}", lane, target.concurrency(),
                    target.batchSize(), target.account().map(a -> ", through account " + a).orElse(""));
        }
        // per-lane metrics once the context (and with it Camel's Micrometer registry) runs; once, even after a reload
        AtomicBoolean bound = new AtomicBoolean();
        try {
            context.addStartupListener((ctx, alreadyStarted) -> {
                MeterRegistry meters = ctx.getRegistry().findSingleByType(MeterRegistry.class);
                if (meters != null && bound.compareAndSet(false, true)) {
                    DeliveryMetrics.bind(meters, drain.stats(), drain.lanes().keySet());
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
