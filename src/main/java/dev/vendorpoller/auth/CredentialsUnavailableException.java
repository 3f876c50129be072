package dev.vendorpoller.auth;

/**
 * No authorization can be given right now. {@link #retryable()} tells a token endpoint that is down (5xx, 408, 429,
 * I/O, timeout, a failed store) from one that refused the grant (other 4xx), which only a new refresh token fixes.
 * The message names the account and the status, never a token.
 */
public class CredentialsUnavailableException extends RuntimeException {
    private final boolean retryable;

    public CredentialsUnavailableException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
