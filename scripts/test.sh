#!/usr/bin/env bash
# The test command: prepares the local broker and database, then builds and runs every test
# (unit tests, integration tests against the real RabbitMQ and MariaDB, and the end-to-end tests
# that start both runnable jars).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prepare-local.sh
exec mvn -B verify "$@"
