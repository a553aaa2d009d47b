#!/usr/bin/env bash
# Makes sure the local RabbitMQ and MariaDB/MySQL are running and hold what the services, the tests,
# the chaos run and the benchmarks need: databases `orders`, `orders_test`, `orders_chaos` and
# `orders_bench`, a user `orders`/`orders` with rights on them, and RabbitMQ vhosts `orders-test`,
# `orders-chaos` and `orders-bench` (so none of them touches a running local stack or each other), and
# the broker's management and Prometheus plugins.
# Idempotent. Uses the database's root account over the local socket and rabbitmqctl, when present.
set -euo pipefail

say() { printf '[prepare] %s\n' "$*"; }

db_client() { command -v mariadb || command -v mysql || true; }

start_mariadb() {
  if mariadb-admin ping --silent >/dev/null 2>&1 || mysqladmin ping --silent >/dev/null 2>&1; then return; fi
  say "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 60); do
    mariadb-admin ping --silent >/dev/null 2>&1 && return
    sleep 1
  done
  say "MariaDB did not come up" && exit 1
}

start_rabbitmq() {
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then return; fi
  say "starting RabbitMQ"
  rabbitmq-server -detached
  for _ in $(seq 1 90); do
    rabbitmq-diagnostics -q ping >/dev/null 2>&1 && return
    sleep 1
  done
  say "RabbitMQ did not come up" && exit 1
}

if [ -x /usr/sbin/mariadbd ]; then start_mariadb; fi
if command -v rabbitmq-server >/dev/null; then start_rabbitmq; fi

client=$(db_client)
if [ -n "$client" ] && "$client" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
  "$client" -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS orders;
CREATE DATABASE IF NOT EXISTS orders_test;
CREATE DATABASE IF NOT EXISTS orders_chaos;
CREATE DATABASE IF NOT EXISTS orders_bench;
CREATE USER IF NOT EXISTS 'orders'@'localhost' IDENTIFIED BY 'orders';
CREATE USER IF NOT EXISTS 'orders'@'127.0.0.1' IDENTIFIED BY 'orders';
GRANT ALL PRIVILEGES ON orders.* TO 'orders'@'localhost', 'orders'@'127.0.0.1';
GRANT ALL PRIVILEGES ON orders_test.* TO 'orders'@'localhost', 'orders'@'127.0.0.1';
GRANT ALL PRIVILEGES ON orders_chaos.* TO 'orders'@'localhost', 'orders'@'127.0.0.1';
GRANT ALL PRIVILEGES ON orders_bench.* TO 'orders'@'localhost', 'orders'@'127.0.0.1';
SQL
  # The compose stack's least-privilege users, with the same grants on orders_test: the end-to-end
  # tests run each service as its own user.
  sed 's/`orders`\./`orders_test`./g' docker/mysql/init/01-service-users.sql | "$client" -uroot
  say "database: orders, orders_test, orders_chaos, orders_bench; user orders/orders; service users on orders_test"
else
  say "no root access to the database here: create databases orders, orders_test and user orders/orders yourself"
fi

if command -v rabbitmqctl >/dev/null; then
  # The console (15672) and the per-queue metrics (15692) that operators read, and that
  # StuckDeadLetterGaugeIT reads through Prometheus.
  rabbitmq-plugins -q enable rabbitmq_management rabbitmq_prometheus >/dev/null
  for vhost in orders-test orders-chaos orders-bench; do
    rabbitmqctl -q add_vhost "$vhost" 2>/dev/null || true
    rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
  done
  # The compose stack's per-service users and permissions (docker/rabbitmq/definitions.json), on the
  # tests' vhost, with their development passwords (<user>-dev).
  python3 - <<'PY'
import json, subprocess
definitions = json.load(open("docker/rabbitmq/definitions.json"))
for p in definitions["permissions"]:
    if p["user"] == "admin":
        continue
    user = p["user"]
    subprocess.run(["rabbitmqctl", "-q", "add_user", user, user + "-dev"], capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "change_password", user, user + "-dev"], check=True, capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", "orders-test", user,
                    p["configure"], p["write"], p["read"]], check=True, capture_output=True)
PY
  say "broker: vhosts orders-test, orders-chaos, orders-bench; service users on orders-test"
else
  say "no rabbitmqctl here: create vhost orders-test with rights for guest yourself"
fi
