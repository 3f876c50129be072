/**
 * The payment-event kind (e.g. Stripe events): immutable events kept in payment_event and applied to the
 * registrations of the feed named by {@code applies-to}, out of order and before their registration arrives (held in
 * payment_holding, applied by the page that ledgers it).
 */
package dev.vendorpoller.record.payment;
