package dev.vendorpoller.record.payment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.record.PaymentStatus;

/** The fields of one vendor payment event, as the vendor sent them; the contract validates and normalises them. */
public record RawPaymentEvent(JsonNode raw, JsonNode eventId, JsonNode type, JsonNode created, JsonNode objectId,
        JsonNode amount, JsonNode currency, JsonNode status, JsonNode registrationRef, PaymentStatus paymentStatus) {
}
