package dev.vendorpoller.source;

import dev.vendorpoller.failure.VendorRequestRejectedException;
import dev.vendorpoller.feed.Cursor;
import java.util.Optional;

/**
 * The vendor refused the request for the page after a cursor (a 4xx). When the cursor itself is the cause and a safe
 * one can be derived (an expired continuation token: restart the scan from its stored start), that cursor; the route
 * stores it and asks again. Empty: the refusal is dead-lettered.
 */
@FunctionalInterface
public interface CursorRecovery {
    /** Never recovers: every refusal is dead-lettered. */
    CursorRecovery NONE = (cursor, refusal) -> Optional.empty();

    Optional<Cursor> recover(Cursor cursor, VendorRequestRejectedException refusal);
}
