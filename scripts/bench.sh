#!/usr/bin/env bash
# Runs one benchmark scenario: scripts/bench.sh create|burst|steady|hot|ceiling|windows|hops [--option value ...]
# Builds the jars first if they are missing; results go to bench/results/ (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f bench/target/bench.jar ] || [ ! -f order-service/target/order-service.jar ] \
   || [ ! -f expiry-worker/target/expiry-worker.jar ]; then
  mvn -B -q -DskipTests package
fi
exec java -jar bench/target/bench.jar "$@"
