#!/usr/bin/env bash
# Checks the Prometheus rules the compose stack loads (docker/prometheus/alerts.yml): syntax with
# `promtool check rules`, and behaviour with the unit tests of alerts.test.yml (each alert fires, and
# stays quiet, on synthetic series). promtool comes with Debian's prometheus package, installed here
# if it is missing (only the binaries: no Prometheus server is started).
set -euo pipefail
cd "$(dirname "$0")/../docker/prometheus"
if ! command -v promtool >/dev/null; then
  echo "[alerts] installing promtool (Debian's prometheus package)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
  # The package's service must not run: the tests start their own Prometheus when they need one.
  pkill -x prometheus 2>/dev/null || true
fi
promtool check rules alerts.yml
promtool test rules alerts.test.yml
