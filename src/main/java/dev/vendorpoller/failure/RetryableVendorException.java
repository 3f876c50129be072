package dev.vendorpoller.failure;

/** A vendor answer worth retrying (5xx, 429, malformed or truncated body). Carries status and a body excerpt. */
public class RetryableVendorException extends VendorException {
    public RetryableVendorException(String message, int status, String bodyExcerpt) {
        super(message, status, bodyExcerpt);
    }
}
