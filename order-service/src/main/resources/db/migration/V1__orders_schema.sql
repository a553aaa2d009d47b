-- Owned by order-service; expiry-worker waits until this version is applied.
-- Every timestamp is UTC (the services set time_zone = '+00:00' on each connection) and is computed
-- by the database (NOW(3)), so both services judge deadlines by one clock.

CREATE TABLE product (
    sku         VARCHAR(64)  NOT NULL,
    name        VARCHAR(200) NOT NULL,
    price_cents BIGINT       NOT NULL,
    stock       INT          NOT NULL,
    version     BIGINT       NOT NULL DEFAULT 0,
    updated_at  DATETIME(3)  NOT NULL DEFAULT NOW(3),
    PRIMARY KEY (sku),
    CONSTRAINT product_stock_not_negative CHECK (stock >= 0),
    CONSTRAINT product_price_not_negative CHECK (price_cents >= 0)
);

CREATE TABLE orders (
    id              CHAR(36)     NOT NULL,
    customer_id     VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    total_cents     BIGINT       NOT NULL,
    created_at      DATETIME(3)  NOT NULL,
    expires_at      DATETIME(3)  NOT NULL,
    paid_at         DATETIME(3)  NULL,
    closed_at       DATETIME(3)  NULL,
    payment_id      VARCHAR(128) NULL,
    idempotency_key VARCHAR(128) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY orders_idempotency_key (idempotency_key),
    -- the expiry sweep: PENDING orders past their deadline, oldest first
    KEY orders_status_expires_at (status, expires_at)
);

CREATE TABLE order_item (
    order_id         CHAR(36)    NOT NULL,
    sku              VARCHAR(64) NOT NULL,
    quantity         INT         NOT NULL,
    unit_price_cents BIGINT      NOT NULL,
    PRIMARY KEY (order_id, sku),
    KEY order_item_sku (sku),
    CONSTRAINT order_item_order FOREIGN KEY (order_id) REFERENCES orders (id)
);

-- Messages written in the business transaction and published afterwards by order-service's relay.
CREATE TABLE outbox (
    id          BIGINT       NOT NULL AUTO_INCREMENT,
    event_id    CHAR(36)     NOT NULL,
    event_type  VARCHAR(64)  NOT NULL,
    destination VARCHAR(16)  NOT NULL, -- 'expiry': delayed until deliver_at; 'events': orders.events now
    routing_key VARCHAR(128) NOT NULL,
    payload     TEXT         NOT NULL,
    deliver_at  DATETIME(3)  NULL,
    created_at  DATETIME(3)  NOT NULL DEFAULT NOW(3),
    sent_at     DATETIME(3)  NULL,
    PRIMARY KEY (id),
    -- the relay: unsent rows in order
    KEY outbox_unsent (sent_at, id)
);
