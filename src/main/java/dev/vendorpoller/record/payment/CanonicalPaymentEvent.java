package dev.vendorpoller.record.payment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.PaymentStatus;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * The canonical payment event (serialised snake_case). Vendor events are immutable, so the idempotency key is the
 * feed and the event id: an event read again (the settle window re-reads young events on purpose) is dropped.
 *
 * @param paymentStatus the registration payment status this event moves to, or null when its type moves none
 */
@JsonPropertyOrder({"idempotency_key", "source", "event_id", "type", "created_at", "object_id", "amount_minor",
        "currency", "status", "payment_status", "registration_ref"})
public record CanonicalPaymentEvent(
        @JsonProperty("idempotency_key") @NotNull @Pattern(regexp = "[0-9a-f]{64}") String idempotencyKey,
        @JsonProperty("source") @NotBlank String source,
        @JsonProperty("event_id") @NotBlank @Size(max = 255) String eventId,
        @JsonProperty("type") @NotBlank @Size(max = 255) String type,
        @JsonProperty("created_at") @NotNull Instant createdAt,
        @JsonProperty("object_id") @Size(max = 255) String objectId,
        @JsonProperty("amount_minor") @PositiveOrZero Long amountMinor,
        @JsonProperty("currency") @Pattern(regexp = "[a-z]{3}") String currency,
        @JsonProperty("status") @Size(max = 50) String status,
        @JsonProperty("payment_status") PaymentStatus paymentStatus,
        @JsonProperty("registration_ref") @Size(max = 255) String registrationRef) implements CanonicalRecord {

    /** An event is a record of its own: it has one version, never another. */
    @Override
    @JsonIgnore
    public String recordId() {
        return eventId;
    }

    @Override
    @JsonIgnore
    public Instant versionTime() {
        return createdAt;
    }
}
