package dev.vendorpoller.record.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.FieldError;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.PaymentStatus;
import dev.vendorpoller.record.Rejection;
import dev.vendorpoller.record.Timestamps;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Normalises a vendor registration into {@link CanonicalRegistration} and validates it with Jakarta Bean Validation.
 * Interpretation errors (unparseable time, unknown payment status) and constraint violations are reported together,
 * one per field, so a reject says everything that is wrong with the record at once. Never throws for bad data.
 */
public final class RegistrationContract {
    private static final Map<String, String> FIELD_NAMES = Map.of(
            "idempotencyKey", "idempotency_key", "externalId", "external_id", "ticketTier", "ticket_tier",
            "paymentStatus", "payment_status", "registeredAt", "registered_at", "sourceUpdatedAt", "source_updated_at");

    private final Validator validator;
    private final Clock clock;

    public RegistrationContract(Clock clock) {
        this.validator = Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator())
                .buildValidatorFactory().getValidator();
        this.clock = clock;
    }

    public ContractResult check(FeedConfig feed, RawRegistration in) {
        List<FieldError> errors = new ArrayList<>();
        String externalId = text(in.id());
        String email = text(in.email());
        if (email != null) {
            email = email.trim().toLowerCase(Locale.ROOT);
        }
        TicketTier tier = tier(feed, text(in.ticketSku()));
        PaymentStatus status = paymentStatus(feed, in.paymentStatus(), errors);
        Instant registeredAt = instant("registered_at", in.createdAt(), errors);
        Instant updatedAt = instant("source_updated_at", in.updatedAt(), errors);
        ObjectNode metadata = metadata(in.metadata(), errors);
        String key = externalId == null || updatedAt == null ? null
                : Hashes.sha256Hex(feed.name(), externalId, updatedAt.toString());

        var registration = new CanonicalRegistration(key, feed.name(), externalId, email, tier, status,
                registeredAt, updatedAt, metadata);
        for (ConstraintViolation<CanonicalRegistration> v : validator.validate(registration)) {
            String field = FIELD_NAMES.getOrDefault(v.getPropertyPath().toString(), v.getPropertyPath().toString());
            boolean alreadyExplained = errors.stream().anyMatch(e -> e.field().equals(field));
            if (!alreadyExplained && !(field.equals("idempotency_key") && key == null)) {
                errors.add(new FieldError(field, code(v), v.getMessage()));
            }
        }
        if (errors.isEmpty()) {
            return ContractResult.valid(registration);
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::code));
        return ContractResult.rejected(reject(feed, externalId, in.raw(), errors));
    }

    /** For records that could not even be read as registrations (e.g. not a JSON object). */
    public Rejection reject(FeedConfig feed, String externalId, JsonNode raw, List<FieldError> errors) {
        String rawText = raw == null ? "null" : raw.toString();
        return new Rejection(Hashes.sha256Hex(feed.name(), rawText), feed.name(), externalId, clock.instant(),
                List.copyOf(errors), raw);
    }

    public static String code(ConstraintViolation<?> v) {
        String name = v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName();
        return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText();
        return text.isBlank() ? null : text.trim();
    }

    private static TicketTier tier(FeedConfig feed, String sku) {
        return sku == null ? TicketTier.UNKNOWN_TIER
                : feed.tiers().getOrDefault(sku.toLowerCase(Locale.ROOT), TicketTier.UNKNOWN_TIER);
    }

    private static PaymentStatus paymentStatus(FeedConfig feed, JsonNode node, List<FieldError> errors) {
        String raw = text(node);
        if (raw == null) {
            return null; // reported by @NotNull
        }
        PaymentStatus status = feed.paymentStatuses().get(raw.toLowerCase(Locale.ROOT));
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
