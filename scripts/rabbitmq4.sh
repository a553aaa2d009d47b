#!/usr/bin/env bash
# A private RabbitMQ 4.3 beside the machine's broker, from Debian's own packages (the recommended
# broker; the machine's Debian 12 ships 3.10.8). Debian testing's Erlang needs a newer C library than
# the machine has, so the broker lives in a chroot, provisioned once and reused by every later run
# (RABBITMQ4_ROOT, default /var/cache/order-expiry/rabbitmq-4.3, outside any clone). It never uses
# the machine's ports: epmd on 4379 (not 4369), the test node's AMQP on 5682, AMQP over TLS on 5683,
# its management on 15682 and its Prometheus metrics on 15702. The TLS listener's certificate is
# signed by a test CA made at the first start; `scripts/rabbitmq4.sh tls` prints where its PEM and a
# PKCS12 trust store holding it (password changeit) are.
#
#   scripts/rabbitmq4.sh install             provision the chroot if it is not there yet (about 1 min)
#   scripts/rabbitmq4.sh start               install, then start the test node (idempotent) with the
#                                            vhosts and users the tests use, as prepare-local.sh does on 3.10
#   scripts/rabbitmq4.sh stop                stop the test node
#   scripts/rabbitmq4.sh ctl ARGS...         rabbitmqctl aimed at the test node
#   scripts/rabbitmq4.sh root                install, then print the chroot's directory
#   scripts/rabbitmq4.sh tls                 print the test CA's PEM file and the trust store holding it
#   scripts/rabbitmq4.sh run [VAR=VALUE...] PROGRAM ARGS...
#                                            one of RabbitMQ's programs (rabbitmq-server, rabbitmqctl,
#                                            rabbitmq-diagnostics, ...) in the chroot as its rabbitmq user,
#                                            with a clean environment plus VAR=VALUE (paths seen from the
#                                            chroot: its /var/lib/rabbitmq/...); what the tests' private
#                                            clusters use
set -euo pipefail

ROOT=${RABBITMQ4_ROOT:-/var/cache/order-expiry/rabbitmq-4.3}
SUITE=forky
MIRROR=${RABBITMQ4_MIRROR:-http://deb.debian.org/debian}
RABBIT_UID=64101
EPMD_PORT=4379
NODE=orders-it@localhost
AMQP_PORT=${RABBITMQ4_PORT:-5682}
DIST_PORT=25682
TLS_PORT=${RABBITMQ4_TLS_PORT:-5683}
MGMT_PORT=${RABBITMQ4_MANAGEMENT_PORT:-15682}
PROMETHEUS_PORT=${RABBITMQ4_PROMETHEUS_PORT:-15702}
NODE_DIR=/var/lib/rabbitmq/test-node

say() { printf '[rabbitmq4] %s\n' "$*"; }

mount_proc() {
  mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
}

install() {
  [ -f "$ROOT/.installed" ] && return
  exec 9>"$ROOT.lock" 2>/dev/null || { mkdir -p "$(dirname "$ROOT")"; exec 9>"$ROOT.lock"; }
  flock 9
  [ -f "$ROOT/.installed" ] && return
  command -v debootstrap >/dev/null || { say "installing debootstrap"; apt-get install -y -qq debootstrap >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }; }
  say "provisioning Debian $SUITE with rabbitmq-server in $ROOT (once; about a minute)"
  mountpoint -q "$ROOT/proc" 2>/dev/null && umount "$ROOT/proc"
  rm -rf --one-file-system "$ROOT"
  mkdir -p "$ROOT"
  # Bookworm's debootstrap has no forky script; sid's fits.
  debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" /usr/share/debootstrap/scripts/sid >"$ROOT.debootstrap.log" 2>&1 \
    || { tail -20 "$ROOT.debootstrap.log"; say "debootstrap failed"; exit 1; }
  # The mirror's snapshot is past its Release file's Valid-Until for this clock (signatures still checked).
  echo 'Acquire::Check-Valid-Until "false";' >"$ROOT/etc/apt/apt.conf.d/99no-valid-until"
  # Erlang's distribution resolves the node's host, localhost.
  printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
  # Before any package: no maintainer script may start a service (a broker on 5672, epmd on 4369).
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod +x "$ROOT/usr/sbin/policy-rc.d"
  mount_proc
  chroot "$ROOT" apt-get update -qq
  chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    rabbitmq-server ca-certificates >"$ROOT.apt.log" 2>&1 || { tail -20 "$ROOT.apt.log"; say "apt-get failed"; exit 1; }
  chroot "$ROOT" apt-get clean
  # Debian gives the chroot's rabbitmq uid 101, which is the machine's postgres: move it out of the way.
  chroot "$ROOT" groupmod -g "$RABBIT_UID" rabbitmq
  chroot "$ROOT" usermod -u "$RABBIT_UID" -g "$RABBIT_UID" rabbitmq
  chown -R "$RABBIT_UID:$RABBIT_UID" "$ROOT/var/lib/rabbitmq" "$ROOT/var/log/rabbitmq" "$ROOT/etc/rabbitmq"
  touch "$ROOT/.installed"
  say "installed: $(chroot "$ROOT" dpkg-query -W -f '${Version}' rabbitmq-server)"
}

