package dev.vendorpoller.failure;

/** A 401 after which the account's credentials were refreshed: the request is retried once with the new ones. */
public class CredentialsRefreshedException extends VendorException {
    public CredentialsRefreshedException(String message) {
        super(message, 401, null);
    }
}
