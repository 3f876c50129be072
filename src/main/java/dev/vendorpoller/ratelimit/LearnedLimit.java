package dev.vendorpoller.ratelimit;

import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pace an account learns from 429s that no known limit explains: multiplicative decrease below an estimate of the
 * vendor's hidden per-second limit, then additive increase back towards it, probing a little higher now and then,
 * and forgetting it after a long clean run. Not thread-safe: its {@link Governor} calls it under its own lock.
 */
final class LearnedLimit {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.governor");
    /** After an unexplained 429 the pace drops to this share of the estimated hidden limit. */
    private static final double DECREASE = 0.9;
    /** The learned pace may rise to 95 % of the pace that was refused, plus 5 % per PROBE_EVERY clean requests. */
    private static final double SETTLE = 0.95;
    private static final long PROBE_EVERY = 300;

    private final String account;
    private final ArrayDeque<Long> sentLastSecond = new ArrayDeque<>();
    private double rate = Double.POSITIVE_INFINITY;
    private double refusedRate = Double.POSITIVE_INFINITY;
    private long cleanSinceRefusal;
    private long lastSend;

    LearnedLimit(String account) {
        this.account = account;
    }

    /** A request was sent at {@code now}. */
    void sent(long now) {
        sentLastSecond.addLast(now);
        while (sentLastSecond.peekFirst() <= now - 1000) {
            sentLastSecond.pollFirst();
        }
        lastSend = now;
    }

    /** Milliseconds the next request must still wait for the learned pace (0 or less: none). */
    long waitMillis(long now) {
        return Double.isFinite(rate) && lastSend > 0 ? lastSend + (long) Math.ceil(1000 / rate) - now : 0;
    }

    /** The pace in requests per second, or +Infinity when none is learned. */
    double rate() {
        return rate;
    }

    /**
     * A 429 nothing known explains: the vendor refused the request after accepting {@code aligned} in this wall-clock
     * second and {@code sliding} in the last 1000 ms. A vendor counting per wall-clock second allowed exactly
     * {@code aligned}; one counting any 1000 ms allowed {@code sliding}; either way it allows at least
     * max(aligned, sliding / 2), since a sliding second spans at most two aligned ones: that estimate never
     * overshoots the hidden limit.
     */
    void refused(long now) {
        long secondStart = now - now % 1000;
        long sliding = Math.max(0, sentLastSecond.stream().filter(t -> t > now - 1000).count() - 1);
        long aligned = Math.max(0, sentLastSecond.stream().filter(t -> t >= secondStart).count() - 1);
        double estimate = Math.max(1, Math.max(aligned, sliding / 2.0));
        refusedRate = Math.min(refusedRate, estimate);
        rate = Math.max(0.1, Math.min(rate, estimate) * DECREASE);
        cleanSinceRefusal = 0;
        LOG.warn("account={} got a 429 that no known limit explains: pacing at {}/s (it accepted {} this second, {} in the"
                + " last 1000 ms)", account, String.format("%.2f", rate), aligned, sliding);
    }

    /** A clean answer: back to just under the refused pace, then probing 5 % higher every PROBE_EVERY clean requests. */
    void accepted() {
        if (!Double.isFinite(rate)) {
            return;
        }
        cleanSinceRefusal++;
        double cap = refusedRate * (SETTLE + 0.05 * (cleanSinceRefusal / PROBE_EVERY));
        rate = Math.min(cap, rate + refusedRate * 0.005);
        if (rate > refusedRate * 2) {
            LOG.info("account={}: no 429 for {} requests, forgetting the learned limit", account, cleanSinceRefusal);
            rate = Double.POSITIVE_INFINITY;
            refusedRate = Double.POSITIVE_INFINITY;
        }
    }
}
