package dev.vendorpoller.record.registration;

import dev.vendorpoller.config.ConfigException;
import dev.vendorpoller.config.ConfigReader;
import dev.vendorpoller.record.PaymentStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How one feed's vendor values map onto the canonical registration: {@code tiers} (vendor SKU → ticket tier) and
 * {@code payment-statuses} (vendor spelling → payment status, on top of {@link PaymentStatus#defaultSpellings()}).
 * Keys are lower-cased: both match case-insensitively.
 */
public record RegistrationSettings(Map<String, TicketTier> tiers, Map<String, PaymentStatus> paymentStatuses) {
    public static final String TIERS = "tiers";
    public static final String PAYMENT_STATUSES = "payment-statuses";
    /** The feed keys this record reads. */
    public static final List<String> KEYS = List.of(TIERS, PAYMENT_STATUSES);

    /** No tiers, the default spellings. */
    public static RegistrationSettings defaults() {
        return new RegistrationSettings(Map.of(), PaymentStatus.defaultSpellings());
    }

    /** Reads {@code prefix + tiers} and {@code prefix + payment-statuses}; a bad entry names its property. */
    public static RegistrationSettings load(ConfigReader config, String prefix) {
        String tiersKey = prefix + TIERS;
        Map<String, TicketTier> tiers = new LinkedHashMap<>();
        config.pairs(tiersKey, "VENDOR_VALUE:CANONICAL_VALUE").forEach((sku, tier) -> {
            try {
                tiers.put(sku.toLowerCase(Locale.ROOT), TicketTier.valueOf(tier.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(tiersKey, "maps '" + sku + "' to unknown tier '" + tier + "' (known: "
                        + List.of(TicketTier.values()) + ")");
            }
        });
        String statusesKey = prefix + PAYMENT_STATUSES;
        Map<String, PaymentStatus> statuses = new LinkedHashMap<>(PaymentStatus.defaultSpellings());
        config.pairs(statusesKey, "VENDOR_VALUE:CANONICAL_VALUE").forEach((spelling, status) -> {
            try {
                statuses.put(spelling.toLowerCase(Locale.ROOT), PaymentStatus.valueOf(status.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(statusesKey, "maps '" + spelling + "' to unknown payment status '" + status + "'");
            }
        });
        return new RegistrationSettings(Map.copyOf(tiers), Map.copyOf(statuses));
    }

    /** The tier a vendor SKU maps to; unknown or missing SKUs are {@link TicketTier#UNKNOWN_TIER}. */
    public TicketTier tier(String sku) {
        return sku == null ? TicketTier.UNKNOWN_TIER : tiers.getOrDefault(sku.toLowerCase(Locale.ROOT), TicketTier.UNKNOWN_TIER);
    }

    /** True when {@code tiers} names this vendor value. */
    public boolean knowsTier(String sku) {
        return tiers.containsKey(sku.toLowerCase(Locale.ROOT));
    }

    /** The status a vendor spelling maps to, or null when none does (a reject). */
    public PaymentStatus paymentStatus(String spelling) {
        return paymentStatuses.get(spelling.toLowerCase(Locale.ROOT));
    }
}
