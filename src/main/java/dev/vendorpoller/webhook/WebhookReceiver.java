package dev.vendorpoller.webhook;

import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.MALFORMED;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.NOT_FOUND;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.TOO_LARGE;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.UNAVAILABLE;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.UNSUPPORTED_MEDIA_TYPE;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of routes/webhooks.yaml: {@link #verify} (the feed, the size, the signature over the raw bytes, the
 * delivery id), {@link #store} (the inbox row, committed, then 200), and the answers to a refusal ({@link #refused})
 * or to a database that cannot take the delivery ({@link #unavailable}: 503, so the sender retries). Every answer
 * carries only a status and a small JSON body; request headers are never echoed back.
 */
public final class WebhookReceiver {
    public static final String PATH = "/webhooks/";
    private static final Logger LOG = LoggerFactory.getLogger("vendor-poller.webhooks");
    private static final String FEED = "webhookFeed";
    private static final String DELIVERY_ID = "webhookDeliveryId";
    private static final String BODY = "webhookBody";

    private final WebhookSettings settings;
    private final WebhookVerifier verifier = new WebhookVerifier();
    private final Inbox inbox;
    private final WebhookStats stats;
    private final Clock clock;

    public WebhookReceiver(WebhookSettings settings, Inbox inbox, Clock clock) {
        this.settings = settings;
        this.inbox = inbox;
        this.stats = new WebhookStats(settings.feeds().keySet());
        this.clock = clock;
    }

    public WebhookStats stats() {
        return stats;
    }

    public WebhookSettings settings() {
        return settings;
    }

    /** Verifies the delivery; a refusal throws {@link WebhookRefusedException}, and nothing is stored. */
    public void verify(Exchange exchange) {
        HttpServerRequest request = request(exchange);
        String feed = feedOf(request.path());
        exchange.setProperty(FEED, feed);
        FeedWebhook hook = settings.feed(feed).orElseThrow(() -> new WebhookRefusedException(NOT_FOUND,
                "no feed with a webhook at " + PATH + feed));
        String type = request.getHeader("Content-Type");
        if (type != null && (type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
                || type.toLowerCase(Locale.ROOT).startsWith("multipart/"))) {
            // the server decodes form bodies: their raw bytes, which the signature covers, are gone
            throw new WebhookRefusedException(UNSUPPORTED_MEDIA_TYPE, "a form body cannot be verified; send JSON");
        }
        byte[] body = rawBody(exchange.getIn());
        if (body.length > settings.maxBody()) {
            throw new WebhookRefusedException(TOO_LARGE, body.length + " bytes, over " + WebhookSettings.MAX_BODY);
        }
        String deliveryId = verifier.verify(hook, body, name -> single(request.headers().getAll(name)), clock.instant());
        exchange.setProperty(DELIVERY_ID, deliveryId);
        exchange.setProperty(BODY, text(body));
    }

    /** Commits the verified delivery to the inbox (a repeat stores nothing), then answers 200. */
    public void store(Exchange exchange) {
        String feed = exchange.getProperty(FEED, String.class);
        String deliveryId = exchange.getProperty(DELIVERY_ID, String.class);
        FeedWebhook hook = settings.feed(feed).orElseThrow();
        boolean isNew = inbox.store(feed, deliveryId, hook.style().key(), exchange.getProperty(BODY, String.class));
        stats.countStored(feed, isNew);
        LOG.debug("webhook {} of feed {} {}", deliveryId, feed, isNew ? "stored" : "already stored: answered again");
        answer(exchange, 200, "{\"status\":\"" + (isNew ? "stored" : "duplicate") + "\"}");
    }

    /** The answer to a {@link WebhookRefusedException}: its status, counted and logged (no secret, no body). */
    public void refused(Exchange exchange) {
        WebhookRefusedException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRefusedException.class);
        refuse(exchange.getProperty(FEED, String.class), refusal, remote(exchange));
        answer(exchange, refusal.reason().status(), "{\"error\":\"" + refusal.reason().tag() + "\"}");
    }

    /** The database could not take the delivery: 503, so the sender delivers it again later. */
    public void unavailable(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String feed = exchange.getProperty(FEED, String.class);
        stats.countRejected(feed, UNAVAILABLE);
        // the driver's message may quote the statement's values (the body): only the failure's kind is logged
        Throwable root = e;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        LOG.warn("webhook for feed {} not stored, answered 503 so the sender retries: the database failed ({}{})", stats.tag(feed),
                e == null ? "?" : e.getClass().getSimpleName(), root instanceof java.sql.SQLException sql ? ", SQLState " + sql.getSQLState()
                        : root == null ? "" : ", " + root.getClass().getSimpleName());
        answer(exchange, 503, "{\"error\":\"unavailable\"}");
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    /** The server's answer to a body over the limit (Vert.x's body handler stops reading it): 413, counted. */
    void tooLarge(RoutingContext ctx) {
        if (ctx.statusCode() != 413 || ctx.response().ended()) {
            ctx.next();
            return;
        }
        String feed = feedOf(ctx.request().path());
        refuse(feed, new WebhookRefusedException(TOO_LARGE, "the body is over " + WebhookSettings.MAX_BODY + " = "
                + settings.maxBody() + " bytes (not read past the limit)"), String.valueOf(ctx.request().remoteAddress()));
        ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end("{\"error\":\"too_large\"}");
    }

    private void refuse(String feed, WebhookRefusedException refusal, String remote) {
        stats.countRejected(feed, refusal.reason());
        String tag = stats.tag(feed);
        switch (refusal.reason()) {
            case BAD_SIGNATURE, STALE, FUTURE, FOREIGN_API_URL -> LOG.warn("webhook for feed {} from {} refused ({}): {}",
                    tag, remote, refusal.reason().status(), refusal.getMessage());
            default -> LOG.info("webhook for feed {} from {} refused ({}): {}", tag, remote, refusal.reason().status(),
                    refusal.getMessage());
        }
    }

    private static void answer(Exchange exchange, int status, String json) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(json);
    }

    private static HttpServerRequest request(Exchange exchange) {
        if (exchange.getIn() instanceof HttpMessage http) {
            return http.getRequest();
        }
        throw new IllegalStateException("not a platform-http (Vert.x) exchange");
    }

    private static String remote(Exchange exchange) {
        return exchange.getIn() instanceof HttpMessage http ? String.valueOf(http.getRequest().remoteAddress()) : "?";
    }

    /** The feed named by a path {@code /webhooks/<feed>} (the route matches no other). */
    static String feedOf(String path) {
        return path != null && path.startsWith(PATH) ? path.substring(PATH.length()) : "";
    }

    /** The header's one value; null when it is absent or repeated (a repeated signature header is not trusted). */
    private static String single(List<String> values) {
        return values.size() == 1 ? values.get(0) : null;
    }

    private static byte[] rawBody(Message in) {
        Object body = in.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof Buffer buffer) {
            return buffer.getBytes();
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        throw new WebhookRefusedException(UNSUPPORTED_MEDIA_TYPE, "the body did not arrive as raw bytes");
    }

    /** The verified body as text: UTF-8, without NUL (PostgreSQL's text refuses it), else 400. */
    private static String text(byte[] body) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
            if (text.indexOf('\0') >= 0) {
                throw new WebhookRefusedException(MALFORMED, "the body holds a NUL character");
            }
            return text;
        } catch (CharacterCodingException e) {
            throw new WebhookRefusedException(MALFORMED, "the body is not UTF-8");
        }
    }
}
