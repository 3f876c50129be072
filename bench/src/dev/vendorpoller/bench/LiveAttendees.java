package dev.vendorpoller.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vendorpoller.ops.LoopbackHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A busy event as a vendor serves it, live, in two dialects at once: Eventbrite's attendee list
 * ({@code /events/E1/attendees/?changed_since=…&continuation=…}, {@code changed} to the second) and a continuation-since
 * API ({@code /cs/attendees?modified_since=…&ct=…&limit=…}, {@code modified} to the millisecond), pages of
 * {@value #PAGE_SIZE}. {@code attendees} attendees change at {@code perSecond} changes a second, each change a new
 * revision ({@code order_id} / {@code meta.rev}). A separate pool of late attendees gets one change each while
 * {@link #injectLate} is on, visible only a random 10 s .. {@code maxLateness} - 15 s after its version time, so only a
 * scan that reaches back that far reads it. Continuation tokens are keysets (after the version time and id the page
 * ended with), as robust change APIs do: a record that changes while a scan pages moves to the end and is read there,
 * nothing shifts into a page already read. Each request is logged with its arrival time and whether its since
 * reached back more than a minute (a deep scan).
 */
final class LiveAttendees implements AutoCloseable {
    static final int PAGE_SIZE = 50;

    record Version(int rev, Instant time, Instant visible) {
    }

    record Request(String dialect, long atMillis, boolean deep) {
    }

    private final int attendees;
    private final int latePool;
    private final Duration maxLateness;
    private final List<List<Version>> versions = new ArrayList<>();
    private final List<Request> log = new CopyOnWriteArrayList<>();
    private final Random random = new Random(2026);
    private final ScheduledExecutorService changes = Executors.newSingleThreadScheduledExecutor();
    private final HttpServer server;
    private volatile boolean injectLate;
    private volatile boolean changing = true;
    private int nextLate;
    private int lateInjected;

    LiveAttendees(int attendees, int latePool, double perSecond, Duration maxLateness) throws IOException {
        this.attendees = attendees;
        this.latePool = latePool;
        this.maxLateness = maxLateness;
        Instant created = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < attendees + latePool; i++) {
            List<Version> list = new ArrayList<>();
            list.add(new Version(0, created.plusMillis(i), created));
            versions.add(list);
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/events/", http -> serve(http, true));
        server.createContext("/cs/", http -> serve(http, false));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        long periodMicros = (long) (1_000_000 / perSecond);
        changes.scheduleAtFixedRate(this::change, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void injectLate(boolean on) {
        injectLate = on;
    }

    void stopChanges() {
        changing = false;
    }

    synchronized int lateInjected() {
        return lateInjected;
    }

    List<Request> log() {
        return List.copyOf(log);
    }

    private synchronized void change() {
        if (!changing) {
            return;
        }
        Instant now = Instant.now();
        List<Version> list = versions.get(random.nextInt(attendees));
        list.add(new Version(list.get(list.size() - 1).rev() + 1, now, now));
        // one late change every ~4 changes' time while injecting, until the pool is used up
        if (injectLate && nextLate < latePool && random.nextInt(4) == 0) {
            long spread = maxLateness.minusSeconds(25).toMillis();
            Instant visible = now.plusMillis(10_000 + (long) (random.nextDouble() * spread));
            List<Version> late = versions.get(attendees + nextLate++);
            late.add(new Version(late.get(late.size() - 1).rev() + 1, now, visible));
            lateInjected++;
        }
    }

    /** Per attendee, the newest version visible at {@code now} (what the vendor lists and what the ledger must hold). */
    synchronized List<Version> visible(Instant now) {
        List<Version> out = new ArrayList<>(versions.size());
        for (List<Version> list : versions) {
            Version current = list.get(0);
            for (Version v : list) {
                if (!v.visible().isAfter(now)) {
                    current = v;
                }
            }
            out.add(current);
        }
        return out;
    }

    boolean isLate(int id) {
        return id >= attendees;
    }

    static Instant eventbriteTime(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }

    private void serve(HttpExchange http, boolean eventbrite) throws IOException {
        try (http) {
            Map<String, String> query = LoopbackHttp.query(http.getRequestURI().getRawQuery());
            Instant now = Instant.now();
            String sinceText = query.get(eventbrite ? "changed_since" : "modified_since");
            Instant since = sinceText == null ? null : Instant.parse(sinceText);
            log.add(new Request(eventbrite ? "eventbrite" : "continuation-since", now.toEpochMilli(),
                    since == null || since.isBefore(now.minusSeconds(60))));
            String token = query.get(eventbrite ? "continuation" : "ct");
            List<Version> all = visible(now);
            List<Integer> ids = new ArrayList<>();
            for (int id = 0; id < all.size(); id++) {
                Instant t = eventbrite ? eventbriteTime(all.get(id).time()) : all.get(id).time();
                if (since == null || !t.isBefore(since)) {
                    ids.add(id);
                }
            }
            Comparator<Integer> order = Comparator.comparing((Integer id) -> all.get(id).time()).thenComparing(id -> id);
            ids.sort(order);
            int offset = 0;
            if (token != null) { // keyset: after the (version time, id) the previous page ended with
                String[] last = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
                Instant lastTime = Instant.parse(last[0]);
                int lastId = Integer.parseInt(last[1]);
                while (offset < ids.size() && (all.get(ids.get(offset)).time().isBefore(lastTime)
                        || all.get(ids.get(offset)).time().equals(lastTime) && ids.get(offset) <= lastId)) {
                    offset++;
                }
            }
            int to = Math.min(ids.size(), offset + PAGE_SIZE);
            String next = null;
            if (to < ids.size()) {
                int lastId = ids.get(to - 1);
                next = Base64.getUrlEncoder().withoutPadding().encodeToString((all.get(lastId).time() + "|" + lastId)
                        .getBytes(StandardCharsets.UTF_8));
            }
            StringBuilder out = new StringBuilder(400 * PAGE_SIZE);
            if (eventbrite) {
                out.append("{\"pagination\":{\"page_size\":").append(PAGE_SIZE).append(",\"has_more_items\":").append(next != null);
                if (next != null) {
                    out.append(",\"continuation\":\"").append(next).append('"');
                }
                out.append("},\"attendees\":[");
            } else {
                out.append("{\"result\":{\"continuation\":").append(next == null ? "null" : "\"" + next + "\"").append(",\"items\":[");
            }
            for (int i = offset; i < to; i++) {
                int id = ids.get(i);
                Version v = all.get(id);
                out.append(i > offset ? "," : "");
                if (eventbrite) {
                    out.append("{\"id\":\"").append(id).append("\",\"changed\":\"").append(eventbriteTime(v.time()))
                            .append("\",\"created\":\"2026-01-01T00:00:00Z\",\"status\":\"Attending\",\"cancelled\":false,")
                            .append("\"refunded\":false,\"ticket_class_id\":\"1001\",\"ticket_class_name\":\"General Admission\",")
                            .append("\"order_id\":\"o-").append(id).append('-').append(v.rev()).append("\",\"profile\":{\"email\":\"a")
                            .append(id).append("@example.com\"}}");
                } else {
                    out.append("{\"uid\":\"").append(id).append("\",\"modified\":\"").append(v.time())
                            .append("\",\"created\":\"2026-01-01T00:00:00Z\",\"status\":\"paid\",\"sku\":\"GA\",\"email\":\"a")
                            .append(id).append("@example.com\",\"meta\":{\"rev\":").append(v.rev()).append("}}");
                }
            }
            out.append(eventbrite ? "]}" : "]}}");
            LoopbackHttp.send(http, 200, "application/json", out.toString().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            LoopbackHttp.send(http, 400, "application/json", ("{\"error\":\"" + e.getClass().getSimpleName() + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        changes.shutdownNow();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
