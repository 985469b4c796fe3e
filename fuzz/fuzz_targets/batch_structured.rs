//! Structured mutations of VALID items, then batch ≡ single.
//!
//! A pool of valid sealed deploy keys, sealed secrets, proofs of possession
//! and project registrations is built once per process from seeded RNGs
//! (`common/structured.rs`). The input (decoded with `arbitrary`) picks up to
//! four of them and applies up to eight structured mutations to each: a
//! point replaced by another valid point, by a torsioned, non-canonical or
//! identity encoding or by an arithmetic neighbour (`P ± B`, `−P`, `2P`,
//! `P + T₈`); a scalar by another canonical scalar, a neighbour or a
//! non-canonical one; two fields of one type swapped; a field or a whole
//! section (keys, ciphertext, range proof, sigma proof) taken from another
//! valid item; recipients dropped, duplicated, reordered; chunks swapped;
//! header bytes and length prefixes changed; the encoding truncated or
//! extended. Registrations are mutated at their own fields and inside their
//! sealed items, then optionally re-signed (by the owner, or by another key),
//! so that mutations reach the checks behind the signature.
//!
//! The items go into one `BatchVerifier` (encoded, or decoded when they
//! decode and the input says so); then every item's batch verdict (named by
//! bisection, or not named) must equal its single verification's verdict,
//! error included, and `verify_registration_bytes` must agree too. Unmutated
//! items must verify. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code, non_snake_case)]
#[path = "../../tests/common/sealed_layout.rs"]
mod sealed_layout;

#[allow(dead_code)]
#[path = "../../tests/common/registration_fixtures.rs"]
mod registration_fixtures;

#[allow(non_snake_case)]
#[path = "common/structured.rs"]
mod structured;

#[path = "common/batch_single.rs"]
mod batch_single;

fuzz_target!(|case: structured::Case| batch_single::check(&case));
