package dev.vendorpoller.ops;

import dev.vendorpoller.config.Secrets;
import dev.vendorpoller.failure.CredentialsRefreshedException;
import dev.vendorpoller.failure.Failures;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.RateLimitedException;
import dev.vendorpoller.failure.VendorException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.poll.PollRun;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per retry of a page, with its classified reason ({@code onRedeliveryRef: retryLog} in routes/errors.yaml),
 * instead of Camel's stock "Failed delivery for (MessageId: …)" warning with the whole exchange in it.
 */
public final class RetryLog implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.retry");

    @Override
    public void process(Exchange exchange) {
        PollRun run = PollRun.of(exchange);
        Integer attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("feed={} page after cursor {}: retry {}{}: {}", run.feed(), Cursor.shorten(run.cursor() == null ? null
                : run.cursor().value().orElse(null)), attempt == null ? "?" : attempt, max == null || max <= 0 ? "" : " of " + max,
                reason(error));
    }

    /** What went wrong, in the words of its classification. */
    static String reason(Throwable error) {
        if (error == null) {
            return "unknown";
        }
        Throwable cause = Failures.vendorCause(error);
        String message = Secrets.mask(String.valueOf(cause.getMessage()));
        if (cause instanceof RateLimitedException) {
            return "rate limited (429): the account waits as the vendor says; " + message;
        }
        if (cause instanceof CredentialsRefreshedException) {
            return "credentials refreshed after a 401: " + message;
        }
        if (cause instanceof MalformedPageException) {
            return "malformed page: " + message;
        }
        if (cause instanceof VendorException v) {
            return (v.status() >= 500 ? "vendor failure " + v.status() : "vendor failure") + ": " + message;
        }
        return "no answer (" + cause.getClass().getSimpleName() + "): " + message;
    }
}
