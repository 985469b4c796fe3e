//! Registration verification: one registration, and 1 000 in one batch.
//!
//! Groups (`registration/…`, each registration to one vault: four sealed
//! items, one proof of possession, the owner's signature):
//! - `decode_one`: `ProjectRegistration::from_bytes` of one registration;
//! - `verify_one_{serial,parallel}`: `ProjectRegistration::verify` of one
//!   decoded registration (a batch of one);
//! - `verify_decoded_{..}/1000`: `verify_registrations` of 1 000 decoded
//!   registrations (the clone of the input vector is set up outside the
//!   timing);
//! - `verify_bytes_{..}/1000`: `verify_registration_bytes` of 1 000
//!   encodings (decoding included);
//! - `verify_bytes_one_thread/1000` (`parallel` builds only): the same on a
//!   one-thread rayon pool, for the parallel speed-up within one run.
//!
//! ```sh
//! cargo bench --bench registration -- --warm-up-time 1 --measurement-time 3
//! cargo bench --bench registration --features parallel -- --warm-up-time 1 --measurement-time 3
//! ```
//! The 1 000 registrations are built once and cached in
//! `target/bench-cache/registrations_v1.bin`. After criterion, the summary
//! prints µs per registration, registrations per second, and a per-stage
//! profile of the 1 000-registration batch (`BatchVerifier::verify_profiled`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]
#![allow(clippy::cast_precision_loss)]

use core::hint::black_box;
use std::path::PathBuf;

#[path = "shared/criterion_io.rs"]
mod criterion_io;
use criterion_io::{config, criterion_dir, median_ns};
#[path = "shared/stage_profile.rs"]
mod stage_profile;
use stage_profile::print_stages;

use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group};
use ed25519_dalek::SigningKey;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::batch::BatchProfile;
use vaultseal::{
    BatchVerifier, DeployPublicKey, Params, ProjectRegistration, VaultFields, VaultKeypair,
    VaultPublicKey, VaultRecord, verify_registration_bytes, verify_registrations,
};

const N: usize = 1000;

fn mode() -> &'static str {
    if cfg!(feature = "parallel") { "parallel" } else { "serial" }
}

fn installed(_: &str, _: &DeployPublicKey) -> bool {
    true
}

struct Setup {
    vault: VaultKeypair,
    directory: Vec<VaultRecord>,
    encoded: Vec<Vec<u8>>,
    decoded: Vec<ProjectRegistration>,
}

impl Setup {
    fn new(params: &Params) -> Self {
        let vault = VaultKeypair::from_seed(params, &[0x5a; 32]).unwrap();
        let fields = VaultFields::new("eu-west", "vault.example:4242", 1, 0).unwrap();
        let record = VaultRecord::new(&vault, fields, &mut ChaCha20Rng::seed_from_u64(1))
            .with_network_metrics(900, 1 << 20)
            .unwrap();
        let directory = vec![record];
        let encoded = registrations(params, vault.public(), &directory);
        let decoded = encoded.iter().map(|b| ProjectRegistration::from_bytes(b).unwrap()).collect();
        Setup { vault, directory, encoded, decoded }
    }
}

fn cache_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    target.join("bench-cache").join("registrations_v1.bin")
}

/// `N` encoded registrations to `vault`, each by its own owner; cached (and
/// rebuilt if the cache does not verify).
fn registrations(
    params: &Params,
    vault: &VaultPublicKey,
    directory: &[VaultRecord],
) -> Vec<Vec<u8>> {
    if let Ok(bytes) = std::fs::read(cache_path()) {
        let mut items = Vec::new();
        let mut rest = &bytes[..];
        while rest.len() >= 4 {
            let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
            items.push(rest[4..4 + len].to_vec());
            rest = &rest[4 + len..];
        }
        if items.len() == N {
            let results = verify_registration_bytes(
                params,
                &items,
                vault,
                directory,
                &installed,
                &mut ChaCha20Rng::seed_from_u64(2),
            );
            if results.iter().all(Result::is_ok) {
                return items;
            }
        }
    }
    eprintln!("building {N} registrations (cached afterwards)…");
    let mut items: Vec<Option<Vec<u8>>> = vec![None; N];
    std::thread::scope(|s| {
        for (t, chunk) in items.chunks_mut(N.div_ceil(2)).enumerate() {
            s.spawn(move || {
                for (j, slot) in chunk.iter_mut().enumerate() {
                    let i = t * N.div_ceil(2) + j;
                    let mut seed = [0u8; 32];
                    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
                    let owner = SigningKey::from_bytes(&seed);
                    let new = ProjectRegistration::builder(&owner, &format!("bench-{i}"))
                        .recipients(&[*vault])
                        .repositories(
                            &format!("github:{}", 2 * i),
                            &format!("github:{}", 2 * i + 1),
                        )
                        .timestamp(1_700_000_000)
                        .build(params, &mut ChaCha20Rng::seed_from_u64(i as u64))
                        .unwrap();
                    *slot = Some(new.registration().to_bytes());
                }
            });
        }
    });
    let items: Vec<Vec<u8>> = items.into_iter().map(Option::unwrap).collect();
    let mut out = Vec::new();
    for item in &items {
        out.extend_from_slice(&u32::try_from(item.len()).unwrap().to_le_bytes());
        out.extend_from_slice(item);
    }
    std::fs::create_dir_all(cache_path().parent().unwrap()).unwrap();
    std::fs::write(cache_path(), out).unwrap();
    items
}

