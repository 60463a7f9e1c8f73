#!/usr/bin/env bash
# The `bridge-slurm` test layer: the bridge against a REAL single-node
# Slurm (scripts/slurm-local.sh installs and starts it), seen in Chromium
# (tests/e2e/bridge-slurm.real.mjs). Needs dist/ and the release bridge
# (the `build` layer). Exits 3 with a SKIP line when the Slurm packages
# cannot be installed here.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO" || exit 1

bash scripts/slurm-local.sh install
rc=$?
[ $rc -eq 0 ] || exit $rc
node --test --test-reporter=spec --test-concurrency=1 --test-timeout=300000 \
  tests/e2e/bridge-slurm.real.mjs
