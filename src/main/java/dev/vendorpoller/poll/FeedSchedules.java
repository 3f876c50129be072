package dev.vendorpoller.poll;

import dev.vendorpoller.feed.FeedConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.quartz.JobExecutionContext;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.TriggerListener;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeds' Quartz triggers as the poll route sees them (issue 14, "Many feeds per node, fairly"):
 * <ul>
 * <li>how late each run fired (actual minus scheduled fire time, from camel-quartz's {@code fireTime} and
 * {@code scheduledFireTime} headers), handed to an observer (the {@code vendor_poller_schedule_delay_seconds}
 * histogram);</li>
 * <li>how late each feed is <em>now</em>: a feed a starved node never fires has no fire to measure, so its regular
 * trigger's next fire time is read from the scheduler (its own run going on, or a paused feed, is not late); and the
 * runs Quartz skipped because they were more than its misfire threshold late;</li>
 * <li>the catch-up trigger of a run that yielded with pages left: a one-shot trigger of the feed's job, due at once,
 * so Quartz queues it behind every trigger that was due before it (it acquires triggers by fire time).</li>
 * </ul>
 */
public final class FeedSchedules {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.poll");
    /** The group of the poll routes' triggers and jobs ({@code quartz:vendor-poller/<feed>}). */
    public static final String GROUP = "vendor-poller";
    /** The group of the catch-up triggers: one per feed at most, named after the feed. */
    public static final String CATCH_UP_GROUP = "vendor-poller-catch-up";
    /** A feed is behind when it is this many periods late, and at least {@link #MIN_BOUND}. */
    public static final int LATE_PERIODS = 2;
    public static final Duration MIN_BOUND = Duration.ofSeconds(10);
    private static final long SNAPSHOT_MILLIS = 1_000;

    /** Sees every run as it starts: how late it fired and what fired it ({@code schedule}, {@code catch-up}, {@code manual}). */
    public interface DelayObserver {
        void fired(String feed, String trigger, Duration delay);
    }

    /** One feed's schedule right now. */
    public record Lateness(String feed, Duration late, Duration period, boolean missedRun) {
        /** The lateness past which the feed counts as behind: two periods, at least ten seconds. */
        public Duration bound() {
            Duration two = period.multipliedBy(LATE_PERIODS);
            return two.compareTo(MIN_BOUND) < 0 ? MIN_BOUND : two;
        }

        /** More than two periods late now, or a run skipped by Quartz since the feed last fired. */
        public boolean behind() {
            return missedRun || late.compareTo(bound()) > 0;
        }
    }

    private final Map<String, Duration> periods = new LinkedHashMap<>();
    private final Supplier<Scheduler> scheduler;
    private final Clock clock;
    private final Map<String, AtomicLong> yielded = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> missed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> missedSinceFire = new ConcurrentHashMap<>();
    private volatile DelayObserver observer = (feed, trigger, delay) -> { };
    private volatile Scheduler listenedTo;
    private volatile Map<String, Lateness> snapshot = Map.of();
    private volatile long snapshotAt;

    public FeedSchedules(List<FeedConfig> feeds, Supplier<Scheduler> scheduler, Clock clock) {
        Instant now = clock.instant();
        for (FeedConfig feed : feeds) {
            periods.put(feed.name(), feed.schedule().period(now));
            yielded.put(feed.name(), new AtomicLong());
            missed.put(feed.name(), new AtomicLong());
        }
        this.scheduler = scheduler;
        this.clock = clock;
    }

    public void observeDelays(DelayObserver observer) {
        this.observer = observer;
    }

    /** A run of {@code feed} started: records how late it fired. */
    void fired(String feed, Scheduler firing, Trigger trigger, Date fireTime, Date scheduledFireTime) {
        listen(firing);
        missedSinceFire.remove(feed);
        if (fireTime == null || scheduledFireTime == null) {
            return;
        }
        String kind = GROUP.equals(trigger.getKey().getGroup()) ? "schedule"
                : CATCH_UP_GROUP.equals(trigger.getKey().getGroup()) ? "catch-up" : "manual";
        observer.fired(feed, kind, Duration.ofMillis(Math.max(0, fireTime.getTime() - scheduledFireTime.getTime())));
    }

    /**
     * True when this run was fired by the feed's catch-up trigger while its schedule is paused (on any node: the pause
     * of a clustered feed is its trigger's state in the database): the run does nothing.
     */
    boolean pausedCatchUp(String feed, Scheduler firing, Trigger trigger) {
        if (!CATCH_UP_GROUP.equals(trigger.getKey().getGroup())) {
            return false;
        }
        try {
            return firing.getTriggerState(TriggerKey.triggerKey(feed, GROUP)) == Trigger.TriggerState.PAUSED;
        } catch (SchedulerException e) {
            return false;
        }
    }

