-- What each path missed (issue 15), for feeds that have a webhook only (nothing is written for any other feed).
-- Counts per feed and second, written in the transaction that first records a version: a poll page adds its new
-- versions to by_poll (one row update per page, not one row per version: the page commit stays cheap), a webhook
-- batch adds its new versions to by_webhook, and a webhook for a version the poll saw first adds 1 to announced in the
-- second the poll saw it (CAMEL_MESSAGEPROCESSED.createdAt), when it came within the feed's webhook.grace. Once a
-- second is older than the grace, by_poll - announced of it are versions no webhook announced (missed); the coverage
-- pass folds such seconds into the feed's row at 1970-01-01 so the table stays small.
CREATE TABLE webhook_coverage (
    bucket_start  TIMESTAMP WITH TIME ZONE NOT NULL,  -- the second; 1970-01-01T00:00Z: everything folded
    feed          VARCHAR(100)  NOT NULL,
    by_webhook    BIGINT        NOT NULL,
    by_poll       BIGINT        NOT NULL,
    announced     BIGINT        NOT NULL,
    PRIMARY KEY (bucket_start, feed)
);

-- The versions webhooks brought (first, or announcing one the poll saw first), kept about twice the grace: a second
-- webhook for the same version counts nothing. Written on the webhook path only.
CREATE TABLE webhook_seen (
    message_id  VARCHAR(100)  NOT NULL,   -- CAMEL_MESSAGEPROCESSED.messageId of the version
    feed        VARCHAR(100)  NOT NULL,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (message_id, feed)
);

-- A WEBHOOK dead letter names its inbox row: a replay puts that row back to PENDING.
ALTER TABLE dead_letter ADD COLUMN webhook_inbox_id BIGINT;
