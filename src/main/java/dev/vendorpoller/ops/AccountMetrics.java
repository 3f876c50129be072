package dev.vendorpoller.ops;

import dev.vendorpoller.account.Account;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Per-account Prometheus metrics: waits the governor imposed (by reason), 429s received, the budget left, the learned
 * limit, and the circuit breaker's state (1 for the current state, 0 for the others).
 */
public final class AccountMetrics {
    private AccountMetrics() {
    }

    public static void bind(Account account, MeterRegistry registry) {
        String name = account.name();
        account.governor().observeWaits((reason, millis) -> Timer.builder("vendor_poller_governor_waits")
                .description("Time a request waited for the account's budget, by what held it")
                .tag("account", name).tag("reason", reason)
                .register(registry).record(Duration.ofMillis(millis)));
        FunctionCounter.builder("vendor_poller_rate_limited", account, a -> a.governor().rateLimited())
                .description("429 answers received").tag("account", name).register(registry);
        Gauge.builder("vendor_poller_budget_remaining", account, a -> {
            long left = a.governor().budgetRemaining();
            return left < 0 ? Double.NaN : left;
        }).description("Requests left in the current window (NaN: unknown)").tag("account", name).register(registry);
        Gauge.builder("vendor_poller_learned_rate_limit", account, a -> {
            double rate = a.governor().learnedRate();
            return Double.isFinite(rate) ? rate : Double.NaN;
        }).description("Requests per second learned from unexplained 429s (NaN: none)").tag("account", name).register(registry);
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("vendor_poller_breaker_state", account, a -> a.breaker().getState() == state ? 1 : 0)
                    .description("The account's circuit breaker state").tag("account", name).tag("state", state.name())
                    .register(registry);
        }
    }
}
