/**
 * Rate limits: what vendors say about their request budget ({@link dev.vendorpoller.ratelimit.RateLimitHeaders}).
 * The governor that spends a budget (issue 4) builds on this.
 */
package dev.vendorpoller.ratelimit;
