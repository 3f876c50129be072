/**
 * Vendor accounts: what every feed and sink on one account shares (credentials, request budget, circuit breaker),
 * and the route steps each request to an account passes (routes/vendor-account.yaml).
 */
package dev.vendorpoller.account;
