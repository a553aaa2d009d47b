-- Payment-Signature values already accepted, so that a captured request cannot be replayed within
-- the signature's time window, whichever order-service instance it reaches. Rows older than the
-- window are purged.
CREATE TABLE payment_signature (
    signature CHAR(64)    NOT NULL,
    seen_at   DATETIME(3) NOT NULL DEFAULT NOW(3),
    PRIMARY KEY (signature),
    KEY payment_signature_seen_at (seen_at)
);
