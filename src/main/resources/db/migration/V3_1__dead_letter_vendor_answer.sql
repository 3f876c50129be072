-- What the vendor answered when a dead letter's last attempt failed: its HTTP status and an excerpt of its body
-- (masked, at most 2000 characters). For DELIVERY dead letters payload keeps the message to replay, so the answer
-- needs columns of its own; PAGE dead letters get them too. Null when no answer came (timeout, reset, breaker open).
-- Versioned 3.1 so it orders after any V3 another branch adds. Portable to H2 2.x and PostgreSQL 15 like V1.
ALTER TABLE dead_letter ADD COLUMN http_status INT;
ALTER TABLE dead_letter ADD COLUMN response_excerpt VARCHAR(2000);
