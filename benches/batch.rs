//! Batch verification against the machine floor, measured in the same run.
//!
//! Groups:
//! - `batch/deploy_key_v{1,3}_bytes_{serial,parallel}/N`: `N` encoded sealed
//!   deploy keys to one or three vaults, each with its own context, pushed as
//!   bytes: decode (decompression) + verify, per batch;
//! - `batch/deploy_key_v1_decoded_{..}/N`: the same items already decoded
//!   (verify only);
//! - `batch/mixed_sets_bytes_{..}/N`: `N` whole registration-like sets of
//!   encoded items (a proof of possession, two deploy keys, two webhook
//!   secrets; five items per set);
//! - `batch/deploy_key_v1_bytes_one_bad_{..}/1024`: the same 1024 items with
//!   one forged at index 500: the batch check, then bisection (10 more
//!   checks of 512, 256, …, 1 items) names it;
//! - `batch/deploy_key_v1_bytes_one_thread/{256,1024}` (`parallel` builds
//!   only): the one-vault batches on a one-thread rayon pool, so that the
//!   parallel speed-up is also measured within one run;
//! - `batch_floor/{msm_65536,decompress_ristretto,decompress_edwards}`: the
//!   floor (as `benches/msm_floor.rs`), in the same run.
//!
//! The mode (`serial` or `parallel`) is the `parallel` feature of the build;
//! run both, then the summary prints both and their ratio:
//! ```sh
//! cargo bench --bench batch -- --warm-up-time 1 --measurement-time 3
//! cargo bench --bench batch --features parallel -- --warm-up-time 1 --measurement-time 3
//! ```
//! Sealed items are made once and cached in `target/bench-cache/` (sealing
//! 1024 deploy keys takes a while). `VAULTSEAL_BENCH_4096=1` adds N = 4096 for
//! the one-vault deploy keys.
//!
//! After criterion, the summary reads the medians back, states each batch as
//! µs per item, items per second and the ratio to the floor of its items
//! (their points × (one Pippenger point at N = 65536 + one decompression)),
//! and prints a per-stage profile (`BatchVerifier::verify_profiled`, median
//! of 5 runs) of the 1024-item batches.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
#![allow(clippy::cast_precision_loss)]

use core::hint::black_box;
use core::time::Duration;
use std::path::PathBuf;

#[path = "shared/criterion_io.rs"]
mod criterion_io;
use criterion_io::{config, criterion_dir, median_ns};
#[path = "shared/stage_profile.rs"]
mod stage_profile;
use stage_profile::print_stages;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::batch::BatchProfile;
use vaultseal::{
    BatchVerifier, Context, DeployKey, Params, Purpose, SealedDeployKey, VaultKeyProof,
    VaultKeypair, VaultPublicKey, WebhookSecret, seal_deploy_key, seal_secret,
};

const SIZES: [usize; 5] = [1, 16, 64, 256, 1024];
const MIXED_SIZES: [usize; 4] = [1, 16, 64, 256];
const FLOOR_MSM: usize = 65536;
const FLOOR_DECOMPRESS: usize = 4096;
const RECORD: &[u8] = b"region=eu-west;endpoint=vault.example;epoch=1";

fn mode() -> &'static str {
    if cfg!(feature = "parallel") { "parallel" } else { "serial" }
}

fn sizes() -> Vec<usize> {
    let mut sizes = SIZES.to_vec();
    if std::env::var_os("VAULTSEAL_BENCH_4096").is_some() {
        sizes.push(4096);
    }
    sizes
}

// ---------------------------------------------------------------------------
// Corpus: sealed items, cached on disk.
// ---------------------------------------------------------------------------

fn vaults(params: &Params) -> Vec<VaultKeypair> {
    (0u8..3).map(|i| VaultKeypair::from_seed(params, &[i + 1; 32]).unwrap()).collect()
}

fn deploy_context(i: usize) -> Context {
    let repo = format!("github:{}", 100_000 + i);
    Context::new(b"bench-project", repo.as_bytes(), Purpose::DeployKey, [7; 32]).unwrap()
}

fn webhook_context(i: usize) -> Context {
    let repo = format!("github:{}", 100_000 + i);
    Context::new(b"bench-project", repo.as_bytes(), Purpose::WebhookSecret, [7; 32]).unwrap()
}

fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    target.join("bench-cache")
}

