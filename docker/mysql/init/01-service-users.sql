-- One database user per service, each with only what it needs (development passwords; the compose
-- file's are for a laptop). The database name is `orders`; scripts/prepare-local.sh applies the
-- same grants to `orders_test` so the tests run the services with these users too.
-- order-service applies the schema (Flyway) and owns the data: DML and DDL, no GRANT.
CREATE USER IF NOT EXISTS 'order_service'@'%' IDENTIFIED BY 'order-service-dev';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES, DROP ON `orders`.* TO 'order_service'@'%';
-- expiry-worker reads orders and the schema version, updates orders and stock, appends to the
-- outbox: no DELETE, no DDL.
CREATE USER IF NOT EXISTS 'expiry_worker'@'%' IDENTIFIED BY 'expiry-worker-dev';
GRANT SELECT, INSERT, UPDATE ON `orders`.* TO 'expiry_worker'@'%';
