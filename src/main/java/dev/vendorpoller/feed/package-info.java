/**
 * What a feed is, whatever its type: the keys every feed has ({@link dev.vendorpoller.feed.FeedConfig}: name, type,
 * base URL, schedule, page size, account; read and checked by {@link dev.vendorpoller.feed.FeedConfigLoader}) and its
 * durable position, the immutable {@link dev.vendorpoller.feed.Cursor}. Sources compute cursors, the store keeps them:
 * the value lives here, below both. Imports config only.
 */
package dev.vendorpoller.feed;
