package dev.vendorpoller.source.scan;

import dev.vendorpoller.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * How far back a change scan asks, paid for once. A fast scan (most of them) asks from mark − {@code overlap}: the
 * same-second boundary and the vendor's indexing moment, a page or two. Once {@code every} has passed since the mark
 * of the latest deep scan, a deep scan asks from the mark of the previous deep scan − {@code window}: every record that shows up at most
 * {@code window} late is read by one of them, whatever the gap between deep scans, and each record is re-read about
 * once for it. {@code every = 0s} is the old behaviour: every scan asks from mark − {@code window}.
 *
 * @param window  {@code lookback}: the most a record may show up late and still be read (the vendor's indexing delay,
 *                replication lag and clock skew)
 * @param overlap {@code overlap}: what a fast scan reads again before the mark
 * @param every   {@code lookback-every}: the time between deep scans; 0 makes every scan deep
 */
public record Lookback(Duration window, Duration overlap, Duration every) {
    public static final String WINDOW = "lookback";
    public static final String OVERLAP = "overlap";
    public static final String EVERY = "lookback-every";
    /** The keys a change-scan feed reads for it, relative to its prefix. */
    public static final List<String> KEYS = List.of(WINDOW, OVERLAP, EVERY);
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_OVERLAP = Duration.ofSeconds(1);

    /**
     * Reads the three keys through {@code duration(key, default)}, which names the full property on a bad value;
     * {@code property} gives the full name for the checks here. Defaults: lookback 5m, overlap 1s, lookback-every =
     * lookback.
     */
    public static Lookback read(BiFunction<String, Duration, Duration> duration, Function<String, String> property) {
        Duration window = duration.apply(WINDOW, DEFAULT_WINDOW);
        Duration overlap = duration.apply(OVERLAP, DEFAULT_OVERLAP);
        Duration every = duration.apply(EVERY, window);
        if (overlap.compareTo(window) > 0) {
            throw new ConfigException(property.apply(OVERLAP), "must not be longer than " + property.apply(WINDOW) + " (" + window
                    + ") but was " + overlap);
        }
        return new Lookback(window, overlap, every);
    }

    boolean alwaysDeep() {
        return every.isZero();
    }
}
