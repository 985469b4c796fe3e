//! vaultseal and its peers, side by side in one criterion run.
//!
//! Every peer operation has its own group; every input (keys, values,
//! blindings, proofs) is built outside `iter`, so a sample times exactly the
//! operation named by the group. SPEC §12 states its targets as ratios to
//! these numbers, measured in the same run: see `README.md` for which
//! benchmark is the denominator of which target.
//!
//! Peers:
//! - zkcrypto/dalek `bulletproofs` 5 (curve25519-dalek 4): aggregated range
//!   proofs of `m` values × 16 bits;
//! - `solana-zk-sdk` 8 (curve25519-dalek 4): the 256-bit batched range proof,
//!   the grouped-ciphertext validity proofs and `decrypt_u32`.
//!
//! vaultseal's own operations live in [`vaultseal_benches`].

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group};

#[path = "../../shared/sealed.rs"]
mod sealed;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// A seeded CSPRNG, so every run benchmarks the same inputs.
fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

// ---------------------------------------------------------------------------
// zkcrypto/dalek bulletproofs 5
// ---------------------------------------------------------------------------

mod zkcrypto {
    use super::*;
    use bulletproofs::{BulletproofGens, PedersenGens, RangeProof};
    use curve25519_dalek_4::ristretto::CompressedRistretto;
    use curve25519_dalek_4::scalar::Scalar;
    use merlin::Transcript;

    /// Bits per value: vaultseal proves 16-bit chunks.
    pub const BITS: usize = 16;
    /// Aggregation sizes `m` (values per proof); 16 × 16 bits = one 32-byte
    /// deploy key in 16-bit chunks.
    pub const PARTIES: [usize; 3] = [1, 16, 64];
    const LABEL: &[u8] = b"vaultseal peer bench: bulletproofs";

    /// One aggregated statement: values, blindings, and a proof of them.
    pub struct Instance {
        pub values: Vec<u64>,
        pub blindings: Vec<Scalar>,
        pub proof: RangeProof,
        pub commitments: Vec<CompressedRistretto>,
    }

    /// Values `< 2^16` and uniform blindings, proved once for the verify
    /// benchmark.
    pub fn instance(bp: &BulletproofGens, pc: &PedersenGens, m: usize, seed: u64) -> Instance {
        let mut r = rng(seed);
        let values: Vec<u64> = (0..m).map(|_| r.next_u64() & 0xffff).collect();
        let blindings: Vec<Scalar> = (0..m)
            .map(|_| {
                let mut wide = [0u8; 64];
                r.fill_bytes(&mut wide);
                Scalar::from_bytes_mod_order_wide(&wide)
            })
            .collect();
        let (proof, commitments) = prove(bp, pc, &values, &blindings);
        Instance { values, blindings, proof, commitments }
    }

    pub fn prove(
        bp: &BulletproofGens,
        pc: &PedersenGens,
        values: &[u64],
        blindings: &[Scalar],
    ) -> (RangeProof, Vec<CompressedRistretto>) {
        let mut t = Transcript::new(LABEL);
        RangeProof::prove_multiple(bp, pc, &mut t, values, blindings, BITS)
            .expect("bulletproofs: prove_multiple")
    }

    pub fn verify(
        bp: &BulletproofGens,
        pc: &PedersenGens,
        proof: &RangeProof,
        commitments: &[CompressedRistretto],
    ) {
        let mut t = Transcript::new(LABEL);
        proof
            .verify_multiple(bp, pc, &mut t, commitments, BITS)
            .expect("bulletproofs: verify_multiple");
    }

