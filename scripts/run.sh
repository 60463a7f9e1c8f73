#!/usr/bin/env bash
# Builds Queuescope and serves it at http://127.0.0.1:8080/ (trunk serve,
# the served release build of scripts/lib.sh, rebuilds on change). Installs
# what is missing first.
#
#   scripts/run.sh                 demo mode: built-in demo data, no backend
#   scripts/run.sh --backend       also starts demo-backend (the reference
#                                  REST server) and points the app at it
#   scripts/run.sh --bridge CONFIG also starts queuescope-bridge with CONFIG
#                                  (real Slurm / Ray / W&B sources, see
#                                  bridge/README.md) and points the app at it
#   QUEUESCOPE_CONFIG=my.json scripts/run.sh
#                                  serves my.json as the app's config.json
#                                  (a real backend: SPEC section 4 fields)
#   scripts/run.sh --port 9000     another port (still 127.0.0.1 only)
#
# Options after `--` go to demo-backend, e.g. `--backend -- --jobs 20000`.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

backend=0
bridge_config=""
port=8080
backend_args=(--seed 42 --jobs 3000)
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend=1 ;;
    --bridge)
      bridge_config="${2:?--bridge needs a config file (see bridge/README.md)}"
      [ -f "$bridge_config" ] || die "no such bridge config: $bridge_config"
      bridge_config="$(realpath "$bridge_config")"
      shift
      ;;
    --port)
      port="${2:?--port needs a number}"
      shift
      ;;
    --)
      shift
      backend_args=("$@")
      break
      ;;
    -h | --help)
      sed -n '2,17p' "$0"
      exit 0
      ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done

bash scripts/setup.sh

backend_pid=""
cleanup() {
  if [ -n "$backend_pid" ]; then
    kill "$backend_pid" 2>/dev/null || true
    wait "$backend_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# start_server NAME OUT CMD...: starts a server that prints `listening on
# URL` first, waits for that line and sets server_url (and backend_pid).
start_server() {
  local name="$1" out="$2"
  shift 2
  : >"$out"
  "$@" >"$out" &
  backend_pid=$!
  server_url=""
  for _ in $(seq 1 300); do
    server_url="$(head -n 1 "$out" | grep -o 'http://[^[:space:]]*' || true)"
    [ -n "$server_url" ] && return 0
    kill -0 "$backend_pid" 2>/dev/null || die "$name exited before it printed its URL"
    sleep 0.1
  done
  die "$name printed no URL within 30 s"
}

run_dir="$REPO/target/queuescope-run"
[ "$backend" = 1 ] && [ -n "$bridge_config" ] && die "use either --backend or --bridge, not both"

if [ -n "$bridge_config" ]; then
  [ -z "${QUEUESCOPE_CONFIG:-}" ] || die "use either --bridge or QUEUESCOPE_CONFIG, not both"
  log "building queuescope-bridge"
  cargo build --release --locked -p queuescope-bridge
  mkdir -p "$run_dir"
  # Its log (stderr) stays on the terminal; secrets never appear in it.
  start_server queuescope-bridge "$run_dir/bridge.out" \
    "$TARGET_DIR/release/queuescope-bridge" --config "$bridge_config"
  api_base="$server_url/api/v1"
  printf '{"api_base": "%s", "title": "Queuescope (bridge)"}\n' "$api_base" >"$run_dir/config.json"
  export QUEUESCOPE_CONFIG="$run_dir/config.json"
  log "queuescope-bridge serves $api_base (pid $backend_pid); its cors_origins must list http://127.0.0.1:$port"
fi

if [ "$backend" = 1 ]; then
  [ -z "${QUEUESCOPE_CONFIG:-}" ] || die "use either --backend or QUEUESCOPE_CONFIG, not both"
  log "building demo-backend"
  cargo build --release --locked -p demo-backend
  mkdir -p "$run_dir"
  # The backend prints `listening on URL` as its first line once it
  # listens; the API lives under URL/api/v1.
  start_server demo-backend "$run_dir/backend.out" \
    "$TARGET_DIR/release/demo-backend" --port 0 "${backend_args[@]}"
  api_base="$server_url/api/v1"
  printf '{"api_base": "%s", "title": "Queuescope (demo-backend)"}\n' "$api_base" >"$run_dir/config.json"
  export QUEUESCOPE_CONFIG="$run_dir/config.json"
  log "demo-backend serves $api_base (pid $backend_pid)"
fi

if [ -n "${QUEUESCOPE_CONFIG:-}" ]; then
  QUEUESCOPE_CONFIG="$(realpath "$QUEUESCOPE_CONFIG")"
  export QUEUESCOPE_CONFIG
  log "config.json: $QUEUESCOPE_CONFIG"
else
  log "no config.json: the app shows its built-in demo data"
fi
log "Queuescope: http://127.0.0.1:$port/  (Ctrl-C stops it)"
QUEUESCOPE_PRECOMPRESS=0 served trunk serve --release --port "$port"
