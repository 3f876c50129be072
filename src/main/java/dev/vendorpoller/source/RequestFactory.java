package dev.vendorpoller.source;

import dev.vendorpoller.feed.Cursor;

/** The request that reads the page after a cursor. */
@FunctionalInterface
public interface RequestFactory {
    PageRequest request(Cursor cursor);
}