fn read_cache(name: &str, n: usize) -> Option<Vec<Vec<u8>>> {
    let bytes = std::fs::read(cache_dir().join(name)).ok()?;
    let mut items = Vec::new();
    let mut rest = &bytes[..];
    while rest.len() >= 4 {
        let len = u32::from_le_bytes(rest[..4].try_into().ok()?) as usize;
        items.push(rest.get(4..4 + len)?.to_vec());
        rest = &rest[4 + len..];
    }
    (items.len() >= n).then(|| items.into_iter().take(n).collect())
}

fn write_cache(name: &str, items: &[Vec<u8>]) {
    let mut out = Vec::new();
    for item in items {
        out.extend_from_slice(&u32::try_from(item.len()).unwrap().to_le_bytes());
        out.extend_from_slice(item);
    }
    std::fs::create_dir_all(cache_dir()).unwrap();
    std::fs::write(cache_dir().join(name), out).unwrap();
}

/// Make `n` items with `make(i)` on two threads.
fn make_parallel(n: usize, make: impl Fn(usize) -> Vec<u8> + Sync) -> Vec<Vec<u8>> {
    let mut items: Vec<Option<Vec<u8>>> = vec![None; n];
    std::thread::scope(|s| {
        for (t, chunk) in items.chunks_mut(n.div_ceil(2).max(1)).enumerate() {
            let make = &make;
            s.spawn(move || {
                for (j, slot) in chunk.iter_mut().enumerate() {
                    *slot = Some(make(t * n.div_ceil(2).max(1) + j));
                }
            });
        }
    });
    items.into_iter().map(Option::unwrap).collect()
}

/// `n` encoded sealed deploy keys to the first `v` vaults, item `i` under
/// `deploy_context(i)`; cached.
fn deploy_keys(params: &Params, v: usize, n: usize) -> Vec<Vec<u8>> {
    let name = format!("deploy_keys_v{v}.bin");
    let publics: Vec<VaultPublicKey> = vaults(params)[..v].iter().map(|k| *k.public()).collect();
    if let Some(items) = read_cache(&name, n) {
        let contexts: Vec<Context> = (0..n).map(deploy_context).collect();
        let valid = {
            let mut batch = BatchVerifier::new(params);
            for (item, ctx) in items.iter().zip(&contexts) {
                batch.push_sealed_deploy_key_bytes(item, ctx);
            }
            batch.verify(&mut ChaCha20Rng::seed_from_u64(1)).is_ok()
        };
        if valid {
            return items;
        }
    }
    eprintln!("sealing {n} deploy keys to {v} vault(s) (cached afterwards)…");
    let items = make_parallel(n, |i| {
        let mut rng = ChaCha20Rng::seed_from_u64(i as u64);
        let key = DeployKey::generate(&mut rng);
        seal_deploy_key(params, &publics, &deploy_context(i), &key, &mut rng).unwrap().to_bytes()
    });
    write_cache(&name, &items);
    items
}

/// `n` encoded sealed webhook secrets to the first vault; cached.
fn webhook_secrets(params: &Params, n: usize) -> Vec<Vec<u8>> {
    let name = "webhook_secrets_v1.bin";
    let publics = [*vaults(params)[0].public()];
    if let Some(items) = read_cache(name, n) {
        let contexts: Vec<Context> = (0..n).map(webhook_context).collect();
        let valid = {
            let mut batch = BatchVerifier::new(params);
            for (item, ctx) in items.iter().zip(&contexts) {
                batch.push_sealed_secret_bytes(item, ctx);
            }
            batch.verify(&mut ChaCha20Rng::seed_from_u64(1)).is_ok()
        };
        if valid {
            return items;
        }
    }
    eprintln!("sealing {n} webhook secrets (cached afterwards)…");
    let items = make_parallel(n, |i| {
        let mut rng = ChaCha20Rng::seed_from_u64(1_000_000 + i as u64);
        let secret = WebhookSecret::generate(&mut rng);
        seal_secret(params, &publics, &webhook_context(i), secret.as_bytes(), &mut rng)
            .unwrap()
            .to_bytes()
    });
    write_cache(name, &items);
    items
}

/// Mixed sets: set `s` = the vault's proof of possession, deploy keys and
/// webhook secrets `2s` and `2s + 1` (a project's two repositories).
struct Mixed {
    proof: Vec<u8>,
    public: Vec<u8>,
    deploy: Vec<Vec<u8>>,
    deploy_ctx: Vec<Context>,
    webhook: Vec<Vec<u8>>,
    webhook_ctx: Vec<Context>,
}

