/**
 * Feed type {@code stripe-events}: Stripe's {@code /events} list, back-filled then followed forward by ids it never
 * compares, with a settle window for events that appear late; mapped into payment events. See README "Feed type
 * stripe-events".
 */
package dev.vendorpoller.source.stripe;
