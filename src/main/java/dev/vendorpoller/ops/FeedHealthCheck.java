package dev.vendorpoller.ops;

import dev.vendorpoller.ingest.Feed;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of one feed: DOWN while its account's circuit breaker is open, while it is wedged (the vendor refused its
 * cursor again after the run's recoveries, or runs ended stalled too often in a row, until a run reaches the end of the
 * data), when its last page failed after the retries
 * (until a page commits again), or when the newest ledgered version is older than the feed's {@code max-lag}. Not a liveness check: restarting the service
 * fixes neither a vendor outage nor a quiet vendor.
 */
public final class FeedHealthCheck extends ReadinessCheck {
    private final Feed feed;
    private final FeedFacts facts;

    public FeedHealthCheck(Feed feed, FeedFacts facts) {
        super("feed-" + feed.name());
        this.feed = feed;
        this.facts = facts;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("feed", feed.name());
        var breaker = feed.account().breaker().getState();
        builder.detail("breaker", breaker.name());
        if (breaker == CircuitBreaker.State.OPEN
                || breaker == CircuitBreaker.State.FORCED_OPEN) {
            builder.message("the circuit breaker of account " + feed.account().name() + " is open").down();
            return;
        }
        var wedged = feed.stats().wedged();
        if (wedged.isPresent()) {
            builder.detail("wedged", wedged.get()).message(wedged.get()).down();
            return;
        }
        Instant failed = feed.stats().lastFailure();
        Instant committed = feed.stats().lastCommit();
        if (failed != null && (committed == null || failed.isAfter(committed))) {
            builder.detail("last_page_failure", failed.toString()).message("the last page failed after its retries").down();
            return;
        }
        if (feed.config().maxLag().isPresent()) {
            Duration lag = facts.lag(feed.name()).orElse(null);
            if (lag != null) {
                builder.detail("lag_seconds", lag.toSeconds());
                if (lag.compareTo(feed.config().maxLag().get()) > 0) {
                    builder.message("lag " + lag + " exceeds max-lag " + feed.config().maxLag().get()).down();
                    return;
                }
            }
        }
        builder.up();
    }
}
