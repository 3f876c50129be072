/**
 * The registration kind (attendees, sign-ups): {@link dev.vendorpoller.record.registration.RawRegistration} as a
 * source picks it, the canonical form and its Bean Validation contract with the feed's tiers and payment spellings
 * ({@link dev.vendorpoller.record.registration.RegistrationSettings}), and ledger_registration, where the newest
 * version of each registration wins.
 */
package dev.vendorpoller.record.registration;
