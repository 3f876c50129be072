/**
 * Vendor accounts: what every feed and sink on one account shares (credentials, request budget, circuit breaker;
 * {@link dev.vendorpoller.account.AccountConfig} read by {@link dev.vendorpoller.account.AccountConfigLoader}), the
 * route steps each request to an account passes (routes/vendor-account.yaml, {@link
 * dev.vendorpoller.account.VendorCalls}) and the exchange properties a caller sets for it ({@link
 * dev.vendorpoller.account.AccountCall}).
 */
package dev.vendorpoller.account;
