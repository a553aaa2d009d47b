#!/usr/bin/env bash
# Checks, without a Docker engine, that docker/service/Dockerfile's build stage has every file it
# needs: for each module it copies exactly the files the stage's COPY lines name into an empty
# directory and runs the stage's Maven build there (offline, from the local Maven repository). A
# module added to the root pom but not to the Dockerfile fails here, as it would in `docker compose
# up --build`. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

dockerfile=docker/service/Dockerfile
# The build stage: from the first FROM to the second; COPY lines from the context, not --from.
copies=$(awk '/^FROM /{n++} n==1 && /^COPY / && !/--from/ {print $2, $3}' "$dockerfile")

for module in order-service expiry-worker; do
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  while read -r from to; do
    from=${from//\$\{MODULE\}/$module}
    to=${to//\$\{MODULE\}/$module}
    if [ -d "$from" ]; then # as Docker does: a directory's contents go into the destination
      mkdir -p "$dir/$to" && cp -r "$from/." "$dir/$to/"
    elif [[ "$to" == */ || "$to" == . ]]; then
      mkdir -p "$dir/$to" && cp "$from" "$dir/$to"
    else
      mkdir -p "$dir/$(dirname "$to")" && cp "$from" "$dir/$to"
    fi
  done <<< "$copies"
  if ! (cd "$dir" && mvn -B -q -o -Dmaven.test.skip=true -Dspotless.check.skip=true package -pl "$module" -am \
        >"$dir/build.log" 2>&1) || [ ! -f "$dir/$module/target/$module.jar" ]; then
    echo "check-dockerfile: $module does NOT build from the files $dockerfile copies:" >&2
    tail -20 "$dir/build.log" >&2
    exit 1
  fi
  echo "check-dockerfile: $module builds from the files $dockerfile copies"
  rm -rf "$dir"
  trap - EXIT
done
