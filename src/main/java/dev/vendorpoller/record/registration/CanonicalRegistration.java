package dev.vendorpoller.record.registration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.record.CanonicalRecord;
import dev.vendorpoller.record.Hashes;
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

    /** The digest of this version's content: two reads with the same version time are one version only if equal. */
    @JsonIgnore
    public String contentDigest() {
        return digest(email, ticketTier == null ? null : ticketTier.name(), paymentStatus == null ? null : paymentStatus.name(),
                registeredAt, sourceUpdatedAt, metadata == null ? null : metadata.toString());
    }

    /** SHA-256 of a registration's canonical content (everything but its key and source), as the ledger stores it. */
    public static String digest(String email, String ticketTier, String paymentStatus, Instant registeredAt,
            Instant sourceUpdatedAt, String metadata) {
        return Hashes.sha256Hex(email, ticketTier, paymentStatus, String.valueOf(registeredAt), String.valueOf(sourceUpdatedAt),
                metadata);
    }

    /**
     * The identity of a version: feed, record, version time and the digest of its content, so a change within the
     * vendor's time resolution (two versions in one second) is a new version, and an identical read is the same one.
     */
    public static String idempotencyKey(String feed, String externalId, Instant sourceUpdatedAt, String contentDigest) {
        return Hashes.sha256Hex(feed, externalId, sourceUpdatedAt.toString(), contentDigest);
    }
}
