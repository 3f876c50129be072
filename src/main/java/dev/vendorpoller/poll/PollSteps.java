package dev.vendorpoller.poll;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vendorpoller.contract.ContractResult;
import dev.vendorpoller.contract.FieldError;
import dev.vendorpoller.contract.RegistrationContract;
import dev.vendorpoller.cursor.Cursor;
import dev.vendorpoller.cursor.CursorStore;
import dev.vendorpoller.vendor.MalformedPageException;
import dev.vendorpoller.vendor.Page;
import dev.vendorpoller.vendor.PageRequest;
import dev.vendorpoller.vendor.RetryableVendorException;
import dev.vendorpoller.vendor.VendorRequestRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    public static final String REQUEST_URL = "requestUrl";
    public static final String PAGE_STARTED = "pageStartedNanos";
    /** Requests made for the current page so far (retries included); reset when a page commits. */
    public static final String PAGE_ATTEMPTS = "pageAttempts";

    private final Feeds feeds;
    private final CursorStore cursors;
    private final RegistrationContract contract;
    private final ObjectMapper json;

    public PollSteps(Feeds feeds, CursorStore cursors, RegistrationContract contract, ObjectMapper json) {
        this.feeds = feeds;
        this.cursors = cursors;
        this.contract = contract;
        this.json = json;
    }

    /** Start of a run: resume from the durable cursor. */
    public void begin(Exchange exchange) {
        String feed = exchange.getProperty(FEED, String.class);
        exchange.setProperty(CURSOR, cursors.load(feed));
        exchange.setProperty(HAS_MORE, true);
    }

    /** Headers and URL for the next page; the token exists only on this exchange, for this one call. */
    public void prepareRequest(Exchange exchange) {
        Feed feed = feed(exchange);
        PageRequest request = feed.adapter().request(feed.config(), exchange.getProperty(CURSOR, Cursor.class));
        var message = exchange.getMessage();
        message.setBody(null);
        message.setHeader(Exchange.HTTP_METHOD, "GET");
        message.setHeader(Exchange.HTTP_QUERY, request.query());
        message.setHeader("Accept", "application/json");
        message.setHeader("Authorization", "Bearer " + feed.config().token().reveal());
        exchange.setProperty(REQUEST_URL, request.url());
        exchange.setProperty(PAGE_STARTED, System.nanoTime());
        exchange.setProperty(PAGE_ATTEMPTS, exchange.getProperty(PAGE_ATTEMPTS, 0, Integer.class) + 1);
    }

    /** Classifies the vendor's answer and parses a page; the body becomes the page's records for the split. */
    public List<JsonNode> readPage(Exchange exchange) throws IOException {
        var message = exchange.getMessage();
        message.removeHeader("Authorization");
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        feed(exchange).stats().request(status, System.nanoTime() - exchange.getProperty(PAGE_STARTED, System.nanoTime(), Long.class));
        String url = exchange.getProperty(REQUEST_URL, String.class);
        if (status == 429 || status >= 500) {
            throw new RetryableVendorException("vendor answered " + status + " for GET " + url, status, excerpt(message.getBody(String.class)));
        }
        if (status < 200 || status >= 300) {
            throw new VendorRequestRejectedException("vendor refused GET " + url + " with " + status, status,
                    excerpt(message.getBody(String.class)));
        }
        JsonNode body;
        try (InputStream in = message.getBody(InputStream.class)) {
            body = in == null ? null : json.readTree(in);
        } catch (JsonProcessingException e) {
            throw new MalformedPageException("page from GET " + url + " is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (body == null || !body.isObject()) {
            throw new MalformedPageException("page from GET " + url + " is empty or not a JSON object", null);
        }
        Page page = feed(exchange).adapter().page(body);
        exchange.setProperty(PAGE, page);
        return page.records();
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
            return contract.check(feed.config(), feed.adapter().registration(record));
        } catch (RuntimeException e) {
            return ContractResult.rejected(contract.reject(feed.config(), null, record,
                    List.of(new FieldError("$", "processing_error", String.valueOf(e)))));
        }
    }

    private Feed feed(Exchange exchange) {
        return feeds.get(exchange.getProperty(FEED, String.class));
    }

    private static String excerpt(String body) {
        if (body == null) {
            return null;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 2000 ? body : new String(bytes, 0, 2000, StandardCharsets.UTF_8);
    }
}
