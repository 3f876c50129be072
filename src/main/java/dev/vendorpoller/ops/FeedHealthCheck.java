package dev.vendorpoller.ops;

import dev.vendorpoller.poll.Feed;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Readiness of one feed: DOWN when its last page failed after the retries (until a page commits again), or when the
 * newest ledgered version is older than the feed's {@code max-lag}. Not a liveness check: restarting the service
 * fixes neither a vendor outage nor a quiet vendor.
 */
public final class FeedHealthCheck extends AbstractHealthCheck {
    private final Feed feed;
    private final JdbcTemplate jdbc;

    public FeedHealthCheck(Feed feed, JdbcTemplate jdbc) {
        super("vendor-poller", "feed-" + feed.name());
        this.feed = feed;
        this.jdbc = jdbc;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("feed", feed.name());
        Instant failed = feed.stats().lastFailure();
        Instant committed = feed.stats().lastCommit();
        if (failed != null && (committed == null || failed.isAfter(committed))) {
            builder.detail("last_page_failure", failed.toString()).message("the last page failed after its retries").down();
            return;
        }
        if (feed.config().maxLag().isPresent()) {
            OffsetDateTime newest = jdbc.queryForObject("SELECT MAX(source_updated_at) FROM ledger_registration WHERE source = ?",
                    OffsetDateTime.class, feed.name());
            if (newest != null) {
                Duration lag = Duration.between(newest.toInstant(), Instant.now());
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
