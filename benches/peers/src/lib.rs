//! Empty: this package only holds benchmarks (see `benches/peers.rs`).
