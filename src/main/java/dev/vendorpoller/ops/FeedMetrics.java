package dev.vendorpoller.ops;

import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.poll.FeedSchedules;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Per-feed Prometheus metrics (scraped at /observe/metrics beside Camel's own): vendor requests by status with a
 * latency histogram (429s included), records by outcome, pages, and, read from the database at scrape time, cursor
 * lag, outbox depth, open dead letters and stored rejects.
 */
public final class FeedMetrics {
    private FeedMetrics() {
    }

    public static void bind(Feed feed, MeterRegistry registry, FeedFacts facts) {
        String name = feed.name();
        feed.stats().observeRequests((status, nanos) -> Timer.builder("vendor_poller_vendor_requests")
                .description("Requests to the vendor by HTTP status (0: no response)")
                .tag("feed", name).tag("status", String.valueOf(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS));
        counter(registry, feed, "ledgered", s -> s.stats().ledgered());
        counter(registry, feed, "duplicate", s -> s.stats().duplicates());
        counter(registry, feed, "rejected", s -> s.stats().rejected());
        FunctionCounter.builder("vendor_poller_pages", feed, f -> f.stats().pages())
                .description("Pages committed").tag("feed", name).register(registry);
        FunctionCounter.builder("vendor_poller_cursor_recoveries", feed, f -> f.stats().cursorRecoveries())
                .description("Refused cursors recovered (the run restarted from the source's safe point)").tag("feed", name)
                .register(registry);
        FunctionCounter.builder("vendor_poller_stalled_runs", feed, f -> f.stats().stalledRuns())
                .description("Runs that ended because the vendor said has_more with no new cursor").tag("feed", name)
                .register(registry);
        gauge(registry, feed, "vendor_poller_wedged", "1 while the feed is wedged (see readiness for the reason), else 0",
                f -> f.stats().wedged().isPresent() ? 1 : 0);
        gauge(registry, feed, "vendor_poller_lag_seconds", "Now minus the newest source_updated_at in the ledger",
                f -> facts.lag(name).map(lag -> (double) lag.toSeconds()).orElse(Double.NaN));
        gauge(registry, feed, "vendor_poller_outbox_depth", "Deliveries waiting in the outbox", f -> facts.outboxDepth(name));
        gauge(registry, feed, "vendor_poller_dead_letters", "Dead letters not replayed", f -> facts.openDeadLetters(name));
        gauge(registry, feed, "vendor_poller_rejects_stored", "Rejects stored and not replayed", f -> facts.storedRejects(name));
    }

    /**
     * Schedule delay (issue 14): how late each run fired, by what fired it ({@code schedule}, {@code catch-up} after a
     * yield, {@code manual}), as a histogram; how late each feed is now (a starved feed never fires, so only this
     * shows it); runs that yielded to other feeds; scheduled runs Quartz skipped as too late.
     */
    public static void bindSchedules(FeedSchedules schedules, Iterable<Feed> feeds, MeterRegistry registry) {
        schedules.observeDelays((feed, trigger, delay) -> Timer.builder("vendor_poller_schedule_delay")
                .description("How late a run of the feed started: actual minus scheduled fire time")
                .tag("feed", feed).tag("trigger", trigger).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(delay));
        for (Feed feed : feeds) {
            String name = feed.name();
            Gauge.builder("vendor_poller_schedule_late_seconds", schedules, s -> {
                FeedSchedules.Lateness late = s.lateness().get(name);
                return late == null ? 0 : late.late().toMillis() / 1000.0;
            }).description("How late the feed's next scheduled run is now (0 while on time, running or paused)")
                    .tag("feed", name).register(registry);
            FunctionCounter.builder("vendor_poller_yielded_runs", schedules, s -> s.yieldedRuns(name))
                    .description("Runs that yielded to other feeds with pages left (max-pages-per-run, max-run-time)")
                    .tag("feed", name).register(registry);
            FunctionCounter.builder("vendor_poller_missed_runs", schedules, s -> s.missedRuns(name))
                    .description("Scheduled runs Quartz skipped because no thread took them within its misfire threshold")
                    .tag("feed", name).register(registry);
        }
    }

    private static void counter(MeterRegistry registry, Feed feed, String outcome, ToDoubleFunction<Feed> value) {
        FunctionCounter.builder("vendor_poller_records", feed, value).description("Records read, by outcome")
                .tag("feed", feed.name()).tag("outcome", outcome).register(registry);
    }

    private static void gauge(MeterRegistry registry, Feed feed, String name, String description, ToDoubleFunction<Feed> value) {
        Gauge.builder(name, feed, value).description(description).tag("feed", feed.name()).register(registry);
    }

}
