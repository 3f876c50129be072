package dev.vendorpoller.source.http;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.record.registration.RawRegistration;
import java.util.Optional;

/**
 * Where each canonical field is in a vendor record: one JSON pointer per field ({@code field.<name>} keys), metadata
 * optional. A field the record lacks is passed on as missing; the contract decides whether that rejects the record.
 */
record FieldMapping(JsonPointer id, JsonPointer email, JsonPointer ticketSku, JsonPointer paymentStatus,
        JsonPointer createdAt, JsonPointer updatedAt, Optional<JsonPointer> metadata) {

    static final String ID = "field.id";
    static final String EMAIL = "field.email";
    static final String TICKET_SKU = "field.ticket-sku";
    static final String PAYMENT_STATUS = "field.payment-status";
    static final String CREATED_AT = "field.created-at";
    static final String UPDATED_AT = "field.updated-at";
    static final String METADATA = "field.metadata";

    static FieldMapping load(FeedKeys keys) {
        String why = "(a JSON pointer into each record)";
        return new FieldMapping(keys.pointer(ID, why), keys.pointer(EMAIL, why), keys.pointer(TICKET_SKU, why),
                keys.pointer(PAYMENT_STATUS, why), keys.pointer(CREATED_AT, why), keys.pointer(UPDATED_AT, why),
                keys.optionalPointer(METADATA));
    }

    RawRegistration registration(JsonNode record) {
        return new RawRegistration(record, at(record, id), at(record, email), at(record, ticketSku), at(record, paymentStatus),
                at(record, createdAt), at(record, updatedAt), metadata.map(m -> at(record, m)).orElse(null));
    }

    /** The value at {@code pointer}, or null when the record has none (as {@code JsonNode.get} would say). */
    private static JsonNode at(JsonNode record, JsonPointer pointer) {
        JsonNode value = record.at(pointer);
        return value.isMissingNode() ? null : value;
    }
}
