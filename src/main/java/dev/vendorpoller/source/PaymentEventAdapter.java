package dev.vendorpoller.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vendorpoller.record.payment.RawPaymentEvent;
import dev.vendorpoller.record.registration.RawRegistration;
import java.util.Optional;

/**
 * An adapter whose records are payment events rather than registrations: they go through the payment-event contract
 * and are applied to the registrations of another feed (see ledger/PaymentLedger).
 */
public interface PaymentEventAdapter extends SourceAdapter {

    /** Picks the payment-event fields out of one vendor record, with the registration status its type moves to. */
    RawPaymentEvent paymentEvent(JsonNode record);

    /** The feed whose registrations the events refer to; empty: events are only recorded. */
    Optional<String> appliesTo();

    @Override
    default RawRegistration registration(JsonNode record) {
        throw new UnsupportedOperationException("a payment-event feed has no registrations");
    }
}
