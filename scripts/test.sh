#!/usr/bin/env bash
# Runs every test layer of Queuescope, cheapest first, and prints one
# summary line per layer. Exits non-zero when any layer fails.
#
#   scripts/test.sh               every layer
#   scripts/test.sh fmt e2e       only the named layers (setup always runs)
#
# Layers:
#   setup        scripts/setup.sh (installs what is missing)
#   fmt          cargo fmt --all --check, then scripts/check-structure.py
#                (no use cycle among the components, no fn in src/ over 80 lines)
#   clippy       clippy -D warnings, native, whole workspace, all targets
#   clippy-wasm  clippy -D warnings, the app for wasm32, all targets
#   test         cargo test --workspace (native: core, app logic, backend)
#   test-wasm    wasm-bindgen-test in headless Chromium (chromedriver)
#   build        trunk build --release (dist/, the served build: std built
#                for size, scripts/lib.sh `served`), demo-backend,
#                queuescope-bridge and the e2e helper
#                (core/examples/expected.rs), release
#   e2e          node --test tests/e2e/*.test.mjs (Playwright, Chromium)
#   bridge-slurm the bridge on a REAL single-node Slurm, in Chromium
#                (scripts/bridge-slurm.sh; installs Slurm's Debian packages)
#   bridge-ray   the bridge on a REAL Ray head node, in Chromium, inside a
#                private network namespace (scripts/bridge-ray.sh; Ray from
#                PyPI in a cached venv)
#
# A layer whose command exits 3 could not get what it needs installed here
# (no package, no network to the registry): it says SKIP with the reason and
# does not fail the run. A layer skipped because a layer it needs failed
# does.
#
# Criterion benches are not run here (too slow): `cargo bench -p queuescope-core`.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO" || exit 1

all_layers=(fmt clippy clippy-wasm test test-wasm build e2e bridge-slurm bridge-ray)
if [ $# -gt 0 ]; then
  wanted=("$@")
else
  wanted=("${all_layers[@]}")
fi
for w in "${wanted[@]}"; do
  case " ${all_layers[*]} " in
    *" $w "*) ;;
    *) die "unknown layer $w (layers: ${all_layers[*]})" ;;
  esac
done

summary=()
declare -A status=()
passed=0
failed=0
skipped=0
unavailable=0

# layer NAME NEEDS CMD...: runs CMD as layer NAME, unless a layer it needs
# (comma-separated, "-" for none) failed or was skipped in this run.
layer() {
  local name="$1" needs="$2"
  shift 2
  local need
  for need in ${needs//,/ }; do
    [ "$need" = "-" ] && continue
    if [ -n "${status[$need]:-}" ] && [ "${status[$need]}" != PASS ]; then
      status[$name]=SKIP
      summary+=("$(printf 'SKIP  %-12s (needs %s)' "$name" "$need")")
      skipped=$((skipped + 1))
      return
    fi
  done
  log "layer $name: $*"
  local start=$SECONDS rc=0
  "$@" || rc=$?
  local took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    status[$name]=PASS
    passed=$((passed + 1))
  elif [ $rc -eq 3 ]; then
    status[$name]=SKIP
    unavailable=$((unavailable + 1))
    summary+=("$(printf 'SKIP  %-12s %4ds  (what it needs cannot be installed here: see its SKIP line)' "$name" "$took")")
    return
  else
    status[$name]=FAIL
    failed=$((failed + 1))
  fi
  summary+=("$(printf '%s  %-12s %4ds  %s' "${status[$name]}" "$name" "$took" "$*")")
}

# wants NAME: true when NAME is among the layers to run.
wants() { case " ${wanted[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac }

# test_wasm: the browser unit tests. Chromium (via chromedriver) leaves a
# ~56 MB org.chromium.Chromium.scoped_dir.* behind per session in TMPDIR,
# so it gets a private TMPDIR that is removed afterwards.
test_wasm() {
  local tmp rc=0
  tmp="$(mktemp -d -t queuescope-wasm-test.XXXXXX)"
  TMPDIR="$tmp" cargo test --locked -p queuescope --target wasm32-unknown-unknown || rc=$?
  rm -rf "$tmp"
  return $rc
}

# fmt_and_structure: formatting, then the code shapes the compiler does
# not check (scripts/check-structure.py).
fmt_and_structure() {
  cargo fmt --all --check && python3 scripts/check-structure.py
}

# build: what the e2e tests load: dist/ (the served build, as users get
# it), the demo backend, the helper that prints the native core's expected
# numbers.
build() {
  served trunk build --release &&
    cargo build --locked --release -p demo-backend -p queuescope-core -p queuescope-bridge \
      --bin demo-backend --bin queuescope-bridge --example expected &&
    report_sizes
}

# report_sizes: the release wasm and plotly.js sizes (raw and gzip), which
# the project tracks (CONVENTIONS.md, size-conscious builds).
report_sizes() {
  local f
  for f in dist/*.wasm dist/plotly*.js; do
    [ -f "$f" ] || continue
    printf '    %-40s %8d bytes raw, %8d bytes gzip\n' "$f" \
      "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)" >&2
  done
}

# built_after SOURCES... -- OUTPUT: fails, naming a newer source, when an
# OUTPUT is missing or older than a file among SOURCES.
built_after() {
  local sources=() out newer
  while [ "$1" != -- ]; do sources+=("$1"); shift; done
  shift
  for out in "$@"; do
    [ -e "$out" ] || { echo "missing $out: run scripts/test.sh build e2e" >&2; return 1; }
    newer="$(find "${sources[@]}" -type f -newer "$out" -print -quit)"
    [ -z "$newer" ] || { echo "$out is older than $newer: run scripts/test.sh build e2e" >&2; return 1; }
  done
}

# e2e: the Playwright tests against dist/ and demo-backend in Chromium.
e2e() {
  local files=(tests/e2e/*.test.mjs)
  [ -e "${files[0]}" ] || die "no e2e tests found in tests/e2e/"
  # An interrupted or skipped build leaves an old dist/: its failures would
  # be the old code's, so refuse rather than test it.
  built_after src core/src index.html loader.js style Trunk.toml Cargo.toml Cargo.lock -- dist/index.html &&
    built_after demo-backend core/src -- target/release/demo-backend || return 1
  # One file at a time (2-core machines, one Chromium each); a test that
  # hangs fails after 10 minutes instead of holding CI (the faults file
  # alone takes ~6 min on a loaded 2-core machine).
  node --test --test-reporter=spec --test-concurrency=1 --test-timeout=600000 "${files[@]}"
}

start_all=$SECONDS
layer setup - bash scripts/setup.sh
wants fmt && layer fmt setup fmt_and_structure
wants clippy && layer clippy setup cargo clippy --locked --workspace --all-targets -- -D warnings
wants clippy-wasm && layer clippy-wasm setup \
  cargo clippy --locked -p queuescope --target wasm32-unknown-unknown --all-targets -- -D warnings
wants test && layer test setup cargo test --locked --workspace
wants test-wasm && layer test-wasm setup test_wasm
wants build && layer build setup build
wants e2e && layer e2e setup,build e2e
wants bridge-slurm && layer bridge-slurm setup,build bash scripts/bridge-slurm.sh
wants bridge-ray && layer bridge-ray setup,build bash scripts/bridge-ray.sh

printf '\n==> test layers (%ds in all):\n' $((SECONDS - start_all))
printf '    %s\n' "${summary[@]}"
printf 'layers: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$((skipped + unavailable))"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
