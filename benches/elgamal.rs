//! Chunked twisted ElGamal alone: encryption of a 32-byte payload
//! to one vault (16 chunks: commitments and handles) and its constant-time
//! decryption (handles, then one full table scan per chunk).
//!
//! Raw encryption and decryption are crate-internal (the public `open`
//! verifies first). This bench reaches them through the hooks of the
//! secret-taint harness (feature `__ctgrind`, no API); `benches/sealed.rs`
//! times the public paths, proofs included.
//!
//! `cargo bench --bench elgamal --features __ctgrind`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use core::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{__ctgrind, Params, VaultKeypair};

const PAYLOAD: [u8; 32] = [0xa5; 32];

fn elgamal(c: &mut Criterion) {
    let params = Params::shared();
    params.prepare_decryption();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let vault = VaultKeypair::generate(params, &mut rng);
    let mut x = [0u8; 32];
    x.copy_from_slice(&vault.secret().to_bytes()[..32]);
    let encoding = __ctgrind::encrypt(params, &PAYLOAD, vault.public(), &mut rng).unwrap();
    let ciphertext = __ctgrind::ciphertext_from_bytes(&encoding, PAYLOAD.len() / 2).unwrap();
    let (chunks, found) = __ctgrind::decrypt(params, &ciphertext, &x);
    assert_eq!(found, 1);
    let expected: Vec<u16> = PAYLOAD.chunks(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
    assert_eq!(chunks, expected);

    let mut group = c.benchmark_group("elgamal");
    group.bench_function("encrypt_32B_1-vault", |b| {
        b.iter(|| __ctgrind::encrypt(params, black_box(&PAYLOAD), vault.public(), &mut rng));
    });
    group.bench_function("decrypt_32B", |b| {
        b.iter(|| __ctgrind::decrypt(params, black_box(&ciphertext), black_box(&x)));
    });
    group.finish();
}

criterion_group!(benches, elgamal);
criterion_main!(benches);
