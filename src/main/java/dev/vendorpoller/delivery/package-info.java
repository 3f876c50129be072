/**
 * Delivery to the endpoints a feed names: where each kind of message goes
 * ({@link dev.vendorpoller.delivery.Destinations}: sink, reject and dead-letter URIs, the sink's account and field
 * mapping), the transactional outbox written with the ledger, the drain that sends it at-least-once, and the dead
 * letters (always stored, replayable, optionally forwarded). The drain sits above the dead letters, which sit above
 * the outbox: no cycle. Uses the account layer for sinks that go through a vendor account.
 */
package dev.vendorpoller.delivery;