    pub fn benches(c: &mut Criterion) {
        let max = *PARTIES.iter().max().unwrap_or(&1);
        let bp = BulletproofGens::new(BITS, max);
        let pc = PedersenGens::default();
        let instances: Vec<(usize, Instance)> =
            PARTIES.iter().map(|&m| (m, instance(&bp, &pc, m, 0xB0 + m as u64))).collect();

        let mut g = c.benchmark_group("bulletproofs/range_prove");
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (m, inst) in &instances {
            g.bench_with_input(BenchmarkId::new("values_x16bit", m), inst, |b, inst| {
                b.iter(|| prove(&bp, &pc, black_box(&inst.values), black_box(&inst.blindings)))
            });
        }
        g.finish();

        let mut g = c.benchmark_group("bulletproofs/range_verify");
        g.sampling_mode(SamplingMode::Flat).sample_size(20);
        for (m, inst) in &instances {
            g.bench_with_input(BenchmarkId::new("values_x16bit", m), inst, |b, inst| {
                b.iter(|| verify(&bp, &pc, black_box(&inst.proof), black_box(&inst.commitments)))
            });
        }
        g.finish();
    }
}

// ---------------------------------------------------------------------------
// solana-zk-sdk 8
// ---------------------------------------------------------------------------

mod solana {
    use super::*;
    use solana_zk_sdk::encryption::elgamal::{ElGamalCiphertext, ElGamalKeypair};
    use solana_zk_sdk::encryption::grouped_elgamal::GroupedElGamal;
    use solana_zk_sdk::encryption::pedersen::{Pedersen, PedersenCommitment, PedersenOpening};
    use solana_zk_sdk::zk_elgamal_proof_program::{
        VerifyZkProof, build_batched_grouped_ciphertext_2_handles_validity_proof_data,
        build_batched_grouped_ciphertext_3_handles_validity_proof_data,
        build_batched_range_proof_u256_data,
        build_grouped_ciphertext_2_handles_validity_proof_data,
        build_grouped_ciphertext_3_handles_validity_proof_data,
    };

    /// `BatchedRangeProofU256` takes at most 8 commitments
    /// (`MAX_COMMITMENTS = 8` in solana-zk-elgamal-proof-interface 1.0) whose
    /// bit lengths sum to exactly 256, so 16 × 16 bits is not expressible; 8 ×
    /// 32 bits is the same 256-bit aggregated inner-product argument.
    pub const U256_SHAPE: (usize, usize) = (8, 32);

    struct RangeInstance {
        commitments: Vec<PedersenCommitment>,
        amounts: Vec<u64>,
        openings: Vec<PedersenOpening>,
    }

    impl RangeInstance {
        fn new(count: usize, bits: usize, seed: u64) -> Self {
            let mut r = rng(seed);
            let mask = if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 };
            let amounts: Vec<u64> = (0..count).map(|_| r.next_u64() & mask).collect();
            let (commitments, openings) = amounts.iter().map(|&a| Pedersen::new(a)).unzip();
            RangeInstance { commitments, amounts, openings }
        }

