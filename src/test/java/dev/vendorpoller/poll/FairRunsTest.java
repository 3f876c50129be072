package dev.vendorpoller.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.app.Service;
import dev.vendorpoller.ingest.Feed;
import dev.vendorpoller.support.BacklogVendor;
import dev.vendorpoller.support.PollerHarness;
import dev.vendorpoller.support.ServiceTest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many feeds per node, fairly (issue 14): a run yields after {@code max-pages-per-run} pages or {@code max-run-time}
 * and its feed goes on at a catch-up trigger, queued behind every feed that was due before it. The real service
 * in-process on its H2 file database, a loopback vendor serving every feed's backlog.
 */
class FairRunsTest extends ServiceTest {
    static final int FEEDS = 200;
    static final int BACKLOG = 2_000;
    BacklogVendor vendor;

    @AfterEach
    void stopVendor() {
        if (vendor != null) {
            vendor.close();
        }
    }

    /**
     * The scenario of the issue: 200 registration feeds, each with a 2 000-record backlog, on 5 s schedules. Before runs
     * yielded, 72 of them had not run once after 90 s; now every feed commits its first page within 30 s of the start.
     * The first commit of each feed is read from feed_cursor (updated_at while pages_committed is still 1).
     */
    @Test
    void every_feed_of_200_with_backlogs_commits_its_first_page_within_30_seconds() throws Exception {
        vendor = new BacklogVendor(BACKLOG);
        PollerHarness poller = newPoller();
        for (int i = 0; i < FEEDS; i++) {
            String feed = "reg-" + i;
            poller.feed(feed, vendor.baseUrl(feed), "schedule.interval", "5s", "page-size", "100");
        }
        Instant called = Instant.now();
        poller.start();
        // the start: the service runs (routes started, triggers due 0.5 s later); building 200 feeds' routes comes before
        Instant start = Instant.now();
        Map<String, Instant> firstCommit = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (firstCommit.size() < FEEDS && System.nanoTime() < deadline) {
            Instant seen = Instant.now();
            for (Map<String, Object> row : poller.query("SELECT feed, pages_committed, updated_at FROM feed_cursor")) {
                String feed = (String) row.get("feed");
                if (!firstCommit.containsKey(feed) && ((Number) row.get("pages_committed")).longValue() >= 1) {
                    // while pages_committed is 1, updated_at is the first commit; later, the time we saw it bounds it
                    firstCommit.put(feed, ((Number) row.get("pages_committed")).longValue() == 1
                            ? ((OffsetDateTime) row.get("updated_at")).toInstant() : seen);
                }
            }
            Thread.sleep(200);
        }
        List<Long> millis = new ArrayList<>(firstCommit.values().stream()
                .map(t -> Duration.between(start, t).toMillis()).toList());
        Collections.sort(millis);
        System.out.printf("first committed page after the service started, %d of %d feeds: median %d ms, max %d ms"
                + " (the start-up took %d ms)%n", millis.size(), FEEDS, millis.isEmpty() ? -1 : millis.get(millis.size() / 2),
                millis.isEmpty() ? -1 : millis.get(millis.size() - 1), Duration.between(called, start).toMillis());
        assertThat(firstCommit).as("feeds with a committed page within 60 s").hasSize(FEEDS);
        assertThat(millis.get(millis.size() - 1)).as("the last feed's first committed page, ms after start")
                .isLessThanOrEqualTo(30_000);

        FeedSchedules schedules = poller.context().getRegistry().lookupByNameAndType("feedSchedules", FeedSchedules.class);
        Service service = Service.of(poller.context());
        long yields = service.feeds().all().stream().mapToLong(f -> schedules.yieldedRuns(f.name())).sum();
        // by the time the last feed committed its first page, most first runs had yielded (a few may still be going on)
        assertThat(yields).as("runs that yielded with pages left").isGreaterThanOrEqualTo(FEEDS / 2);
        // a yielded run is no stall: no feed is wedged, and the yielded feeds went on from their cursors
        assertThat(service.feeds().all().stream().map(Feed::stats).filter(s -> s.wedged().isPresent()).count()).isZero();
        assertThat(service.feeds().all().stream().mapToLong(f -> f.stats().stalledRuns()).sum()).isZero();
        poller.stop();
        long ledgered = poller.count("SELECT COUNT(*) FROM ledger_registration");
        long pages = poller.count("SELECT SUM(pages_committed) FROM feed_cursor");
        assertThat(ledgered).as("every committed page's records ledgered once").isEqualTo(pages * 100);
        assertThat(pages).as("feeds went on after their first yield").isGreaterThan(FEEDS * 2L);
    }

