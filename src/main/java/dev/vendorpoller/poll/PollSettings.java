package dev.vendorpoller.poll;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.time.Duration;
import java.util.List;

/**
 * How far a run goes before it calls a feed wedged (issue 12, "Wedges and loops"), and how long a run may hold a
 * scheduler thread before it yields to the other feeds (issue 14, "Many feeds per node, fairly").
 *
 * @param maxCursorRecoveries refused cursors recovered in one run ({@code vendor-poller.poll.max-cursor-recoveries},
 *                            default 3); the next refusal in that run is dead-lettered and the feed turns DOWN
 * @param maxStalledRuns      runs in a row that end stalled ({@code has_more} with no new cursor) before the feed
 *                            turns DOWN ({@code vendor-poller.poll.max-stalled-runs}, default 3)
 * @param maxPagesPerRun      pages a run commits before it yields ({@code vendor-poller.poll.max-pages-per-run},
 *                            default 20); the feed goes on at its catch-up trigger, queued behind every feed that
 *                            was due before it
 * @param maxRunTime          how long a run goes on committing pages before it yields
 *                            ({@code vendor-poller.poll.max-run-time}, default 1s); a run always commits at least one
 *                            page
 * @param threads             scheduler threads: runs of different feeds at once on this node
 *                            ({@code vendor-poller.poll.threads}; default {@link #defaultThreads(int)})
 */
public record PollSettings(int maxCursorRecoveries, int maxStalledRuns, int maxPagesPerRun, Duration maxRunTime,
        int threads) {
    public static final String PREFIX = "vendor-poller.poll.";
    public static final String MAX_PAGES_PER_RUN = PREFIX + "max-pages-per-run";
    public static final String MAX_RUN_TIME = PREFIX + "max-run-time";
    public static final String THREADS = PREFIX + "threads";
    public static final List<String> KEYS = List.of(PREFIX + "max-cursor-recoveries", PREFIX + "max-stalled-runs",
            MAX_PAGES_PER_RUN, MAX_RUN_TIME, THREADS);

    public static PollSettings load(ConfigReader config, int feeds) {
        Duration maxRunTime = config.duration(MAX_RUN_TIME, Duration.ofSeconds(1));
        if (maxRunTime.toMillis() < 10 || maxRunTime.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException(MAX_RUN_TIME, "must be between 10ms and 1h, not " + maxRunTime);
        }
        return new PollSettings(config.positiveInt(PREFIX + "max-cursor-recoveries", 3, 1_000),
                config.positiveInt(PREFIX + "max-stalled-runs", 3, 1_000_000),
                config.positiveInt(MAX_PAGES_PER_RUN, 20, 1_000_000), maxRunTime,
                config.positiveInt(THREADS, defaultThreads(feeds), 1_000));
    }

    /**
     * One thread per ten feeds, at least 10 (Quartz's own default) and at most 50. Runs yield after
     * {@code max-run-time}, so fairness does not need a thread per feed; more threads only let more slow vendors wait
     * at once, and every run competes for the same database connections and cores.
     */
    public static int defaultThreads(int feeds) {
        return Math.min(50, Math.max(10, (feeds + 9) / 10));
    }
}
