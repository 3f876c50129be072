/**
 * Rate limits: what vendors say about their request budget ({@link dev.vendorpoller.ratelimit.RateLimitHeaders}), the
 * per-account {@link dev.vendorpoller.ratelimit.Governor} that spends it, the settings it runs with (governor and
 * circuit breaker, read here from the account's keys), and the full-jitter backoff. On a cluster (PostgreSQL) the
 * governors of all nodes spend one budget per account through {@link dev.vendorpoller.ratelimit.SharedBudget}
 * ({@link dev.vendorpoller.ratelimit.PostgresBudget}: plain JDBC on the DataSource app hands in). Imports config and
 * failure.
 */
package dev.vendorpoller.ratelimit;
