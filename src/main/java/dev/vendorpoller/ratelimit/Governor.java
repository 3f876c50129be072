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
 * <p>
 * On a cluster (PostgreSQL) the tiers, the pause after a 429 or a spent vendor window, the concurrency cap and the
 * breaker's open state are shared by every node through a {@link SharedBudget}; the vendor-stated remaining count, the
 * learned pace and the node's own slots stay per node (docs/cluster.md "One budget per vendor account").
 */
public final class Governor {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.governor");
    /** Longest single sleep, so a change (a response, a shutdown) is seen soon. */
    private static final long MAX_NAP_MILLIS = 200;
    /** Longest sleep for a wait the shared budget computed: exact or short (it never oversleeps), one round trip per attempt. */
    private static final long MAX_SHARED_NAP_MILLIS = 1000;
    /** Margin past a window's end before its budget is spent again (the vendor counts arrivals: {@link TierWindows}). */
    static final long EDGE_MILLIS = 50;

    private final String account;
    private final GovernorSettings settings;
    private final Semaphore slots;
    private final List<RateTier> tiers;
    private final TierWindows windows;
    /** The cluster's budget, or null on a single node (embedded H2): then the tiers are counted in {@link #windows}. */
    private final SharedBudget shared;
    /** From the latest shared attempt: requests left in the fullest tier (-1: none), until when another node opened the breaker. */
    private long sharedRemaining = -1;
    private volatile long sharedBreakerOpenUntil;
    /** The latest pause this node shared (ms), so a spent vendor window is written once, not with every answer. */
    private long sharedPauseUntil;

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
        this(account, settings, null);
    }

    /** A governor sharing its account's budget with the cluster's other nodes through {@code shared} (null: none). */
    public Governor(String account, GovernorSettings settings, SharedBudget shared) {
        this.account = account;
        this.shared = shared;
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
                    SharedBudget.Attempt attempt = null;
                    if (wait.millis() <= 0 && shared != null) {
                        attempt = tryShared(); // under the lock: one attempt per node at a time
                        sharedRemaining = attempt.remaining();
                        sharedBreakerOpenUntil = attempt.breakerOpenMillis() > 0 ? now + attempt.breakerOpenMillis() : 0;
                        if (!attempt.granted()) {
                            wait = new Wait(Math.max(1, attempt.waitMillis()), sharedReason(attempt.reason()));
                        }
                    }
                    if (wait.millis() <= 0) {
                        TierWindows.Sent sent = sent(now);
                        granted = true;
                        long waited = now - start;
                        if (waited > 0) {
                            waitObserver.waited(reason, waited);
                        }
                        return new Permit(sent, attempt == null ? -1 : attempt.id());
                    }
                }
                reason = wait.reason();
                if (stopping.getAsBoolean()) {
                    throw BudgetWaitTooLongException.stopping(account, wait.reason());
                }
                if (now + wait.millis() > deadline) {
                    throw new BudgetWaitTooLongException(account, wait.reason(), Duration.ofMillis(wait.millis()));
                }
                Thread.sleep(Math.min(wait.millis(), shared != null ? MAX_SHARED_NAP_MILLIS : MAX_NAP_MILLIS));
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
        long pauseUntil = 0;
        String pauseReason = null;
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
                pauseUntil = until;
                pauseReason = "retry-after";
            } else if (status >= 200 && status < 300) {
                learned.accepted();
            }
            // the vendor says its window is spent (it counts every node's requests): every node waits for its reset
            if (pauseUntil == 0 && said.remaining().isPresent() && said.reset().isPresent() && statedLimit > 0
                    && said.remaining().get() <= settings.reserved(statedLimit)) {
                pauseUntil = said.reset().get().toEpochMilli() + EDGE_MILLIS;
                pauseReason = "vendor budget";
            }
            if (shared == null || pauseUntil <= Math.max(now, sharedPauseUntil)) {
                return;
            }
            sharedPauseUntil = pauseUntil;
        }
        try {
            shared.pause(account, pauseUntil - now, pauseReason);
        } catch (RuntimeException e) {
            // this node holds itself anyway; the others hear the vendor themselves
            LOG.warn("account={} could not share a {} pause with the other nodes: {}", account, pauseReason, e.toString());
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
        if (shared == null) {
            StringBuilder tier = new StringBuilder();
            wait = wait.max(windows.waitMillis(now, tier), tier.toString());
        }
        wait = wait.max(learned.waitMillis(now), "learned limit");
        return wait;
    }

    private TierWindows.Sent sent(long now) {
        TierWindows.Sent request = shared == null ? windows.granted() : null;
        learned.sent(now);
        if (statedRemaining > 0) {
            statedRemaining--;
        }
        requests.incrementAndGet();
        return request;
    }

    private boolean configuredTierFull(long now) {
        return shared == null ? windows.full(now) : sharedRemaining == 0;
    }

    private SharedBudget.Attempt tryShared() {
        try {
            return shared.tryGrant(account, settings);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw BudgetWaitTooLongException.sharedBudgetUnavailable(account, root.getClass().getSimpleName());
        }
    }

    /** The shared budget's reason in the words the single-node governor uses (metrics, logs). */
    private String sharedReason(String reason) {
        if (reason == null) {
            return "shared budget";
        }
        if (reason.startsWith("tier:")) {
            RateTier tier = tiers.get(Integer.parseInt(reason.substring(5)) - 1);
            return "limit " + tier.limit() + "/" + tier.window();
        }
        return reason.startsWith("pause:") ? reason.substring(6) : reason.equals("concurrency") ? "concurrency cap" : reason;
    }

    /** True when the account's budget is shared with other nodes (PostgreSQL). */
    public boolean isShared() {
        return shared != null;
    }

    /** Until when (epoch ms) another node's breaker for this account is open, as the latest shared attempt said (0: not). */
    public long sharedBreakerOpenUntil() {
        return sharedBreakerOpenUntil;
    }

    /** This node's breaker for the account opened for {@code millis}: the other nodes see it open until then. */
    public void breakerOpened(long millis, String reason) {
        if (shared != null) {
            shared.openBreaker(account, millis, reason);
        }
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
        return shared == null ? windows.remaining(now) : sharedRemaining;
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
        private final long sharedId;

        private Permit(TierWindows.Sent sent, long sharedId) {
            this.sent = sent;
            this.sharedId = sharedId;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                try {
                    if (sent != null) {
                        synchronized (Governor.this) {
                            sent.answered(System.currentTimeMillis());
                        }
                    } else if (sharedId >= 0) {
                        shared.answered(sharedId);
                    }
                } catch (RuntimeException e) {
                    // the request then counts in the windows until its lease ends: later, never less
                    LOG.warn("account={} could not record an answer in the shared budget: {}", account, e.toString());
                } finally {
                    slots.release();
                }
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
