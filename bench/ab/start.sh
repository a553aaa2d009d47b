#!/usr/bin/env bash
# Starts one order-service jar for an A/B CPU comparison (see AB.java and docs/performance.md, issue 19):
#   bench/ab/start.sh <name> <jar> <port> [jvm options...]   -> prints its pid; log in ${AB_LOGS:-/tmp}/<name>.log
# Against database orders_perf and vhost orders-perf (create them first, as the README's IT notes say);
# every instance relays the same outbox (SKIP LOCKED), no expiry-worker is needed. AB_DB and AB_VHOST
# give an instance a database and vhost of its own: needed when the relays differ (one instance's relay
# would otherwise publish the other's rows, and its CPU would count against the wrong jar).
name=$1; jar=$2; port=$3; shift 3
SPRING_DATASOURCE_URL=jdbc:mysql://127.0.0.1:3306/${AB_DB:-orders_perf} SPRING_DATASOURCE_USERNAME=orders SPRING_DATASOURCE_PASSWORD=orders \
SPRING_RABBITMQ_HOST=127.0.0.1 SPRING_RABBITMQ_VIRTUAL_HOST=${AB_VHOST:-orders-perf} ORDERS_DELAY_TRANSPORT=dead-letter-ttl \
ORDERS_STOREFRONT_TOKENS=ab-token ORDERS_PAYMENT_SECRETS=ab-secret SERVER_PORT=$port ORDERS_PAYMENT_TIMEOUT=PT15M \
nohup java -Xmx256m "$@" -jar "$jar" > "${AB_LOGS:-/tmp}/$name.log" 2>&1 &
echo $!
