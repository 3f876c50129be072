/**
 * A feed as it runs ({@link dev.vendorpoller.ingest.Feed}: its source, records, idempotent repository, account and
 * stats) and the one path every batch of its records takes into the ledger, whatever read it:
 * {@link dev.vendorpoller.ingest.Ingest} plans the batch without writing (new versions, their kind's ledger rows,
 * what waited for them, new rejects, deliveries), then writes the plan in a fixed order in one transaction. It knows
 * no record kind: the kinds plan their own rows.
 */
package dev.vendorpoller.ingest;
