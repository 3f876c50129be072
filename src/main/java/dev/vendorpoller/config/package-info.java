/**
 * The bottom layer: typed, fail-fast reading of properties ({@link dev.vendorpoller.config.ConfigReader}, whatever
 * their source: file, {@code -D}, environment), the start-up error that names the bad property
 * ({@link dev.vendorpoller.config.ConfigException}), and credentials that never print themselves
 * ({@link dev.vendorpoller.config.Secret}, {@link dev.vendorpoller.config.Secrets}). It imports nothing of ours:
 * each concern owns its settings record and reads it with these (feed core in feed, governor in ratelimit, contract
 * in its record kind, deliveries in delivery, storage in store).
 */
package dev.vendorpoller.config;
