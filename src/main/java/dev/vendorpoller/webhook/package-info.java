/**
 * Webhooks (issue 15), the fast path beside the poll. The processing half: the inbox drain
 * ({@link dev.vendorpoller.webhook.InboxDrain}, routes/webhook-inbox.yaml) sends verified deliveries from
 * {@code webhook_inbox} through the same contract → idempotent repository → ledger → outbox path as a polled page
 * ({@link dev.vendorpoller.webhook.WebhookRecords} maps a body to the feed's vendor records, so a version has one key
 * whichever path brought it), and {@link dev.vendorpoller.webhook.Coverage} measures what each path missed. Uses
 * ingest, delivery, account and cluster; the operator surfaces read its coverage.
 */
package dev.vendorpoller.webhook;
