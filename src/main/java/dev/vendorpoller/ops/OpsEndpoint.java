package dev.vendorpoller.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vendorpoller.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The feed operations over HTTP on the status page's loopback port, for operators without a JMX console; the same
 * {@link FeedManagement} methods the MBeans call, so they log and validate the same way. Every one changes state, so
 * each is a POST with {@code Authorization: Bearer <vendor-poller.ops.token>}; without that token configured they
 * answer 403 and do nothing.
 *
 * <pre>
 * POST /ops/feeds/{feed}/pause | resume | poll-now
 * POST /ops/feeds/{feed}/reset-cursor            body: the cursor (START: the beginning of the data)
 * POST /ops/feeds/{feed}/dead-letters/replay     every open dead letter;  .../dead-letters/{id}/replay one
 * POST /ops/feeds/{feed}/rejects/replay          every stored reject;     .../rejects/{key}/replay one
 * </pre>
 */
final class OpsEndpoint implements HttpHandler {
    private static final Pattern PATH = Pattern.compile(
            "/ops/feeds/([a-z0-9-]+)/(pause|resume|poll-now|reset-cursor|dead-letters/replay|rejects/replay"
                    + "|dead-letters/(\\d{1,18})/replay|rejects/([0-9a-f]{1,64})/replay)");
    private static final int MAX_BODY = 8192;

    private final Map<String, FeedManagement> feeds;
    private final Optional<Secret> token;

    OpsEndpoint(Map<String, FeedManagement> feeds, Optional<Secret> token) {
        this.feeds = feeds;
        this.token = token;
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try {
            if (token.isEmpty()) {
                reply(http, 403, "operations over HTTP are off: set " + OpsSettings.OPS_TOKEN + " to turn them on");
                return;
            }
            if (!authorized(http.getRequestHeaders().getFirst("Authorization"))) {
                http.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                reply(http, 401, "missing or wrong bearer token (" + OpsSettings.OPS_TOKEN + ")");
                return;
            }
            Matcher m = PATH.matcher(http.getRequestURI().getPath());
            if (!m.matches()) {
                reply(http, 404, "no such operation: " + http.getRequestURI().getPath());
                return;
            }
            if (!"POST".equals(http.getRequestMethod())) {
                http.getResponseHeaders().set("Allow", "POST");
                reply(http, 405, "operations change state: use POST");
                return;
            }
            FeedManagement feed = feeds.get(m.group(1));
            if (feed == null) {
                reply(http, 404, "no feed '" + m.group(1) + "' (feeds: " + String.join(", ", feeds.keySet()) + ")");
                return;
            }
            reply(http, 200, run(feed, m, http));
        } catch (IllegalArgumentException e) {
            reply(http, 400, e.getMessage());
        } catch (Exception e) {
            reply(http, 500, "operation failed: " + e.getClass().getSimpleName());
        } finally {
            http.close();
        }
    }

    private static String run(FeedManagement feed, Matcher m, HttpExchange http) throws Exception {
        if (m.group(3) != null) {
            return feed.replayDeadLetter(Long.parseLong(m.group(3)));
        }
        if (m.group(4) != null) {
            return feed.replayReject(m.group(4));
        }
        return switch (m.group(2)) {
            case "pause" -> feed.pause();
            case "resume" -> feed.resume();
            case "poll-now" -> feed.pollNow();
            case "reset-cursor" -> feed.resetCursor(body(http));
            case "dead-letters/replay" -> feed.replayDeadLetters();
            default -> feed.replayRejects();
        };
    }

    private boolean authorized(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                token.orElseThrow().reveal().getBytes(StandardCharsets.UTF_8));
    }

    private static String body(HttpExchange http) throws IOException {
        byte[] bytes = http.getRequestBody().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new IllegalArgumentException("cursor longer than " + MAX_BODY + " bytes");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    private static void reply(HttpExchange http, int status, String text) throws IOException {
        LoopbackHttp.send(http, status, "text/plain; charset=utf-8", (text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
