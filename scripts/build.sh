#!/usr/bin/env bash
# Builds the app as it is served (dist/): `trunk build --release` with
# Rust's std built for size (scripts/lib.sh `served`; docs/design.md "Wasm
# size: std built for size"). Arguments go to trunk, e.g.
#
#   scripts/build.sh                      into dist/
#   scripts/build.sh --dist /tmp/dist-x   into another folder (perf runs)
#
# Run scripts/setup.sh once first (rust-src and std's crates; test.sh and
# run.sh call it themselves). Plain `trunk build --release` also works and
# gives a larger wasm (the precompiled std, with panic messages).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"
served trunk build --release "$@"
