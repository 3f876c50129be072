-- The hourly idempotency prune deletes keys by createdAt (issue 12). Without an index each prune scanned every key
-- while holding the one connection the page commits need (embedded H2 has a pool of one): with millions of keys the
-- pages stalled for the whole scan. The index costs a third B-tree write per key on the hot path; the prune can then
-- find its oldest keys directly and delete them in small batches (store/IdempotencyPrune). Creating it on an
-- existing large table takes a while once, at the upgrade. Portable to H2 2.x and PostgreSQL 15 like V1.
CREATE INDEX ix_messageprocessed_created ON CAMEL_MESSAGEPROCESSED (createdAt);
