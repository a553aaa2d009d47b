#!/usr/bin/env bash
# scripts/class-data.sh [--record-now] MODULE: prints the java arguments that start MODULE (order-service
# or expiry-worker) with class data sharing, one per line:
#   -XX:SharedArchiveFile=MODULE/target/class-data/MODULE.jsa -jar MODULE/target/class-data/MODULE.jar
# The JVM then maps the classes of the service and its libraries from the archive instead of parsing
# and verifying them anew: on this project's 2-core machines both services were ready in about two
# thirds of the time (docs/performance.md, "Class data sharing").
#
# The archive belongs to one build: the jar is extracted (Spring Boot's CDS-friendly layout) into
# MODULE/target/class-data/ and the archive recorded from that. While there is none newer than
# MODULE/target/MODULE.jar, it prints arguments that start the service plainly from the extracted jar
# and record the archive when it stops (-XX:ArchiveClassesAtExit, written on a clean exit such as
# Ctrl-C or SIGTERM, not on kill -9): the first start costs nothing extra, and the archive holds the
# classes a real run loaded. --record-now records it at once instead, by Spring Boot's training run
# (the service starts with its database and broker, exits once its context is refreshed, 10-20 s).
# A stale or damaged archive is harmless: the JVM warns and loads the classes the usual way.
# CLASS_DATA_DIR puts the extracted jar and the archive elsewhere (the tests use their own). The
# archive fits one JDK: it is recorded with $JAVA_HOME/bin/java if JAVA_HOME is set, else with java.
set -euo pipefail
cd "$(dirname "$0")/.."

now=false
if [ "${1:-}" = --record-now ]; then
  now=true
  shift
fi
module=${1:?usage: scripts/class-data.sh [--record-now] order-service|expiry-worker}
jar="$module/target/$module.jar"
dir="${CLASS_DATA_DIR:-$PWD/$module/target/class-data}"
archive="$dir/$module.jsa"
recording="$dir/$module.jsa.recording" # what -XX:ArchiveClassesAtExit writes; promoted below
[ -f "$jar" ] || { echo "[class-data] $jar is missing: build it first" >&2; exit 1; }

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
fresh() { [ -s "$1" ] && [ "$1" -nt "$jar" ]; }

if ! fresh "$archive" && fresh "$recording"; then
  mv "$recording" "$archive"
fi
if fresh "$archive"; then
  printf '%s\n' -XX:SharedArchiveFile="$archive" -jar "$dir/$module.jar"
  exit 0
fi

if [ ! -f "$dir/$module.jar" ] || [ "$jar" -nt "$dir/$module.jar" ]; then
  rm -rf "$dir"
  "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >/dev/null
fi
rm -f "$recording"
if ! $now; then
  echo "[class-data] $module: no class-data archive for this build yet; recording one when it stops" >&2
  printf '%s\n' -XX:ArchiveClassesAtExit="$recording" -jar "$dir/$module.jar"
  exit 0
fi

echo "[class-data] $module: recording its class-data archive (10-20 s)" >&2
# Port 0: the training run must not take the port of a service that is already running.
if ! SERVER_PORT=0 "$java" -Xmx256m -XX:ArchiveClassesAtExit="$recording" -Dspring.context.exit=onRefresh \
    -jar "$dir/$module.jar" >"$dir/training.log" 2>&1 || ! fresh "$recording"; then
  echo "[class-data] $module: recording failed, see $dir/training.log" >&2
  exit 1
fi
mv "$recording" "$archive"
printf '%s\n' -XX:SharedArchiveFile="$archive" -jar "$dir/$module.jar"
