#!/usr/bin/env bash
# Builds Queuescope and serves it at http://127.0.0.1:8080/ (trunk serve,
# release build, rebuilds on change). Installs what is missing first.
#
#   scripts/run.sh                 demo mode: built-in demo data, no backend
#   scripts/run.sh --backend       also starts demo-backend (the reference
#                                  REST server) and points the app at it
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
port=8080
backend_args=(--seed 42 --jobs 3000)
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend=1 ;;
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
      sed -n '2,14p' "$0"
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

if [ "$backend" = 1 ]; then
  [ -z "${QUEUESCOPE_CONFIG:-}" ] || die "use either --backend or QUEUESCOPE_CONFIG, not both"
  log "building demo-backend"
  cargo build --release --locked -p demo-backend
  run_dir="$REPO/target/queuescope-run"
  mkdir -p "$run_dir"
  : >"$run_dir/backend.out"
  "$TARGET_DIR/release/demo-backend" --port 0 "${backend_args[@]}" >"$run_dir/backend.out" &
  backend_pid=$!
  # The backend prints `listening on URL` as its first line once it
  # listens; the API lives under URL/api/v1.
  api_base=""
  for _ in $(seq 1 300); do
    api_base="$(head -n 1 "$run_dir/backend.out" | grep -o 'http://[^[:space:]]*' || true)"
    [ -n "$api_base" ] && break
    kill -0 "$backend_pid" 2>/dev/null || die "demo-backend exited before it printed its URL"
    sleep 0.1
  done
  [ -n "$api_base" ] || die "demo-backend printed no URL within 30 s"
  api_base="$api_base/api/v1"
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
trunk serve --release --port "$port"
