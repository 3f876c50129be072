package dev.vendorpoller.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.vendorpoller.ops.LoopbackHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo vendor's Eventbrite mode: {@code GET /events/{id}/attendees/?changed_since=…&continuation=…} with bearer
 * auth, deterministic attendees ({@link #PER_SECOND} share each {@code changed} second, one such second every
 * {@link #SPACING}, so pages split seconds and the 2 000 attendees span 33 minutes),
 * pages of {@link #PAGE_SIZE}, and continuation tokens that expire ({@code 400 {"error":"INVALID_CONTINUATION"}}).
 * {@link #LATE} attendees become visible only a while after start (15 s), with a {@code changed} time 2 s older than
 * the newest one: a poller that scans from its high-water mark without a lookback never sees them. Any other path
 * under {@code /events/} is a 404.
 */
public final class EventbriteDemo implements HttpHandler {
    public static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    public static final int PAGE_SIZE = 50;
    public static final int PER_SECOND = 20;
    public static final Duration SPACING = Duration.ofSeconds(20);
    public static final int LATE = 5;
    private static final Pattern PATH = Pattern.compile("/events/([A-Za-z0-9_-]+)/attendees/?");
    private static final String[][] TICKET_CLASSES = {
            {"1001", "General Admission"}, {"1002", "VIP"}, {"1003", "Student"}};

    private final String token;
    private final int attendees;
    private final Duration tokenTtl;
    private final Duration lateAfter;
    private final Clock clock;
    private final Instant started;

    /** The demo's defaults: 2 000 attendees, tokens valid for 60 s, the late attendees visible after 15 s. */
    public EventbriteDemo(String token) {
        this(token, 2000, Duration.ofSeconds(60), Duration.ofSeconds(15), Clock.systemUTC());
    }

    public EventbriteDemo(String token, int attendees, Duration tokenTtl, Duration lateAfter, Clock clock) {
        this.token = token;
        this.attendees = attendees;
        this.tokenTtl = tokenTtl;
        this.lateAfter = lateAfter;
        this.clock = clock;
        this.started = clock.instant();
    }

    /** How many attendees the vendor shows now (the late ones count once visible). */
    public int visible() {
        return attendees + (lateVisible() ? LATE : 0);
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        try (http) {
            Matcher path = PATH.matcher(http.getRequestURI().getPath());
            if (!path.matches() || !"GET".equals(http.getRequestMethod())) {
                send(http, 404, "{\"error\":\"NOT_FOUND\"}");
                return;
            }
            String auth = http.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equals("Bearer " + token)) {
                send(http, 401, "{\"error\":\"INVALID_AUTH\",\"error_description\":\"invalid or missing bearer token\"}");
                return;
            }
            Map<String, String> query = LoopbackHttp.query(http.getRequestURI().getRawQuery());
            String since = query.get("changed_since");
            Instant changedSince;
            try {
                changedSince = since == null ? null : Instant.parse(since);
            } catch (DateTimeParseException e) {
                send(http, 400, "{\"error\":\"ARGUMENT_ERROR\",\"error_description\":\"changed_since: bad datetime\"}");
                return;
            }
            int offset = 0;
            if (query.get("continuation") != null) {
                offset = offset(query.get("continuation"), since);
                if (offset < 0) {
                    send(http, 400, "{\"error\":\"INVALID_CONTINUATION\",\"error_description\":\"continuation is invalid or expired\"}");
                    return;
                }
            }
            send(http, 200, page(changedSince, since, offset));
        }
    }

    private String page(Instant changedSince, String since, int offset) {
        List<Integer> matching = new ArrayList<>();
        for (int i = 0; i < visible(); i++) {
            int record = ordered(i);
            if (changedSince == null || !changed(record).isBefore(changedSince)) {
                matching.add(record);
            }
        }
        int to = Math.min(matching.size(), offset + PAGE_SIZE);
        StringBuilder out = new StringBuilder(512 * PAGE_SIZE);
        out.append("{\"pagination\":{\"object_count\":").append(matching.size()).append(",\"page_size\":").append(PAGE_SIZE)
                .append(",\"has_more_items\":").append(to < matching.size());
        if (to < matching.size()) {
            out.append(",\"continuation\":\"").append(token(to, since)).append('"');
        }
        out.append("},\"attendees\":[");
        for (int i = offset; i < to; i++) {
            if (i > offset) {
                out.append(',');
            }
            attendee(matching.get(i), out);
        }
        return out.append("]}").toString();
    }

    /** Attendees in the vendor's order, by changed then id: the late ones sort after the others of their second. */
    private int ordered(int i) {
        if (!lateVisible()) {
            return i;
        }
        int lateAt = lastGroup() * PER_SECOND; // the first of the newest second
        if (i < lateAt) {
            return i;
        }
        return i < lateAt + LATE ? attendees + (i - lateAt) : i - LATE;
    }

    private boolean lateVisible() {
        return !clock.instant().isBefore(started.plus(lateAfter));
    }

    /** Regular attendees share each second {@link #PER_SECOND} at a time; the late ones are 2 s older than the newest. */
    Instant changed(int record) {
        return record >= attendees ? group(lastGroup()).minusSeconds(2) : group(record / PER_SECOND);
    }

    private static Instant group(int group) {
        return T0.plus(SPACING.multipliedBy(group));
    }

    private int lastGroup() {
        return Math.max(0, attendees - 1) / PER_SECOND;
    }

    private void attendee(int record, StringBuilder out) {
        String[] ticketClass = TICKET_CLASSES[record % 10 == 0 ? 1 : record % 10 < 3 ? 2 : 0];
        boolean cancelled = record % 30 == 13;
        boolean refunded = record % 60 == 43;
        String status = record % 100 == 99 ? "Transferred" // no payment status maps it: a reject
                : cancelled ? "Not Attending" : record % 20 == 3 ? "Checked In" : record % 40 == 11 ? "Placed" : "Attending";
        out.append("{\"id\":\"").append(3_000_000_000L + record).append("\",\"order_id\":\"").append(2_000_000_000L + record / 2)
                .append("\",\"created\":\"").append(changed(record).minusSeconds(3600 + record % 600))
                .append("\",\"changed\":\"").append(changed(record))
                .append("\",\"status\":\"").append(status).append("\",\"cancelled\":").append(cancelled)
                .append(",\"refunded\":").append(refunded)
                .append(",\"ticket_class_id\":\"").append(ticketClass[0]).append("\",\"ticket_class_name\":\"").append(ticketClass[1])
                .append("\",\"profile\":{\"email\":\"Attendee.").append(record).append("@Example.COM\",\"name\":\"Attendee ")
                .append(record).append("\"},\"costs\":{\"gross\":{\"currency\":\"USD\",\"value\":")
                .append(ticketClass[0].equals("1002") ? 15000 : 5000).append("}}}");
    }

    /** A token names the next offset, the changed_since it belongs to and when it was issued. */
    private String token(int offset, String since) {
        String text = offset + "|" + (since == null ? "" : since) + "|" + clock.millis();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The offset a token points at, or -1 when it is malformed, expired, or from a scan with another changed_since. */
    private int offset(String continuation, String since) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(continuation), StandardCharsets.UTF_8).split("\\|", -1);
            boolean sameScan = parts.length == 3 && parts[1].equals(since == null ? "" : since);
            boolean fresh = clock.millis() - Long.parseLong(parts[2]) <= tokenTtl.toMillis();
            return sameScan && fresh ? Integer.parseInt(parts[0]) : -1;
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return -1;
        }
    }

    private static void send(HttpExchange http, int status, String body) throws IOException {
        LoopbackHttp.send(http, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
}
