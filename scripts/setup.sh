#!/usr/bin/env bash
# Installs everything Queuescope needs to build, run and test, and skips
# what is already there. Safe to run again and again (run.sh and test.sh
# call it first). Works as root without a terminal (CI=true).
#
# What it makes sure of, in order:
#   1. rustfmt, clippy, rust-src (std's source, built for the served wasm)
#      and the wasm32-unknown-unknown target (rustup);
#   2. trunk 0.21.14 (cargo install --locked);
#   3. wasm-bindgen-cli in exactly the wasm-bindgen version of Cargo.lock
#      (cargo install without --locked: its own lock file pins a crate
#      version the registry lacks);
#   4. Debian's chromium and chromium-driver (apt-get update once), and a
#      Korean font (fonts-nanum) for the Korean pages;
#   5. npm ci from package-lock.json (plotly.js, playwright-core, and
#      binaryen, whose wasm-opt trunk uses), when node_modules is stale;
#   6. the tool versions Trunk.toml pins equal the installed ones;
#   7. cargo fetch, so builds (trunk runs cargo --offline) need no network:
#      the project's crates, and std's own (compiler_builtins, dlmalloc ...)
#      for the served build, which builds std from source.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

done_steps=()
# did WHAT: remember a step for the closing summary.
did() {
  done_steps+=("$*")
  log "$*"
}

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
command -v rustup >/dev/null || die "rustup not found: the wasm32 target is added with it"
command -v node >/dev/null || die "node not found: install Node.js 20 or newer"
command -v npm >/dev/null || die "npm not found"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "Node.js $node_major is too old: the e2e tests need 20 or newer"

# 1. Rust components and the wasm target.
for component in rustfmt clippy rust-src; do
  if rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    done_steps+=("$component: present")
  else
    rustup component add "$component"
    did "$component: installed"
  fi
done
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  done_steps+=("wasm32-unknown-unknown target: present")
else
  rustup target add wasm32-unknown-unknown
  did "wasm32-unknown-unknown target: installed"
fi

# 2. trunk.
have_trunk="$(trunk --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_trunk" = "$TRUNK_VERSION" ]; then
  done_steps+=("trunk $TRUNK_VERSION: present")
else
  log "installing trunk $TRUNK_VERSION (found: ${have_trunk:-none}); takes about 6 minutes"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
  did "trunk $TRUNK_VERSION: installed"
fi

# 3. wasm-bindgen-cli, in the version of Cargo.lock.
bindgen_version="$(lock_version wasm-bindgen)"
[ -n "$bindgen_version" ] || die "wasm-bindgen not found in Cargo.lock"
have_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
have_runner="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have_bindgen" = "$bindgen_version" ] && [ "$have_runner" = "$bindgen_version" ]; then
  done_steps+=("wasm-bindgen-cli $bindgen_version: present")
else
  log "installing wasm-bindgen-cli $bindgen_version (found: ${have_bindgen:-none}); takes about 2 minutes"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
  did "wasm-bindgen-cli $bindgen_version: installed"
fi

# 4. Chromium and its driver, from Debian (never a browser download).
if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
  done_steps+=("chromium + chromium-driver: present")
else
  command -v apt-get >/dev/null || die "no $CHROMIUM or $CHROMEDRIVER, and no apt-get to install them"
  log "installing chromium and chromium-driver from Debian"
  as_root apt-get update -q
  as_root apt-get install -y -q chromium chromium-driver
  did "chromium + chromium-driver: installed"
fi

# 4b. A Korean font, so that the browser tests measure Korean layouts (and
# screenshots show them) with real glyphs rather than boxes.
if ! command -v fc-list >/dev/null || [ -n "$(fc-list :lang=ko 2>/dev/null | head -1)" ]; then
  done_steps+=("Korean font: present")
else
  command -v apt-get >/dev/null || die "no Korean font and no apt-get to install fonts-nanum"
  log "installing a Korean font (fonts-nanum) from Debian"
  as_root apt-get install -y -q fonts-nanum || { as_root apt-get update -q && as_root apt-get install -y -q fonts-nanum; }
  did "fonts-nanum: installed"
fi

# 5. npm packages, exactly as package-lock.json says. The stamp holds the
# lock file's hash, so an unchanged lock file skips the install.
lock_hash="$(sha256sum package-lock.json | awk '{print $1}')"
stamp="node_modules/.queuescope-lock-sha256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  done_steps+=("node_modules: up to date")
else
  npm ci --no-audit --no-fund
  printf '%s\n' "$lock_hash" >"$stamp"
  did "node_modules: installed with npm ci"
fi

# 6. Trunk.toml's tool pins must match what trunk will find on PATH, or
# trunk (offline) fails with a less helpful message.
bindgen_pin="$(trunk_tool_pin wasm_bindgen)"
[ "$bindgen_pin" = "$bindgen_version" ] ||
  die "Trunk.toml pins wasm_bindgen = \"$bindgen_pin\" but Cargo.lock has $bindgen_version"
wasm_opt_path="$(command -v wasm-opt || true)"
[ "$wasm_opt_path" = "$REPO/node_modules/.bin/wasm-opt" ] ||
  die "wasm-opt on PATH is ${wasm_opt_path:-missing}, expected node_modules/.bin/wasm-opt (npm binaryen)"
# `wasm-opt version 132 (version_132)` -> version_132, as trunk reads it.
have_wasm_opt="version_$(wasm-opt --version | awk '{print $3}')"
wasm_opt_pin="$(trunk_tool_pin wasm_opt)"
[ "$have_wasm_opt" = "$wasm_opt_pin" ] ||
  die "Trunk.toml pins wasm_opt = \"$wasm_opt_pin\" but npm's binaryen gives $have_wasm_opt"
done_steps+=("tool pins: wasm-bindgen $bindgen_version, wasm-opt $have_wasm_opt")

# 7. Crates, for every target (trunk builds with cargo --offline).
cargo fetch --locked --quiet
# std's crates, as the served build resolves them (scripts/lib.sh `served`).
served cargo fetch --locked --quiet --target wasm32-unknown-unknown
done_steps+=("cargo fetch: done (with std's crates for the served build)")

log "setup complete:"
for step in "${done_steps[@]}"; do
  printf '    %s\n' "$step" >&2
done
