package dev.vendorpoller.failure;

/** A 429. Retried after the wait the vendor asked for, which the account's governor imposes on the next request. */
public class RateLimitedException extends RetryableVendorException {
    public RateLimitedException(String message, String bodyExcerpt) {
        super(message, 429, bodyExcerpt);
    }
}
