package dev.vendorpoller.ratelimit;

import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * Camel's redelivery policy with truncated exponential backoff and full jitter: retry n waits a uniformly random
 * time in [0, min(cap, base * 2^(n-1))]. Full jitter spreads the retries of many feeds after a shared outage, where
 * Camel's own collision avoidance only varies each delay by a fraction around the same exponential curve.
 */
public final class FullJitterBackoff extends RedeliveryPolicy {

    public FullJitterBackoff(int maximumRedeliveries, long baseMillis, long capMillis) {
        setMaximumRedeliveries(maximumRedeliveries);
        setRedeliveryDelay(baseMillis);
        setMaximumRedeliveryDelay(capMillis);
        // one line per retry comes from the route's onRedelivery (its classified reason); Camel's own is for DEBUG
        setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        setLogRetryStackTrace(false);
        setLogExhausted(false);
    }

    @Override
    public long calculateRedeliveryDelay(long previousDelay, int redeliveryCounter) {
        return jitteredDelay(redeliveryCounter, getRedeliveryDelay(), getMaximumRedeliveryDelay());
    }

    /** A uniformly random delay in [0, min(cap, base * 2^(attempt-1))] milliseconds; attempt counts from 1. */
    public static long jitteredDelay(int attempt, long base, long cap) {
        double ceiling = Math.min(cap, base * Math.pow(2, Math.max(0, attempt - 1)));
        return (long) (ThreadLocalRandom.current().nextDouble() * ceiling);
    }
}
