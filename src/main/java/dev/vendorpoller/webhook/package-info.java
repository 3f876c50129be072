/**
 * Webhooks, the receiving half: signed deliveries that vendors push to {@code POST /webhooks/<feed>} on the business
 * HTTP server (camel-platform-http, {@link dev.vendorpoller.webhook.WebhookServer}), verified over their raw bytes
 * ({@link dev.vendorpoller.webhook.WebhookVerifier}: Stripe, Standard Webhooks, Eventbrite, plain HMAC) and committed
 * to the durable {@link dev.vendorpoller.webhook.Inbox} before the sender gets its 2xx. The steps of
 * routes/webhooks.yaml are {@link dev.vendorpoller.webhook.WebhookReceiver}'s; each feed's settings
 * ({@code vendor-poller.feed.<feed>.webhook.*}) and the server's ({@code vendor-poller.webhooks.*}) are read and
 * checked at start-up by {@link dev.vendorpoller.webhook.WebhookSettings}. Processing the inbox rows into the ledger
 * is not done here.
 */
package dev.vendorpoller.webhook;
