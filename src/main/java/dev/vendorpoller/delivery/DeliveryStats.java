package dev.vendorpoller.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;

/**
 * What each lane did, for the operator surfaces: accepted, failed, superseded and stale counts, the acceptance rate
 * over the last minute, and — read from the outbox — depth and oldest pending age ({@link #lanes()}, the numbers a
 * status page shows). Each accepted message's freshness (ledger commit to the endpoint's acceptance) goes to the
 * listener the metrics install ({@link #onFreshness}).
 */
public final class DeliveryStats {
    private static final int WINDOW_SECONDS = 60;

    /** One lane at a glance. {@code oldestPending} is null when the lane has nothing waiting. */
    public record LaneFigures(Lane lane, long depth, Duration oldestPending, long accepted, long failed, long superseded,
            long stale, double acceptedPerSecond) {
    }

    /** Counters of one lane; the rate is kept in one-second buckets over the last minute. */
    public static final class Counters {
        private final AtomicLong accepted = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong superseded = new AtomicLong();
        private final AtomicLong stale = new AtomicLong();
        private final AtomicLongArray perSecond = new AtomicLongArray(WINDOW_SECONDS);
        private final AtomicLongArray stamp = new AtomicLongArray(WINDOW_SECONDS);

        public long accepted() {
            return accepted.get();
        }

        public long failed() {
            return failed.get();
        }

        public long superseded() {
            return superseded.get();
        }

        public long stale() {
            return stale.get();
        }

        void accept(int n, long second) {
            accepted.addAndGet(n);
            int i = (int) (second % WINDOW_SECONDS);
            if (stamp.getAndSet(i, second) != second) {
                perSecond.set(i, 0);
            }
            perSecond.addAndGet(i, n);
        }

        /** Accepted per second over the last full minute. */
        double rate(long nowSecond) {
            long sum = 0;
            for (int i = 0; i < WINDOW_SECONDS; i++) {
                long s = stamp.get(i);
                if (s < nowSecond && s >= nowSecond - WINDOW_SECONDS) {
                    sum += perSecond.get(i);
                }
            }
            return sum / (double) WINDOW_SECONDS;
        }
    }

    private final Outbox outbox;
    private final Map<Lane, Counters> counters = new ConcurrentHashMap<>();
    private volatile BiConsumer<Lane, Duration> freshness = (lane, age) -> { };

    public DeliveryStats(Outbox outbox) {
        this.outbox = outbox;
    }

    public void onFreshness(BiConsumer<Lane, Duration> listener) {
        this.freshness = listener;
    }

    public Counters of(Lane lane) {
        return counters.computeIfAbsent(lane, l -> new Counters());
    }

    void accepted(Lane lane, List<OutboxMessage> messages) {
        Instant now = Instant.now();
        of(lane).accept(messages.size(), now.getEpochSecond());
        for (OutboxMessage m : messages) {
            freshness.accept(lane, Duration.between(m.createdAt(), now));
        }
    }

    void failed(Lane lane, int messages) {
        of(lane).failed.addAndGet(messages);
    }

    void dropped(Lane lane, int superseded, int stale) {
        of(lane).superseded.addAndGet(superseded);
        of(lane).stale.addAndGet(stale);
    }

    /** Every lane with messages or counts, with its depth and oldest pending age read now from the outbox. */
    public List<LaneFigures> lanes() {
        Map<Lane, Outbox.Depth> depths = outbox.depths();
        Instant now = Instant.now();
        List<Lane> all = new ArrayList<>(counters.keySet());
        depths.keySet().stream().filter(l -> !counters.containsKey(l)).forEach(all::add);
        List<LaneFigures> figures = new ArrayList<>();
        for (Lane lane : all) {
            Counters c = of(lane);
            Outbox.Depth d = depths.get(lane);
            figures.add(new LaneFigures(lane, d == null ? 0 : d.messages(), d == null ? null : Duration.between(d.oldest(), now),
                    c.accepted(), c.failed(), c.superseded(), c.stale(), c.rate(now.getEpochSecond())));
        }
        return figures;
    }
}
