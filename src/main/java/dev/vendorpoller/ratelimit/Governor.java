package dev.vendorpoller.ratelimit;

import dev.vendorpoller.failure.BudgetWaitTooLongException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spends one vendor account's request budget for every feed and sink on it. Before each request it waits for the
 * latest of: a Retry-After the vendor imposed, the vendor-stated window when its remaining count is down to the
 * reserve, each configured tier's sliding window, the pace it learned from unexplained 429s, and a free slot under the
 * concurrency cap. After each response it reads what the vendor said ({@link RateLimitHeaders}) and adapts at once.
 * <p>
 * The steady per-second pace of the configured tiers is also applied in the route by Camel's Throttle EIP
 * ({@link #throttleLimit()}); this class is for what the Throttle EIP cannot do (docs/design.md "Rate limits and resilience").
 */
public final class Governor {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.governor");
    /** Longest single sleep, so a change (a response, a shutdown) is seen soon. */
    private static final long MAX_NAP_MILLIS = 200;
    /** Margin past a window's end before its budget is spent again (the vendor counts arrivals: {@link TierWindows}). */
    static final long EDGE_MILLIS = 50;

    private final String account;
    private final GovernorSettings settings;
    private final Semaphore slots;
    private final List<RateTier> tiers;
    private final TierWindows windows;

    // What the vendor said, from the newest response that said it. -1: not stated.
    private long statedLimit = -1;
    private long statedRemaining = -1;
    private long statedResetAt;
    private long blockedUntil;
    /** The undocumented limit learned from 429s (guarded by this governor's lock). */
    private final LearnedLimit learned;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private volatile WaitObserver waitObserver = (reason, millis) -> { };
    /** True once the service is stopping: a request still waiting for budget then gives up at once. */
    private volatile BooleanSupplier stopping = () -> false;

    /** Told how long each request waited for budget and why (the reason that held it last). */
    public interface WaitObserver {
        void waited(String reason, long millis);
    }

    @SuppressWarnings("unchecked")
    public Governor(String account, GovernorSettings settings) {
        this.account = account;
        this.settings = settings;
        this.slots = new Semaphore(settings.maxConcurrent(), true);
        this.tiers = settings.tiers();
        this.learned = new LearnedLimit(account);
        this.windows = new TierWindows(settings);
    }

    public void observeWaits(WaitObserver observer) {
        this.waitObserver = observer;
    }

    /** A stop must not wait out a Retry-After: Quartz lets a running job finish, it does not interrupt it. */
    public void stopWaitingWhen(BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /**
     * Blocks until the account may send one request, and counts it as sent. The permit holds a slot under the
     * concurrency cap until {@link Permit#release()}.
     *
     * @throws BudgetWaitTooLongException when the wait would exceed the account's max-wait (nothing was sent)
     */
    public Permit acquire() throws InterruptedException {
        long start = System.currentTimeMillis();
        long deadline = start + settings.maxWait().toMillis();
        if (!slots.tryAcquire(settings.maxWait().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new BudgetWaitTooLongException(account, "concurrency cap", settings.maxWait());
        }
        String reason = "concurrency cap";
        boolean granted = false;
        try {
            while (true) {
                long now = System.currentTimeMillis();
                Wait wait;
                synchronized (this) {
                    wait = nextSlot(now);
                    if (wait.millis() <= 0) {
                        TierWindows.Sent sent = sent(now);
                        granted = true;
                        long waited = now - start;
                        if (waited > 0) {
                            waitObserver.waited(reason, waited);
                        }
                        return new Permit(sent);
                    }
                }
                reason = wait.reason();
                if (stopping.getAsBoolean()) {
                    throw BudgetWaitTooLongException.stopping(account, wait.reason());
                }
                if (now + wait.millis() > deadline) {
                    throw new BudgetWaitTooLongException(account, wait.reason(), Duration.ofMillis(wait.millis()));
                }
                Thread.sleep(Math.min(wait.millis(), MAX_NAP_MILLIS));
            }
        } finally {
            if (!granted) {
                slots.release();
            }
        }
    }

    /** Reads what the vendor said in a response: its budget headers, Retry-After, and a 429 nothing known explains. */
    public void observe(int status, Map<String, ?> headers) {
        long now = System.currentTimeMillis();
        VendorBudget said = read(headers, now);
        synchronized (this) {
            said.limit().ifPresent(limit -> statedLimit = limit);
            if (said.remaining().isPresent()) {
                long remaining = said.remaining().get();
                long reset = said.reset().map(Instant::toEpochMilli)
                        .orElseGet(() -> now + said.window().orElse(Duration.ofSeconds(1)).toMillis());
                // responses to concurrent requests arrive out of order: within one window the lowest count is the truth
                statedRemaining = reset == statedResetAt && statedRemaining >= 0 ? Math.min(statedRemaining, remaining) : remaining;
                statedResetAt = reset;
            }
            if (status == 429) {
                rateLimited.incrementAndGet();
                boolean explained = said.remaining().map(r -> r == 0).orElse(false) || configuredTierFull(now);
                long until = said.retryAfter().map(d -> now + d.toMillis())
                        .orElse(statedRemaining == 0 && statedResetAt > now ? statedResetAt : now + 1000);
                blockedUntil = Math.max(blockedUntil, until);
                if (!explained && settings.learnLimits()) {
                    learned.refused(now);
                }
            } else if (status >= 200 && status < 300) {
                learned.accepted();
            }
        }
    }

    /** The response's budget headers; a header must never cost a good page, so what cannot be read is unknown. */
    private VendorBudget read(Map<String, ?> headers, long now) {
        try {
            return RateLimitHeaders.parse(headers, Instant.ofEpochMilli(now));
        } catch (RuntimeException e) {
            LOG.warn("account={} rate-limit headers ignored, unreadable: {}", account, e.toString());
            return VendorBudget.unknown();
        }
    }

    /**
     * Requests per second the Throttle EIP lets through: the tightest configured tier, reserve applied (at least 1).
     * An account with no configured tier has no throttle in its route (the EIP would hold a permit per request).
     */
    public int throttleLimit() {
        double perSecond = tiers.stream()
                .mapToDouble(t -> settings.usable(t.limit()) * 1000.0 / t.window().toMillis()).min().orElse(10_000);
        return (int) Math.max(1, Math.min(10_000, Math.floor(perSecond)));
    }

    private Wait nextSlot(long now) {
        Wait wait = Wait.NONE;
        if (blockedUntil > now) {
            wait = wait.max(blockedUntil - now, "retry-after");
        }
        if (statedResetAt + EDGE_MILLIS <= now && statedRemaining >= 0) {
            statedRemaining = -1; // a new window: unknown until the next response says
        }
        if (statedRemaining >= 0 && statedRemaining <= (statedLimit > 0 ? settings.reserved(statedLimit) : 0)) {
            wait = wait.max(statedResetAt + EDGE_MILLIS - now, "vendor budget");
        }
        StringBuilder tier = new StringBuilder();
        wait = wait.max(windows.waitMillis(now, tier), tier.toString());
        wait = wait.max(learned.waitMillis(now), "learned limit");
        return wait;
    }

    private TierWindows.Sent sent(long now) {
        TierWindows.Sent request = windows.granted();
        learned.sent(now);
        if (statedRemaining > 0) {
            statedRemaining--;
        }
        requests.incrementAndGet();
        return request;
    }

    private boolean configuredTierFull(long now) {
        return windows.full(now);
    }

    public String account() {
        return account;
    }

    public GovernorSettings settings() {
        return settings;
    }

    public long requests() {
        return requests.get();
    }

    public long rateLimited() {
        return rateLimited.get();
    }

    /** What the vendor last said was left in its window (-1: not stated, or the window has passed). */
    public synchronized long statedRemaining() {
        return statedResetAt > System.currentTimeMillis() ? statedRemaining : -1;
    }

    /**
     * Requests the account may still send in its current window: what the vendor stated if it did, else the least
     * left in any configured tier (reserve taken off), else -1 (unknown: no limit stated or configured).
     */
    public synchronized long budgetRemaining() {
        long now = System.currentTimeMillis();
        if (statedRemaining >= 0 && statedResetAt + EDGE_MILLIS > now) {
            return Math.max(0, statedRemaining - (statedLimit > 0 ? settings.reserved(statedLimit) : 0));
        }
        return windows.remaining(now);
    }

    public synchronized long statedLimit() {
        return statedLimit;
    }

    /** The pace learned from unexplained 429s in requests per second, or +Infinity when none is learned. */
    public synchronized double learnedRate() {
        return learned.rate();
    }

    /** Requests in flight now. */
    public int inFlight() {
        return settings.maxConcurrent() - slots.availablePermits();
    }

    /**
     * One granted request: holds a slot under the concurrency cap until released (idempotent), which is when its
     * answer came or it gave up; its place in each tier's window is counted until a window after that.
     */
    public final class Permit {
        private final AtomicBoolean released = new AtomicBoolean();
        private final TierWindows.Sent sent;

        private Permit(TierWindows.Sent sent) {
            this.sent = sent;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                synchronized (Governor.this) {
                    sent.answered(System.currentTimeMillis());
                }
                slots.release();
            }
        }
    }

    private record Wait(long millis, String reason) {
        static final Wait NONE = new Wait(0, null);

        Wait max(long otherMillis, String otherReason) {
            return otherMillis > millis ? new Wait(otherMillis, otherReason) : this;
        }
    }
}
