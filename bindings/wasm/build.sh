#!/usr/bin/env bash
# Build the WebAssembly package with wasm-bindgen:
#   web/pkg/                 ES module for the web (what the page loads)
#   bindings/wasm/pkg/node/  CommonJS for Node
# wasm-bindgen-cli must be exactly the version Cargo.lock pins for the
# wasm-bindgen crate (the two share a schema):
#   cargo install --locked wasm-bindgen-cli --version <that version>
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
want=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "build.sh: wasm-bindgen-cli $want is needed (found: ${have:-none}):" >&2
  echo "  cargo install --locked wasm-bindgen-cli --version $want" >&2
  exit 1
fi
cargo build --release --target wasm32-unknown-unknown -p vaultseal-wasm
wasm="${CARGO_TARGET_DIR:-$root/target}/wasm32-unknown-unknown/release/vaultseal_wasm.wasm"
wasm-bindgen --target web --out-dir web/pkg "$wasm"
wasm-bindgen --target nodejs --out-dir bindings/wasm/pkg/node "$wasm"
raw=$(wc -c < web/pkg/vaultseal_wasm_bg.wasm)
gz=$(gzip -9c web/pkg/vaultseal_wasm_bg.wasm | wc -c)
echo "build.sh: web/pkg/vaultseal_wasm_bg.wasm: $raw bytes, $gz gzipped"
