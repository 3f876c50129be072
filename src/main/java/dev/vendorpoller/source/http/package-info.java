/**
 * Feed type {@code http-json}: a vendor of a known shape as configuration, not code (after Airbyte's declarative
 * connectors). A feed's keys say where the records are ({@link dev.vendorpoller.source.http.HttpJsonSettings}),
 * how the cursor moves ({@link dev.vendorpoller.source.http.CursorStyle}, one small class per style) and which
 * record fields make the canonical registration ({@link dev.vendorpoller.source.http.FieldMapping}).
 * {@link dev.vendorpoller.source.http.Preset}s are named sets of defaults: {@code registration-api} is one.
 * See README "Feed type http-json".
 */
package dev.vendorpoller.source.http;
