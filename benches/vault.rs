//! Vault keys: proof of possession proving and verification, key generation.
//!
//! `cargo bench --bench vault`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{Params, VaultKeyProof, VaultKeypair};

const RECORD: &[u8] = b"region=eu-west;endpoint=vault-1.example;epoch=1";

fn vault(c: &mut Criterion) {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let keypair = VaultKeypair::generate(params, &mut rng);
    let proof = VaultKeyProof::prove(&keypair, RECORD, &mut rng);

    let mut group = c.benchmark_group("vault");
    group.bench_function("keypair_generate", |b| {
        b.iter(|| VaultKeypair::generate(params, &mut rng));
    });
    group.bench_function("proof_of_possession_prove", |b| {
        b.iter(|| VaultKeyProof::prove(black_box(&keypair), RECORD, &mut rng));
    });
    group.bench_function("proof_of_possession_verify", |b| {
        b.iter(|| black_box(&proof).verify(params, keypair.public(), RECORD, &mut rng).unwrap());
    });
    group.finish();
}

criterion_group!(benches, vault);
criterion_main!(benches);