        fn prove(&self, bits: usize) -> impl VerifyZkProof + use<> {
            build_batched_range_proof_u256_data(
                self.commitments.iter().collect(),
                self.amounts.clone(),
                vec![bits; self.amounts.len()],
                self.openings.iter().collect(),
            )
            .expect("solana: build_batched_range_proof_u256_data")
        }
    }

    fn range_benches(c: &mut Criterion) {
        let (count, bits) = U256_SHAPE;
        let id = format!("{count}x{bits}bit");
        let inst = RangeInstance::new(count, bits, 0x5A);
        let proof = inst.prove(bits);

        let mut g = c.benchmark_group("solana/range_u256_prove");
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        g.bench_function(BenchmarkId::from_parameter(&id), |b| {
            b.iter(|| black_box(&inst).prove(bits))
        });
        g.finish();

        let mut g = c.benchmark_group("solana/range_u256_verify");
        g.sampling_mode(SamplingMode::Flat).sample_size(20);
        g.bench_function(BenchmarkId::from_parameter(&id), |b| {
            b.iter(|| black_box(&proof).verify_proof().expect("solana: range verify"))
        });
        g.finish();
    }

    fn validity_benches(c: &mut Criterion) {
        let k1 = ElGamalKeypair::new_rand();
        let k2 = ElGamalKeypair::new_rand();
        let k3 = ElGamalKeypair::new_rand();
        let (p1, p2, p3) = (k1.pubkey(), k2.pubkey(), k3.pubkey());
        let (lo, hi) = (0xBEEF_u64, 0x1234_u64);
        let o_lo = PedersenOpening::new_rand();
        let o_hi = PedersenOpening::new_rand();
        let c2_lo = GroupedElGamal::encrypt_with([p1, p2], lo, &o_lo);
        let c2_hi = GroupedElGamal::encrypt_with([p1, p2], hi, &o_hi);
        let c3_lo = GroupedElGamal::encrypt_with([p1, p2, p3], lo, &o_lo);
        let c3_hi = GroupedElGamal::encrypt_with([p1, p2, p3], hi, &o_hi);

        let prove2 = || {
            build_grouped_ciphertext_2_handles_validity_proof_data(p1, p2, &c2_lo, lo, &o_lo)
                .expect("solana: 2-handle validity")
        };
        let prove3 = || {
            build_grouped_ciphertext_3_handles_validity_proof_data(p1, p2, p3, &c3_lo, lo, &o_lo)
                .expect("solana: 3-handle validity")
        };
        let prove2b = || {
            build_batched_grouped_ciphertext_2_handles_validity_proof_data(
                p1, p2, &c2_lo, &c2_hi, lo, hi, &o_lo, &o_hi,
            )
            .expect("solana: batched 2-handle validity")
        };
        let prove3b = || {
            build_batched_grouped_ciphertext_3_handles_validity_proof_data(
                p1, p2, p3, &c3_lo, &c3_hi, lo, hi, &o_lo, &o_hi,
            )
            .expect("solana: batched 3-handle validity")
        };

        let mut g = c.benchmark_group("solana/grouped_validity_prove");
        g.bench_function("handles_2", |b| b.iter(prove2));
        g.bench_function("handles_3", |b| b.iter(prove3));
        g.bench_function("batched_handles_2", |b| b.iter(prove2b));
        g.bench_function("batched_handles_3", |b| b.iter(prove3b));
        g.finish();

        let (d2, d3, d2b, d3b) = (prove2(), prove3(), prove2b(), prove3b());
        let mut g = c.benchmark_group("solana/grouped_validity_verify");
        g.bench_function("handles_2", |b| {
            b.iter(|| black_box(&d2).verify_proof().expect("verify"))
        });
        g.bench_function("handles_3", |b| {
            b.iter(|| black_box(&d3).verify_proof().expect("verify"))
        });
        g.bench_function("batched_handles_2", |b| {
            b.iter(|| black_box(&d2b).verify_proof().expect("verify"))
        });
        g.bench_function("batched_handles_3", |b| {
            b.iter(|| black_box(&d3b).verify_proof().expect("verify"))
        });
        g.finish();
    }

    /// The statement of one sealed deploy key to one vault, built from
    /// solana-zk-sdk's proofs as a solana-style sealer would: 16 chunk
    /// ciphertexts of 16 bits (grouped ElGamal; the SDK's smallest grouped
    /// validity proof has two handles, here the vault and the owner), their
    /// validity by 8 batched (lo/hi) 2-handle proofs, and their range by one
    /// batched 256-bit range proof over the 16 commitments' pairwise sums
    /// (8 × 32 bits: the U256 proof takes at most 8 commitments). The
    /// verification of all nine proofs is the SPEC §12 like-for-like peer of
    /// a single `SealedDeployKey` verification (which also carries the
    /// key-binding proof, which this has no counterpart for).
    fn deploy_key_statement_benches(c: &mut Criterion) {
        let vault = ElGamalKeypair::new_rand();
        let owner = ElGamalKeypair::new_rand();
        let (pv, po) = (vault.pubkey(), owner.pubkey());
        let mut r = rng(0x5B);
        let chunks: Vec<u64> = (0..16).map(|_| r.next_u64() & 0xffff).collect();
        let openings: Vec<PedersenOpening> = (0..16).map(|_| PedersenOpening::new_rand()).collect();
        let ciphertexts: Vec<_> = chunks
            .iter()
            .zip(&openings)
            .map(|(&m, o)| GroupedElGamal::encrypt_with([pv, po], m, o))
            .collect();
        let validity: Vec<_> = (0..8)
            .map(|i| {
                let (lo, hi) = (2 * i, 2 * i + 1);
                build_batched_grouped_ciphertext_2_handles_validity_proof_data(
                    pv,
                    po,
                    &ciphertexts[lo],
                    &ciphertexts[hi],
                    chunks[lo],
                    chunks[hi],
                    &openings[lo],
                    &openings[hi],
                )
                .expect("solana: batched 2-handle validity")
            })
            .collect();
        // Range: each pair (lo, hi) as one 32-bit value lo + 2¹⁶·hi, committed
        // with the matching combination of openings (what a verifier would
        // derive homomorphically from the two chunk commitments).
        let pairs: Vec<u64> = (0..8).map(|i| chunks[2 * i] + (chunks[2 * i + 1] << 16)).collect();
        let (commitments, pair_openings): (Vec<_>, Vec<_>) =
            pairs.iter().map(|&v| Pedersen::new(v)).unzip();
        let range = build_batched_range_proof_u256_data(
            commitments.iter().collect(),
            pairs.clone(),
            vec![32; 8],
            pair_openings.iter().collect(),
        )
        .expect("solana: build_batched_range_proof_u256_data");

        let mut g = c.benchmark_group("solana/deploy_key_statement_verify");
        g.sampling_mode(SamplingMode::Flat).sample_size(20);
        g.bench_function("range_u256+8x_batched_validity_2", |b| {
            b.iter(|| {
                black_box(&range).verify_proof().expect("solana: range verify");
                for proof in &validity {
                    black_box(proof).verify_proof().expect("solana: validity verify");
                }
            })
        });
        g.finish();
    }

    /// `decrypt_u32` is baby-step giant-step over a 2¹⁶ precomputed table:
    /// its time depends on the high 16 bits of the plaintext (not constant
    /// time). Two plaintexts: the worst case and a middle one.
    fn decrypt_benches(c: &mut Criterion) {
        let kp = ElGamalKeypair::new_rand();
        let cases: [(&str, u64); 2] = [("0x8000_0000", 0x8000_0000), ("0xffff_ffff", 0xffff_ffff)];
        let cts: Vec<(&str, u64, ElGamalCiphertext)> =
            cases.iter().map(|&(name, v)| (name, v, kp.pubkey().encrypt(v))).collect();
        // The decode table is deserialized lazily: load it before timing.
        assert_eq!(kp.secret().decrypt_u32(&cts[0].2), Some(cts[0].1));

        let mut g = c.benchmark_group("solana/decrypt_u32");
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        for (name, v, ct) in &cts {
            g.bench_with_input(BenchmarkId::from_parameter(name), ct, |b, ct| {
                b.iter(|| {
                    let m = kp.secret().decrypt_u32(black_box(ct));
                    debug_assert_eq!(m, Some(*v));
                    m
                })
            });
        }
        g.finish();
    }

    pub fn benches(c: &mut Criterion) {
        range_benches(c);
        validity_benches(c);
        deploy_key_statement_benches(c);
        decrypt_benches(c);
    }
}

