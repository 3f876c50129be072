package dev.vendorpoller.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.ops.LoopbackHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated cursor-paged registration API on loopback: {@code GET /registrations?limit=N&cursor=C}, bearer auth,
 * a backlog, live new and updated records, a share of invalid records and occasional 503s. Used by the README demo,
 * the restart tests and the benchmark. Run alone: {@code java -cp target/vendor-poller.jar
 * dev.vendorpoller.demo.DemoVendor --port 8089 --backlog 5000}.
 */
public final class DemoVendor implements AutoCloseable {

    /** @param livePerSecond new change-log entries per second after start (0: a static backlog) */
    public record Options(int port, String token, long backlog, int invalidEvery, double failureRate,
            long livePerSecond, long pageDelayMillis, boolean cachePages) {
        public static Options defaults() {
            return new Options(8089, "demo-token", 5000, 50, 0.02, 20, 0, false);
        }
    }

    private final Options options;
    private final DemoData data;
    private final HttpServer server;
    private final ParticipantsDemo participants;
    private final AtomicLong size;
    private final AtomicLong pagesServed = new AtomicLong();
    private final AtomicLong failuresServed = new AtomicLong();
    private final Random random = new Random(42);
    private final Map<String, byte[]> pageCache = new ConcurrentHashMap<>();
    private final ScheduledExecutorService live = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-vendor-live");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean caughtUp;
    private volatile VendorLimits limits;
    private volatile java.util.function.Consumer<String> stripeListener;
    private DemoState state;

    public DemoVendor(Options options) throws IOException {
        this(options, "127.0.0.1");
    }

