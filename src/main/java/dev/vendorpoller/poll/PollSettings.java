package dev.vendorpoller.poll;

import dev.vendorpoller.config.ConfigReader;
import java.util.List;

/**
 * How far a run goes before it calls a feed wedged (issue 12, "Wedges and loops").
 *
 * @param maxCursorRecoveries refused cursors recovered in one run ({@code vendor-poller.poll.max-cursor-recoveries},
 *                            default 3); the next refusal in that run is dead-lettered and the feed turns DOWN
 * @param maxStalledRuns      runs in a row that end stalled ({@code has_more} with no new cursor) before the feed
 *                            turns DOWN ({@code vendor-poller.poll.max-stalled-runs}, default 3)
 */
public record PollSettings(int maxCursorRecoveries, int maxStalledRuns) {
    public static final String PREFIX = "vendor-poller.poll.";
    public static final List<String> KEYS = List.of(PREFIX + "max-cursor-recoveries", PREFIX + "max-stalled-runs");

    public static PollSettings load(ConfigReader config) {
        return new PollSettings(config.positiveInt(PREFIX + "max-cursor-recoveries", 3, 1_000),
                config.positiveInt(PREFIX + "max-stalled-runs", 3, 1_000_000));
    }
}
