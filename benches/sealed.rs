//! Sealing, verification and opening of 32-byte deploy keys and secrets,
//! with one and three vaults. `cd benches/peers && cargo bench` runs the same
//! benchmarks in one run with the peers (zkcrypto bulletproofs,
//! solana-zk-sdk) and prints the ratios to the targets (`docs/PERFORMANCE.md`).
#![allow(missing_docs, clippy::expect_used)]

use criterion::{criterion_group, criterion_main};

#[path = "shared/criterion_io.rs"]
#[allow(dead_code)]
mod criterion_io;
#[path = "shared/sealed.rs"]
mod shared;

criterion_group! {
    name = benches;
    config = criterion_io::config();
    targets = shared::sealed_benches
}
criterion_main!(benches);
