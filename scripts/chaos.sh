#!/usr/bin/env bash
# The full chaos run: every fault on its own (kill -9 of the worker, kill -9 of order-service, broker
# connections closed, database connections killed, duplicated and reordered messages, deleted
# messages), two instances of each service, then every fault mixed; then the whole-server faults on a
# private three-node RabbitMQ cluster and a private MariaDB that the run starts itself under
# chaos/target/private/ (leader node killed, cluster stopped, database killed, database stopped, all
# mixed); then the Galera scenarios on a private three-node MariaDB Galera cluster (writers on three
# nodes, the written node killed -9, the whole cluster stopped and bootstrapped again; 2,100 orders
# each). Each ends with the invariant checker. On the shared servers it uses only database
# orders_chaos and RabbitMQ vhost orders-chaos. About 30 minutes here.
# Extra arguments go to Maven, e.g. -Dchaos.orders=3000 -Dchaos.spread.seconds=90.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prepare-local.sh
status=0
mvn -B verify -Pchaos-full -pl chaos -am -Dit.test='ChaosIT,ClusterChaosIT,GaleraChaosIT' -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false "$@" \
  || status=$?
echo
echo "== chaos summary ($(date -u +%Y-%m-%dT%H:%MZ)) =="
cat chaos/target/chaos/summary.txt 2>/dev/null || echo "(no summary: the run did not get that far)"
cat chaos/target/chaos/cluster-summary.txt 2>/dev/null || echo "(no cluster summary: the run did not get that far)"
cat chaos/target/chaos/galera-summary.txt 2>/dev/null || echo "(no Galera summary: the run did not get that far)"
exit "$status"
