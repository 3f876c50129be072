package dev.vendorpoller.record;

import java.util.Map;

/** Canonical payment states. Anything a vendor says that maps to none of them is a reject, never a guess. */
public enum PaymentStatus {
    PENDING, COMPLETED, REFUNDED, FAILED;

    /** Vendor spellings understood without configuration (matched case-insensitively); feeds may add more. */
    public static Map<String, PaymentStatus> defaultSpellings() {
        return Map.ofEntries(
                Map.entry("pending", PENDING), Map.entry("unpaid", PENDING), Map.entry("awaiting_payment", PENDING),
                Map.entry("processing", PENDING), Map.entry("open", PENDING),
                Map.entry("completed", COMPLETED), Map.entry("complete", COMPLETED), Map.entry("paid", COMPLETED),
                Map.entry("succeeded", COMPLETED), Map.entry("success", COMPLETED), Map.entry("settled", COMPLETED),
                Map.entry("refunded", REFUNDED), Map.entry("refund", REFUNDED),
                Map.entry("failed", FAILED), Map.entry("failure", FAILED), Map.entry("declined", FAILED));
    }
}
