package dev.vendorpoller.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The one way times and durations are shown to operators: UTC ISO-8601 to the second, durations in words. */
final class Times {
    private Times() {
    }

    /** {@code 2026-12-06T08:15:21Z}; null stays null. */
    static String iso(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** {@code 45 s}, {@code 12 min}, {@code 5 h}, {@code 3 d}. */
    static String words(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return Math.round(s / 60.0) + " min";
        }
        if (s < 172_800) {
            return Math.round(s / 3600.0) + " h";
        }
        return Math.round(s / 86_400.0) + " d";
    }
}
