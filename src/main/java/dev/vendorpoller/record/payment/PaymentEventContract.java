package dev.vendorpoller.record.payment;

import dev.vendorpoller.feed.FeedConfig;
import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.FieldError;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.Timestamps;
import dev.vendorpoller.record.registration.RegistrationContract;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/** Validates and normalises payment events into {@link CanonicalPaymentEvent}; invalid ones become rejections. */
public final class PaymentEventContract {
    private static final Map<String, String> FIELD_NAMES = Map.of("idempotencyKey", "idempotency_key",
            "eventId", "event_id", "createdAt", "created_at", "objectId", "object_id", "amountMinor", "amount_minor",
            "paymentStatus", "payment_status", "registrationRef", "registration_ref");

    private final Validator validator = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
    private final RegistrationContract rejections;

    /** @param rejections makes rejections the same way for every record kind (same reconciliation keys) */
    public PaymentEventContract(RegistrationContract rejections) {
        this.rejections = rejections;
    }

    public ContractResult check(FeedConfig feed, RawPaymentEvent in) {
        List<FieldError> errors = new ArrayList<>();
        String eventId = RegistrationContract.text(in.eventId());
        Instant created = Timestamps.toUtc(in.created());
        if (created == null && in.created() != null && !in.created().isNull() && !in.created().isMissingNode()) {
            errors.add(new FieldError("created_at", "invalid_timestamp", "'" + in.created().asText() + "' is not a timestamp"));
        }
        Long amount = null;
        if (in.amount() != null && !in.amount().isNull() && !in.amount().isMissingNode()) {
            if (in.amount().canConvertToLong() && in.amount().isIntegralNumber()) {
                amount = in.amount().longValue();
            } else {
                errors.add(new FieldError("amount_minor", "not_an_integer", "amount must be an integer in minor units"));
            }
        }
        String currency = RegistrationContract.text(in.currency());
        var event = new CanonicalPaymentEvent(eventId == null ? null : Hashes.sha256Hex(feed.name(), eventId), feed.name(),
                eventId, RegistrationContract.text(in.type()), created, RegistrationContract.text(in.objectId()), amount,
                currency == null ? null : currency.toLowerCase(Locale.ROOT), RegistrationContract.text(in.status()), in.paymentStatus(),
                RegistrationContract.text(in.registrationRef()));
        for (ConstraintViolation<CanonicalPaymentEvent> v : validator.validate(event)) {
            String field = FIELD_NAMES.getOrDefault(v.getPropertyPath().toString(), v.getPropertyPath().toString());
            boolean alreadyExplained = errors.stream().anyMatch(e -> e.field().equals(field));
            if (!alreadyExplained && !(field.equals("idempotency_key") && eventId == null)) {
                errors.add(new FieldError(field, RegistrationContract.code(v), v.getMessage()));
            }
        }
        if (errors.isEmpty()) {
            return new ContractResult.ValidPayment(event);
        }
        errors.sort(Comparator.comparing(FieldError::field).thenComparing(FieldError::code));
        return ContractResult.rejected(rejections.reject(feed, eventId, in.raw(), errors));
    }
}
