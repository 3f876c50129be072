package dev.vendorpoller.account;

import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.RateLimitedException;
import dev.vendorpoller.failure.RetryableVendorException;
import dev.vendorpoller.ratelimit.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import dev.vendorpoller.ratelimit.Governor;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resilience4j circuit breaker per account, built here with explicit {@link java.time.Duration}s and handed to
 * Camel's circuitBreaker EIP by reference, so every route on the account shares its state. On a cluster a breaker
 * that opens tells the other nodes (through the account's shared budget), and a node whose breaker is closed opens it
 * too, until the same time, before its next request ({@link #follow}); then each node half-opens and probes.
 */
public final class Breakers {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.breaker");

    private Breakers() {
    }

    /** True while this thread opens a breaker because another node did (not to be told back to the cluster). */
    private static final ThreadLocal<Boolean> FOLLOWING = ThreadLocal.withInitial(() -> false);

    public static CircuitBreaker create(String account, BreakerSettings s) {
        return create(account, s, null);
    }

    /** A breaker whose opening every node of the cluster sees, through {@code governor}'s shared budget (null: this node only). */
    public static CircuitBreaker create(String account, BreakerSettings s, Governor governor) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.windowCalls())
                .minimumNumberOfCalls(s.minimumCalls())
                .failureRateThreshold(s.failureRatePercent())
                .waitDurationInOpenState(s.openFor())
                .permittedNumberOfCallsInHalfOpenState(s.probes())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(Breakers::isOutage)
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreaker breaker = CircuitBreaker.of(account, config);
        breaker.getEventPublisher().onStateTransition(e -> LOG.warn("account={} circuit breaker {} -> {}", account,
                e.getStateTransition().getFromState(), e.getStateTransition().getToState()));
        if (governor != null && governor.isShared()) {
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN && !FOLLOWING.get()) {
                    try {
                        governor.breakerOpened(s.openFor().toMillis(), "opened on this node: failure rate "
                                + Math.round(breaker.getMetrics().getFailureRate()) + "%");
                    } catch (RuntimeException ex) {
                        LOG.warn("account={} could not tell the other nodes that the breaker opened: {}", account, ex.toString());
                    }
                }
            });
        }
        return breaker;
    }

    /**
     * Before a request: when another node opened the account's breaker and it is still open, this node's breaker opens
     * until the same time, so the request fails fast here too. Nothing to do on a single node.
     */
    static void follow(CircuitBreaker breaker, Governor governor) {
        long until = governor.sharedBreakerOpenUntil();
        CircuitBreaker.State state = breaker.getState();
        if (until > System.currentTimeMillis() && (state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.HALF_OPEN)) {
            FOLLOWING.set(true);
            try {
                breaker.transitionToOpenStateUntil(Instant.ofEpochMilli(until));
                LOG.warn("account={} circuit breaker opened by another node, open until {}", governor.account(), Instant.ofEpochMilli(until));
            } finally {
                FOLLOWING.set(false);
            }
        }
    }

    /**
     * What says the vendor is down: 5xx, timeouts, resets, truncated bodies. Not a 429 (the vendor is up and said how
     * long to wait) nor a 4xx (our request is wrong). Camel wraps what a route throws, so the causes are searched.
     */
    static boolean isOutage(Throwable error) {
        return !Failures.any(error, RateLimitedException.class)
                && Failures.any(error, IOException.class, RetryableVendorException.class);
    }
}
