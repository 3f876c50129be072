package dev.vendorpoller.record;

import dev.vendorpoller.record.payment.CanonicalPaymentEvent;
import dev.vendorpoller.record.registration.CanonicalRegistration;

/** The outcome of checking one vendor record against the contract: a canonical record or a rejection. */
public sealed interface ContractResult {

    record Valid(CanonicalRegistration registration) implements ContractResult {
    }

    record Rejected(Rejection rejection) implements ContractResult {
    }

    /** A valid payment event (feeds of payment-event types). */
    record ValidPayment(CanonicalPaymentEvent event) implements ContractResult {
    }

    static ContractResult valid(CanonicalRegistration registration) {
        return new Valid(registration);
    }

    static ContractResult rejected(Rejection rejection) {
        return new Rejected(rejection);
    }

}
