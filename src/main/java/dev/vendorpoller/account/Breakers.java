package dev.vendorpoller.account;

import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.RateLimitedException;
import dev.vendorpoller.failure.RetryableVendorException;
import dev.vendorpoller.ratelimit.BreakerSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One resilience4j circuit breaker per account, built here with explicit {@link java.time.Duration}s and handed to
 * Camel's circuitBreaker EIP by reference, so every route on the account shares its state.
 */
public final class Breakers {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.breaker");

    private Breakers() {
    }

    public static CircuitBreaker create(String account, BreakerSettings s) {
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
        return breaker;
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
