/**
 * Webhooks, the receiving half: signed deliveries that vendors push to {@code POST /webhooks/<feed>} on the business
 * HTTP server (camel-platform-http, {@link dev.vendorpoller.webhook.WebhookServer}), verified over their raw bytes
 * ({@link dev.vendorpoller.webhook.WebhookVerifier}: Stripe, Standard Webhooks, Eventbrite, plain HMAC) and committed
 * to the durable {@link dev.vendorpoller.webhook.Inbox} before the sender gets its 2xx. The steps of
 * routes/webhooks.yaml are {@link dev.vendorpoller.webhook.WebhookReceiver}'s; each feed's settings
 * ({@code vendor-poller.feed.<feed>.webhook.*}) and the server's ({@code vendor-poller.webhooks.*}) are read and
 * checked at start-up by {@link dev.vendorpoller.webhook.WebhookSettings}. Processing the inbox rows into the ledger
 * is {@link dev.vendorpoller.webhook.InboxDrain}'s (routes/webhook-inbox.yaml): verified deliveries go through the same
 * contract → idempotent repository → ledger → outbox path as a polled page ({@link dev.vendorpoller.webhook.WebhookRecords}
 * maps a body to the feed's vendor records, so a version has one key whichever path brought it), and
 * {@link dev.vendorpoller.webhook.Coverage} measures what each path missed; the operator surfaces read it.
 */
package dev.vendorpoller.webhook;
