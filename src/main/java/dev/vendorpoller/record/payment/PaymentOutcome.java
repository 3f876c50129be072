package dev.vendorpoller.record.payment;

/** What a payment event did to the registration it names (payment_event.outcome). */
public enum PaymentOutcome {
    /** It moved the registration's payment status. */
    APPLIED,
    /** A newer event had already moved it: events arrive out of order. */
    SUPERSEDED,
    /** The registration has not arrived yet: the event waits in payment_holding. */
    HELD,
    /** Its type moves no status, or it names no registration. */
    NO_EFFECT
}
