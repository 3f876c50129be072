package dev.vendorpoller.demo;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The demo vendor's data, as pure functions of a position in its change log, so a backlog of millions costs no memory
 * and a test can compute exactly what the ledger must hold. Entries 0..backlog-1 create records 0..backlog-1; each
 * later entry creates a new record, except every {@code UPDATE_EVERY}-th, which is a new version of an older record.
 * Versions' updated_at grow with the position, so a later entry of a record is always its newer version.
 */
public final class DemoData {
    public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    public static final int UPDATE_EVERY = 5;
    private static final String[] SKUS = {"GA-2026", "VIP-2026", "STU-2026", "SPK-2026", "EXPO-2026", "PROMO-X"};
    private static final String[] STATUSES = {"paid", "PENDING", "Completed", "refunded", "failed", "succeeded"};

    private final long backlog;
    private final int invalidEvery;

    /** @param invalidEvery every n-th record is invalid (0: none) */
    public DemoData(long backlog, int invalidEvery) {
        this.backlog = backlog;
        this.invalidEvery = invalidEvery;
    }

    /** Which record the entry at {@code position} is a version of. */
    public long recordAt(long position) {
        if (position < backlog || (position - backlog) % UPDATE_EVERY != UPDATE_EVERY - 1) {
            return position;
        }
        return (position * 7919L) % Math.max(1, backlog); // a backlog record, spread over the log
    }

    public boolean isValid(long record) {
        return invalidEvery <= 0 || record % invalidEvery != invalidEvery / 2;
    }

    public static String id(long record) {
        return "reg-" + record;
    }

    public static Instant updatedAt(long position) {
        return T0.plusSeconds(position);
    }

    /** One entry of the change log as the vendor serves it (JSON), written straight into {@code out}. */
    public void appendJson(long position, StringBuilder out) {
        long record = recordAt(position);
        appendJson(record, position, isValid(record), out);
    }

    /** The version of {@code record} at {@code position} as the vendor serves it (for a test's expected keys). */
    public static void appendJson(long record, long position, boolean valid, StringBuilder out) {
        out.append("{\"id\":\"").append(id(record)).append("\",\"email\":\"");
        if (valid) {
            out.append(" Attendee.").append(record).append("@Example.COM ");
        } else {
            out.append("attendee-").append(record).append("-at-example.com");
        }
        out.append("\",\"ticket_sku\":\"").append(SKUS[(int) (record % SKUS.length)])
                .append("\",\"payment_status\":\"").append(valid || record % 2 == 0 ? STATUSES[(int) (position % STATUSES.length)] : "chargeback")
                .append("\",\"created_at\":");
        time(T0.plusSeconds(record), record, out);
        out.append(",\"updated_at\":");
        time(updatedAt(position), position, out);
        out.append(",\"metadata\":{\"channel\":\"").append(record % 3 == 0 ? "web" : "mobile")
                .append("\",\"log_position\":").append(position).append("}}");
    }

    /** Vendors mix time formats: Z, an offset, epoch seconds. The contract must normalise all three to the same UTC. */
    private static void time(Instant instant, long variant, StringBuilder out) {
        switch ((int) (variant % 3)) {
            case 0 -> out.append('"').append(instant).append('"');
            case 1 -> out.append('"').append(instant.atOffset(ZoneOffset.ofHours(2))).append('"');
            default -> out.append(instant.getEpochSecond());
        }
    }
}
