package dev.vendorpoller.account;

import dev.vendorpoller.account.AccountConfig;
import dev.vendorpoller.auth.Credentials;
import dev.vendorpoller.ratelimit.Governor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/** A vendor account as it runs: its credentials, the governor that spends its budget, and its circuit breaker. */
public record Account(AccountConfig config, Credentials credentials, Governor governor, CircuitBreaker breaker) {

    public String name() {
        return config.name();
    }

    /** The route every request to this account goes through (routes/vendor-account.yaml). */
    public String endpoint() {
        return AccountCall.endpoint(name());
    }

    /** Registry name of the breaker, as routes/vendor-account.yaml refers to it. */
    public static String breakerBean(String account) {
        return "breaker-" + account;
    }
}
