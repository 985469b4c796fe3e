//! Hybrid envelopes: seal (to wire bytes) and open (from wire bytes) at
//! 1 KiB and 1 MiB, to 1 and 3 vaults.
//!
//! `cargo bench --bench hybrid`
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use core::hint::black_box;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::hybrid;
use vaultseal::{Context, Params, Purpose, VaultKeypair, VaultPublicKey};

fn bench_hybrid(c: &mut Criterion) {
    let params = Params::new();
    let vaults: Vec<VaultKeypair> =
        (1..=3u8).map(|s| VaultKeypair::from_seed(&params, &[s; 32]).unwrap()).collect();
    let ctx = Context::new(b"bench-project", b"github:1", Purpose::Secret, [9; 32]).unwrap();
    let ad = b"bench associated data";
    let mut rng = ChaCha20Rng::seed_from_u64(1);

    let mut group = c.benchmark_group("hybrid");
    for len in [1024usize, 1024 * 1024] {
        let payload = vec![0x5au8; len];
        group.throughput(Throughput::Bytes(len as u64));
        if len > 64 * 1024 {
            group.sample_size(20);
        }
        for v in [1usize, 3] {
            let recipients: Vec<VaultPublicKey> = vaults[..v].iter().map(|k| *k.public()).collect();
            let size = format!("{}KiB", len / 1024);
            group.bench_with_input(
                BenchmarkId::new(format!("seal/{v}-vault"), &size),
                &payload,
                |b, payload| {
                    b.iter(|| {
                        hybrid::seal(black_box(&recipients), &ctx, ad, payload, &mut rng)
                            .unwrap()
                            .to_bytes()
                    })
                },
            );
            let bytes = hybrid::seal(&recipients, &ctx, ad, &payload, &mut rng).unwrap().to_bytes();
            group.bench_with_input(
                BenchmarkId::new(format!("open/{v}-vault"), &size),
                &bytes,
                |b, bytes| {
                    b.iter(|| {
                        hybrid::open_bytes(&vaults[v - 1], black_box(bytes), &ctx, ad).unwrap()
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_hybrid);
criterion_main!(benches);
