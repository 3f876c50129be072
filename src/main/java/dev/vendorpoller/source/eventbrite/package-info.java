/**
 * Feed type {@code eventbrite-attendees}: Eventbrite's attendee list of one event read as a change feed
 * ({@code changed_since} scans with continuation tokens, a lookback for late and same-second changes), mapped into
 * registrations. See README "Feed type eventbrite-attendees".
 */
package dev.vendorpoller.source.eventbrite;
