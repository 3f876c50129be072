/**
 * Change scans: the cursor logic every "changed since T, paged with a continuation token" source shares
 * ({@code eventbrite-attendees} and the {@code continuation-since} cursor style of {@code http-json}). A scan asks from a
 * since, pages with the vendor's token, and only when it ends moves the high-water mark; a refused token restarts the
 * scan from its since. {@link dev.vendorpoller.source.scan.ScanState} is that state and its moves,
 * {@link dev.vendorpoller.source.scan.ScanCursor} applies them to a feed's cursor through the source's own
 * {@link dev.vendorpoller.source.scan.ScanCursor.Codec} (each source keeps its stored text readable). Part of the
 * source layer: uses feed (the cursor) only.
 */
package dev.vendorpoller.source.scan;
