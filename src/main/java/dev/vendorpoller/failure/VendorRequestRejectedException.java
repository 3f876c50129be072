package dev.vendorpoller.failure;

/** A 4xx (other than 429): retrying the same request cannot help, so it is dead-lettered at once. */
public class VendorRequestRejectedException extends VendorException {
    public VendorRequestRejectedException(String message, int status, String bodyExcerpt) {
        super(message, status, bodyExcerpt);
    }
}
