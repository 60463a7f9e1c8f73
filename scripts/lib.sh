# Shared by scripts/setup.sh, run.sh and test.sh: sourced, never run.
#
# Sets the environment every build step needs, so the three scripts (and a
# person who sources this file) see the same tools:
#   - REPO: the repository root, whatever the caller's working directory;
#   - PATH: node_modules/.bin first (wasm-opt from the npm package
#     `binaryen`, never Debian's), then ~/.cargo/bin (trunk, wasm-bindgen);
#   - TRUNK_SKIP_VERSION_CHECK: trunk must never reach the internet;
#   - CHROMEDRIVER / CHROMIUM: the Debian browser used by every browser test.

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO
export PATH="$REPO/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
# Where cargo puts binaries (demo-backend, the e2e helper example).
TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
export TARGET_DIR
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# Tools that ask questions must not wait for a terminal that CI lacks.
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_PROGRESS_WHEN=never

# The served build (docs/design.md "Wasm size: std built for size"): the
# wasm that dist/ gets, from `trunk build`/`trunk serve` run through
# `served`. Rust's std is built from source (the rust-src component) with
# the app, so LTO and opt-level "z" reach it; a panic aborts at once, with
# no message and no file:line strings in the wasm. (std's
# `optimize_for_size` feature was measured and left out: it slowed the
# 100k load's sort-heavy spans 2-3 times for 7 kB.) These are unstable
# cargo/rustc settings, accepted by the pinned stable 1.95 through
# RUSTC_BOOTSTRAP=1.
#   - Only `served` commands see them: clippy, the native tests and
#     wasm-bindgen-test keep the precompiled std and its panic messages.
#   - Its own target dir: RUSTC_BOOTSTRAP=1 also reaches build scripts, and
#     proc-macro2's turns on its nightly code when it sees it, so in one
#     target dir a plain release build after a served one (or the reverse)
#     rebuilds every crate (measured: 2.5 min). The rustflags are the
#     wasm32 target's only (build scripts and proc macros get none).
#   - A plain `trunk build --release` still works: the precompiled std, a
#     larger wasm with panic messages. QUEUESCOPE_PLAIN_STD=1 (any
#     non-empty value) makes `served` run its command plainly, e.g.
#     `QUEUESCOPE_PLAIN_STD=1 scripts/run.sh` to read a panic's message.
SERVED_TARGET_DIR="$TARGET_DIR/served"
SERVED_BUILD_STD="std,panic_abort"
SERVED_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none"

# served CMD...: runs CMD (trunk build or serve, or the cargo fetch of
# std's crates in setup.sh) with the served build's settings.
served() {
  if [ -n "${QUEUESCOPE_PLAIN_STD:-}" ]; then
    "$@"
    return
  fi
  RUSTC_BOOTSTRAP=1 \
    CARGO_UNSTABLE_BUILD_STD="$SERVED_BUILD_STD" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$SERVED_RUSTFLAGS" \
    CARGO_TARGET_DIR="$SERVED_TARGET_DIR" \
    "$@"
}

# The trunk version this project is proven with (TOOLCHAIN.md): newer ones
# need a newer rustc than the machines have.
TRUNK_VERSION="0.21.14"

# log MESSAGE: one line on stderr, prefixed so it stands out among cargo's.
log() { printf '==> %s\n' "$*" >&2; }

# die MESSAGE: log and stop.
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# lock_version NAME: the version of crate NAME in Cargo.lock (first match).
# The wasm-bindgen CLI must equal the library exactly, so it is read from
# the lock file rather than written down a second time.
lock_version() {
  awk -v name="$1" '
    $0 == "name = \"" name "\"" { found = 1; next }
    found && /^version = / { gsub(/^version = "|"$/, ""); print; exit }
  ' "$REPO/Cargo.lock"
}

# trunk_tool_pin KEY: the value of KEY in Trunk.toml's [tools] table.
trunk_tool_pin() {
  awk -v key="$1" '
    /^\[/ { in_tools = ($0 == "[tools]"); next }
    in_tools && $1 == key { sub(/^[^=]*= *"/, ""); sub(/".*$/, ""); print; exit }
  ' "$REPO/Trunk.toml"
}

# as_root CMD...: runs CMD as root (directly when we are root, as CI is).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    die "need root for: $* (run as root, or install it by hand)"
  fi
}

# end_pids PID...: SIGTERM to each PID, up to 5 s for them to exit, then
# SIGKILL. Only ever given the PIDs a script started itself (never a name).
end_pids() {
  [ $# -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  local pid alive
  for _ in $(seq 1 50); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  kill -9 "$@" 2>/dev/null || true
}