    /**
     * A yielded feed goes on at once, not at its next scheduled run: a feed on a 1-minute schedule with 20 pages of
     * backlog and {@code max-pages-per-run = 2} reads them all in ten runs within seconds, each run after the first
     * fired by its catch-up trigger.
     */
    @Test
    void a_feed_that_yields_goes_on_at_its_catch_up_run_not_a_schedule_later() throws Exception {
        vendor = new BacklogVendor(BACKLOG);
        PollerHarness poller = newPoller().set("vendor-poller.poll.max-pages-per-run", "2")
                .set("vendor-poller.poll.max-run-time", "1h");
        poller.feed("slowly", vendor.baseUrl("slowly"), "schedule.interval", "1m", "page-size", "100");
        List<String> triggers = Collections.synchronizedList(new ArrayList<>());
        poller.start();
        FeedSchedules schedules = poller.context().getRegistry().lookupByNameAndType("feedSchedules", FeedSchedules.class);
        schedules.observeDelays((feed, trigger, delay) -> triggers.add(trigger));
        PollerHarness.await("the whole backlog read", Duration.ofSeconds(30),
                () -> "2000".equals(poller.storedCursor("slowly")));
        assertThat(poller.count("SELECT COUNT(*) FROM ledger_registration WHERE source = 'slowly'")).isEqualTo(BACKLOG);
        assertThat(poller.count("SELECT pages_committed FROM feed_cursor WHERE feed = 'slowly'")).isEqualTo(20);
        // runs of 2 pages each: the first nine yielded, the tenth read the last page with has_more false
        assertThat(schedules.yieldedRuns("slowly")).isEqualTo(9);
        assertThat(triggers).contains("catch-up").doesNotContain("manual");
        assertThat(vendor.requests()).isEqualTo(20);
    }

    /** Pausing a feed that yielded takes its waiting catch-up run away too: a paused feed reads nothing more. */
    @Test
    void a_paused_feed_loses_its_catch_up_run() throws Exception {
        vendor = new BacklogVendor(BACKLOG).pageDelayMillis("paused", 300);
        PollerHarness poller = newPoller().set("vendor-poller.poll.max-pages-per-run", "1");
        poller.feed("paused", vendor.baseUrl("paused"), "schedule.interval", "1m", "page-size", "100");
        poller.start();
        PollerHarness.await("two pages", Duration.ofSeconds(20),
                () -> poller.count("SELECT COUNT(*) FROM feed_cursor WHERE feed = 'paused' AND pages_committed >= 2") == 1);
        poller.context().getRouteController().suspendRoute("poll-paused");
        Thread.sleep(500); // a page in flight when it was paused may still commit
        long pages = poller.count("SELECT pages_committed FROM feed_cursor WHERE feed = 'paused'");
        Thread.sleep(2_000);
        assertThat(poller.count("SELECT pages_committed FROM feed_cursor WHERE feed = 'paused'")).isEqualTo(pages);
        org.quartz.Scheduler scheduler = poller.context().getComponent("quartz",
                org.apache.camel.component.quartz.QuartzComponent.class).getScheduler();
        assertThat(scheduler.checkExists(org.quartz.TriggerKey.triggerKey("paused", FeedSchedules.CATCH_UP_GROUP))).isFalse();
    }
}