impl Mixed {
    fn new(params: &Params, sets: usize) -> Self {
        let vault = &vaults(params)[0];
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let proof = VaultKeyProof::prove(vault, RECORD, &mut rng).to_bytes().to_vec();
        Mixed {
            proof,
            public: vault.public().to_bytes().to_vec(),
            deploy: deploy_keys(params, 1, 2 * sets),
            deploy_ctx: (0..2 * sets).map(deploy_context).collect(),
            webhook: webhook_secrets(params, 2 * sets),
            webhook_ctx: (0..2 * sets).map(webhook_context).collect(),
        }
    }

    fn batch<'a>(&'a self, params: &'a Params, sets: usize) -> BatchVerifier<'a> {
        let mut batch = BatchVerifier::with_capacity(params, 5 * sets);
        for s in 0..sets {
            batch.push_vault_key_proof_bytes(&self.proof, &self.public, RECORD);
            for i in [2 * s, 2 * s + 1] {
                batch.push_sealed_deploy_key_bytes(&self.deploy[i], &self.deploy_ctx[i]);
                batch.push_sealed_secret_bytes(&self.webhook[i], &self.webhook_ctx[i]);
            }
        }
        batch
    }
}

// ---------------------------------------------------------------------------
// Benchmarks
// ---------------------------------------------------------------------------

fn bytes_batch<'a>(
    params: &'a Params,
    items: &'a [Vec<u8>],
    ctx: &'a [Context],
) -> BatchVerifier<'a> {
    let mut batch = BatchVerifier::with_capacity(params, items.len());
    for (item, ctx) in items.iter().zip(ctx) {
        batch.push_sealed_deploy_key_bytes(item, ctx);
    }
    batch
}

fn batch(c: &mut Criterion) {
    let params = Params::shared();
    let sizes = sizes();
    let max = *sizes.iter().max().unwrap();
    let contexts: Vec<Context> = (0..max).map(deploy_context).collect();
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let mut g = c.benchmark_group("batch");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);

    for v in [1usize, 3] {
        let n_max = if v == 1 { max } else { 1024 };
        let items = deploy_keys(params, v, n_max);
        for &n in sizes.iter().filter(|&&n| n <= n_max) {
            g.throughput(Throughput::Elements(n as u64));
            let id = format!("deploy_key_v{v}_bytes_{}", mode());
            g.bench_with_input(BenchmarkId::new(id, n), &n, |b, &n| {
                let batch = bytes_batch(params, &items[..n], &contexts[..n]);
                b.iter(|| black_box(&batch).verify(&mut rng).unwrap());
            });
            if v == 1 {
                let id = format!("deploy_key_v1_decoded_{}", mode());
                g.bench_with_input(BenchmarkId::new(id, n), &n, |b, _| {
                    let decoded: Vec<SealedDeployKey> = items[..n]
                        .iter()
                        .map(|b| SealedDeployKey::from_bytes(b).unwrap())
                        .collect();
                    let mut batch = BatchVerifier::with_capacity(params, n);
                    for (item, ctx) in decoded.iter().zip(&contexts) {
                        batch.push_sealed_deploy_key(item, ctx);
                    }
                    b.iter(|| black_box(&batch).verify(&mut rng).unwrap());
                });
            }
        }
    }

    // Bisection: one forged item (z_m + 1) at index 500 of 1024, named by
    // `verify`; compare with `deploy_key_v1_bytes_*/1024`.
    {
        let mut items = deploy_keys(params, 1, 1024);
        let forged = &mut items[500];
        let at = forged.len() - 128;
        let z = Scalar::from_canonical_bytes(forged[at..at + 32].try_into().unwrap()).unwrap();
        forged[at..at + 32].copy_from_slice((z + Scalar::ONE).as_bytes());
        g.throughput(Throughput::Elements(1024));
        let id = format!("deploy_key_v1_bytes_one_bad_{}", mode());
        g.bench_function(BenchmarkId::new(id, 1024), |b| {
            let batch = bytes_batch(params, &items, &contexts[..1024]);
            b.iter(|| {
                let err = black_box(&batch).verify(&mut rng).unwrap_err();
                assert_eq!(err.invalid_indices().collect::<Vec<_>>(), [500]);
            });
        });
    }

    // Under `parallel`: the same batches on a one-thread pool, so that the
    // parallel speed-up is also measured within one run.
    #[cfg(feature = "parallel")]
    {
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let items = deploy_keys(params, 1, 1024);
        for n in [256usize, 1024] {
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(
                BenchmarkId::new("deploy_key_v1_bytes_one_thread", n),
                &n,
                |b, &n| {
                    let batch = bytes_batch(params, &items[..n], &contexts[..n]);
                    b.iter(|| one.install(|| black_box(&batch).verify(&mut rng).unwrap()));
                },
            );
        }
    }

    let mixed = Mixed::new(params, *MIXED_SIZES.iter().max().unwrap());
    for sets in MIXED_SIZES {
        g.throughput(Throughput::Elements(sets as u64));
        let id = format!("mixed_sets_bytes_{}", mode());
        g.bench_with_input(BenchmarkId::new(id, sets), &sets, |b, &sets| {
            let batch = mixed.batch(params, sets);
            b.iter(|| black_box(&batch).verify(&mut rng).unwrap());
        });
    }
    g.finish();
}

