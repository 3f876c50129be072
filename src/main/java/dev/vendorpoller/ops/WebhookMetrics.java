package dev.vendorpoller.ops;

import dev.vendorpoller.webhook.WebhookRefusedException;
import dev.vendorpoller.webhook.WebhookStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The webhook receivers' counters in Prometheus (/observe/metrics): {@code vendor_poller_webhook_received_total
 * {feed,outcome=stored|duplicate}} and {@code vendor_poller_webhook_rejected_total{feed,reason}}, every webhook feed
 * and reason from zero; refusals for a path that names no webhook feed under feed {@code _unknown} (not_found,
 * too_large).
 */
public final class WebhookMetrics {
    private WebhookMetrics() {
    }

    public static void bind(MeterRegistry registry, WebhookStats stats) {
        List<String> feeds = new ArrayList<>(stats.feeds());
        for (String feed : feeds) {
            FunctionCounter.builder("vendor_poller_webhook_received", stats, s -> s.stored(feed))
                    .description("Webhook deliveries verified and committed to the inbox").tag("feed", feed)
                    .tag("outcome", "stored").register(registry);
            FunctionCounter.builder("vendor_poller_webhook_received", stats, s -> s.duplicates(feed))
                    .description("Webhook deliveries verified and committed to the inbox").tag("feed", feed)
                    .tag("outcome", "duplicate").register(registry);
        }
        for (String feed : feeds) {
            for (WebhookRefusedException.Reason reason : WebhookRefusedException.Reason.values()) {
                if (reason != WebhookRefusedException.Reason.NOT_FOUND) {
                    rejected(registry, stats, feed, reason);
                }
            }
        }
        // a path that names no webhook feed: 404, or 413 when its body was over the limit (refused before the route)
        rejected(registry, stats, WebhookStats.UNKNOWN_FEED, WebhookRefusedException.Reason.NOT_FOUND);
        rejected(registry, stats, WebhookStats.UNKNOWN_FEED, WebhookRefusedException.Reason.TOO_LARGE);
    }

    private static void rejected(MeterRegistry registry, WebhookStats stats, String feed, WebhookRefusedException.Reason reason) {
        FunctionCounter.builder("vendor_poller_webhook_rejected", stats, s -> s.rejected(feed, reason))
                .description("Webhook deliveries refused (nothing stored), by reason").tag("feed", feed)
                .tag("reason", reason.tag()).register(registry);
    }
}
