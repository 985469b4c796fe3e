//! The floor of this machine: what the curve arithmetic alone costs per point.
//!
//! The batch verification targets (`docs/PERFORMANCE.md`) are ratios to
//! these numbers, measured in the same run:
//! - `floor_msm/pippenger/N`: one vartime multiscalar multiplication of `N`
//!   random ristretto points with random scalars (dalek picks Pippenger above
//!   190 points), for N = 1024, 4096, 16384, 65536;
//! - `floor_decompress/{ristretto,edwards}/N`: decompressing `N` points;
//! - `floor_precomputed_2050/*/k`: 2050 static points (the size of
//!   `Params`'s static table: G, H, G_vec\[1024\], H_vec\[1024\]) with a
//!   `VartimeRistrettoPrecomputation`, plus `k` dynamic points:
//!   `mixed` (one `vartime_mixed_multiscalar_mul` call), `split` (precomputed
//!   static-only call + a separate Pippenger over the dynamic points), and
//!   `pippenger_all` (every point dynamic, no precomputation); `static_only/0`
//!   is the static half alone.
//!
//! After criterion finishes, `main` reads the medians back from
//! `target/criterion/**/new/estimates.json` and prints one line per size in
//! µs per point.
//!
//! Run: `cargo bench --bench msm_floor` (add `-- --warm-up-time 1
//! --measurement-time 3` for a shorter run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use core::hint::black_box;

#[path = "shared/criterion_io.rs"]
mod criterion_io;
use criterion_io::{config, criterion_dir, median_ns};

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::ristretto::{
    CompressedRistretto, RistrettoPoint, VartimeRistrettoPrecomputation,
};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{VartimeMultiscalarMul, VartimePrecomputedMultiscalarMul};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// Sizes of the plain multiscalar multiplication.
const MSM_SIZES: [usize; 4] = [1024, 4096, 16384, 65536];
/// Points decompressed per iteration (the cost per point does not depend on it).
const DECOMPRESS_N: usize = 4096;
/// Static points: G, H and 1024 + 1024 vector generators, as in `Params`.
const STATIC_POINTS: usize = 2050;
/// Dynamic points beside the static table.
const DYNAMIC_SIZES: [usize; 3] = [64, 1024, 16384];

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn random_points(n: usize, seed: u64) -> Vec<RistrettoPoint> {
    let mut r = rng(seed);
    (0..n).map(|_| RistrettoPoint::random(&mut r)).collect()
}

fn random_scalars(n: usize, seed: u64) -> Vec<Scalar> {
    let mut r = rng(seed);
    (0..n).map(|_| Scalar::random(&mut r)).collect()
}

fn msm(c: &mut Criterion) {
    let max = MSM_SIZES[MSM_SIZES.len() - 1];
    let points = random_points(max, 1);
    let scalars = random_scalars(max, 2);
    let mut g = c.benchmark_group("floor_msm");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    for n in MSM_SIZES {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("pippenger", n), &n, |b, &n| {
            b.iter(|| {
                RistrettoPoint::vartime_multiscalar_mul(
                    black_box(&scalars[..n]),
                    black_box(&points[..n]),
                )
            })
        });
    }
    g.finish();
}

fn decompress(c: &mut Criterion) {
    let n = DECOMPRESS_N;
    let ristretto: Vec<CompressedRistretto> =
        random_points(n, 3).iter().map(RistrettoPoint::compress).collect();
    let edwards: Vec<CompressedEdwardsY> =
        random_scalars(n, 4).iter().map(|s| EdwardsPoint::mul_base(s).compress()).collect();
    let mut g = c.benchmark_group("floor_decompress");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_with_input(BenchmarkId::new("ristretto", n), &ristretto, |b, pts| {
        b.iter(|| {
            pts.iter().map(|p| black_box(p).decompress().expect("valid point")).collect::<Vec<_>>()
        })
    });
    g.bench_with_input(BenchmarkId::new("edwards", n), &edwards, |b, pts| {
        b.iter(|| {
            pts.iter().map(|p| black_box(p).decompress().expect("valid point")).collect::<Vec<_>>()
        })
    });
    g.finish();
}

