package dev.vendorpoller.ratelimit;

import java.util.ArrayList;
import java.util.List;

/**
 * The configured tiers' sliding windows of one account (guarded by its {@link Governor}'s lock). The vendor counts
 * arrivals, not sends, and a request can leave late (a busy machine, a slow connection): so a request counts in each
 * window from its grant, while it is in flight, and until a window after its answer came (or it gave up) — the vendor
 * saw it before then — plus {@link Governor#EDGE_MILLIS} for clocks that disagree by a little.
 */
final class TierWindows {
    private final List<RateTier> tiers;
    private final GovernorSettings settings;
    private final List<List<Sent>> sent = new ArrayList<>();

    TierWindows(GovernorSettings settings) {
        this.settings = settings;
        this.tiers = settings.tiers();
        tiers.forEach(t -> sent.add(new ArrayList<>()));
    }

    /** Counts a granted request in every window. */
    Sent granted() {
        Sent request = new Sent();
        sent.forEach(window -> window.add(request));
        return request;
    }

    /** How long until every tier has room for one more request (0: now), and the tier that holds it. */
    long waitMillis(long now, StringBuilder reason) {
        long wait = 0;
        for (int i = 0; i < tiers.size(); i++) {
            List<Sent> window = sent.get(i);
            long span = tiers.get(i).window().toMillis() + Governor.EDGE_MILLIS;
            window.removeIf(s -> s.seenBy(now) + span <= now);
            int usable = (int) settings.usable(tiers.get(i).limit());
            if (window.size() >= usable) {
                // granted once enough of those in the window have left it: the (size - usable + 1)th to leave
                long[] leaving = window.stream().mapToLong(s -> s.seenBy(now) + span).sorted().toArray();
                long until = leaving[window.size() - usable] - now;
                if (until > wait) {
                    wait = until;
                    reason.setLength(0);
                    reason.append("limit ").append(tiers.get(i).limit()).append('/').append(tiers.get(i).window());
                }
            }
        }
        return wait;
    }

    /** True when some tier's full limit (reserve included) was seen by the vendor within its window: a 429 explained. */
    boolean full(long now) {
        for (int i = 0; i < tiers.size(); i++) {
            long windowMillis = tiers.get(i).window().toMillis();
            if (sent.get(i).stream().filter(s -> s.seenBy(now) > now - windowMillis).count() >= tiers.get(i).limit()) {
                return true;
            }
        }
        return false;
    }

    /** The least any tier has left (reserve taken off), or -1 with no tier configured. */
    long remaining(long now) {
        long least = -1;
        for (int i = 0; i < tiers.size(); i++) {
            long span = tiers.get(i).window().toMillis() + Governor.EDGE_MILLIS;
            long used = sent.get(i).stream().filter(s -> s.seenBy(now) + span > now).count();
            long left = Math.max(0, settings.usable(tiers.get(i).limit()) - used);
            least = least < 0 ? left : Math.min(least, left);
        }
        return least;
    }

    /** A request in the windows: in flight until answered. */
    static final class Sent {
        private long answeredAt = -1;

        void answered(long at) {
            answeredAt = at;
        }

        /** When the vendor had seen it at the latest: its answer, or now while it is still in flight. */
        long seenBy(long now) {
            return answeredAt < 0 ? now : answeredAt;
        }
    }
}
