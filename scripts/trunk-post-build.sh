#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml [[hooks]]). When QUEUESCOPE_CONFIG names
# a config file, copy it into the build as config.json, so `scripts/run.sh`
# can point the app at a backend. Without it dist/ has no config.json and
# the app shows its built-in demo data.
set -euo pipefail
if [ -n "${QUEUESCOPE_CONFIG:-}" ]; then
  [ -f "$QUEUESCOPE_CONFIG" ] || {
    echo "QUEUESCOPE_CONFIG=$QUEUESCOPE_CONFIG: no such file" >&2
    exit 1
  }
  cp "$QUEUESCOPE_CONFIG" "$TRUNK_STAGING_DIR/config.json"
fi
# A release build also gets brotli and gzip copies of its files
# (scripts/precompress.mjs) for hosts that serve them (README, "Deploying").
# `trunk serve` does not serve them, so scripts/run.sh sets
# QUEUESCOPE_PRECOMPRESS=0 and its rebuilds skip the ~5 s this takes.
if [ "${TRUNK_PROFILE:-}" = release ] && [ "${QUEUESCOPE_PRECOMPRESS:-1}" != 0 ]; then
  node "$TRUNK_SOURCE_DIR/scripts/precompress.mjs" "$TRUNK_STAGING_DIR"
fi
