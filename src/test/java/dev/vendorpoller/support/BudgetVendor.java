package dev.vendorpoller.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registration-api vendor on loopback with one account budget of {@code limit} requests per aligned window, as
 * vendors that count per wall-clock window do: it states the budget ({@code X-RateLimit-Limit}, {@code -Remaining},
 * {@code -Reset} in epoch seconds), answers 429 with {@code Retry-After} to each request past the limit in its window,
 * and counts every arrival per window, per node (the token a node sends names it: {@code Bearer <node>}) and the 429s.
 * Feeds are paths ({@code /<feed>/registrations?limit=&cursor=}); a run ends every {@code pagesPerRun} pages
 * ({@code has_more=false} with the cursor to go on from), so runs are short and every node gets its share of them.
 */
public final class BudgetVendor implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(32);
    private final int limit;
    private final long windowMillis;
    private final long delayMillis;
    private final int pagesPerRun;
    private final Map<String, Integer> sizes = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> arrivals = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> refused = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> byNode = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong tooMany = new AtomicLong();

    public BudgetVendor(int limit, long windowMillis, long delayMillis, int pagesPerRun) throws IOException {
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.delayMillis = delayMillis;
        this.pagesPerRun = pagesPerRun;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public void records(String feed, int count) {
        sizes.put(feed, count);
    }

    public List<String> feeds() {
        return sizes.keySet().stream().sorted().toList();
    }

    public String baseUrl(String feed) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + feed;
    }

    /** Arrivals per aligned window (window start in epoch ms), 429s included. */
    public Map<Long, Integer> arrivalsPerWindow() {
        Map<Long, Integer> copy = new TreeMap<>();
        arrivals.forEach((w, n) -> copy.put(w, n.get()));
        return copy;
    }

    /** 429s per aligned window. */
    public Map<Long, Integer> refusedPerWindow() {
        Map<Long, Integer> copy = new TreeMap<>();
        refused.forEach((w, n) -> copy.put(w, n.get()));
        return copy;
    }

    /** Requests per node (the bearer token each node sends). */
    public Map<String, Long> requestsByNode() {
        Map<String, Long> copy = new TreeMap<>();
        byNode.forEach((n, c) -> copy.put(n, c.get()));
        return copy;
    }

    public long requests() {
        return total.get();
    }

    public long rateLimited() {
        return tooMany.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String feed = uri.getPath().split("/")[1];
            Integer size = sizes.get(feed);
            if (size == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long now = System.currentTimeMillis();
            long window = now - now % windowMillis;
            int seen = arrivals.computeIfAbsent(window, w -> new AtomicInteger()).incrementAndGet();
            total.incrementAndGet();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byNode.computeIfAbsent(auth == null ? "?" : auth.replace("Bearer ", ""), n -> new AtomicLong()).incrementAndGet();
            long resetSeconds = (window + windowMillis + 999) / 1000;
            var headers = exchange.getResponseHeaders();
            headers.set("X-RateLimit-Limit", String.valueOf(limit));
            headers.set("X-RateLimit-Remaining", String.valueOf(Math.max(0, limit - seen)));
            headers.set("X-RateLimit-Reset", String.valueOf(resetSeconds));
            if (seen > limit) {
                tooMany.incrementAndGet();
                refused.computeIfAbsent(window, w -> new AtomicInteger()).incrementAndGet();
                headers.set("Retry-After", String.valueOf(Math.max(1, (window + windowMillis - now + 999) / 1000)));
                exchange.sendResponseHeaders(429, -1);
                return;
            }
            Thread.sleep(delayMillis);
            int from = 0;
            int pageSize = 1;
            for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                if (kv[0].equals("cursor") && kv.length == 2) {
                    from = Integer.parseInt(kv[1].substring(1));
                } else if (kv[0].equals("limit") && kv.length == 2) {
                    pageSize = Integer.parseInt(kv[1]);
                }
            }
            int to = Math.min(size, from + pageSize);
            StringBuilder data = new StringBuilder();
            for (int i = from; i < to; i++) {
                data.append(data.length() == 0 ? "" : ",").append("{\"id\":\"").append(feed).append('-').append(i)
                        .append("\",\"email\":\"p").append(i).append("@x.io\",\"ticket_sku\":\"GA-2026\",")
                        .append("\"payment_status\":\"paid\",\"created_at\":\"2026-01-01T00:00:00Z\",")
                        .append("\"updated_at\":\"2026-01-01T00:00:01Z\",\"metadata\":{}}");
            }
            boolean more = to < size && (to / pageSize) % pagesPerRun != 0;
            byte[] body = ("{\"data\":[" + data + "],\"next_cursor\":\"o" + to + "\",\"has_more\":" + more + "}")
                    .getBytes(StandardCharsets.UTF_8);
            headers.set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
