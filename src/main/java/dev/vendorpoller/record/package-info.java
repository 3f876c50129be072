/**
 * Record kinds: what a feed's records are and what becomes of them. The root holds what every kind shares — the
 * SPI ({@link dev.vendorpoller.record.RecordKind}: raw type, keys, binding to a feed;
 * {@link dev.vendorpoller.record.FeedRecords}: a feed's contract and ledger;
 * {@link dev.vendorpoller.record.LedgerPlan}: the rows a page leads to), the canonical record's identity
 * ({@link dev.vendorpoller.record.CanonicalRecord}), contract results, rejections and their helpers, and the shared
 * vocabulary ({@link dev.vendorpoller.record.PaymentStatus}). One subpackage per kind owns its raw fields, canonical
 * form, contract, settings and ledger; kinds never import each other (a payment event knows the registrations only
 * by their table). Adding a kind is one folder and one line in the service's list of kinds. Uses store's SQL helpers
 * and config; never sources, delivery or the poll route.
 */
package dev.vendorpoller.record;
