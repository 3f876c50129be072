package dev.vendorpoller.feed;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import java.text.ParseException;
import java.time.Duration;
import org.quartz.CronExpression;

/** When a feed polls: a fixed interval or a Quartz cron expression, rendered as camel-quartz endpoint options. */
public record Schedule(Duration interval, String cron) {

    public static Schedule parse(ConfigReader config, String prefix) {
        String intervalKey = prefix + "schedule.interval";
        String cronKey = prefix + "schedule.cron";
        var interval = config.optional(intervalKey);
        var cron = config.optional(cronKey);
        if (interval.isPresent() == cron.isPresent()) {
            throw new ConfigException(intervalKey, "or '" + cronKey + "': set exactly one of them");
        }
        if (cron.isPresent()) {
            try {
                CronExpression.validateExpression(cron.get());
            } catch (ParseException e) {
                throw new ConfigException(cronKey, "is not a valid Quartz cron expression ('" + cron.get() + "'): " + e.getMessage());
            }
            return new Schedule(null, cron.get());
        }
        Duration every = config.duration(intervalKey, null);
        if (every.toMillis() < 100) {
            throw new ConfigException(intervalKey, "must be at least 100ms");
        }
        return new Schedule(every, null);
    }

    /**
     * The time between two runs: the interval, or for a cron the gap between its next two fire times from
     * {@code from} (what "two intervals late" is measured in).
     */
    public Duration period(java.time.Instant from) {
        if (interval != null) {
            return interval;
        }
        try {
            CronExpression expression = new CronExpression(cron);
            java.util.Date first = expression.getNextValidTimeAfter(java.util.Date.from(from));
            java.util.Date second = first == null ? null : expression.getNextValidTimeAfter(first);
            return first == null || second == null ? Duration.ofDays(365)
                    : Duration.ofMillis(second.getTime() - first.getTime());
        } catch (ParseException e) {
            throw new IllegalStateException("cron checked at start-up: " + cron, e);
        }
    }

    /** camel-quartz options; a cron's spaces become '+' as the URI syntax requires. */
    public String quartzOptions() {
        return cron != null
                ? "cron=" + cron.trim().replaceAll("\\s+", "+")
                : "trigger.repeatInterval=" + interval.toMillis() + "&triggerStartDelay=500";
    }
}
