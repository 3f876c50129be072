-- Payment events (e.g. Stripe) and what they do to registrations. Portable H2 2.x / PostgreSQL 15 SQL, as V1.

-- Every valid payment event read, once (its idempotency key is feed + event id).
CREATE TABLE payment_event (
    idempotency_key     VARCHAR(64)   NOT NULL PRIMARY KEY,
    source              VARCHAR(100)  NOT NULL,
    event_id            VARCHAR(255)  NOT NULL,
    type                VARCHAR(255)  NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    object_id           VARCHAR(255),
    amount_minor        BIGINT,
    currency            VARCHAR(3),
    status              VARCHAR(50),
    payment_status      VARCHAR(20),   -- the registration status it moves to; NULL: its type moves none
    registration_source VARCHAR(100),  -- the feed whose registrations it applies to (applies-to)
    registration_ref    VARCHAR(255),
    outcome             VARCHAR(20)   NOT NULL,  -- APPLIED, SUPERSEDED (a newer event was applied), HELD, NO_EFFECT
    applied_at          TIMESTAMP WITH TIME ZONE,
    received_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    payload             VARCHAR       NOT NULL   -- the canonical event as JSON
);

-- Events whose registration has not arrived yet. A registration page that ledgers the registration applies them in
-- the same transaction and deletes them here.
CREATE TABLE payment_holding (
    event_key           VARCHAR(64)   NOT NULL PRIMARY KEY,
    registration_source VARCHAR(100)  NOT NULL,
    registration_ref    VARCHAR(255)  NOT NULL,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    held_at             TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX payment_holding_ref ON payment_holding (registration_ref, registration_source);

-- When a payment event last set the registration's payment status; from then on events own that field.
ALTER TABLE ledger_registration ADD COLUMN payment_event_at TIMESTAMP WITH TIME ZONE;
