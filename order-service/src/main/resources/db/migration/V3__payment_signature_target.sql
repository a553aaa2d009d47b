-- What each accepted payment signature was used for: the order in the path and a digest of the body.
-- The identical request again (a provider's retry after a lost answer) is the idempotent repeat the
-- contract promises and is let through; the same signature on another order stays a replay (401).
-- Rows written before this version have neither, and any reuse of them stays refused.
ALTER TABLE payment_signature
    ADD COLUMN order_id    VARCHAR(255) NULL,
    ADD COLUMN body_sha256 CHAR(64)     NULL;
