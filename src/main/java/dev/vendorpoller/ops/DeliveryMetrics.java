package dev.vendorpoller.ops;

import dev.vendorpoller.delivery.DeliveryStats;
import dev.vendorpoller.delivery.Lane;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Per-lane delivery metrics (tags lane, feed, kind): depth and oldest pending age (read from the outbox at most once a
 * second, however many gauges a scrape reads), accepted / failed / dropped (superseded, stale) counters, and the
 * freshness histogram {@code vendor_poller_delivery_freshness_seconds}: ledger commit to the endpoint's acceptance.
 */
public final class DeliveryMetrics {
    private final DeliveryStats stats;
    private volatile Map<Lane, DeliveryStats.LaneFigures> snapshot = Map.of();
    private volatile long snapshotAt;

    private DeliveryMetrics(DeliveryStats stats) {
        this.stats = stats;
    }

    public static void bind(MeterRegistry registry, DeliveryStats stats, Collection<Lane> lanes) {
        DeliveryMetrics metrics = new DeliveryMetrics(stats);
        Map<Lane, Timer> freshness = new ConcurrentHashMap<>();
        stats.onFreshness((lane, age) -> freshness.computeIfAbsent(lane, l -> tags(Timer.builder(
                "vendor_poller_delivery_freshness").description("Ledger commit to the endpoint's acceptance, per message")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)), l).register(registry)).record(age));
        for (Lane lane : lanes) {
            gauge(registry, lane, "vendor_poller_delivery_depth", "Messages waiting in the lane (due or retrying)",
                    l -> metrics.figures(l).depth());
            gauge(registry, lane, "vendor_poller_delivery_oldest_pending_seconds", "Age of the lane's oldest waiting message",
                    l -> {
                        Duration age = metrics.figures(l).oldestPending();
                        return age == null ? 0 : age.toMillis() / 1000.0;
                    });
            DeliveryStats.Counters counters = stats.of(lane); // held by the stats, so the counters' weak references hold
            counter(registry, lane, counters, "vendor_poller_delivery_accepted", "Messages the endpoint accepted",
                    DeliveryStats.Counters::accepted, null);
            counter(registry, lane, counters, "vendor_poller_delivery_failed", "Failed delivery attempts, per message",
                    DeliveryStats.Counters::failed, null);
            counter(registry, lane, counters, "vendor_poller_delivery_dropped", "Versions never sent: a newer one was pending",
                    DeliveryStats.Counters::superseded, "superseded");
            counter(registry, lane, counters, "vendor_poller_delivery_dropped",
                    "Versions never sent: not newer than the accepted one", DeliveryStats.Counters::stale, "stale");
        }
    }

    private DeliveryStats.LaneFigures figures(Lane lane) {
        long now = System.nanoTime();
        if (now - snapshotAt > 1_000_000_000L) {
            Map<Lane, DeliveryStats.LaneFigures> fresh = new ConcurrentHashMap<>();
            stats.lanes().forEach(f -> fresh.put(f.lane(), f));
            snapshot = fresh;
            snapshotAt = now;
        }
        return snapshot.getOrDefault(lane, new DeliveryStats.LaneFigures(lane, 0, null, 0, 0, 0, 0, 0));
    }

    private static void gauge(MeterRegistry registry, Lane lane, String name, String description, ToDoubleFunction<Lane> value) {
        Gauge.builder(name, lane, value).strongReference(true).description(description).tag("lane", lane.name()).tag("feed", lane.feed())
                .tag("kind", lane.kind().name()).register(registry);
    }

    private static void counter(MeterRegistry registry, Lane lane, DeliveryStats.Counters counters, String name,
            String description, ToDoubleFunction<DeliveryStats.Counters> value, String reason) {
        var builder = FunctionCounter.builder(name, counters, value).description(description).tag("lane", lane.name())
                .tag("feed", lane.feed()).tag("kind", lane.kind().name());
        if (reason != null) {
            builder.tag("reason", reason);
        }
        builder.register(registry);
    }

    private static Timer.Builder tags(Timer.Builder builder, Lane lane) {
        return builder.tag("lane", lane.name()).tag("feed", lane.feed()).tag("kind", lane.kind().name());
    }
}
