//! Sealing, verification and opening of 32-byte deploy keys and secrets,
//! with one and three vaults. `cd benches/peers && cargo bench` runs the same
//! benchmarks in one run with the peers (zkcrypto bulletproofs,
//! solana-zk-sdk) and prints the SPEC §12 ratios.
#![allow(missing_docs, clippy::expect_used)]

use core::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "shared/sealed.rs"]
mod shared;

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = shared::sealed_benches
}
criterion_main!(benches);
