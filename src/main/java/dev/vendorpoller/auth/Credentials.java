package dev.vendorpoller.auth;

/**
 * How requests to one vendor account authenticate. The value is read for each request and lives only on that
 * request's exchange; implementations never put it in a log line, an exception message or toString.
 */
public interface Credentials {

    /** The header the credentials travel in: {@code Authorization} unless the vendor wants its own (an API key). */
    default String header() {
        return "Authorization";
    }

    /** The value of {@link #header()} for the next request, e.g. {@code Bearer abc}. */
    String authorization();

    /**
     * The vendor answered 401 to a request sent with {@code rejected}. Returns true when newer credentials are now
     * available to retry once with (another thread may already have refreshed them); false when nothing can be done
     * (a static token), so the request is dead-lettered.
     */
    boolean refreshAfterUnauthorized(String rejected);

    /** A loggable description: the kind of credential, never its value. */
    String describe();
}
