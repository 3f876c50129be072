package dev.vendorpoller.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.account.VendorCalls;
import dev.vendorpoller.failure.MalformedPageException;
import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.FieldError;
import dev.vendorpoller.record.payment.PaymentEventContract;
import dev.vendorpoller.record.registration.RegistrationContract;
import dev.vendorpoller.source.Page;
import dev.vendorpoller.source.PageRequest;
import dev.vendorpoller.source.PaymentEventAdapter;
import dev.vendorpoller.store.CursorStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * The poll route's steps that are logic rather than flow (routes/poll-feed.yaml calls them by name). State between
 * steps travels in exchange properties, named here.
 */
public final class PollSteps {
    public static final String FEED = "feed";
    public static final String CURSOR = "cursor";
    public static final String PAGE = "page";
    public static final String HAS_MORE = "hasMore";
    public static final String REQUEST_URL = VendorCalls.REQUEST_URL;
    public static final String PAGE_STARTED = "pageStartedNanos";
    /** Requests made for the current page so far (retries included); reset when a page commits. */
    public static final String PAGE_ATTEMPTS = "pageAttempts";

    private static final org.slf4j.Logger DEFER_LOG = org.slf4j.LoggerFactory.getLogger("vendor-poller.poll");

    private final Feeds feeds;
    private final CursorStore cursors;
    private final RegistrationContract contract;
    private final PaymentEventContract paymentContract;
    private final ObjectMapper json;

    public PollSteps(Feeds feeds, CursorStore cursors, RegistrationContract contract, ObjectMapper json) {
        this.feeds = feeds;
        this.cursors = cursors;
        this.contract = contract;
        this.paymentContract = new PaymentEventContract(contract);
        this.json = json;
    }

    /** Start of a run: resume from the durable cursor. */
    public void begin(Exchange exchange) {
        String feed = exchange.getProperty(FEED, String.class);
        exchange.setProperty(CURSOR, cursors.load(feed));
        exchange.setProperty(HAS_MORE, true);
    }

    /** URL and query for the next page, and the account to send it through (which adds the credentials). */
    public void prepareRequest(Exchange exchange) {
        Feed feed = feed(exchange);
        PageRequest request = feed.adapter().request(exchange.getProperty(CURSOR, Cursor.class));
        var message = exchange.getMessage();
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_QUERY, request.query());
        message.setHeader("Accept", "application/json");
        exchange.setProperty(REQUEST_URL, request.url());
        exchange.setProperty(VendorCalls.ACCOUNT, feed.config().account());
        exchange.setProperty(PAGE_STARTED, System.nanoTime());
        exchange.setProperty(PAGE_ATTEMPTS, exchange.getProperty(PAGE_ATTEMPTS, 0, Integer.class) + 1);
    }

    /** Parses a 2xx page (routes/vendor-account.yaml classified the status); the body becomes the page's records. */
    public List<JsonNode> readPage(Exchange exchange) throws IOException {
        var message = exchange.getMessage();
        String url = exchange.getProperty(REQUEST_URL, String.class);
        JsonNode body;
        try (InputStream in = message.getBody(InputStream.class)) {
            body = in == null ? null : json.readTree(in);
        } catch (JsonProcessingException e) {
            throw new MalformedPageException("page from GET " + url + " is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (body == null || !body.isObject()) {
            throw new MalformedPageException("page from GET " + url + " is empty or not a JSON object", null);
        }
        Page page = feed(exchange).adapter().page(exchange.getProperty(CURSOR, Cursor.class), body, message.getHeaders());
        exchange.setProperty(PAGE, page);
        return page.records();
    }

    /** True when the vendor refused the page's request because of its cursor and the adapter knows a safe restart. */
    public boolean canRecover(Exchange exchange) {
        return recovered(exchange).isPresent();
    }

    /**
     * Stores the cursor the adapter derived from a refused one (e.g. an expired continuation token dropped, the scan
     * restarted from its stored start) and reads on from it. Compare-and-set, like a page commit.
     */
    public void recoverCursor(Exchange exchange) {
        Cursor from = exchange.getProperty(CURSOR, Cursor.class);
        Cursor to = recovered(exchange).orElseThrow();
        String feed = exchange.getProperty(FEED, String.class);
        if (!cursors.advance(feed, from, to)) {
            throw new IllegalStateException("feed " + feed + ": cursor changed while recovering from a refused request");
        }
        exchange.setProperty(CURSOR, to);
        DEFER_LOG.warn("feed={} vendor refused the cursor ({}); restarting from {}", feed,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class).getMessage(), to);
    }

    private Optional<Cursor> recovered(Exchange exchange) {
        Throwable caught = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        for (Throwable t = caught; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VendorRequestRejectedException refusal) {
                return feed(exchange).adapter().recover(exchange.getProperty(CURSOR, Cursor.class), refusal);
            }
        }
        return Optional.empty();
    }

    /**
     * The account's circuit breaker is open, or its budget would hold the next request longer than max-wait: end
     * this run without a dead letter. Nothing was fetched and the cursor has not moved; the next run tries again.
     */
    public void deferRun(Exchange exchange) {
        exchange.setProperty(HAS_MORE, false);
        Throwable why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        DEFER_LOG.info("feed={} run deferred, cursor unchanged: {}", exchange.getProperty(FEED, String.class),
                why == null ? "unknown" : why.getMessage());
    }

    /** One record through the contract. Never throws: whatever is wrong with a record rejects that record only. */
    public ContractResult checkRecord(Exchange exchange) {
        return check(feed(exchange), exchange.getMessage().getBody(JsonNode.class));
    }

    /** A stored raw record (e.g. a reject being replayed) through the contract as configured now. */
    public ContractResult check(Feed feed, String rawJson) {
        JsonNode record;
        try {
            record = json.readTree(rawJson);
        } catch (JsonProcessingException e) {
            record = com.fasterxml.jackson.databind.node.TextNode.valueOf(rawJson);
        }
        return check(feed, record);
    }

    private ContractResult check(Feed feed, JsonNode record) {
        try {
            if (record == null || !record.isObject()) {
                return ContractResult.rejected(contract.reject(feed.config(), null, record,
                        List.of(new FieldError("$", "not_an_object", "record is not a JSON object"))));
            }
            if (feed.adapter() instanceof PaymentEventAdapter payments) {
                return paymentContract.check(feed.config(), payments.paymentEvent(record));
            }
            return contract.check(feed.config(), feed.adapter().registration(record));
        } catch (RuntimeException e) {
            return ContractResult.rejected(contract.reject(feed.config(), null, record,
                    List.of(new FieldError("$", "processing_error", String.valueOf(e)))));
        }
    }

    private Feed feed(Exchange exchange) {
        return feeds.get(exchange.getProperty(FEED, String.class));
    }
}