# run [VAR=VALUE...] PROGRAM ARGS...: a RabbitMQ program in the chroot as its rabbitmq user.
run() {
  mount_proc
  local vars=()
  while [ $# -gt 0 ] && [[ $1 == *=* ]]; do vars+=("$1"); shift; done
  local program=$1; shift
  exec chroot --userspec="$RABBIT_UID:$RABBIT_UID" "$ROOT" env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/rabbitmq LANG=C.UTF-8 \
    ERL_EPMD_PORT=$EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
    "${vars[@]}" "/usr/lib/rabbitmq/bin/$program" "$@"
}

node_env() {
  echo RABBITMQ_NODENAME=$NODE RABBITMQ_DIST_PORT=$DIST_PORT \
    RABBITMQ_CONFIG_FILE=$NODE_DIR/rabbitmq.conf RABBITMQ_MNESIA_BASE=$NODE_DIR/mnesia \
    RABBITMQ_LOG_BASE=$NODE_DIR/log RABBITMQ_PID_FILE=$NODE_DIR/pid \
    RABBITMQ_ENABLED_PLUGINS_FILE=$NODE_DIR/enabled_plugins RABBITMQ_CTL_DIST_PORT_MIN=25700 \
    RABBITMQ_CTL_DIST_PORT_MAX=25799
}

ctl() {
  # shellcheck disable=SC2046
  (run $(node_env) rabbitmqctl -n "$NODE" "$@")
}

# A test CA and a server certificate for localhost and 127.0.0.1 signed by it, made once; and a PKCS12
# trust store holding the CA, for clients that take one (spring.rabbitmq.ssl.trust-store).
certificates() {
  local tls=$ROOT$NODE_DIR/tls
  [ -s "$tls/truststore.p12" ] && return
  mkdir -p "$tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=order-expiry test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$tls/san.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
    -extfile "$tls/san.ext" -out "$tls/server.pem" 2>/dev/null
  rm -f "$tls/truststore.p12.tmp"
  "${JAVA_HOME:+$JAVA_HOME/bin/}keytool" -importcert -noprompt -alias order-expiry-test-ca -file "$tls/ca.pem" -storetype PKCS12 \
    -keystore "$tls/truststore.p12.tmp" -storepass changeit >/dev/null 2>&1
  mv "$tls/truststore.p12.tmp" "$tls/truststore.p12"
}

start() {
  install
  local dir=$ROOT$NODE_DIR
  mkdir -p "$dir"
  certificates
  local config
  config=$(cat <<CONF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
listeners.ssl.default = 127.0.0.1:$TLS_PORT
ssl_options.cacertfile = $NODE_DIR/tls/ca.pem
ssl_options.certfile = $NODE_DIR/tls/server.pem
ssl_options.keyfile = $NODE_DIR/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
prometheus.tcp.ip = 127.0.0.1
prometheus.tcp.port = $PROMETHEUS_PORT
loopback_users = none
CONF
)
  if ctl -q await_startup --timeout 2 >/dev/null 2>&1 && [ "$config" != "$(cat "$dir/rabbitmq.conf" 2>/dev/null)" ]; then
    say "test node $NODE runs with an older configuration: restarting it"
    stop
  fi
  if ctl -q await_startup --timeout 2 >/dev/null 2>&1; then
    say "test node $NODE already running on 127.0.0.1:$AMQP_PORT"
  else
    say "starting test node $NODE on 127.0.0.1:$AMQP_PORT, TLS $TLS_PORT (management http://127.0.0.1:$MGMT_PORT)"
    printf '%s\n' "$config" >"$dir/rabbitmq.conf"
    echo '[rabbitmq_management,rabbitmq_prometheus].' >"$dir/enabled_plugins"
    chown -R "$RABBIT_UID:$RABBIT_UID" "$dir"
    # shellcheck disable=SC2046
    (run $(node_env) rabbitmq-server >>"$dir/server.out" 2>&1) &
    local server=$!
    for _ in $(seq 1 60); do
      kill -0 "$server" 2>/dev/null || break
      ctl -q await_startup --timeout 2 >/dev/null 2>&1 && break
      sleep 1
    done
    ctl -q await_startup --timeout 5 >/dev/null || { tail -30 "$dir/server.out"; say "$NODE did not come up"; exit 1; }
  fi
  for vhost in orders-test orders-chaos orders-bench; do
    ctl -q add_vhost "$vhost" >/dev/null 2>&1 || true
    ctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
  done
  # The compose stack's per-service users, as prepare-local.sh makes them on the machine's broker.
  python3 - "$0" <<'PY'
import json, subprocess, sys
ctl = ["bash", sys.argv[1], "ctl", "-q"]
definitions = json.load(open("docker/rabbitmq/definitions.json"))
for p in definitions["permissions"]:
    if p["user"] == "admin":
        continue
    user = p["user"]
    subprocess.run(ctl + ["add_user", user, user + "-dev"], capture_output=True)
    subprocess.run(ctl + ["change_password", user, user + "-dev"], check=True, capture_output=True)
    subprocess.run(ctl + ["set_permissions", "-p", "orders-test", user, p["configure"], p["write"], p["read"]],
                   check=True, capture_output=True)
PY
  say "test node up: RabbitMQ $(ctl -q version 2>/dev/null || echo '?'), vhosts orders-test, orders-chaos, orders-bench"
}

stop() {
  ctl -q stop >/dev/null 2>&1 || true
}

cd "$(dirname "$0")/.."
command=${1:-start}
shift || true
case $command in
  install) install ;;
  start) start ;;
  stop) stop ;;
  ctl) ctl "$@" ;;
  root) install >&2; echo "$ROOT" ;;
  tls) echo "$ROOT$NODE_DIR/tls/ca.pem $ROOT$NODE_DIR/tls/truststore.p12" ;;
  run) run "$@" ;;
  *) echo "usage: $0 install|start|stop|root|tls|ctl ARGS|run [VAR=VALUE...] PROGRAM ARGS" >&2; exit 2 ;;
esac
