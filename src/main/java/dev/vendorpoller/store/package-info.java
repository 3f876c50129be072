/**
 * The database and the state every feed keeps in it, whatever its kind: the pooled DataSource and its Flyway schema
 * ({@link dev.vendorpoller.store.Database}, {@link dev.vendorpoller.store.StoreSettings}), portable SQL helpers, the
 * durable cursors, the idempotent repository (camel-sql's table, checked and written a page at a time) and stored
 * rejects. Every method that writes joins the caller's transaction (the page commit). Imports config and feed only.
 */
package dev.vendorpoller.store;
