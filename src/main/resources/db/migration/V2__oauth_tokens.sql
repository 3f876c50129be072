-- OAuth2 tokens per vendor account, so a refresh token the vendor rotated survives a restart (the configured one
-- may already be spent). The only place tokens are stored; portable to H2 2.x and PostgreSQL 15 like V1.
CREATE TABLE oauth_token (
    account       VARCHAR(100)  NOT NULL PRIMARY KEY,
    access_token  VARCHAR(4000),
    refresh_token VARCHAR(4000) NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE,
    seed_hash     VARCHAR(64),   -- SHA-256 hex of the configured refresh token these tokens descend from
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
