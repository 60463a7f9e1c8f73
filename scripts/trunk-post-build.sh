#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml [[hooks]]): when QUEUESCOPE_CONFIG names
# a config file, copy it into the build as config.json, so `scripts/run.sh`
# can point the app at a backend. Without it nothing happens: dist/ has no
# config.json and the app shows its built-in demo data.
set -euo pipefail
if [ -n "${QUEUESCOPE_CONFIG:-}" ]; then
  [ -f "$QUEUESCOPE_CONFIG" ] || {
    echo "QUEUESCOPE_CONFIG=$QUEUESCOPE_CONFIG: no such file" >&2
    exit 1
  }
  cp "$QUEUESCOPE_CONFIG" "$TRUNK_STAGING_DIR/config.json"
fi