// ---------------------------------------------------------------------------
// vaultseal
// ---------------------------------------------------------------------------

/// vaultseal's own operations, in the same run as the peers: proofs of
/// possession here, and the sealed-item benchmarks shared with the main
/// crate's `benches/sealed.rs` (`benches/shared/sealed.rs`), whose ids the
/// SPEC §12 ratios in [`RATIOS`] use.
fn vaultseal_benches(c: &mut Criterion) {
    use vaultseal::{Params, VaultKeyProof, VaultKeypair};

    let params = Params::shared();
    let mut r = rng(0x5EA1);
    let keypair = VaultKeypair::generate(params, &mut r);
    let record: &[u8] = b"vaultseal peer bench: vault record";
    let proof = VaultKeyProof::prove(&keypair, record, &mut r);

    let mut g = c.benchmark_group("vaultseal/vault_key_proof_prove");
    g.bench_function("single", |b| {
        b.iter(|| VaultKeyProof::prove(black_box(&keypair), black_box(record), &mut r))
    });
    g.finish();

    let mut g = c.benchmark_group("vaultseal/vault_key_proof_verify");
    g.bench_function("single", |b| {
        b.iter(|| {
            black_box(&proof)
                .verify(params, keypair.public(), black_box(record), &mut r)
                .expect("vaultseal: vault key proof verifies")
        })
    });
    g.finish();

    sealed::sealed_benches(c);
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = zkcrypto::benches, solana::benches, vaultseal_benches
}