fn precomputed(c: &mut Criterion) {
    let static_points = random_points(STATIC_POINTS, 5);
    let static_scalars = random_scalars(STATIC_POINTS, 6);
    let table = VartimeRistrettoPrecomputation::new(&static_points);
    let kmax = DYNAMIC_SIZES[DYNAMIC_SIZES.len() - 1];
    let dyn_points = random_points(kmax, 7);
    let dyn_scalars = random_scalars(kmax, 8);

    let mixed = |k: usize| {
        table.vartime_mixed_multiscalar_mul(
            black_box(&static_scalars),
            black_box(&dyn_scalars[..k]),
            black_box(&dyn_points[..k]),
        )
    };
    let split = |k: usize| {
        table.vartime_multiscalar_mul(black_box(&static_scalars))
            + RistrettoPoint::vartime_multiscalar_mul(
                black_box(&dyn_scalars[..k]),
                black_box(&dyn_points[..k]),
            )
    };
    let pippenger_all = |k: usize| {
        RistrettoPoint::vartime_multiscalar_mul(
            black_box(&static_scalars).iter().chain(&dyn_scalars[..k]),
            black_box(&static_points).iter().chain(&dyn_points[..k]),
        )
    };
    // The three strategies compute the same point.
    for k in DYNAMIC_SIZES {
        assert_eq!(mixed(k), split(k));
        assert_eq!(mixed(k), pippenger_all(k));
    }

    let mut g = c.benchmark_group("floor_precomputed_2050");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.bench_function(BenchmarkId::new("static_only", 0), |b| {
        b.iter(|| table.vartime_multiscalar_mul(black_box(&static_scalars)))
    });
    for k in DYNAMIC_SIZES {
        g.bench_with_input(BenchmarkId::new("mixed", k), &k, |b, &k| b.iter(|| mixed(k)));
        g.bench_with_input(BenchmarkId::new("split", k), &k, |b, &k| b.iter(|| split(k)));
        g.bench_with_input(BenchmarkId::new("pippenger_all", k), &k, |b, &k| {
            b.iter(|| pippenger_all(k))
        });
    }
    g.finish();
}

criterion_group! {
    name = floor;
    config = config();
    targets = msm, decompress, precomputed
}

// ---------------------------------------------------------------------------
// Summary: medians read back from criterion's estimates.
// ---------------------------------------------------------------------------

#[allow(clippy::cast_precision_loss)]
fn per_point_us(ns: Option<f64>, n: usize) -> String {
    ns.map_or_else(|| "n/a".to_owned(), |ns| format!("{:.3} µs/point", ns / n as f64 / 1e3))
}

fn ms(ns: Option<f64>) -> String {
    ns.map_or_else(|| "n/a".to_owned(), |ns| format!("{:.3} ms", ns / 1e6))
}

fn summary() {
    println!("\n== machine floor (criterion medians, {}) ==", criterion_dir().display());
    for n in MSM_SIZES {
        let t = median_ns("floor_msm", "pippenger", Some(n));
        println!("msm vartime N={n:>6}: {} ({})", per_point_us(t, n), ms(t));
    }
    let r = median_ns("floor_decompress", "ristretto", Some(DECOMPRESS_N));
    let e = median_ns("floor_decompress", "edwards", Some(DECOMPRESS_N));
    println!("decompress ristretto: {}", per_point_us(r, DECOMPRESS_N));
    println!("decompress edwards  : {}", per_point_us(e, DECOMPRESS_N));
    let big = MSM_SIZES[MSM_SIZES.len() - 1];
    if let (Some(m), Some(r)) = (median_ns("floor_msm", "pippenger", Some(big)), r) {
        #[allow(clippy::cast_precision_loss)]
        let floor = m / big as f64 / 1e3 + r / DECOMPRESS_N as f64 / 1e3;
        println!("floor per dynamic ristretto point (msm@{big} + decompress): {floor:.3} µs");
    }
    let s = median_ns("floor_precomputed_2050", "static_only", Some(0));
    println!("precomputed {STATIC_POINTS} static only: {}", ms(s));
    for k in DYNAMIC_SIZES {
        let mixed = median_ns("floor_precomputed_2050", "mixed", Some(k));
        let split = median_ns("floor_precomputed_2050", "split", Some(k));
        let all = median_ns("floor_precomputed_2050", "pippenger_all", Some(k));
        let ratio = match (mixed, split) {
            (Some(m), Some(s)) => format!("{:.2}", m / s),
            _ => "n/a".to_owned(),
        };
        println!(
            "precomputed {STATIC_POINTS} static + k={k:>5} dynamic: mixed {} | split {} | pippenger_all {} | mixed/split {ratio}",
            ms(mixed),
            ms(split),
            ms(all)
        );
    }
}

fn main() {
    floor();
    Criterion::default().configure_from_args().final_summary();
    // Only after a real measurement run (`cargo bench` passes `--bench`), not
    // under `cargo test --benches` or `--list`.
    if std::env::args().any(|a| a == "--bench") && !std::env::args().any(|a| a == "--list") {
        summary();
    }
}
