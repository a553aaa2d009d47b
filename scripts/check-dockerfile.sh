#!/usr/bin/env bash
# Checks, without a Docker engine, that docker/service/Dockerfile's build stage has every file it
# needs: for each module it copies exactly the files the stage's COPY lines name into an empty
# directory and runs the stage's Maven build there (offline, from the local Maven repository). A
# module added to the root pom but not to the Dockerfile fails here, as it would in `docker compose
# up --build`. It then records the class-data archive as the image's last stage does
# (docker/service/record-class-data.sh, on this machine's JDK), which fails if the service's context
# cannot be built without a database and a broker. CI runs it.
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
  # The image's class-data training, as its last stage runs it: the jar's layers merged into one
  # directory, recorded there with no database and no broker.
  cp "$dir/$module/target/$module.jar" "$dir/app.jar"
  java -Djarmode=tools -jar "$dir/app.jar" extract --layers --destination "$dir/layers" >/dev/null
  mkdir "$dir/app"
  for layer in dependencies spring-boot-loader snapshot-dependencies application; do
    cp -r "$dir/layers/$layer/." "$dir/app/"
  done
  if ! TMPDIR="$dir" docker/service/record-class-data.sh "$dir/app/app.jar" "$dir/app/app.jsa"; then
    echo "check-dockerfile: $module's image could not record its class-data archive" >&2
    exit 1
  fi
  rm -rf "$dir"
  trap - EXIT
done
