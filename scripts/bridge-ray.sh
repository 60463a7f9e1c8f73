#!/usr/bin/env bash
# The `bridge-ray` test layer: the bridge against a REAL Ray head node
# (Ray 2.60.0 from PyPI in a cached venv), seen in Chromium
# (tests/e2e/bridge-ray.real.mjs). Ray binds more than loopback, so Ray,
# the bridge and the browser all run in a fresh network namespace
# (`unshare -n`, only `lo`), and Ray is ended by the PIDs of that namespace
# (never `ray stop`, which kills every Ray on the host by name). Needs dist/
# and the release bridge (the `build` layer). Exits 3 with a SKIP line when
# Ray cannot be installed here.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO" || exit 1

bash scripts/ray-local.sh install
rc=$?
[ $rc -eq 0 ] || exit $rc
command -v unshare >/dev/null || {
  echo "SKIP: unshare (util-linux) is missing, and Ray must not bind the machine's address" >&2
  exit 3
}
work="$(mktemp -d -t queuescope-ray-layer.XXXXXX)"
trap 'rm -rf "$work"' EXIT
# Everything below runs in the new namespace; its last step ends every
# process left there (Ray's), by PID.
unshare -n bash -c '
  set -u
  ip link set lo up
  if ! bash scripts/ray-local.sh start "$1/ray"; then
    bash scripts/ray-local.sh stop
    exit 1
  fi
  QUEUESCOPE_RAY_ENV="$1/ray/env" node --test --test-reporter=spec --test-concurrency=1 \
    --test-timeout=300000 tests/e2e/bridge-ray.real.mjs
  rc=$?
  bash scripts/ray-local.sh stop
  exit $rc
' bridge-ray "$work"
