/**
 * Rate limits: what vendors say about their request budget ({@link dev.vendorpoller.ratelimit.RateLimitHeaders}) and
 * the per-account {@link dev.vendorpoller.ratelimit.Governor} that spends it.
 */
package dev.vendorpoller.ratelimit;
