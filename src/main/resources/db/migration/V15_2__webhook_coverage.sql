-- What each path missed (issue 15). For feeds that have a webhook only (no row is written for any other feed), the
-- version a poll page or a webhook batch records first is noted here in the same transaction as its idempotency key:
-- which path saw it first, when, and when a webhook announced it (the inbox row's received_at; NULL: none yet). A
-- webhook for a version the poll saw first sets webhook_at. Once a row is older than the feed's webhook.grace, the
-- coverage pass counts it into webhook_coverage and deletes it, so this table holds only the grace window. No index
-- beside the key: it would be one more B-tree write per version on the page commit; the pass scans a small table.
CREATE TABLE version_seen (
    message_id    VARCHAR(100)  NOT NULL,   -- CAMEL_MESSAGEPROCESSED.messageId of the version
    feed          VARCHAR(100)  NOT NULL,
    first_path    VARCHAR(10)   NOT NULL,   -- WEBHOOK or POLL
    first_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    webhook_at    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (message_id, feed)
);

-- Settled counts per feed: versions first seen by webhook, first seen by poll, and of those the ones no webhook
-- announced within the grace (missed). announced = by_webhook + by_poll - missed.
CREATE TABLE webhook_coverage (
    feed        VARCHAR(100)  NOT NULL PRIMARY KEY,
    by_webhook  BIGINT        NOT NULL,
    by_poll     BIGINT        NOT NULL,
    missed      BIGINT        NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A WEBHOOK dead letter names its inbox row: a replay puts that row back to PENDING.
ALTER TABLE dead_letter ADD COLUMN webhook_inbox_id BIGINT;
