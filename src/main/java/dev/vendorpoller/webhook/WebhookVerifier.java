package dev.vendorpoller.webhook;

import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.BAD_SIGNATURE;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.FOREIGN_API_URL;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.FUTURE;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.MALFORMED;
import static dev.vendorpoller.webhook.WebhookRefusedException.Reason.STALE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Verifies one delivery over its raw bytes, before anything parses the body, and names it: the delivery id under
 * which the inbox stores it once. A refusal is a {@link WebhookRefusedException} (bad signature 401, a timestamp
 * beyond the tolerance 401, a malformed delivery 400, an Eventbrite {@code api_url} off the feed's host 400).
 * <ul>
 * <li>stripe: {@code Stripe-Signature: t=…,v1=…[,v1=…]}, HMAC-SHA256 (hex) over {@code t + "." + body}, each
 * {@code v1} against each secret; the signature first, then the timestamp; the id is the event's {@code id}.</li>
 * <li>standard-webhooks: HMAC-SHA256 (base64) over {@code webhook-id + "." + webhook-timestamp + "." + body} under the
 * base64-decoded {@code whsec_} secret, each {@code v1,…} of {@code webhook-signature} (space-separated); the id is
 * {@code webhook-id}.</li>
 * <li>hmac: the configured header holds HMAC-SHA256 of the body, hex or base64, a {@code sha256=} prefix tolerated; the
 * id is the configured id header's value, else the body's SHA-256.</li>
 * <li>eventbrite: with secrets, signed as hmac; its body's {@code api_url} must be on the feed's {@code base-url}
 * scheme, host and port (nothing is ever requested from a host the sender chose); the id is the body's SHA-256.</li>
 * </ul>
 */
public final class WebhookVerifier {
    static final int MAX_ID_LENGTH = 255;
    private static final Pattern DIGITS = Pattern.compile("\\d{1,12}");
    private static final byte[] DOT = {'.'};
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param header a request header by name (any case), null when absent
     * @return the delivery id
     */
    public String verify(FeedWebhook hook, byte[] body, Function<String, String> header, Instant now) {
        return switch (hook.style()) {
            case STRIPE -> stripe(hook, body, header, now);
            case STANDARD_WEBHOOKS -> standard(hook, body, header, now);
            case HMAC -> {
                hmac(hook, body, header);
                yield hook.idHeader().map(h -> id(header.apply(h), h)).orElseGet(() -> Signatures.sha256Hex(body));
            }
            case EVENTBRITE -> {
                if (hook.signed()) {
                    hmac(hook, body, header);
                }
                apiUrlOnFeedHost(hook, body);
                yield Signatures.sha256Hex(body);
            }
        };
    }

    private String stripe(FeedWebhook hook, byte[] body, Function<String, String> header, Instant now) {
        String value = header.apply("Stripe-Signature");
        if (value == null) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "no Stripe-Signature header");
        }
        String t = null;
        List<byte[]> v1 = new ArrayList<>();
        for (String item : value.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String k = item.substring(0, eq).trim();
            String v = item.substring(eq + 1).trim();
            if (k.equals("t")) {
                if (t != null) {
                    throw new WebhookRefusedException(BAD_SIGNATURE, "Stripe-Signature has two timestamps");
                }
                t = v;
            } else if (k.equals("v1")) {
                v1.add(Signatures.fromHex(v));
            }
        }
        if (t == null || !DIGITS.matcher(t).matches()) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "Stripe-Signature has no timestamp t");
        }
        if (v1.isEmpty()) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "Stripe-Signature has no v1 signature");
        }
        if (!Signatures.anyMatches(hook.keys(), v1, t.getBytes(StandardCharsets.US_ASCII), DOT, body)) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "no v1 signature matches a configured secret");
        }
        inTolerance(hook, Long.parseLong(t), now);
        JsonNode id = parse(body).path("id");
        if (!id.isTextual()) {
            throw new WebhookRefusedException(MALFORMED, "the event has no id");
        }
        return id(id.asText(), "id");
    }

    private String standard(FeedWebhook hook, byte[] body, Function<String, String> header, Instant now) {
        String id = header.apply("webhook-id");
        String timestamp = header.apply("webhook-timestamp");
        String signatures = header.apply("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "webhook-id, webhook-timestamp and webhook-signature are required");
        }
        if (!DIGITS.matcher(timestamp.trim()).matches()) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "webhook-timestamp is not whole seconds");
        }
        List<byte[]> v1 = new ArrayList<>();
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma > 0 && entry.substring(0, comma).equals("v1")) {
                v1.add(Signatures.fromBase64(entry.substring(comma + 1)));
            }
        }
        if (v1.isEmpty()) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "webhook-signature has no v1 signature");
        }
        if (!Signatures.anyMatches(hook.keys(), v1, id.getBytes(StandardCharsets.UTF_8), DOT,
                timestamp.trim().getBytes(StandardCharsets.US_ASCII), DOT, body)) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "no v1 signature matches a configured secret");
        }
        inTolerance(hook, Long.parseLong(timestamp.trim()), now);
        return id(id, "webhook-id");
    }

    private void hmac(FeedWebhook hook, byte[] body, Function<String, String> header) {
        String name = hook.header().orElseThrow();
        String value = header.apply(name);
        if (value == null) {
            throw new WebhookRefusedException(BAD_SIGNATURE, "no " + name + " header");
        }
        String signature = value.trim();
        if (signature.regionMatches(true, 0, "sha256=", 0, 7)) {
            signature = signature.substring(7);
        }
        byte[] decoded = hook.encoding() == FeedWebhook.Encoding.HEX ? Signatures.fromHex(signature) : Signatures.fromBase64(signature);
        if (!Signatures.anyMatches(hook.keys(), java.util.Collections.singletonList(decoded), body)) {
            throw new WebhookRefusedException(BAD_SIGNATURE, name + " does not match a configured secret");
        }
    }

    /** The body's {@code api_url} must be an http(s) URL on the feed's base-url scheme, host and port. */
    private void apiUrlOnFeedHost(FeedWebhook hook, byte[] body) {
        JsonNode apiUrl = parse(body).path("api_url");
        if (!apiUrl.isTextual()) {
            throw new WebhookRefusedException(MALFORMED, "the body has no api_url");
        }
        URI url;
        try {
            url = new URI(apiUrl.asText());
        } catch (Exception e) {
            throw new WebhookRefusedException(FOREIGN_API_URL, "api_url is not a URL");
        }
        URI base = hook.baseUrl();
        boolean same = url.isAbsolute() && url.getHost() != null && url.getRawUserInfo() == null
                && base.getScheme().equalsIgnoreCase(url.getScheme())
                && base.getHost().equalsIgnoreCase(url.getHost())
                && port(base) == port(url);
        if (!same) {
            // the host is the sender's choice: name it, it is not a secret
            throw new WebhookRefusedException(FOREIGN_API_URL, "api_url is on " + Optional.ofNullable(url.getScheme()).orElse("?")
                    + "://" + Optional.ofNullable(url.getHost()).orElse("?") + (url.getPort() >= 0 ? ":" + url.getPort() : "")
                    + ", not on the feed's base-url " + base.getScheme() + "://" + base.getHost()
                    + (base.getPort() >= 0 ? ":" + base.getPort() : ""));
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : "http".equalsIgnoreCase(uri.getScheme()) ? 80 : -1;
    }

    private static void inTolerance(FeedWebhook hook, long epochSecond, Instant now) {
        Duration off = Duration.between(Instant.ofEpochSecond(epochSecond), now);
        if (off.compareTo(hook.tolerance()) > 0) {
            throw new WebhookRefusedException(STALE, "signed " + off.toSeconds() + " s ago, beyond the tolerance of "
                    + hook.tolerance().toSeconds() + " s");
        }
        if (off.negated().compareTo(hook.tolerance()) > 0) {
            throw new WebhookRefusedException(FUTURE, "signed " + off.negated().toSeconds() + " s ahead of this clock,"
                    + " beyond the tolerance of " + hook.tolerance().toSeconds() + " s");
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new WebhookRefusedException(MALFORMED, "the body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new WebhookRefusedException(MALFORMED, "the body is not JSON");
        }
    }

    private static String id(String id, String where) {
        if (id == null || id.isBlank()) {
            throw new WebhookRefusedException(MALFORMED, "no delivery id in " + where);
        }
        String trimmed = id.trim();
        if (trimmed.length() > MAX_ID_LENGTH || trimmed.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new WebhookRefusedException(MALFORMED, "the delivery id in " + where + " is longer than "
                    + MAX_ID_LENGTH + " characters or holds control characters");
        }
        return trimmed;
    }
}