    /** @param host the address to listen on: loopback, unless it runs in a container of its own (docker compose) */
    public DemoVendor(Options options, String host) throws IOException {
        this.options = options;
        this.data = new DemoData(options.backlog(), options.invalidEvery());
        this.size = new AtomicLong(options.backlog());
        this.server = HttpServer.create(new InetSocketAddress(host, options.port()), 64);
        server.createContext("/registrations", this::registrations);
        this.participants = new ParticipantsDemo(options.token());
        server.createContext("/participants/", participants);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "demo-vendor-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/events/", new EventbriteDemo(options.token())); // Eventbrite mode: /events/{id}/attendees/
    }

    /** Enforces and announces {@code limits} on /registrations and logs what came in; call before start. Default: none. */
    public DemoVendor limits(VendorLimits limits) {
        this.limits = limits;
        return this;
    }

    /**
     * Also plays Stripe's events list under /stripe/events (see {@link StripeDemo}): 200 back-filled events, then
     * {@code eventsPerSecond} new ones, each visible up to 3 s late. Call before start.
     */
    public DemoVendor stripe(int eventsPerSecond) {
        StripeDemo stripe = new StripeDemo(options.token(), 200, options.backlog(), 3000, state);
        stripe.onPublish(json -> {
            var listener = stripeListener;
            if (listener != null) {
                listener.accept(json);
            }
        });
        server.createContext("/stripe/events", stripe);
        if (eventsPerSecond > 0) {
            live.scheduleAtFixedRate(stripe::publish, 1000, Math.max(1, 1000 / eventsPerSecond), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Keeps the vendor's data in {@code dir} across its own restarts (the demo's: the service's data directory): the
     * registration log continues where it was, Stripe's events keep their ids and times. Call before stripe and start.
     */
    public DemoVendor persistIn(Path dir) {
        this.state = DemoState.in(dir);
        size.set(Math.max(options.backlog(), state.registrationsPublished()));
        return this;
    }

    public DemoVendor start() {
        server.start();
        if (options.livePerSecond() > 0) {
            live.scheduleAtFixedRate(() -> size.addAndGet(Math.max(1, options.livePerSecond() / 10)), 100, 100, TimeUnit.MILLISECONDS);
        }
        if (state != null) {
            live.scheduleAtFixedRate(() -> state.registrationsPublished(size.get()), 1, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    /** Called with each Stripe event as it is published live (the demo's webhooks push it). */
    void onStripeEvent(java.util.function.Consumer<String> listener) {
        this.stripeListener = listener;
    }

    /** The one-request-at-a-time sink on {@code POST /participants/add}. */
    public ParticipantsDemo participants() {
        return participants;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public DemoData data() {
        return data;
    }

    /** Change-log entries published so far. */
    public long size() {
        return size.get();
    }

    public long pagesServed() {
        return pagesServed.get();
    }

    public long failuresServed() {
        return failuresServed.get();
    }

    /** True once a page with has_more=false was served after the last published entry. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Stops publishing live entries, so a test has a fixed end to compare against. */
    public void freeze() {
        live.shutdownNow();
    }

    private void registrations(HttpExchange http) throws IOException {
        try (http) {
            String auth = http.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + options.token())) {
                LoopbackHttp.send(http, 401, "application/json", "{\"error\":\"invalid or missing bearer token\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            VendorLimits current = limits;
            VendorLimits.Admission admission = current == null ? null : current.admit();
            try {
                serve(http, admission);
            } finally {
                if (admission != null) {
                    admission.finish(http.getResponseCode()); // only if serve failed before replying
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(HttpExchange http, VendorLimits.Admission admission) throws IOException, InterruptedException {
        if (admission != null) {
            admission.headers().forEach(http.getResponseHeaders()::set);
            if (!admission.admitted()) {
                LoopbackHttp.send(http, admission.status(), "application/json", admission.body());
                return;
            }
        }
        if (options.failureRate() > 0 && nextDouble() < options.failureRate()) {
            failuresServed.incrementAndGet();
            reply(http, admission, 503, "{\"error\":\"temporarily unavailable\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, String> query = LoopbackHttp.query(http.getRequestURI().getRawQuery());
        int limit = Math.max(1, Math.min(1000, Integer.parseInt(query.getOrDefault("limit", "100"))));
        long from;
        try {
            from = decode(query.get("cursor"));
        } catch (IllegalArgumentException e) {
            reply(http, admission, 400, "{\"error\":\"invalid cursor\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (options.pageDelayMillis() > 0) {
            Thread.sleep(options.pageDelayMillis());
        }
        long end = size.get();
        // a cursor past the published log (the demo's state lost, or a kill within its last second): nothing new yet,
        // the same cursor back, as any vendor answers a client that is ahead of what it has
        long to = Math.max(from, Math.min(end, from + limit));
        byte[] body = options.cachePages()
                ? pageCache.computeIfAbsent(from + ":" + to + ":" + end, k -> page(from, to, end))
                : page(from, to, end);
        pagesServed.incrementAndGet();
        if (to >= end) {
            caughtUp = to >= size.get();
        }
        reply(http, admission, 200, body);
    }

    /** Finishes the admission first: its in-flight slot is free and its status logged before the client can answer. */
    private static void reply(HttpExchange http, VendorLimits.Admission admission, int status, byte[] body) throws IOException {
        if (admission != null) {
            admission.finish(status);
        }
        LoopbackHttp.send(http, status, "application/json", body);
    }

    private byte[] page(long from, long to, long end) {
        StringBuilder out = new StringBuilder((int) (to - from) * 260 + 64);
        out.append("{\"data\":[");
        for (long p = from; p < to; p++) {
            if (p > from) {
                out.append(',');
            }
            data.appendJson(p, out);
        }
        out.append("],\"next_cursor\":\"").append(encode(to)).append("\",\"has_more\":").append(to < end).append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    static String encode(long position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("pos:" + position).getBytes(StandardCharsets.UTF_8));
    }

    static long decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return 0;
        }
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (!text.startsWith("pos:")) {
            throw new IllegalArgumentException("bad cursor");
        }
        return Long.parseLong(text.substring(4));
    }



    @Override
    public void close() {
        live.shutdownNow();
        server.stop(0);
        if (state != null) {
            state.registrationsPublished(size.get());
        }
    }

    /**
     * Stand-alone demo vendor: {@code --host (127.0.0.1) --port --backlog --live-per-second --failure-rate --invalid-every --cache-pages},
     * and limits: {@code --limits 100/10s --hidden-limits 5/1s --dialect X|IETF --max-concurrent 1}.
     */
    public static void main(String[] args) throws Exception {
        Options d = Options.defaults();
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Options options = new Options(Integer.parseInt(a.getOrDefault("port", "" + d.port())), a.getOrDefault("token", d.token()),
                Long.parseLong(a.getOrDefault("backlog", "" + d.backlog())),
                Integer.parseInt(a.getOrDefault("invalid-every", "" + d.invalidEvery())),
                Double.parseDouble(a.getOrDefault("failure-rate", "" + d.failureRate())),
                Long.parseLong(a.getOrDefault("live-per-second", "" + d.livePerSecond())),
                Long.parseLong(a.getOrDefault("page-delay-ms", "0")),
                Boolean.parseBoolean(a.getOrDefault("cache-pages", "false")));
        String host = a.getOrDefault("host", "127.0.0.1");
        DemoVendor vendor = new DemoVendor(options, host);
        if (a.containsKey("limits") || a.containsKey("hidden-limits") || a.containsKey("dialect") || a.containsKey("max-concurrent")) {
            vendor.limits(VendorLimits.parse(a.get("limits"), a.get("hidden-limits"), a.get("dialect"), null,
                    Integer.parseInt(a.getOrDefault("max-concurrent", "0"))));
        }
        vendor.start();
        System.out.println("demo vendor listening on http://" + host + ":" + vendor.port() + " (backlog " + options.backlog() + ")"
                + (vendor.limits == null ? "" : ", limits: " + vendor.limits));
        Thread.currentThread().join();
    }
}
