#!/usr/bin/env bash
# The test command. Prepares the local broker and database and a private RabbitMQ 4.3 beside them
# (scripts/rabbitmq4.sh: Debian's package in a chroot, its own ports), then runs the build twice:
#   1. everything (unit tests, integration tests against the real RabbitMQ and MariaDB, the end-to-end
#      tests that start both runnable jars, the quick chaos run) on the machine's RabbitMQ 3.10, the
#      oldest supported broker; the cluster scenario runs on private RabbitMQ 4.3 nodes;
#   2. every test that talks to the broker again, on RabbitMQ 4.3, the recommended broker.
# Extra arguments go to both Maven runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prepare-local.sh
scripts/rabbitmq4.sh start
scripts/check-alerts.sh

echo "== 1 of 2: every test, on the machine's RabbitMQ $(rabbitmqctl -q version 2>/dev/null || echo 3.10) =="
mvn -B verify "$@"

echo "== 2 of 2: the broker-facing tests, on RabbitMQ $(scripts/rabbitmq4.sh ctl -q version) =="
read -r tls_ca tls_trust_store < <(scripts/rabbitmq4.sh tls)
rabbitmq4=(IT_RABBITMQ_PORT=5682 IT_RABBITMQ_PROMETHEUS_PORT=15702 "IT_RABBITMQCTL=$PWD/scripts/rabbitmq4.sh ctl"
  IT_RABBITMQ_TLS_PORT=5683 "IT_RABBITMQ_TLS_CA=$tls_ca" "IT_RABBITMQ_TLS_TRUST_STORE=$tls_trust_store"
  CHAOS_RABBITMQ_PORT=5682 "CHAOS_RABBITMQCTL=$PWD/scripts/rabbitmq4.sh ctl")
# The unit tests and the tests that never reach the broker (HTTP edge cases, generated bad input, the
# database outage and the Galera scenario on their private MariaDBs, the cluster scenario that already
# ran on 4.3) ran in pass 1.
env "${rabbitmq4[@]}" mvn -B verify -pl order-service,expiry-worker,system-tests,chaos -am \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
  '-Dit.test=*IT,!ClusterChaosIT,!DatabaseOutageIT,!GaleraChaosIT,!GeneratedHttpInputIT,!HttpEdgeCasesIT,!*ContainerIT' \
  -Dspotless.check.skip=true "$@"
