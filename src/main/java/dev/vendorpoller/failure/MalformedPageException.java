package dev.vendorpoller.failure;

/** A 2xx body that is not a page of the vendor's shape (truncated, not JSON, wrong fields): retried like a 5xx. */
public class MalformedPageException extends RetryableVendorException {
    public MalformedPageException(String message, String bodyExcerpt) {
        super(message, 200, bodyExcerpt);
    }
}
