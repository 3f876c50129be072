package dev.vendorpoller.ingest;

import dev.vendorpoller.delivery.Outbox;
import dev.vendorpoller.record.LedgerPlan;
import dev.vendorpoller.store.RejectStore;
import java.util.List;
import java.util.Set;

/**
 * Everything one batch of records will write, worked out before the first write: the idempotency keys of the new
 * versions, the ledger rows of their kind, what waited for them, the new rejects and the deliveries. {@link Ingest}
 * writes it in that order, in one transaction.
 */
record PagePlan(Set<String> newKeys, LedgerPlan ledger, List<LedgerPlan> waiting, List<RejectStore.Row> newRejects,
        List<Outbox.Entry> sinkDeliveries, List<Outbox.Entry> rejectDeliveries, Applied applied) {
}
