package dev.vendorpoller.record.registration;

/** Canonical ticket tiers; vendor SKUs map onto these per feed ({@code tiers=SKU:TIER}). */
public enum TicketTier {
    GENERAL_ADMISSION, VIP, STUDENT, SPEAKER, EXHIBITOR, SPONSOR, STAFF, UNKNOWN_TIER
}
