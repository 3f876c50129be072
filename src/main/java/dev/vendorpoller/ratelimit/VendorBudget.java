package dev.vendorpoller.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a vendor said about its request budget in one response, normalised: how many requests the window allows,
 * how many are left, when the window resets (an instant, whichever form the vendor used), the window length if a
 * policy named it, and how long to wait before the next request if it said so (Retry-After). Empty parts were not
 * stated.
 */
public record VendorBudget(Optional<Long> limit, Optional<Long> remaining, Optional<Instant> reset,
        Optional<Duration> window, Optional<Duration> retryAfter) {

    public static VendorBudget unknown() {
        return new VendorBudget(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isKnown() {
        return limit.isPresent() || remaining.isPresent() || reset.isPresent() || retryAfter.isPresent();
    }
}
