package dev.vendorpoller.failure;

/** A classified vendor failure. Messages carry status and URL path, never credentials. */
public abstract class VendorException extends RuntimeException {
    private final int status;
    private final String bodyExcerpt;

    protected VendorException(String message, int status, String bodyExcerpt) {
        super(message);
        this.status = status;
        this.bodyExcerpt = bodyExcerpt;
    }

    public int status() {
        return status;
    }

    public String bodyExcerpt() {
        return bodyExcerpt;
    }
}
