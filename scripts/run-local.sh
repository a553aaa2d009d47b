#!/usr/bin/env bash
# Runs order-service (:8080) and expiry-worker (:8081) in the foreground against the RabbitMQ and
# MySQL/MariaDB named by the usual variables (defaults: localhost, database orders, user orders).
# Builds the jars first if they are missing. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f order-service/target/order-service.jar ] || [ ! -f expiry-worker/target/expiry-worker.jar ]; then
  echo "[run-local] building the jars"
  mvn -B -q -DskipTests package
fi
if [ -z "${SPRING_DATASOURCE_URL:-}" ]; then
  scripts/prepare-local.sh || echo "[run-local] could not prepare the local services; carrying on"
fi

export ORDERS_STOREFRONT_TOKENS="${ORDERS_STOREFRONT_TOKENS:-dev-storefront-token}"
export ORDERS_PAYMENT_SECRETS="${ORDERS_PAYMENT_SECRETS:-dev-payment-secret}"
echo "[run-local] storefront token: ${ORDERS_STOREFRONT_TOKENS%%,*}   payment secret: ${ORDERS_PAYMENT_SECRETS%%,*}"
echo "[run-local] payment timeout: ${ORDERS_PAYMENT_TIMEOUT:-PT15M}   delay transport: ${ORDERS_DELAY_TRANSPORT:-auto}"

# On a machine of 2 cores or fewer, shared with the database and the broker, C2's compile work costs
# more than its faster code returns in the first minutes: with C1 only, both services were ready in
# about half the time, and a cold start at load refused fewer payments (docs/performance.md, "A slow
# machine"). A JAVA_OPTS of your own, even an empty one, replaces this choice.
if [ -z "${JAVA_OPTS+set}" ] && [ "$(nproc)" -le 2 ]; then
  JAVA_OPTS="-XX:TieredStopAtLevel=1"
  echo "[run-local] $(nproc) cores: JIT C1 only (JAVA_OPTS=$JAVA_OPTS; set JAVA_OPTS to choose)"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# Each service starts with class data sharing (scripts/class-data.sh: the first start after a build
# records the archive when it stops, later ones load it); CLASS_DATA=off starts the jars plainly.
launch() { # sets start=(the java arguments after JAVA_OPTS)
  local module=$1 args
  if [ "${CLASS_DATA:-on}" != off ] && args=$(scripts/class-data.sh "$module"); then
    mapfile -t start <<<"$args"
  else
    start=(-jar "$module/target/$module.jar")
  fi
}

launch order-service
java ${JAVA_OPTS:-} "${start[@]}" > >(sed -u 's/^/[order-service] /') 2>&1 &
pids+=($!)
# Let order-service apply the schema first; the worker would wait for it anyway.
for _ in $(seq 1 60); do
  curl -fs http://localhost:"${SERVER_PORT:-8080}"/actuator/health >/dev/null 2>&1 && break
  sleep 1
done
launch expiry-worker
SERVER_PORT="${WORKER_PORT:-8081}" java ${JAVA_OPTS:-} "${start[@]}" > >(sed -u 's/^/[expiry-worker] /') 2>&1 &
pids+=($!)
echo "[run-local] order-service on :${SERVER_PORT:-8080}, expiry-worker on :${WORKER_PORT:-8081}; Ctrl-C stops both"
wait
