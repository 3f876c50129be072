package dev.vendorpoller.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A verified webhook body as the feed's vendor records, each then mapped by the feed's adapter and checked by its
 * contract exactly like one element of a polled page ({@code feed.records().check}), so a version has one idempotency
 * key whichever path brought it:
 * <ul>
 *   <li>{@code stripe}: the body is a Stripe event, the shape of one element of /v1/events' {@code data};</li>
 *   <li>{@code standard-webhooks}, {@code hmac}: the body is one record of the feed's shape, or
 *       {@code {"data": {…}}} (then that object; an array there is each of its elements);</li>
 *   <li>{@code eventbrite}: the body's {@code api_url} is a hint, never data: the object is fetched through the feed's
 *       account, only from the feed's base-url origin (scheme, host, port), and the fetched attendee (or an order's
 *       {@code attendees}) is mapped like a polled attendee.</li>
 * </ul>
 */
final class WebhookRecords {
    private final ObjectMapper json;

    WebhookRecords(ObjectMapper json) {
        this.json = json;
    }

    /** What a body leads to. */
    sealed interface Mapped permits Records, Fetch, Ignored {
    }

    /** Vendor records to check, as a polled page's elements. */
    record Records(List<JsonNode> records) implements Mapped {
    }

    /** An object to fetch through the feed's account first (Eventbrite); {@code query} without '?', or null. */
    record Fetch(String url, String query) implements Mapped {
    }

    /** Nothing of the feed's records (e.g. an Eventbrite action about something else): the row is done. */
    record Ignored(String why) implements Mapped {
    }

    /** A row that can never be processed as it is (the reason says why): FAILED at once, with a dead letter. */
    static final class Unprocessable extends RuntimeException {
        Unprocessable(String message) {
            super(message);
        }
    }

    Mapped map(String style, String body, URI baseUrl) {
        JsonNode root = parse(body, "the webhook body");
        return switch (style) {
            case "stripe" -> new Records(List.of(object(root, "a Stripe event")));
            case "standard-webhooks", "hmac" -> new Records(ownShape(object(root, "a record")));
            case "eventbrite" -> eventbrite(object(root, "an Eventbrite notification"), baseUrl);
            default -> throw new Unprocessable("unknown webhook style '" + style + "' (known: " + InboxSettings.STYLES + ")");
        };
    }

    /**
     * The records of a fetched Eventbrite object: an order's attendees, else the attendee itself — without those whose
     * {@code event_id} names another event than the feed's (the feed reads one event's attendees; an organizer's
     * webhook announces every event's).
     *
     * @param eventId the feed's {@code event-id}; null: no filter
     */
    List<JsonNode> fetched(String body, String eventId) {
        JsonNode root = parse(body, "the fetched object");
        JsonNode attendees = root.get("attendees");
        List<JsonNode> records = new ArrayList<>();
        if (attendees != null && attendees.isArray()) {
            attendees.forEach(records::add);
        } else {
            records.add(root);
        }
        return eventId == null ? records : records.stream().filter(r -> {
            JsonNode event = r.get("event_id");
            return event == null || event.isNull() || eventId.equals(event.asText());
        }).toList();
    }

    private static List<JsonNode> ownShape(JsonNode body) {
        JsonNode data = body.get("data");
        if (data != null && data.isObject()) {
            return List.of(data);
        }
        if (data != null && data.isArray()) {
            List<JsonNode> records = new ArrayList<>();
            data.forEach(records::add);
            return records;
        }
        return List.of(body);
    }

    private static Mapped eventbrite(JsonNode body, URI baseUrl) {
        String action = body.path("config").path("action").asText("");
        if (!action.isEmpty() && !action.startsWith("attendee.") && !action.startsWith("order.")) {
            return new Ignored("ignored: Eventbrite action '" + action + "' is about no attendee");
        }
        JsonNode hint = body.get("api_url");
        if (hint == null || !hint.isTextual() || hint.asText().isBlank()) {
            throw new Unprocessable("the Eventbrite notification has no api_url");
        }
        URI url;
        try {
            url = new URI(hint.asText().trim());
        } catch (URISyntaxException e) {
            throw new Unprocessable("the Eventbrite api_url is not a URL: " + e.getReason());
        }
        if (!sameOrigin(url, baseUrl)) {
            // the sender chose this host: no request goes there
            throw new Unprocessable("refused: the api_url's origin " + origin(url) + " is not the feed's base-url origin "
                    + origin(baseUrl) + "; no request sent");
        }
        if (url.getRawUserInfo() != null || url.getRawFragment() != null) {
            throw new Unprocessable("refused: the api_url carries user info or a fragment; no request sent");
        }
        String query = url.getRawQuery();
        if (action.startsWith("order.")) {
            query = query == null ? "expand=attendees" : query + "&expand=attendees";
        }
        String plain = url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        return new Fetch(plain, query);
    }

    /** Scheme, host and port equal (a missing port is the scheme's default). */
    static boolean sameOrigin(URI a, URI b) {
        if (a.getScheme() == null || b.getScheme() == null || a.getHost() == null || b.getHost() == null) {
            return false;
        }
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }

    private JsonNode parse(String body, String what) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null) {
                throw new Unprocessable(what + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Unprocessable(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode object(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new Unprocessable("the webhook body is not a JSON object (" + what + " expected)");
        }
        return node;
    }
}
