package dev.vendorpoller.webhook;

/**
 * A delivery refused before anything was stored: the HTTP status the sender gets and the reason the metric and the
 * log line name. The message never holds a secret, a signature or the body.
 */
public final class WebhookRefusedException extends RuntimeException {
    /** Why, as the {@code reason} tag of {@code vendor_poller_webhook_rejected_total}. */
    public enum Reason {
        NOT_FOUND(404), TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415), MALFORMED(400), BAD_SIGNATURE(401), STALE(401),
        FUTURE(401), FOREIGN_API_URL(400), UNAVAILABLE(503);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;

    public WebhookRefusedException(Reason reason, String detail) {
        super(reason.tag() + ": " + detail, null, false, false); // no stack trace: a refusal is an answer, not a bug
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
