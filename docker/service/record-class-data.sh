#!/bin/sh
# docker/service/record-class-data.sh JAR ARCHIVE: records the class-data archive the image starts its
# service with (-XX:SharedArchiveFile), by Spring Boot's training run: the service starts from JAR, with
# no database and no broker, and exits once its context is refreshed; the JVM writes every class it
# loaded to ARCHIVE. It then starts the same way from the archive, with -Xshare:on, so that an archive
# the JVM would not map fails here instead of being ignored at every start. The image's build runs it
# (docker/service/Dockerfile), and so does scripts/check-dockerfile.sh on every CI run: a bean that
# needs the database or the broker while the context is built would make the image unbuildable, and
# is caught there.
#
# Nothing is reachable here, so nothing may be asked of them: the schema migration is off (it is the
# only bean that connects while the context is refreshed; the pool and the AMQP connection open on
# first use), and the ports named are closed ones. The two required secrets get placeholders that
# only this run sees. The training loads the classes of the whole context; those of the first
# requests and of the first connections still come from the jars.
set -eu
jar=${1:?usage: record-class-data.sh JAR ARCHIVE}
archive=${2:?usage: record-class-data.sh JAR ARCHIVE}
log=${TMPDIR:-/tmp}/class-data-training.log

context() { # starts the service's context with the JVM options given, and exits once it is refreshed
  ORDERS_STOREFRONT_TOKENS=class-data-training \
  ORDERS_PAYMENT_SECRETS=class-data-training \
  SPRING_DATASOURCE_URL=jdbc:mysql://127.0.0.1:9/training \
  SPRING_RABBITMQ_HOST=127.0.0.1 \
  SPRING_RABBITMQ_PORT=9 \
  SPRING_FLYWAY_ENABLED=false \
  SERVER_PORT=0 \
    java -Xmx256m "$@" -Dspring.context.exit=onRefresh -jar "$jar" >"$log" 2>&1 \
    || { tail -40 "$log" >&2; echo "record-class-data: the training run failed ($*)" >&2; exit 1; }
}

# The archive is a layer on the JDK's own (lib/server/classes.jsa); a JRE built without one gets it here.
if ! java -Xshare:on -version >/dev/null 2>&1; then
  echo "record-class-data: this JRE has no class-data archive of its own; dumping it first"
  java -Xshare:dump >/dev/null
fi
rm -f "$archive"
context -XX:ArchiveClassesAtExit="$archive"
[ -s "$archive" ] || { echo "record-class-data: no archive written to $archive" >&2; exit 1; }
context -XX:SharedArchiveFile="$archive" -Xshare:on -Xlog:class+load=info
shared=$(grep -c 'source: shared objects file (top)' "$log" || true)
loaded=$(grep -c 'source: ' "$log" || true)
[ "$shared" -gt 0 ] || { echo "record-class-data: no class came from $archive" >&2; exit 1; }
echo "record-class-data: $archive ($(du -h "$archive" | cut -f1)) from $jar; the context's start took $shared of its $loaded classes from it"
