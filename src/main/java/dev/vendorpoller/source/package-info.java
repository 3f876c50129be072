/**
 * Sources: what one feed's vendor needs in code, as small one-method steps (after kafka-connect-http's
 * request factory / response parser split) — {@link dev.vendorpoller.source.RequestFactory} (the request from a
 * cursor), {@link dev.vendorpoller.source.PageParser} (the page from a response),
 * {@link dev.vendorpoller.source.CursorRecovery} (recovery from a refused cursor) and
 * {@link dev.vendorpoller.source.RecordMapper} (a vendor record into its kind's raw fields) — joined in
 * {@link dev.vendorpoller.source.SourceAdapter}, and the type registry {@link dev.vendorpoller.source.SourceTypes}
 * (feed type → factory and its keys). One folder per vendor that needs code ({@code source/<name>}), and
 * {@code source/http} for every vendor that is configuration; {@code source/scan} is the change-scan cursor both
 * {@code eventbrite} and {@code http-json}'s {@code continuation-since} use. Uses feed, config, failure and the record kinds' raw
 * types; never the store, the delivery or the operator surfaces.
 */
package dev.vendorpoller.source;
