package dev.vendorpoller.ops;

import dev.vendorpoller.poll.FeedSchedules;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness of this node's scheduling (issue 14): DOWN while any feed is more than two periods late (at least 10 s),
 * or missed a scheduled run since it last ran, with the reason ("14 of 200 feeds are more than 2 intervals late ...").
 * A node whose scheduler threads are all busy says so instead of silently starving feeds.
 */
public final class ScheduleHealthCheck extends ReadinessCheck {
    private final FeedSchedules schedules;

    public ScheduleHealthCheck(FeedSchedules schedules) {
        super("schedules");
        this.schedules = schedules;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Map<String, FeedSchedules.Lateness> all = schedules.lateness();
        List<FeedSchedules.Lateness> behind = schedules.behind();
        builder.detail("feeds", all.size()).detail("feeds_behind", behind.size());
        if (behind.isEmpty()) {
            builder.up();
            return;
        }
        builder.message(reason(behind, all.size())).down();
    }

    /** E.g. "14 of 200 feeds are more than 2 intervals late (most: reg-17, 43 s late, every 5 s)". */
    static String reason(List<FeedSchedules.Lateness> behind, int feeds) {
        FeedSchedules.Lateness worst = behind.get(0);
        long missed = behind.stream().filter(FeedSchedules.Lateness::missedRun).count();
        return behind.size() + " of " + feeds + (feeds == 1 ? " feed" : " feeds") + (behind.size() == 1 ? " is" : " are")
                + " more than " + FeedSchedules.LATE_PERIODS + " intervals late"
                + (missed > 0 ? " or missed a scheduled run (" + missed + ")" : "")
                + " (most: " + worst.feed() + ", " + Times.words(worst.late()) + " late, every " + Times.words(worst.period())
                + "): this node cannot keep its schedules; see vendor-poller.poll.threads and max-run-time";
    }
}
