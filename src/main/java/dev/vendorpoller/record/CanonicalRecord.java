package dev.vendorpoller.record;

import java.time.Instant;

/**
 * What every canonical record has, whatever its kind: the identity of this version ({@link #idempotencyKey}), where
 * it came from, which record it is a version of, and the vendor's time of this version. The page commit needs nothing
 * else to filter versions through the idempotent repository and to queue them for delivery.
 */
public interface CanonicalRecord {
    /** SHA-256 hex identity of this version; the same version read twice has the same key. */
    String idempotencyKey();

    /** The feed it was read from. */
    String source();

    /** The vendor's id of the record this is a version of (a registration's external id, an event's id). */
    String recordId();

    /** The vendor's time of this version (a registration's updated-at, an event's created time). */
    Instant versionTime();
}