    /**
     * The run yielded with pages left: the feed's catch-up trigger fires it again at once, queued behind every trigger
     * that was due earlier. When this run was fired by the catch-up trigger, that trigger is rescheduled (Quartz keeps
     * a trigger rescheduled during its own run); when one is already waiting, nothing changes; when the feed's own
     * schedule is due already, it goes on at that one.
     */
    void catchUp(String feed, Scheduler firing, Trigger trigger) {
        yielded.get(feed).incrementAndGet();
        TriggerKey key = TriggerKey.triggerKey(feed, CATCH_UP_GROUP);
        Trigger next = TriggerBuilder.newTrigger().withIdentity(key).forJob(trigger.getJobKey()).startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
        try {
            // the feed's schedule is due already (it came round while the run went on): that run goes on with it, in
            // its place in the queue; a catch-up trigger would only add a run and, on a cluster, its transactions
            Trigger regular = GROUP.equals(trigger.getKey().getGroup()) ? trigger
                    : firing.getTrigger(TriggerKey.triggerKey(feed, GROUP));
            if (regular != null && regular.getNextFireTime() != null
                    && regular.getNextFireTime().getTime() <= clock.millis()) {
                return;
            }
            if (trigger.getKey().equals(key)) {
                firing.rescheduleJob(key, next);
            } else if (!firing.checkExists(key)) {
                firing.scheduleJob(next);
            }
        } catch (ObjectAlreadyExistsException e) {
            // one is waiting already
        } catch (SchedulerException e) {
            LOG.warn("feed={} could not schedule its catch-up run ({}); it goes on at its next scheduled run", feed,
                    e.getMessage());
        }
    }

    /** Removes the feed's catch-up trigger (its route is paused or stopped). */
    public void cancelCatchUp(String feed, boolean evenWhenClustered) {
        Scheduler s = scheduler.get();
        try {
            if (s != null && !s.isShutdown() && (evenWhenClustered || !s.getMetaData().isJobStoreClustered())) {
                s.unscheduleJob(TriggerKey.triggerKey(feed, CATCH_UP_GROUP));
            }
        } catch (SchedulerException e) {
            LOG.debug("feed={} catch-up trigger not removed: {}", feed, e.getMessage());
        }
    }

    /** Runs of the feed that yielded with pages left, since start. */
    public long yieldedRuns(String feed) {
        AtomicLong n = yielded.get(feed);
        return n == null ? 0 : n.get();
    }

    /** Scheduled runs of the feed that Quartz skipped as more than its misfire threshold late, since start. */
    public long missedRuns(String feed) {
        AtomicLong n = missed.get(feed);
        return n == null ? 0 : n.get();
    }

    /** Every feed's schedule now (read from the scheduler at most once a second). */
    public Map<String, Lateness> lateness() {
        long now = clock.millis();
        if (now - snapshotAt >= SNAPSHOT_MILLIS) {
            synchronized (this) {
                if (now - snapshotAt >= SNAPSHOT_MILLIS) {
                    snapshot = read(now);
                    snapshotAt = now;
                }
            }
        }
        return snapshot;
    }

    /** The feeds that are behind their schedule now, most late first. */
    public List<Lateness> behind() {
        return lateness().values().stream().filter(Lateness::behind)
                .sorted((a, b) -> b.late().compareTo(a.late())).toList();
    }

    public Duration period(String feed) {
        return periods.get(feed);
    }

    private Map<String, Lateness> read(long now) {
        Scheduler s = scheduler.get();
        if (s == null) {
            return Map.of();
        }
        listen(s);
        Map<String, Lateness> result = new LinkedHashMap<>();
        for (var entry : periods.entrySet()) {
            String feed = entry.getKey();
            Duration late = Duration.ZERO;
            try {
                TriggerKey key = TriggerKey.triggerKey(feed, GROUP);
                Trigger trigger = s.getTrigger(key);
                // NORMAL: waiting for its time or for a thread; BLOCKED: its own run is going on; PAUSED: paused
                if (trigger != null && trigger.getNextFireTime() != null
                        && s.getTriggerState(key) == Trigger.TriggerState.NORMAL) {
                    late = Duration.ofMillis(Math.max(0, now - trigger.getNextFireTime().getTime()));
                }
            } catch (SchedulerException e) {
                LOG.debug("feed={} trigger not readable: {}", feed, e.getMessage());
            }
            result.put(feed, new Lateness(feed, late, entry.getValue(), missedSinceFire.containsKey(feed)));
        }
        return Collections.unmodifiableMap(result);
    }

    /** Counts the runs Quartz skips (misfires) of this scheduler's feed triggers; once per scheduler. */
    private void listen(Scheduler s) {
        if (s == null || s == listenedTo) {
            return;
        }
        synchronized (this) {
            if (s == listenedTo) {
                return;
            }
            try {
                s.getListenerManager().addTriggerListener(new Misfires(), GroupMatcher.triggerGroupEquals(GROUP));
                listenedTo = s;
            } catch (SchedulerException e) {
                LOG.debug("misfires not counted: {}", e.getMessage());
            }
        }
    }

    private final class Misfires implements TriggerListener {
        @Override
        public String getName() {
            return "vendor-poller-misfires";
        }

        @Override
        public void triggerMisfired(Trigger trigger) {
            String feed = trigger.getKey().getName();
            AtomicLong n = missed.get(feed);
            if (n != null) {
                n.incrementAndGet();
                missedSinceFire.put(feed, true);
                LOG.warn("feed={} missed a scheduled run: it was due at {} and no scheduler thread took it within Quartz's"
                        + " misfire threshold", feed, trigger.getNextFireTime() == null ? "?" : trigger.getNextFireTime().toInstant());
            }
        }

        @Override
        public void triggerFired(Trigger trigger, JobExecutionContext context) {
        }

        @Override
        public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
            return false;
        }

        @Override
        public void triggerComplete(Trigger trigger, JobExecutionContext context,
                Trigger.CompletedExecutionInstruction instruction) {
        }
    }
}
