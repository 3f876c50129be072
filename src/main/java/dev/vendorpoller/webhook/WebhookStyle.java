package dev.vendorpoller.webhook;

import java.util.Arrays;
import java.util.Optional;

/** How a vendor signs its webhooks ({@code vendor-poller.feed.<feed>.webhook.style}). */
public enum WebhookStyle {
    /** {@code Stripe-Signature: t=…,v1=…}: HMAC-SHA256 (hex) over {@code t.body}, the secret's text as the key. */
    STRIPE("stripe", true),
    /** Standard Webhooks: {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64> …}. */
    STANDARD_WEBHOOKS("standard-webhooks", true),
    /** Eventbrite: unsigned, the body only names an {@code api_url} on the vendor; optionally HMAC like {@link #HMAC}. */
    EVENTBRITE("eventbrite", false),
    /** One configurable header carrying HMAC-SHA256 of the raw body, hex or base64 (optionally {@code sha256=}). */
    HMAC("hmac", false);

    private final String key;
    private final boolean timestamped;

    WebhookStyle(String key, boolean timestamped) {
        this.key = key;
        this.timestamped = timestamped;
    }

    /** The spelling in configuration and in {@code webhook_inbox.style}. */
    public String key() {
        return key;
    }

    /** Whether the signature covers a timestamp (then {@code webhook.tolerance} applies). */
    public boolean timestamped() {
        return timestamped;
    }

    public static Optional<WebhookStyle> of(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    public static String known() {
        return String.join(", ", Arrays.stream(values()).map(WebhookStyle::key).toList());
    }
}
