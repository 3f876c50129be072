package dev.vendorpoller.record;

import java.util.List;

/**
 * The ledger rows one page's new versions of one kind lead to, worked out (reads only) before anything is written;
 * the page commit then writes every part of the page in a fixed order, all in one transaction.
 */
public interface LedgerPlan {
    /** Nothing to write. */
    LedgerPlan NONE = new LedgerPlan() {
        @Override
        public List<CanonicalRecord> current() {
            return List.of();
        }

        @Override
        public int stale() {
            return 0;
        }

        @Override
        public void write() {
        }
    };

    /** The versions that become the ledger's current ones: what the feed's sink receives. */
    List<CanonicalRecord> current();

    /** New versions that are older than what the ledger holds: counted, never sent (they would regress a receiver). */
    int stale();

    /** Writes the planned rows; called inside the page transaction, after the plan's reads. */
    void write();
}
