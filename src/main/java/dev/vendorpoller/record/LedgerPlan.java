package dev.vendorpoller.record;

import java.util.List;

/**
 * The ledger rows one page's new versions of one kind lead to, worked out (reads only) before anything is written;
 * the page commit then writes every part of the page in a fixed order, all in one transaction.
 */
public interface LedgerPlan {
    /** Nothing to write. */
    LedgerPlan NONE = of(List.of(), 0, () -> { });

    /** A plan of {@code current} versions and {@code stale} ones, whose rows {@code write} writes. */
    static LedgerPlan of(List<CanonicalRecord> current, int stale, Runnable write) {
        return new LedgerPlan() {
            @Override
            public List<CanonicalRecord> current() {
                return current;
            }

            @Override
            public int stale() {
                return stale;
            }

            @Override
            public void write() {
                write.run();
            }
        };
    }

    /** The versions that become the ledger's current ones: what the feed's sink receives. */
    List<CanonicalRecord> current();

    /** New versions that are older than what the ledger holds: counted, never sent (they would regress a receiver). */
    int stale();

    /** Writes the planned rows; called inside the page transaction, after the plan's reads. */
    void write();
}
