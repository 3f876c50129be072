package dev.vendorpoller.record.payment;

import dev.vendorpoller.record.ContractResult;
import dev.vendorpoller.record.Contracts;
import dev.vendorpoller.record.FieldError;
import dev.vendorpoller.record.Hashes;
import dev.vendorpoller.record.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Validates and normalises payment events into {@link CanonicalPaymentEvent}; invalid ones become rejections. */
public final class PaymentEventContract {
    private static final Map<String, String> FIELD_NAMES = Map.of("idempotencyKey", "idempotency_key",
            "eventId", "event_id", "createdAt", "created_at", "objectId", "object_id", "amountMinor", "amount_minor",
            "paymentStatus", "payment_status", "registrationRef", "registration_ref");

    private final String feed;
    private final Contracts contracts;
    private final Duration clockSkew;

    /**
     * @param contracts makes rejections the same way for every record kind (same reconciliation keys)
     * @param clockSkew an event created beyond now + clockSkew is rejected ({@code future_version_time})
     */
    public PaymentEventContract(String feed, Contracts contracts, Duration clockSkew) {
        this.feed = feed;
        this.contracts = contracts;
        this.clockSkew = clockSkew;
    }

    public ContractResult check(RawPaymentEvent in) {
        List<FieldError> errors = new ArrayList<>();
        String eventId = Contracts.text(in.eventId());
        Instant created = Timestamps.toUtc(in.created());
        if (created == null && in.created() != null && !in.created().isNull() && !in.created().isMissingNode()) {
            errors.add(new FieldError("created_at", "invalid_timestamp", "'" + in.created().asText() + "' is not a timestamp"));
        } else if (created != null && created.isAfter(contracts.now().plus(clockSkew))) {
            // a bad clock at the vendor: such an event would order after every real one (issue 12)
            errors.add(new FieldError("created_at", "future_version_time", "'" + created + "' is more than " + clockSkew
                    + " (clock-skew) ahead of this service's clock"));
        }
        Long amount = null;
        if (in.amount() != null && !in.amount().isNull() && !in.amount().isMissingNode()) {
            if (in.amount().canConvertToLong() && in.amount().isIntegralNumber()) {
                amount = in.amount().longValue();
            } else {
                errors.add(new FieldError("amount_minor", "not_an_integer", "amount must be an integer in minor units"));
            }
        }
        String currency = Contracts.text(in.currency());
        var event = new CanonicalPaymentEvent(eventId == null ? null : Hashes.sha256Hex(feed, eventId), feed,
                eventId, Contracts.text(in.type()), created, Contracts.text(in.objectId()), amount,
                currency == null ? null : currency.toLowerCase(Locale.ROOT), Contracts.text(in.status()), in.paymentStatus(),
                Contracts.text(in.registrationRef()));
        Contracts.validate(event, FIELD_NAMES, errors, eventId == null ? "idempotency_key" : null);
        if (errors.isEmpty()) {
            return ContractResult.valid(event);
        }
        return ContractResult.rejected(contracts.reject(feed, eventId, in.raw(), errors));
    }
}
