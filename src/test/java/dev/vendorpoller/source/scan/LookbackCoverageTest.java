package dev.vendorpoller.source.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.support.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The change-scan lookback against a simulated vendor, an hour of it: 2 changes a second, one in ten showing up late
 * (up to the configured lookback), a scan every 2 s that reads everything visible since its since (one page per
 * scan: what matters here is what each scan asks for, not the paging). Every record must be read, and the records
 * read again must cost about once what was read, not the whole lookback on every scan.
 */
class LookbackCoverageTest {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(5);

    record Version(int id, Instant time, Instant visible) {
    }

    /** A codec that keeps states in memory (the sources' codecs are tested with their sources). */
    static final class MemoryCodec implements ScanCursor.Codec {
        final List<ScanState> states = new ArrayList<>();

        @Override
        public ScanState decode(Cursor cursor) {
            return cursor.value().map(v -> states.get(Integer.parseInt(v))).orElse(ScanState.initial(null));
        }

        @Override
        public String encode(ScanState state) {
            states.add(state);
            return Integer.toString(states.size() - 1);
        }
    }

    /** Runs the hour; returns {records, read, missed}. */
    static long[] simulate(Lookback lookback) {
        Random random = new Random(12);
        ManualClock clock = new ManualClock(T0);
        List<Version> versions = new ArrayList<>();
        for (int i = 0; i < 7200; i++) {
            Instant time = T0.plusMillis(500L * i);
            long lateMillis = i % 10 == 0 ? (long) (random.nextDouble() * WINDOW.toMillis()) : random.nextInt(500);
            versions.add(new Version(i, time, time.plusMillis(lateMillis)));
        }
        ScanCursor scans = new ScanCursor(new MemoryCodec(), lookback, Duration.ofHours(1), clock);
        Cursor cursor = Cursor.start();
        Set<Integer> seen = new HashSet<>();
        long read = 0;
        Instant end = T0.plus(Duration.ofMinutes(60)).plus(WINDOW.multipliedBy(3));
        while (clock.instant().isBefore(end)) {
            ScanState state = scans.request(cursor);
            Instant now = clock.instant();
            Instant newest = null;
            for (Version v : versions) {
                if (!v.visible().isAfter(now) && (state.since() == null || !v.time().isBefore(state.since()))) {
                    read++;
                    seen.add(v.id());
                    newest = ScanState.latest(newest, v.time());
                }
            }
            cursor = Cursor.of(scans.ended(cursor, newest));
            clock.advance(Duration.ofSeconds(2));
        }
        return new long[] {versions.size(), read, versions.size() - seen.size()};
    }

    @Test
    void should_read_every_record_up_to_the_lookback_late_and_pay_for_the_lookback_about_once() {
        long[] run = simulate(new Lookback(WINDOW, Duration.ofSeconds(1), WINDOW));

        assertThat(run[2]).as("records never read").isZero();
        // about 1.5 from fast scans (each re-reads its 1 s overlap and the 2 s since the last one's start) plus 2 from deep
        // scans (each reads lookback + lookback-every, once per lookback-every); the old design: > 100
        assertThat(run[1] / (double) run[0]).as("records read per record").isLessThan(4.0);
    }

    @Test
    void should_keep_the_old_behaviour_when_every_scan_is_deep() {
        long[] run = simulate(new Lookback(WINDOW, WINDOW, Duration.ZERO));

        assertThat(run[2]).as("records never read").isZero();
        assertThat(run[1] / (double) run[0]).as("records read per record: the whole lookback on every scan").isGreaterThan(100);
    }
}
