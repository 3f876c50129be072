package dev.vendorpoller.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One feed's records: its kind's contract with the feed's settings and its source's field mapping, and the kind's
 * ledger. Everything the kind-agnostic page commit asks of a kind goes through here.
 */
public interface FeedRecords {

    /** The kind's name, e.g. {@code registration}. */
    String kind();

    /** One vendor record through the source's mapping and the kind's contract. Never throws: a bad record is a reject. */
    ContractResult check(JsonNode vendorRecord);

    /** Plans the ledger rows for versions the idempotent repository has not seen before (inside the page transaction). */
    LedgerPlan plan(List<CanonicalRecord> fresh);

    /** The feed whose ledgered records this feed's records wait for and then apply to (payments to registrations). */
    default Optional<Follow> follows() {
        return Optional.empty();
    }

    /**
     * This feed's records refer to records of feed {@code source}, named by the feed's property {@code property}:
     * when a page of {@code source} makes records current, {@code waiting} plans what waited for them.
     */
    record Follow(String source, String property, Waiting waiting) {
    }

    /** What waited for records that have just become current in feed {@code source}. */
    @FunctionalInterface
    interface Waiting {
        LedgerPlan planFor(String source, List<CanonicalRecord> current);
    }
}
