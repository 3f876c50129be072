package dev.vendorpoller.ingest;

/**
 * What one batch of vendor records did: read, became current in the ledger, were versions seen before, were new but
 * older than the ledger's, were rejected.
 */
public record Applied(int records, int ledgered, int duplicates, int stale, int rejected) {

    public String summary() {
        return "records=" + records + ", ledgered=" + ledgered + ", duplicates=" + duplicates + ", stale=" + stale
                + ", rejected=" + rejected;
    }
}
