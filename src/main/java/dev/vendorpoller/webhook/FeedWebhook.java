package dev.vendorpoller.webhook;

import dev.vendorpoller.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One feed's webhook, as configured and checked at start-up ({@code vendor-poller.feed.<feed>.webhook.*}).
 *
 * @param secrets   every secret a signature may be made with (several while a secret is rotated); never printed
 * @param keys      the HMAC keys of those secrets: the secret's text (stripe, hmac, eventbrite) or the base64-decoded
 *                  part after {@code whsec_} (standard-webhooks)
 * @param tolerance how far a signed timestamp may be from now (stripe, standard-webhooks)
 * @param header    the header carrying the signature (hmac, and eventbrite with secrets)
 * @param idHeader  the header carrying the sender's delivery id (hmac); else the body's SHA-256
 * @param baseUrl   the feed's {@code base-url}: an eventbrite {@code api_url} must be on its scheme, host and port
 */
public record FeedWebhook(
        String feed,
        WebhookStyle style,
        List<Secret> secrets,
        List<byte[]> keys,
        Duration tolerance,
        Optional<String> header,
        Encoding encoding,
        Optional<String> idHeader,
        URI baseUrl) {

    /** How an HMAC is written in the signature header. */
    public enum Encoding {
        HEX, BASE64
    }

    /** Whether a signature is checked at all (eventbrite without secrets: no). */
    public boolean signed() {
        return !keys.isEmpty();
    }

    @Override
    public String toString() {
        return "FeedWebhook[feed=" + feed + ", style=" + style.key() + ", secrets=" + secrets.size() + "]";
    }
}
