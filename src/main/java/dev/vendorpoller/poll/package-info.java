/**
 * The poll route's steps (routes/poll-feed.yaml, routes/errors.yaml): resume from the durable cursor, build the
 * request, read the page, recover a refused cursor, check each record, commit the page through ingest, end or defer
 * the run, dead-letter a failed page. Their state between steps travels in exchange properties through
 * {@link dev.vendorpoller.poll.PollRun}, the one place their names are written.
 */
package dev.vendorpoller.poll;
