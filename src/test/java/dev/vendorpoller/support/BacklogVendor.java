package dev.vendorpoller.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registration-api vendor on loopback that serves many feeds, each with a fixed backlog, generated on the fly (no
 * stubs to build): {@code GET /<feed>/registrations?limit=N&cursor=K} answers records K..K+N-1 of that feed with
 * {@code next_cursor} and {@code has_more}. A page can be made slow ({@link #pageDelayMillis}) to hold a run.
 */
public final class BacklogVendor implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final int backlog;
    private final AtomicLong requests = new AtomicLong();
    private final Map<String, Long> delays = new HashMap<>();
    private final Map<String, Integer> backlogs = new HashMap<>();

    public BacklogVendor(int backlog) throws IOException {
        this.backlog = backlog;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** The base URL of one feed's data: its own backlog of {@code backlog} records. */
    public String baseUrl(String feed) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + feed;
    }

    /** Each page of {@code feed} takes this long to answer. */
    public synchronized BacklogVendor pageDelayMillis(String feed, long millis) {
        delays.put(feed, millis);
        return this;
    }

    /** {@code feed} has {@code records} records instead of the vendor's backlog. */
    public synchronized BacklogVendor backlog(String feed, int records) {
        backlogs.put(feed, records);
        return this;
    }

    public long requests() {
        return requests.get();
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            requests.incrementAndGet();
            String path = http.getRequestURI().getPath(); // /<feed>/registrations
            String feed = path.substring(1, path.indexOf('/', 1));
            Map<String, String> query = new HashMap<>();
            String raw = http.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        query.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
            long delay;
            int backlog;
            synchronized (this) {
                delay = delays.getOrDefault(feed, 0L);
                backlog = backlogs.getOrDefault(feed, this.backlog);
            }
            if (delay > 0) {
                Thread.sleep(delay);
            }
            int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
            int from = Integer.parseInt(query.getOrDefault("cursor", "0"));
            int to = Math.min(backlog, from + limit);
            StringBuilder body = new StringBuilder(200 + 220 * (to - from)).append("{\"data\":[");
            for (int n = from; n < to; n++) {
                if (n > from) {
                    body.append(',');
                }
                body.append("{\"id\":\"").append(feed).append('-').append(n).append("\",\"email\":\"a").append(n)
                        .append("@example.com\",\"ticket_sku\":\"GA-2026\",\"payment_status\":\"paid\",")
                        .append("\"created_at\":\"2026-01-01T00:00:00Z\",\"updated_at\":").append(1_767_225_600L + n)
                        .append(",\"metadata\":{\"n\":").append(n).append("}}");
            }
            body.append("],\"next_cursor\":\"").append(to).append("\",\"has_more\":").append(to < backlog).append('}');
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(200, bytes.length);
            http.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
