/**
 * The poll route's steps (routes/poll-feed.yaml, routes/errors.yaml): resume from the durable cursor, build the
 * request, read the page, recover a refused cursor, check each record, commit the page through ingest, end or defer
 * the run, dead-letter a failed page, and yield a run that used its share (max-pages-per-run, max-run-time) to its
 * feed's catch-up trigger ({@link dev.vendorpoller.poll.FeedSchedules}, which also measures how late runs start).
 * Their state between steps travels in exchange properties through {@link dev.vendorpoller.poll.PollRun}, the one
 * place their names are written.
 */
package dev.vendorpoller.poll;
