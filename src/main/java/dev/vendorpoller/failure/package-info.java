/**
 * Vendor failures, classified: what a vendor's answer (or its absence) means for a request — retry it
 * ({@link dev.vendorpoller.failure.RetryableVendorException}, a 5xx, a truncated or malformed page), wait
 * ({@link dev.vendorpoller.failure.RateLimitedException}), refresh credentials once, give up and dead-letter
 * ({@link dev.vendorpoller.failure.VendorRequestRejectedException}), or end the run having sent nothing
 * ({@link dev.vendorpoller.failure.BudgetWaitTooLongException}). Sources throw them, the account route classifies into
 * them, and the poll route's error handler (routes/errors.yaml), the outbox drain and the dead letters read them.
 * Bottom layer: imports nothing of ours, so an adapter can throw them without seeing the account layer.
 */
package dev.vendorpoller.failure;
