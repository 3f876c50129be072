-- Latest version, in order (issue 11). A sink message says which record it is a version of (record_key: source and
-- external id) and that version's time (version_time, the vendor's time of the version); delivered_version keeps,
-- per lane (feed + kind) and record, the newest version its endpoint accepted. The drain sends only the newest pending
-- version of a record, and never one that is not newer than the accepted one, so a receiver never goes backwards,
-- whatever order ids were generated in. Ties on version_time are broken by when the version was ledgered
-- (created_at / enqueued_at). Versioned 4.11 so it orders after any V4 another branch adds. Portable like V1.
ALTER TABLE outbox ADD COLUMN record_key VARCHAR(400);
ALTER TABLE outbox ADD COLUMN version_time TIMESTAMP WITH TIME ZONE;
CREATE INDEX ix_outbox_lane ON outbox (feed, kind, next_attempt_at);
-- Each lane reads its due rows along ix_outbox_lane; nothing reads by (next_attempt_at, id) any more, and every
-- index is one more write per message in the page commit.
DROP INDEX ix_outbox_due;
CREATE INDEX ix_outbox_record ON outbox (record_key, feed, kind);

CREATE TABLE delivered_version (
    record_key      VARCHAR(400)  NOT NULL,
    feed            VARCHAR(100)  NOT NULL,
    kind            VARCHAR(20)   NOT NULL,
    version_time    TIMESTAMP WITH TIME ZONE NOT NULL,
    enqueued_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    idempotency_key VARCHAR(64)   NOT NULL,
    delivered_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (record_key, feed, kind)
);

-- A DELIVERY dead letter keeps the version it was, so a replay is checked like any pending version.
ALTER TABLE dead_letter ADD COLUMN record_key VARCHAR(400);
ALTER TABLE dead_letter ADD COLUMN version_time TIMESTAMP WITH TIME ZONE;
