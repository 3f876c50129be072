-- Issue 12, same-second changes: a version's identity includes a digest of its canonical content, so two versions
-- of a record within one second of the vendor's clock are two versions. The ledger keeps the digest of its current
-- version to tell a change within the same second from an identical read. Rows ledgered before this migration have
-- none (NULL): RegistrationLedger derives it from their columns when it next sees the record, so a version already
-- ledgered is not sent again although its idempotency key is now computed another way. Keys already in
-- CAMEL_MESSAGEPROCESSED stay as they are and age out with the retention. Portable to H2 2.x and PostgreSQL 15 like V1;
-- versioned 12.1 to order before the other issue-12 migrations (12.5 and up).
ALTER TABLE ledger_registration ADD COLUMN content_digest VARCHAR(64);
