package dev.vendorpoller.record.registration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A vendor record's registration fields, picked out by the vendor adapter but not yet interpreted. Each value is the
 * vendor's JSON (possibly missing); {@link RegistrationContract} decides what it means.
 */
public record RawRegistration(
        JsonNode raw,
        JsonNode id,
        JsonNode email,
        JsonNode ticketSku,
        JsonNode paymentStatus,
        JsonNode createdAt,
        JsonNode updatedAt,
        JsonNode metadata) {
}
