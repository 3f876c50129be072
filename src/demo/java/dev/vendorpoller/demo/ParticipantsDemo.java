package dev.vendorpoller.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vendorpoller.ops.LoopbackHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A vendor sink that takes one request at a time: {@code POST /participants/add} with a JSON participant,
 * {@code Authorization: Bearer {token}} and an {@code Idempotency-Key}. A request that arrives while another is being
 * processed gets 503 (busy); more than the per-second limit gets 429 with {@code Retry-After}. Both are decided by a
 * {@link VendorLimits} (default: one in flight, no per-second limit), which can be shared with the demo vendor's
 * {@code /registrations} so the whole vendor takes one request at a time. Processing takes a configurable delay,
 * and the vendor can be told to refuse everything with a status (a 422, an outage).
 * <p>
 * It records every request (arrival, answer time, status, verdict, requests already in flight, Idempotency-Key) and
 * every accepted participant, so tests can assert what it received. A key accepted before is answered 200 with
 * {@code "duplicate": true} (as an idempotent vendor would) and recorded as a duplicate; a new one gets 201.
 */
public final class ParticipantsDemo implements HttpHandler {
    public static final String PATH = "/participants/add";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One request as the vendor saw it.
     *
     * @param verdict           what the limits decided; null when it never got there (wrong path, bad token)
     * @param inFlightAtArrival requests to this endpoint being handled when it arrived, not counting itself
     * @param retryAfter        the Retry-After the vendor answered with, if any
     */
    public record Request(long arrivalMillis, long answeredMillis, int status, VendorLimits.Verdict verdict,
            int inFlightAtArrival, String idempotencyKey, String retryAfter) {
    }

    /** An accepted participant: the body the vendor received, under the request's Idempotency-Key. */
    public record Participant(String idempotencyKey, JsonNode body, long acceptedMillis, boolean duplicate) {
    }

    private record Refusal(int status, byte[] body) {
    }

    private final String token;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Request> requests = new ArrayList<>();
    private final List<Participant> accepted = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private volatile VendorLimits limits = oneAtATime(0);
    private volatile long processingMillis;
    private volatile Refusal refusal;

    public ParticipantsDemo(String token) {
        this.token = token;
    }

    /** Limits for a vendor taking one request at a time and at most {@code perSecond} a second (0: no such limit). */
    public static VendorLimits oneAtATime(int perSecond) {
        return VendorLimits.parse(null, perSecond > 0 ? perSecond + "/1s" : null, null, null, 1);
    }

    /** Decides busy (503) and rate-limited (429) answers; pass the demo vendor's own to make them vendor-wide. */
    public ParticipantsDemo limits(VendorLimits limits) {
        this.limits = limits;
        return this;
    }

    public VendorLimits limits() {
        return limits;
    }

    /** How long processing one accepted request takes (its slot stays taken meanwhile). */
    public ParticipantsDemo processingDelay(Duration delay) {
        this.processingMillis = delay.toMillis();
        return this;
    }

    /** From now on every admitted request is answered {@code status} with {@code body} (nothing is accepted). */
    public ParticipantsDemo refuse(int status, String body) {
        this.refusal = new Refusal(status, body.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Accept again after {@link #refuse}. */
    public ParticipantsDemo accept() {
        this.refusal = null;
        return this;
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        Arrival arrival = new Arrival(http.getRequestHeaders().getFirst("Idempotency-Key"));
        try (http) {
            if (!PATH.equals(http.getRequestURI().getPath())) {
                answer(http, arrival, null, 404, json("error", "no such endpoint"), Map.of());
                return;
            }
            if (!"POST".equals(http.getRequestMethod())) {
                answer(http, arrival, null, 405, json("error", "use POST"), Map.of());
                return;
            }
            String auth = http.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + token)) {
                answer(http, arrival, null, 401, json("error", "invalid or missing bearer token"), Map.of());
                return;
            }
            VendorLimits.Admission admission = limits.admit();
            try {
                if (!admission.admitted()) {
                    answer(http, arrival, admission.verdict(), admission.status(), admission.body(), admission.headers());
                    return;
                }
                process(http, arrival, admission);
            } finally {
                admission.finish(http.getResponseCode()); // only if the reply failed before being sent
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            arrival.leave();
        }
    }

    private void process(HttpExchange http, Arrival arrival, VendorLimits.Admission admission)
            throws IOException, InterruptedException {
        JsonNode participant = parse(http.getRequestBody().readAllBytes());
        if (processingMillis > 0) {
            Thread.sleep(processingMillis);
        }
        Refusal refused = refusal;
        int status;
        byte[] body;
        if (participant == null) {
            status = 400;
            body = json("error", "the body must be a JSON object");
        } else if (refused != null) {
            status = refused.status();
            body = refused.body();
        } else {
            boolean duplicate;
            synchronized (this) {
                duplicate = arrival.key != null && !keys.add(arrival.key);
                accepted.add(new Participant(arrival.key, participant, System.currentTimeMillis(), duplicate));
            }
            status = duplicate ? 200 : 201;
            body = ("{\"status\":\"" + (duplicate ? "duplicate" : "added") + "\",\"duplicate\":" + duplicate + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        admission.finish(status); // the vendor-wide slot is free before the client can send its next request
        answer(http, arrival, admission.verdict(), status, body, admission.headers());
    }

    /** Records the request and frees its place among those in flight, then replies. */
    private void answer(HttpExchange http, Arrival arrival, VendorLimits.Verdict verdict, int status, byte[] body,
            Map<String, String> headers) throws IOException {
        headers.forEach(http.getResponseHeaders()::set);
        synchronized (this) {
            requests.add(new Request(arrival.millis, System.currentTimeMillis(), status, verdict, arrival.inFlightBefore,
                    arrival.key, headers.get("Retry-After")));
        }
        arrival.leave();
        LoopbackHttp.send(http, status, "application/json", body);
    }

    /** One request while it is handled: counted in flight from arrival until its answer is recorded. */
    private final class Arrival {
        final long millis = System.currentTimeMillis();
        final int inFlightBefore = inFlight.getAndIncrement();
        final String key;
        private boolean left;

        Arrival(String key) {
            this.key = key;
        }

        void leave() {
            if (!left) {
                left = true;
                inFlight.decrementAndGet();
            }
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] json(String field, String value) {
        return JSON.createObjectNode().put(field, value).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every request so far, by arrival. */
    public List<Request> requests() {
        List<Request> copy;
        synchronized (this) {
            copy = new ArrayList<>(requests);
        }
        copy.sort(Comparator.comparingLong(Request::arrivalMillis));
        return List.copyOf(copy);
    }

    public long count(Predicate<Request> which) {
        return requests().stream().filter(which).count();
    }

    /** Every accepted participant, duplicates included, in the order accepted. */
    public synchronized List<Participant> accepted() {
        return List.copyOf(accepted);
    }

    /** How often each Idempotency-Key was accepted (more than 1: a duplicate reached the vendor). */
    public synchronized Map<String, Long> acceptedPerKey() {
        Map<String, Long> counts = new LinkedHashMap<>();
        accepted.forEach(p -> counts.merge(String.valueOf(p.idempotencyKey()), 1L, Long::sum));
        return counts;
    }

    /** The most requests ever in flight at once, each arrival counting those before it plus itself. */
    public int maxConcurrency() {
        return requests().stream().mapToInt(r -> r.inFlightAtArrival() + 1).max().orElse(0);
    }
}
