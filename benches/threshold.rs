//! Threshold dealings (issue 13's targets), each against its reference in
//! the same run, with the ratios printed at the end:
//!
//! - `vaultseal/threshold_batch/dealings_3_of_5` — 256 encoded 3-of-5
//!   dealings in one batch, against `.../sealed_x5_{before,after}` — 1 280 encoded
//!   one-vault sealed deploy keys (five per dealing) in one batch. Target:
//!   ratio ≤ 1.1;
//! - `vaultseal/threshold_deal/3_of_5` against
//!   `vaultseal/threshold_deal/seal_1_vault_{before,after}` (a one-vault sealing). Target:
//!   dealing ≤ 5 × sealing;
//! - `vaultseal/threshold_sign/frost_3_signers` (both FROST rounds with 3
//!   in-process signers, and the aggregate's check) against
//!   `vaultseal/threshold_sign/deploy_key_sign` (one `DeployKey::sign`):
//!   reported, no target.
//!
//! Both references are measured twice, right before and right after the
//! workload (`…_before`, `…_after`), and the ratio is taken against the mean
//! of the two medians: a host whose speed drifts during the run (this
//! shared machine's does, by up to 10 % within minutes) then shifts both
//! sides alike instead of whichever group criterion happened to run in the
//! slower minute.
//!
//! `THRESHOLD_BATCH` (default 256) sets the number of dealings.
#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

use core::hint::black_box;
use core::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use vaultseal::threshold::GitUserauthPolicy;
use vaultseal::threshold::frost::{SigningCoordinator, ThresholdSigner, sign_in_process};
use vaultseal::threshold::ssh_userauth_request;
use vaultseal::{
    BatchVerifier, Context, DeployKey, Params, Purpose, VaultKeypair, VaultPublicKey,
    seal_deploy_key, seal_new_deploy_key_shares,
};

#[path = "shared/criterion_io.rs"]
mod criterion_io;

fn batch_size() -> usize {
    std::env::var("THRESHOLD_BATCH").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn threshold_benches(c: &mut Criterion) {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(0x7E5E);
    let vaults: Vec<VaultKeypair> =
        (0..5).map(|_| VaultKeypair::generate(params, &mut rng)).collect();
    let recipients: Vec<VaultPublicKey> = vaults.iter().map(|v| *v.public()).collect();
    let ctx = Context::new(b"bench-project", b"github:1", Purpose::DeployKey, [3; 32]).unwrap();

    // Dealing against one-vault sealing.
    let key = DeployKey::generate(&mut rng);
    let mut group = c.benchmark_group("vaultseal/threshold_deal");
    for when in ["before", "after"] {
        if when == "after" {
            group.bench_function("3_of_5", |b| {
                b.iter(|| {
                    seal_new_deploy_key_shares(params, &recipients, 3, &ctx, &mut rng).unwrap()
                })
            });
        }
        group.bench_function(format!("seal_1_vault_{when}"), |b| {
            b.iter(|| seal_deploy_key(params, &recipients[..1], &ctx, black_box(&key), &mut rng))
        });
    }
    group.finish();

    // One batch of dealings against one batch of five times as many
    // one-vault sealed deploy keys, from bytes.
    let n = batch_size();
    let dealings: Vec<Vec<u8>> = (0..n)
        .map(|_| seal_new_deploy_key_shares(params, &recipients, 3, &ctx, &mut rng).unwrap().1)
        .map(|dealing| dealing.to_bytes())
        .collect();
    let sealed: Vec<Vec<u8>> = (0..5 * n)
        .map(|i| {
            let key = DeployKey::generate(&mut rng);
            seal_deploy_key(params, &recipients[i % 5..=i % 5], &ctx, &key, &mut rng).unwrap()
        })
        .map(|item| item.to_bytes())
        .collect();
    let mut group = c.benchmark_group("vaultseal/threshold_batch");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for when in ["before", "after"] {
        if when == "after" {
            group.bench_function("dealings_3_of_5", |b| {
                b.iter(|| {
                    let mut batch = BatchVerifier::with_capacity(params, n);
                    for bytes in &dealings {
                        batch.push_threshold_sealed_deploy_key_bytes(bytes, &ctx);
                    }
                    batch.verify(&mut rng).expect("valid")
                })
            });
        }
        group.bench_function(format!("sealed_x5_{when}"), |b| {
            b.iter(|| {
                let mut batch = BatchVerifier::with_capacity(params, 5 * n);
                for bytes in &sealed {
                    batch.push_sealed_deploy_key_bytes(bytes, &ctx);
                }
                batch.verify(&mut rng).expect("valid")
            })
        });
    }
    group.finish();

    // FROST with three in-process signers against one Ed25519 signature.
    let (public, dealing) =
        seal_new_deploy_key_shares(params, &recipients, 3, &ctx, &mut rng).unwrap();
    let signers: Vec<ThresholdSigner> = vaults[..3]
        .iter()
        .map(|v| {
            let share =
                v.open_deploy_key_share(params, &dealing, &ctx, &recipients, &mut rng).unwrap();
            ThresholdSigner::new(&share, GitUserauthPolicy::default()).unwrap()
        })
        .collect();
    let signers: Vec<&ThresholdSigner> = signers.iter().collect();
    let coordinator =
        SigningCoordinator::new(&dealing.verified(params, &ctx, &mut rng).unwrap()).unwrap();
    let message = ssh_userauth_request(&[7; 32], "git", &public);
    let mut group = c.benchmark_group("vaultseal/threshold_sign");
    group.bench_function("frost_3_signers", |b| {
        b.iter(|| sign_in_process(&coordinator, &signers, black_box(&message), &mut rng).unwrap())
    });
    group.bench_function("deploy_key_sign", |b| b.iter(|| key.sign(black_box(&message))));
    group.finish();

    summary(n);
}

/// The ratios to the targets, from the medians criterion wrote.
fn summary(n: usize) {
    // Criterion names a group's directory with its '/' replaced by '_'.
    let median =
        |group: &str, id: &str| criterion_io::median_ns(&group.replace('/', "_"), id, None);
    let ratio = |group: &str, a: &str, b: &str| Some(median(group, a)? / median(group, b)?);
    // Against the mean of the reference's medians before and after `a`.
    let bracketed = |group: &str, a: &str, b: &str| {
        let reference =
            (median(group, &format!("{b}_before"))? + median(group, &format!("{b}_after"))?) / 2.0;
        Some(median(group, a)? / reference)
    };
    println!("\nthreshold targets (medians, same run; references before and after, averaged):");
    if let Some(r) = bracketed("vaultseal/threshold_batch", "dealings_3_of_5", "sealed_x5") {
        println!(
            "  batch of {n} 3-of-5 dealings ÷ {} one-vault sealed keys: {r:.3} (target ≤ 1.1)",
            5 * n
        );
    }
    if let Some(r) = bracketed("vaultseal/threshold_deal", "3_of_5", "seal_1_vault") {
        println!("  3-of-5 dealing ÷ one-vault sealing: {r:.3} (target ≤ 5)");
    }
    if let Some(r) = ratio("vaultseal/threshold_sign", "frost_3_signers", "deploy_key_sign") {
        println!("  FROST, 3 in-process signers ÷ DeployKey::sign: {r:.1}");
    }
}

criterion_group! {
    name = benches;
    config = criterion_io::config();
    targets = threshold_benches
}
criterion_main!(benches);
