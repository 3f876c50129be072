package dev.vendorpoller.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A downstream endpoint on loopback that accepts every POST and remembers it: path, {@code Idempotency-Key} header
 * and body. It records before it answers, so a sender killed before reading the 200 shows up as a repeat.
 */
final class RecordingSink implements AutoCloseable {

    record Delivery(String path, String idempotencyKey, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger withoutKey = new AtomicInteger();

    RecordingSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "recording-sink");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    String uri(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            byte[] body = http.getRequestBody().readAllBytes();
            if (!"POST".equals(http.getRequestMethod())) {
                http.sendResponseHeaders(405, -1);
                return;
            }
            String key = http.getRequestHeaders().getFirst("Idempotency-Key");
            if (key == null || key.isBlank()) {
                withoutKey.incrementAndGet();
            }
            deliveries.add(new Delivery(http.getRequestURI().getPath(), key, new String(body, StandardCharsets.UTF_8)));
            posts.incrementAndGet();
            http.sendResponseHeaders(200, -1);
        }
    }

    /** POSTs received so far, all paths. */
    int posts() {
        return posts.get();
    }

    int postsWithoutKey() {
        return withoutKey.get();
    }

    List<Delivery> deliveries(String path) {
        return deliveries.stream().filter(d -> d.path().equals(path)).toList();
    }

    Set<String> keys(String path) {
        return deliveries.stream().filter(d -> d.path().equals(path) && d.idempotencyKey() != null)
                .map(Delivery::idempotencyKey).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
