#!/usr/bin/env bash
# A real Ray head node (Ray 2.60.0 from PyPI, in a venv) for the bridge's
# tests. Ray binds the machine's own address unless it runs in a network
# namespace of its own, so `start` refuses to run outside one: call it inside
# `unshare -n` (scripts/bridge-ray.sh does). Ray is ended by the PIDs of
# that namespace, never with `ray stop` (it kills every Ray on the host).
#
#   scripts/ray-local.sh install      create the venv (cached) if missing;
#                                     exit 3 (and say SKIP) when it cannot be
#   scripts/ray-local.sh start DIR    (inside unshare -n) start the head node with
#                                     its temp dir in DIR; writes DIR/env
#                                     (RAY_ADDRESS, RAY_VENV)
#   scripts/ray-local.sh stop         (inside the namespace) end every process of
#                                     this network namespace but the caller's own
#
# The venv lives in ${QUEUESCOPE_CACHE:-~/.cache/queuescope}/ray-2.60.0.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RAY_VERSION=2.60.0
CACHE="${QUEUESCOPE_CACHE:-$HOME/.cache/queuescope}"
VENV="$CACHE/ray-$RAY_VERSION"

install() {
  # `ip` brings up loopback in the namespace.
  if ! command -v ip >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get install -y --no-install-recommends iproute2 >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends iproute2 >/dev/null 2>&1; } || true
  fi
  command -v ip >/dev/null || {
    echo "SKIP: iproute2 (ip) cannot be installed here" >&2
    exit 3
  }
  if [ -x "$VENV/bin/ray" ] && "$VENV/bin/python" -c "import ray, sys; sys.exit(ray.__version__ != '$RAY_VERSION')" 2>/dev/null; then
    return 0
  fi
  if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y --no-install-recommends python3-venv >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends python3-venv >/dev/null 2>&1; } || true
    fi
    python3 -c "import venv, ensurepip" 2>/dev/null || {
      echo "SKIP: python3 venv cannot be installed here, so Ray cannot be" >&2
      exit 3
    }
  fi
  log "installing ray[default]==$RAY_VERSION into $VENV"
  rm -rf "$VENV"
  mkdir -p "$CACHE"
  python3 -m venv "$VENV"
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "ray[default]==$RAY_VERSION"; then
    rm -rf "$VENV"
    echo "SKIP: ray[default]==$RAY_VERSION cannot be installed from PyPI here" >&2
    exit 3
  fi
}

# in_own_netns: true when this process's network namespace has only `lo`.
in_own_netns() {
  [ "$(ip -o link show | awk -F': ' '{print $2}')" = "lo" ]
}

start() {
  local dir
  dir="$(realpath -m "$1")"
  in_own_netns || die "start Ray inside its own network namespace (unshare -n), not on the host's"
  ip link set lo up
  rm -rf "$dir"
  mkdir -p "$dir"
  # Entrypoints run `python` from PATH: the venv's.
  export PATH="$VENV/bin:$PATH"
  export RAY_USAGE_STATS_ENABLED=0 RAY_JOB_START_TIMEOUT_SECONDS=10
  "$VENV/bin/ray" start --head --temp-dir="$dir/tmp" --num-cpus=2 --num-gpus=0 \
    --dashboard-host=127.0.0.1 --disable-usage-stats --include-dashboard=true \
    >"$dir/ray-start.log" 2>&1 || {
    cat "$dir/ray-start.log" >&2
    die "ray start failed"
  }
  local i
  for i in $(seq 1 300); do
    if "$VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8265/api/version', timeout=2)" 2>/dev/null; then
      break
    fi
    [ "$i" = 300 ] && die "the Ray dashboard did not answer within 60 s"
    sleep 0.2
  done
  cat >"$dir/env" <<EOF
RAY_ADDRESS=http://127.0.0.1:8265
RAY_VENV=$VENV
EOF
  log "Ray is up: http://127.0.0.1:8265 (temp dir $dir/tmp)"
}

# stop: every process in this network namespace except this shell and its
# ancestors (they share the namespace: the caller made it).
stop() {
  in_own_netns || die "stop only ends the processes of a private network namespace"
  local ns keep pid p
  ns="$(readlink /proc/self/ns/net)"
  keep=" $$ $BASHPID "
  p=$$
  while [ "$p" -gt 1 ]; do
    keep+="$p "
    p="$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null || echo 1)"
  done
  local victims=()
  for d in /proc/[0-9]*; do
    pid="${d#/proc/}"
    case "$keep" in *" $pid "*) continue ;; esac
    [ "$(readlink "$d/ns/net" 2>/dev/null)" = "$ns" ] || continue
    victims+=("$pid")
  done
  end_pids "${victims[@]}"
}

case "${1:-}" in
  install) install ;;
  start)
    [ -n "${2:-}" ] || die "usage: $0 start DIR"
    install
    start "$2"
    ;;
  stop) stop ;;
  *) die "usage: $0 install | start DIR | stop" ;;
esac