fn floor(c: &mut Criterion) {
    let mut r = ChaCha20Rng::seed_from_u64(9);
    let points: Vec<RistrettoPoint> =
        (0..FLOOR_MSM).map(|_| RistrettoPoint::random(&mut r)).collect();
    let scalars: Vec<Scalar> = (0..FLOOR_MSM).map(|_| Scalar::random(&mut r)).collect();
    let ristretto: Vec<CompressedRistretto> =
        points[..FLOOR_DECOMPRESS].iter().map(RistrettoPoint::compress).collect();
    let edwards: Vec<CompressedEdwardsY> =
        scalars[..FLOOR_DECOMPRESS].iter().map(|s| EdwardsPoint::mul_base(s).compress()).collect();
    let mut g = c.benchmark_group("batch_floor");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.bench_function(BenchmarkId::new("msm", FLOOR_MSM), |b| {
        b.iter(|| RistrettoPoint::vartime_multiscalar_mul(black_box(&scalars), black_box(&points)))
    });
    g.bench_function(BenchmarkId::new("decompress_ristretto", FLOOR_DECOMPRESS), |b| {
        b.iter(|| ristretto.iter().map(|p| black_box(p).decompress().unwrap()).collect::<Vec<_>>())
    });
    g.bench_function(BenchmarkId::new("decompress_edwards", FLOOR_DECOMPRESS), |b| {
        b.iter(|| edwards.iter().map(|p| black_box(p).decompress().unwrap()).collect::<Vec<_>>())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = floor, batch
}

// ---------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------

/// Per-point floor costs, in µs: (msm, ristretto decompression, Edwards
/// decompression).
fn floor_costs() -> Option<(f64, f64, f64)> {
    let msm = median_ns("batch_floor", "msm", Some(FLOOR_MSM))? / FLOOR_MSM as f64 / 1e3;
    let r = median_ns("batch_floor", "decompress_ristretto", Some(FLOOR_DECOMPRESS))?
        / FLOOR_DECOMPRESS as f64
        / 1e3;
    let e = median_ns("batch_floor", "decompress_edwards", Some(FLOOR_DECOMPRESS))?
        / FLOOR_DECOMPRESS as f64
        / 1e3;
    Some((msm, r, e))
}

/// Points of one item of each workload: (ristretto dynamic, Edwards in the
/// MSM, Edwards decompressed only: `A′`), per item (per set for `mixed`).
fn points_per_item(workload: &str) -> (f64, f64, f64) {
    // Deploy key to v vaults: 16 C, 16v D, A, S, T1, T2, 16 L/R, T_0, v T_j,
    // U_0; Edwards U_1, A (in the MSM) and A′.
    let deploy = |v: f64| (16.0 + 16.0 * v + 4.0 + 16.0 + 1.0 + v + 1.0, 2.0, 1.0);
    match workload {
        "deploy_key_v1_bytes" | "deploy_key_v1_decoded" | "deploy_key_v1_bytes_one_bad" => {
            deploy(1.0)
        }
        "deploy_key_v3_bytes" => deploy(3.0),
        // Set: proof of possession (T), 2 deploy keys, 2 webhook secrets
        // (16 C, 16 D, A, S, T1, T2, 16 L/R, T_0, T_1).
        "mixed_sets_bytes" => {
            let d = deploy(1.0);
            (1.0 + 2.0 * d.0 + 2.0 * 54.0, 2.0 * d.1, 2.0 * d.2)
        }
        _ => (0.0, 0.0, 0.0),
    }
}

fn profile_1024(params: &Params, items: &[Vec<u8>], contexts: &[Context]) -> BatchProfile {
    let batch = bytes_batch(params, items, contexts);
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    let mut runs: Vec<BatchProfile> = (0..5)
        .map(|_| {
            let (result, profile) = batch.verify_profiled(&mut rng);
            result.unwrap();
            profile
        })
        .collect();
    runs.sort_by_key(BatchProfile::total);
    runs[2]
}

fn summary() {
    let Some((msm, dr, de)) = floor_costs() else {
        println!("(no floor measured: run the batch_floor group)");
        return;
    };
    println!(
        "\n== batch verification vs the floor (criterion medians, {}) ==",
        criterion_dir().display()
    );
    println!(
        "floor: msm {msm:.3} µs/point (N = {FLOOR_MSM}), decompress ristretto {dr:.3} µs, edwards {de:.3} µs"
    );
    println!(
        "{:<24} {:>6} {:>9} {:>12} {:>12} {:>11} {:>9} {:>8}",
        "workload", "N", "mode", "µs/item", "items/s", "floor µs", "ratio", "par ×"
    );
    println!("(floor: points × (msm + decompression); for `_decoded`, points × msm)");
    let mut workloads: Vec<(&str, Vec<usize>)> = vec![
        ("deploy_key_v1_bytes", SIZES.to_vec()),
        ("deploy_key_v1_bytes_one_bad", vec![1024]),
        ("deploy_key_v1_decoded", SIZES.to_vec()),
        ("deploy_key_v3_bytes", SIZES.to_vec()),
        ("mixed_sets_bytes", MIXED_SIZES.to_vec()),
    ];
    workloads[0].1.push(4096);
    workloads[1].1.push(4096);
    for (workload, ns) in workloads {
        let (r, e, a) = points_per_item(workload);
        // Items pushed decoded skip decompression: their floor is the
        // multiscalar multiplication alone.
        let floor_item = if workload.ends_with("_decoded") {
            (r + e) * msm
        } else {
            r * (msm + dr) + e * (msm + de) + a * de
        };
        for n in ns {
            let serial = median_ns("batch", &format!("{workload}_serial"), Some(n));
            let parallel = median_ns("batch", &format!("{workload}_parallel"), Some(n));
            let one_thread = median_ns("batch", &format!("{workload}_one_thread"), Some(n));
            for (m, t) in [("serial", serial), ("1-thread", one_thread), ("parallel", parallel)] {
                let Some(t) = t else { continue };
                let per_item = t / n as f64 / 1e3;
                // Parallel speed-up: against the one-thread pool of the same
                // run when there is one, else against the serial build.
                let speedup = match (m, one_thread.or(serial)) {
                    ("parallel", Some(s)) => format!("{:.2}", s / t),
                    _ => String::new(),
                };
                println!(
                    "{workload:<24} {n:>6} {m:>9} {per_item:>12.1} {:>12.0} {floor_item:>11.1} {:>9.3} {speedup:>8}",
                    1e6 / per_item,
                    per_item / floor_item
                );
            }
        }
    }

    let params = Params::shared();
    let contexts: Vec<Context> = (0..1024).map(deploy_context).collect();
    for v in [1usize, 3] {
        let items = deploy_keys(params, v, 1024);
        let p = profile_1024(params, &items, &contexts);
        let us = |d: Duration| d.as_secs_f64() * 1e6 / p.items as f64;
        println!(
            "\n-- stage profile: 1024 deploy keys to {v} vault(s), from bytes, {} (median of 5; µs per item) --",
            mode()
        );
        let r = p.dynamic_points as f64 / p.items as f64;
        let decompressed = r + 3.0 + v as f64; // + A, A′, U_1 and Y_j
        print_stages(&p, "digest", "decode (incl. decompression)", "item");
        if !cfg!(feature = "parallel") {
            println!(
                "decompression floor ≈ {:.1} µs/item ({decompressed:.0} points); decode beyond it ≈ {:.1} µs/item",
                (r + v as f64) * dr + 3.0 * de,
                us(p.decode) - ((r + v as f64) * dr + 3.0 * de)
            );
        }
        println!(
            "msm floor ≈ {:.1} µs/item ({:.0} points at {msm:.3} µs)",
            (p.dynamic_points + p.static_points + p.shared_points + p.edwards_points) as f64 * msm
                / p.items as f64,
            (p.dynamic_points + p.static_points + p.shared_points + p.edwards_points) as f64
                / p.items as f64
        );
    }
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let args: Vec<String> = std::env::args().collect();
    let profiling = args.iter().any(|a| a == "--list" || a == "--profile-time");
    if args.iter().any(|a| a == "--bench") && !profiling {
        summary();
    }
}
