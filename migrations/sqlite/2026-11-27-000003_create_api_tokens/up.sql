-- API tokens. Only a SHA-256 digest of each token is kept (hex); the plaintext is
-- shown once, when the token is made. Scopes are space-separated names. A revoked
-- token keeps its row, so the list still shows who had access and when.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked      BOOLEAN NOT NULL DEFAULT FALSE
);
