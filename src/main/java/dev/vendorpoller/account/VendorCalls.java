package dev.vendorpoller.account;

import dev.vendorpoller.auth.Credentials;
import dev.vendorpoller.auth.CredentialsUnavailableException;
import dev.vendorpoller.config.Secret;
import dev.vendorpoller.failure.CredentialsRefreshedException;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.RateLimitedException;
import dev.vendorpoller.failure.RetryableVendorException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.ratelimit.Governor;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The steps of routes/vendor-account.yaml that are logic rather than flow: every request to a vendor account, from
 * any feed or sink, passes them in order. The caller names account and URL with {@link AccountCall#to}, and sets the
 * request's method, query and body.
 */
public final class VendorCalls {
    private static final String PERMIT = AccountCall.PERMIT;
    private static final String SENT_AUTH = AccountCall.SENT_AUTH;
    private static final String SENT_AT = AccountCall.SENT_AT;
    private static final String CREDENTIALS_REFRESHED = AccountCall.CREDENTIALS_REFRESHED;

    private final Accounts accounts;
    private volatile RequestObserver observer = (exchange, status, nanos) -> { };

    /** Sees every request that got an answer: its HTTP status and how long it took. */
    public interface RequestObserver {
        void request(Exchange exchange, int status, long nanos);
    }

    public VendorCalls(Accounts accounts) {
        this.accounts = accounts;
    }

    public void observeRequests(RequestObserver observer) {
        this.observer = observer;
    }

    /** Requests per second for the Throttle EIP: the account's configured pace. */
    public int throttleLimit(String account) {
        return accounts.get(account).governor().throttleLimit();
    }

    /** Waits until the account's budget and concurrency cap allow one more request. */
    public void acquire(Exchange exchange) throws InterruptedException {
        Account account = account(exchange);
        exchange.setProperty(PERMIT, account.governor().acquire());
        Breakers.follow(account.breaker(), account.governor()); // another node's open breaker, seen by this grant
    }

    /** The credentials' header (Authorization, or an API key's own) for this one request; it lives only on this exchange. */
    public void authorize(Exchange exchange) {
        String authorization = credentials(exchange, Credentials::authorization);
        exchange.getMessage().setHeader(account(exchange).credentials().header(), authorization);
        exchange.setProperty(SENT_AUTH, new Secret(authorization)); // a Secret prints as ****
        exchange.setProperty(SENT_AT, System.nanoTime());
    }

    /** What the vendor said about its budget goes to the governor at once; the concurrency slot is freed. */
    public void observe(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeader(account(exchange).credentials().header());
        int status = status(exchange);
        account(exchange).governor().observe(status, message.getHeaders());
        release(exchange);
        observer.request(exchange, status, System.nanoTime() - exchange.getProperty(SENT_AT, System.nanoTime(), Long.class));
    }

    /** Inside the circuit breaker: a 5xx is an outage and must count as a failed call. */
    public void failOnServerError(Exchange exchange) {
        int status = status(exchange);
        if (status >= 500) {
            throw new RetryableVendorException("vendor answered " + status + " for " + describe(exchange), status, excerpt(exchange));
        }
    }

    /**
     * Outside the breaker: 429 → retried after the wait the governor now imposes; 401 → new credentials once, then
     * dead letter; any other non-2xx → dead letter at once (the same request would fail the same way).
     */
    public void classify(Exchange exchange) {
        int status = status(exchange);
        Secret sent = exchange.getProperty(SENT_AUTH, Secret.class);
        exchange.removeProperty(SENT_AUTH);
        if (status >= 200 && status < 300) {
            exchange.removeProperty(CREDENTIALS_REFRESHED);
            return;
        }
        String what = describe(exchange);
        if (status == 429) {
            throw new RateLimitedException("vendor answered 429 for " + what, excerpt(exchange));
        }
        if (status == 401 && !exchange.getProperty(CREDENTIALS_REFRESHED, false, Boolean.class)
                && sent != null && credentials(exchange, c -> c.refreshAfterUnauthorized(sent.reveal()))) {
            exchange.setProperty(CREDENTIALS_REFRESHED, true);
            throw new CredentialsRefreshedException("vendor answered 401 for " + what + "; retrying once with refreshed credentials");
        }
        throw new VendorRequestRejectedException("vendor refused " + what + " with " + status
                + (status == 401 ? " (" + account(exchange).credentials().describe() + ")" : ""), status, excerpt(exchange));
    }

    /** Frees the concurrency slot if the call ended without an answer (timeout, reset, breaker open). Idempotent. */
    public void release(Exchange exchange) {
        Governor.Permit permit = exchange.getProperty(PERMIT, Governor.Permit.class);
        if (permit != null) {
            permit.release();
            exchange.removeProperty(PERMIT);
        }
    }

    /** A token endpoint that is down is retried like a vendor 5xx; a refused grant is dead-lettered at once. */
    private <T> T credentials(Exchange exchange, Function<Credentials, T> call) {
        try {
            return call.apply(account(exchange).credentials());
        } catch (CredentialsUnavailableException e) {
            if (e.retryable()) {
                throw new RetryableVendorException(e.getMessage(), 0, null);
            }
            throw new VendorRequestRejectedException(e.getMessage(), 401, null);
        }
    }

    private Account account(Exchange exchange) {
        return accounts.get(AccountCall.account(exchange));
    }

    private static int status(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
    }

    private static String describe(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "GET", String.class) + " "
                + AccountCall.url(exchange) + " (account " + AccountCall.account(exchange) + ")";
    }

    private static String excerpt(Exchange exchange) {
        return Failures.excerpt(exchange.getMessage().getBody(String.class));
    }
}
