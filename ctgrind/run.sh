#!/usr/bin/env bash
# Secret-taint test of vaultseal (ctgrind technique) under valgrind memcheck.
# Needs valgrind and its headers (Debian: apt-get install -y valgrind).
#  - the constant-time paths (encryption, decryption, whole sealings, vault
#    keys and proofs of possession, hybrid sealing, deploy-key signing,
#    opening, threshold dealing, share opening, key recovery, FROST signing)
#    must produce no memcheck error (exit 0);
#  - the control (a variable-time dlog) must produce errors (exit 42),
#    which shows the harness can fail.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release
# Where cargo put it: honour CARGO_TARGET_DIR (relative to this directory).
bin="${CARGO_TARGET_DIR:-target}/release/vaultseal-ctgrind"
# accepted.supp: the dependency verdicts the harness accepts (documented there).
vg=(valgrind --error-exitcode=42 --track-origins=yes -q --suppressions=accepted.supp)

echo "==> constant-time paths (expect no error)"
# One process for every case: the decryption table and the generators are
# built once. `"$bin" CASE ...` runs single cases (see src/main.rs).
"${vg[@]}" "$bin"

echo "==> control: variable-time dlog (expect memcheck errors)"
set +e
"${vg[@]}" "$bin" control >/dev/null 2>control.log
rc=$?
set -e
if [ "$rc" -ne 42 ]; then
  echo "control was not flagged (exit $rc): the harness is not detecting leaks" >&2
  cat control.log >&2
  exit 1
fi
echo "control flagged as expected ($(grep -c 'Conditional jump' control.log) conditional-jump reports)"
rm -f control.log