fn registration(c: &mut Criterion) {
    let params = Params::shared();
    let setup = Setup::new(params);
    let vault = setup.vault.public();
    let mut rng = ChaCha20Rng::seed_from_u64(42);
    let mut g = c.benchmark_group("registration");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);

    g.throughput(Throughput::Elements(1));
    // Making one (two deploy keys and two webhook secrets sealed to two
    // vaults, and the owner's signature): the native side of the browser
    // comparison (`web/bench/registration.mjs` does the same in Chromium).
    let two_vaults = [*vault, *VaultKeypair::from_seed(params, &[0x5b; 32]).unwrap().public()];
    let owner = SigningKey::from_bytes(&[7; 32]);
    g.bench_function("build_one_to_2_vaults", |b| {
        b.iter(|| {
            ProjectRegistration::builder(&owner, "bench-build")
                .recipients(&two_vaults)
                .repositories("github:1", "github:2")
                .timestamp(1_700_000_000)
                .build(params, &mut rng)
                .unwrap()
        })
    });
    g.bench_function("decode_one", |b| {
        b.iter(|| ProjectRegistration::from_bytes(black_box(&setup.encoded[0])).unwrap())
    });
    g.bench_function(format!("verify_one_{}", mode()), |b| {
        b.iter(|| {
            black_box(&setup.decoded[0])
                .verify(params, vault, &setup.directory, &installed, &mut rng)
                .unwrap()
        })
    });

    g.throughput(Throughput::Elements(N as u64));
    g.bench_function(BenchmarkId::new(format!("verify_decoded_{}", mode()), N), |b| {
        b.iter_batched(
            || setup.decoded.clone(),
            |registrations| {
                let results = verify_registrations(
                    params,
                    registrations,
                    vault,
                    &setup.directory,
                    &installed,
                    &mut rng,
                );
                assert!(results.iter().all(Result::is_ok));
                results
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new(format!("verify_bytes_{}", mode()), N), |b| {
        b.iter(|| {
            let results = verify_registration_bytes(
                params,
                black_box(&setup.encoded),
                vault,
                &setup.directory,
                &installed,
                &mut rng,
            );
            assert!(results.iter().all(Result::is_ok));
            results
        })
    });
    #[cfg(feature = "parallel")]
    {
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        g.bench_function(BenchmarkId::new("verify_bytes_one_thread", N), |b| {
            b.iter(|| {
                one.install(|| {
                    verify_registration_bytes(
                        params,
                        black_box(&setup.encoded),
                        vault,
                        &setup.directory,
                        &installed,
                        &mut rng,
                    )
                })
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = registration
}

// ---------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------

fn profile(params: &Params, setup: &Setup) -> BatchProfile {
    let mut batch = BatchVerifier::with_capacity(params, N);
    for bytes in &setup.encoded {
        batch.push_registration_bytes(bytes, setup.vault.public(), &setup.directory);
    }
    let mut rng = ChaCha20Rng::seed_from_u64(77);
    let mut runs: Vec<BatchProfile> = (0..3)
        .map(|_| {
            let (result, profile) = batch.verify_profiled(&mut rng);
            result.unwrap();
            profile
        })
        .collect();
    runs.sort_by_key(BatchProfile::total);
    runs[1]
}

fn summary() {
    println!(
        "\n== registration verification (criterion medians, {}) ==",
        criterion_dir().display()
    );
    println!("{:<34} {:>12} {:>14} {:>8}", "workload", "µs/reg", "regs/s", "par ×");
    let one_thread = median_ns("registration", "verify_bytes_one_thread", Some(N));
    let serial_bytes = median_ns("registration", "verify_bytes_serial", Some(N));
    let rows: Vec<(String, Option<usize>, usize)> = vec![
        ("decode_one".into(), None, 1),
        ("verify_one_serial".into(), None, 1),
        ("verify_one_parallel".into(), None, 1),
        ("verify_decoded_serial".into(), Some(N), N),
        ("verify_decoded_parallel".into(), Some(N), N),
        ("verify_bytes_serial".into(), Some(N), N),
        ("verify_bytes_one_thread".into(), Some(N), N),
        ("verify_bytes_parallel".into(), Some(N), N),
    ];
    for (name, param, n) in rows {
        let Some(t) = median_ns("registration", &name, param) else { continue };
        let per = t / n as f64 / 1e3;
        let speedup = match (name.as_str(), one_thread.or(serial_bytes)) {
            ("verify_bytes_parallel", Some(s)) => format!("{:.2}", s / t),
            _ => String::new(),
        };
        let label = param.map_or(name.clone(), |p| format!("{name}/{p}"));
        println!("{label:<34} {per:>12.1} {:>14.0} {speedup:>8}", 1e6 / per);
    }
    let params = Params::shared();
    let setup = Setup::new(params);
    let p = profile(params, &setup);
    println!(
        "\n-- stage profile: {N} registrations from bytes, one batch, {} (median of 3; µs per registration) --",
        mode()
    );
    print_stages(&p, "digest (registration id)", "decode + signature + checks", "registration");
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
