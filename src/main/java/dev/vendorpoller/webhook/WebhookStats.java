package dev.vendorpoller.webhook;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of what the receivers answered, per feed: deliveries stored, repeats, and refusals by reason (the operator
 * surfaces publish them as {@code vendor_poller_webhook_received_total} and {@code vendor_poller_webhook_rejected_total}).
 * Refusals for a path that names no webhook feed count under {@link #UNKNOWN_FEED}, so a sender cannot make up tags.
 */
public final class WebhookStats {
    /** The feed tag of refusals for a path that names no webhook feed (no feed name can start with '_'). */
    public static final String UNKNOWN_FEED = "_unknown";
    private final Set<String> feeds;
    private final Map<String, AtomicLong> stored = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> duplicates = new ConcurrentHashMap<>();
    private final Map<String, Map<WebhookRefusedException.Reason, AtomicLong>> rejected = new ConcurrentHashMap<>();

    public WebhookStats(Set<String> feeds) {
        this.feeds = Set.copyOf(feeds);
    }

    /** The webhook feeds (each has every counter, from zero). */
    public Set<String> feeds() {
        return feeds;
    }

    public long stored(String feed) {
        return counter(stored, feed).get();
    }

    public long duplicates(String feed) {
        return counter(duplicates, feed).get();
    }

    public long rejected(String feed, WebhookRefusedException.Reason reason) {
        return rejected.computeIfAbsent(tag(feed), f -> new ConcurrentHashMap<>()).computeIfAbsent(reason, r -> new AtomicLong()).get();
    }

    void countStored(String feed, boolean isNew) {
        counter(isNew ? stored : duplicates, feed).incrementAndGet();
    }

    void countRejected(String feed, WebhookRefusedException.Reason reason) {
        rejected.computeIfAbsent(tag(feed), f -> new ConcurrentHashMap<>()).computeIfAbsent(reason, r -> new AtomicLong())
                .incrementAndGet();
    }

    /** {@code feed} if it is a webhook feed, else {@link #UNKNOWN_FEED}. */
    public String tag(String feed) {
        return feed != null && feeds.contains(feed) ? feed : UNKNOWN_FEED;
    }

    private AtomicLong counter(Map<String, AtomicLong> map, String feed) {
        return map.computeIfAbsent(tag(feed), f -> new AtomicLong());
    }
}
