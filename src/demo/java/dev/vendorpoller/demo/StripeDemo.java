package dev.vendorpoller.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vendorpoller.ops.LoopbackHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stripe's {@code GET /events} as the demo vendor plays it (under {@code /stripe}): a list newest first, paged with
 * starting_after / ending_before, ids in random order, and the eventual consistency that loses events for naive
 * pollers — each new event becomes visible up to {@code maxLateMillis} after its {@code created} time, at its
 * place in the list, possibly older than events already served. Events refer to demo registrations by
 * {@code metadata.registration_id}, some to ones the registration feed has not published yet.
 */
public final class StripeDemo implements HttpHandler {
    private static final String[] TYPES = {"payment_intent.succeeded", "charge.refunded", "payment_intent.payment_failed",
            "customer.created", "payment_intent.succeeded"};

    private final String token;
    private final long registrations;
    private final long maxLateMillis;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Random random = new Random(7);
    private final DemoState state;
    private final List<Event> events = new ArrayList<>();
    private long seq;
    private java.util.function.Consumer<String> onPublish;

    private record Event(String id, long created, long seq, long visibleAt, String json) {
    }

    /**
     * @param backfill      events created before start, one every 20 s going back from now
     * @param registrations how many demo registration ids events may refer to (a few beyond exist only later)
     */
    public StripeDemo(String token, int backfill, long registrations, long maxLateMillis) {
        this(token, backfill, registrations, maxLateMillis, null);
    }

    /**
     * @param state where the events are kept across restarts (null: nowhere). Events published before a restart are
     *              served again as they were, with the same ids and times, and new ids never repeat old ones.
     */
    StripeDemo(String token, int backfill, long registrations, long maxLateMillis, DemoState state) {
        this.token = token;
        this.registrations = registrations;
        this.maxLateMillis = maxLateMillis;
        this.state = state;
        if (state != null) {
            for (String line : state.stripeEvents()) {
                restore(line);
            }
        }
        if (events.isEmpty()) {
            long now = System.currentTimeMillis();
            for (int i = backfill; i > 0; i--) {
                add(now / 1000 - i * 20L, 0);
            }
        }
    }

    /** Publishes one new event now (it becomes visible up to maxLateMillis later). */
    public synchronized void publish() {
        add(System.currentTimeMillis() / 1000, maxLateMillis == 0 ? 0 : (long) (random.nextDouble() * maxLateMillis));
        if (onPublish != null) {
            onPublish.accept(events.get(events.size() - 1).json());
        }
    }

    /** Called with each event published live (not the back-fill): the demo's Stripe webhooks. */
    void onPublish(java.util.function.Consumer<String> listener) {
        this.onPublish = listener;
    }

    private synchronized void add(long created, long lateMillis) {
        long n = seq++;
        // unique per sequence number (an odd multiplier is a bijection), in no order: Stripe's ids are not ordered
        String id = "evt_" + Long.toUnsignedString(n * 0x9E3779B97F4A7C15L, 36);
        String type = TYPES[(int) (n % TYPES.length)];
        String ref = type.startsWith("customer") ? "" : "\"registration_id\":\"" + DemoData.id(n * 37 % (registrations + 50)) + "\"";
        String json = "{\"id\":\"" + id + "\",\"object\":\"event\",\"type\":\"" + type + "\",\"created\":" + created
                + ",\"data\":{\"object\":{\"id\":\"pi_" + n + "\",\"amount\":" + (2500 + n % 7 * 500) + ",\"currency\":\"eur\","
                + "\"status\":\"" + type.substring(type.lastIndexOf('.') + 1) + "\",\"metadata\":{" + ref + "}}}}";
        Event event = new Event(id, created, n, created * 1000 + lateMillis, json);
        if (state != null) {
            // kept before it can be served: a restart never serves this id with another time or body
            state.stripeEventPublished("{\"seq\":" + n + ",\"visible_at\":" + event.visibleAt() + ",\"event\":" + json + "}");
        }
        events.add(event);
    }

    private void restore(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            JsonNode event = node.get("event");
            long n = node.get("seq").asLong();
            events.add(new Event(event.get("id").asText(), event.get("created").asLong(), n, node.get("visible_at").asLong(),
                    event.toString()));
            seq = Math.max(seq, n + 1);
        } catch (IOException | RuntimeException e) {
            // a line cut short by a kill: that event was never served
        }
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (http) {
            if (!("Bearer " + token).equals(http.getRequestHeaders().getFirst("Authorization"))) {
                send(http, 401, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key\"}}");
                return;
            }
            Map<String, String> q = LoopbackHttp.query(http.getRequestURI().getRawQuery());
            int limit = Math.max(1, Math.min(100, Integer.parseInt(q.getOrDefault("limit", "10"))));
            List<Event> visible = visible();
            int from;
            int to;
            boolean hasMore;
            if (q.containsKey("starting_after") || q.containsKey("ending_before")) {
                String id = q.containsKey("starting_after") ? q.get("starting_after") : q.get("ending_before");
                int at = indexOf(visible, id);
                if (at < 0) {
                    send(http, 400, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"No such event: '" + id + "'\"}}");
                    return;
                }
                if (q.containsKey("starting_after")) {
                    from = at + 1;
                    to = Math.min(visible.size(), from + limit);
                    hasMore = to < visible.size();
                } else {
                    to = at;
                    from = Math.max(0, to - limit);
                    hasMore = from > 0;
                }
            } else {
                from = 0;
                to = Math.min(visible.size(), limit);
                hasMore = to < visible.size();
            }
            StringBuilder out = new StringBuilder("{\"object\":\"list\",\"url\":\"/v1/events\",\"data\":[");
            for (int i = from; i < to; i++) {
                out.append(i > from ? "," : "").append(visible.get(i).json());
            }
            send(http, 200, out.append("],\"has_more\":").append(hasMore).append('}').toString());
        }
    }

    /** Visible events in list order: newest first; within one second, the later published first. */
    private synchronized List<Event> visible() {
        long now = System.currentTimeMillis();
        return events.stream().filter(e -> e.visibleAt() <= now)
                .sorted(Comparator.comparingLong(Event::created).thenComparingLong(Event::seq).reversed()).toList();
    }

    private static int indexOf(List<Event> list, String id) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    public synchronized int published() {
        return events.size();
    }

    private static void send(HttpExchange http, int status, String body) throws IOException {
        LoopbackHttp.send(http, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

}
