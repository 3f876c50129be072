package dev.vendorpoller.record.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.feed.FeedConfigLoader;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.FieldError;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Normalises one feed's vendor registrations into {@link CanonicalRegistration} and validates them with Jakarta Bean
 * Validation. Interpretation errors (unparseable time, unknown payment status) and constraint violations are reported
 * together, one per field, so a reject says everything that is wrong with the record at once. Never throws for bad
 * data.
 */
public final class RegistrationContract {
    private static final Map<String, String> FIELD_NAMES = Map.of(
            "idempotencyKey", "idempotency_key", "externalId", "external_id", "ticketTier", "ticket_tier",
            "paymentStatus", "payment_status", "registeredAt", "registered_at", "sourceUpdatedAt", "source_updated_at");

    private final String feed;
    private final RegistrationSettings settings;
    private final Contracts contracts;

    private final Duration clockSkew;

    public RegistrationContract(String feed, RegistrationSettings settings, Contracts contracts) {
        this(feed, settings, contracts, FeedConfigLoader.DEFAULT_CLOCK_SKEW);
    }

    /** @param clockSkew a version time beyond now + clockSkew is rejected ({@code future_version_time}) */
    public RegistrationContract(String feed, RegistrationSettings settings, Contracts contracts, Duration clockSkew) {
        this.feed = feed;
        this.settings = settings;
        this.contracts = contracts;
        this.clockSkew = clockSkew;
    }

    public ContractResult check(RawRegistration in) {
        List<FieldError> errors = new ArrayList<>();
        String externalId = Contracts.text(in.id());
        String email = Contracts.text(in.email());
        if (email != null) {
            email = email.trim().toLowerCase(Locale.ROOT);
        }
        TicketTier tier = settings.tier(Contracts.text(in.ticketSku()));
        PaymentStatus status = paymentStatus(in.paymentStatus(), errors);
        Instant registeredAt = instant("registered_at", in.createdAt(), errors);
        Instant updatedAt = instant("source_updated_at", in.updatedAt(), errors);
        Instant latest = contracts.now().plus(clockSkew);
        if (updatedAt != null && updatedAt.isAfter(latest)) {
            errors.add(new FieldError("source_updated_at", "future_version_time", "'" + updatedAt + "' is more than "
                    + clockSkew + " (clock-skew) ahead of this service's clock"));
        }
        ObjectNode metadata = metadata(in.metadata(), errors);
        String key = externalId == null || updatedAt == null ? null : CanonicalRegistration.idempotencyKey(feed, externalId,
                updatedAt, CanonicalRegistration.digest(email, tier == null ? null : tier.name(),
                        status == null ? null : status.name(), registeredAt, updatedAt, metadata == null ? null : metadata.toString()));

        var registration = new CanonicalRegistration(key, feed, externalId, email, tier, status,
                registeredAt, updatedAt, metadata);
        Contracts.validate(registration, FIELD_NAMES, errors, key == null ? "idempotency_key" : null);
        if (errors.isEmpty()) {
            return ContractResult.valid(registration);
        }
        return ContractResult.rejected(contracts.reject(feed, externalId, in.raw(), errors));
    }

    private PaymentStatus paymentStatus(JsonNode node, List<FieldError> errors) {
        String raw = Contracts.text(node);
        if (raw == null) {
            return null; // reported by @NotNull
        }
        PaymentStatus status = settings.paymentStatus(raw);
        if (status == null) {
            errors.add(new FieldError("payment_status", "unknown_payment_status",
                    "vendor payment status '" + raw + "' maps to none of " + List.of(PaymentStatus.values())));
        }
        return status;
    }

    private static Instant instant(String field, JsonNode node, List<FieldError> errors) {
        Instant instant = Timestamps.toUtc(node);
        if (instant == null && node != null && !node.isNull() && !node.isMissingNode()) {
            errors.add(new FieldError(field, "invalid_timestamp",
                    "'" + node.asText() + "' is neither ISO-8601 with an offset nor epoch seconds"));
        }
        return instant;
    }

    private static ObjectNode metadata(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            errors.add(new FieldError("metadata", "not_an_object", "metadata must be a JSON object"));
            return null;
        }
        return (ObjectNode) node;
    }
}
