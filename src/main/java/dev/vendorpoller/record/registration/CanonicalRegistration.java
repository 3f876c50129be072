package dev.vendorpoller.record.registration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.PaymentStatus;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** The canonical registration every registration-shaped vendor is normalised into (serialised snake_case). */
@JsonPropertyOrder({"idempotency_key", "source", "external_id", "email", "ticket_tier", "payment_status",
        "registered_at", "source_updated_at", "metadata"})
public record CanonicalRegistration(
        @JsonProperty("idempotency_key") @NotNull @Pattern(regexp = "[0-9a-f]{64}") String idempotencyKey,
        @JsonProperty("source") @NotBlank String source,
        @JsonProperty("external_id") @NotBlank @Size(max = 255) String externalId,
        // Hibernate's @Email accepts "a@b"; a ledger of attendees wants a dotted domain.
        @JsonProperty("email") @NotBlank @Size(max = 320) @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+") String email,
        @JsonProperty("ticket_tier") @NotNull TicketTier ticketTier,
        @JsonProperty("payment_status") @NotNull PaymentStatus paymentStatus,
        @JsonProperty("registered_at") @NotNull Instant registeredAt,
        @JsonProperty("source_updated_at") @NotNull Instant sourceUpdatedAt,
        @JsonProperty("metadata") @NotNull ObjectNode metadata) implements CanonicalRecord {

    @Override
    @JsonIgnore
    public String recordId() {
        return externalId;
    }

    @Override
    @JsonIgnore
    public Instant versionTime() {
        return sourceUpdatedAt;
    }
}
