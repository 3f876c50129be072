package dev.vendorpoller.poll;

import dev.vendorpoller.feed.Cursor;

/** What one committed page did; logged as one line per page and kept as exchange properties. */
public record PageOutcome(Cursor before, Cursor after, int records, int ledgered, int duplicates, int stale,
        int rejected, boolean hasMore) {

    public String summary() {
        return "cursor " + before + " -> " + after + ", records=" + records + ", ledgered=" + ledgered
                + ", duplicates=" + duplicates + ", stale=" + stale + ", rejected=" + rejected + ", hasMore=" + hasMore;
    }
}