// ---------------------------------------------------------------------------
// Summary: medians read back from criterion's estimates, and SPEC §12 ratios.
// ---------------------------------------------------------------------------

/// SPEC §12 ratios: (numerator, denominator, target). The vaultseal ids are
/// the ones the lead's benches in [`vaultseal_benches`] should use; a ratio
/// whose benchmarks have not been measured prints `n/a`.
const RATIOS: &[(&str, &str, &str)] = &[
    (
        "vaultseal/sealed_deploy_key_verify/single",
        "bulletproofs/range_verify/values_x16bit/16",
        "<= 1.0",
    ),
    (
        "vaultseal/sealed_deploy_key_verify/single",
        "solana/deploy_key_statement_verify/range_u256+8x_batched_validity_2",
        "<= 0.6",
    ),
    ("vaultseal/sealed_deploy_key_verify/single", "solana/range_u256_verify/8x32bit", "(context)"),
    (
        "vaultseal/sealed_deploy_key_seal/single",
        "bulletproofs/range_prove/values_x16bit/16",
        "<= 0.8",
    ),
    (
        "vaultseal/sealed_deploy_key_open/single",
        "solana/decrypt_u32/0x8000_0000",
        "(open <= 5 ms absolute)",
    ),
];

/// Criterion's output directory, found as criterion finds it (minus the
/// `cargo metadata` fallback).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target").join("criterion")
}

/// Every `(full_id, median ns)` under `dir`, from `*/new/{benchmark,estimates}.json`.
fn collect_medians(dir: &Path, out: &mut BTreeMap<String, f64>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            let read = |f: &str| -> Option<serde_json::Value> {
                serde_json::from_str(&std::fs::read_to_string(path.join(f)).ok()?).ok()
            };
            if let (Some(b), Some(e)) = (read("benchmark.json"), read("estimates.json"))
                && let (Some(id), Some(m)) =
                    (b["full_id"].as_str(), e["median"]["point_estimate"].as_f64())
            {
                out.insert(id.to_owned(), m);
            }
        } else {
            collect_medians(&path, out);
        }
    }
}

fn pretty(ns: f64) -> String {
    if ns >= 1e6 { format!("{:.3} ms", ns / 1e6) } else { format!("{:.1} µs", ns / 1e3) }
}

fn summary() {
    let dir = criterion_dir();
    let mut medians = BTreeMap::new();
    collect_medians(&dir, &mut medians);
    println!("\n== medians ({}; latest run of each benchmark) ==", dir.display());
    for (id, ns) in &medians {
        println!("{id:<55} {:>12}", pretty(*ns));
    }
    println!("\n== SPEC §12 ratios ==");
    for (num, den, target) in RATIOS {
        let ratio = match (medians.get(*num), medians.get(*den)) {
            (Some(n), Some(d)) => format!("{:.3}", n / d),
            _ => "n/a".to_owned(),
        };
        println!("{num} / {den} = {ratio}  (target {target})");
    }
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only after a real measurement run (`cargo bench` passes `--bench`).
    if std::env::args().any(|a| a == "--bench") && !std::env::args().any(|a| a == "--list") {
        summary();
    }
}
