//! The batch digest (step 1 of `verify`): every byte it covers moves it.
//! Bisection's cost; each item's term count (the capacity hint) is exact.
//!
//! The weights are drawn after the digest of every item is absorbed, so that
//! no part of any statement can be chosen after them. A part left out of the
//! digest (an item's context, a record's fields) would go unnoticed by every
//! verdict test, since an honest verifier's RNG alone already makes the
//! weights unpredictable: these tests look at the digest itself.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, non_snake_case)]

use alloc::vec;
use alloc::vec::Vec;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::*;
use crate::context::Purpose;
use crate::deploy_key::DeployKey;
use crate::msm::push_alone;
use crate::registration::ProjectRegistration;
use crate::sealed::{seal_deploy_key, seal_secret};
use crate::vault::VaultKeypair;
use crate::webhook::WebhookSecret;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// The digest of the batch's only item.
fn digest_of(batch: &BatchVerifier<'_>) -> [u8; 64] {
    assert_eq!(batch.items.len(), 1);
    batch.items[0].digest()
}

/// Every byte of `bytes`, flipped in turn: the digest `digest` computes of
/// the changed bytes differs from the original's.
fn every_byte_moves(name: &str, bytes: &[u8], digest: impl Fn(&[u8]) -> [u8; 64]) {
    let original = digest(bytes);
    let mut changed = bytes.to_vec();
    for i in 0..bytes.len() {
        changed[i] ^= 0x01;
        assert_ne!(digest(&changed), original, "{name}: byte {i} is not digested");
        changed[i] ^= 0x01;
    }
}

/// Every byte of the context's encoding that can change while the context
/// still decodes (the fields; not the version, lengths or presence flag)
/// moves the digest `digest` computes under it. Returns how many bytes
/// moved it.
fn every_context_byte_moves(
    name: &str,
    context: &Context,
    digest: impl Fn(&Context) -> [u8; 64],
) -> usize {
    let original = digest(context);
    let bytes = context.to_bytes();
    let mut moved = 0;
    for i in 0..bytes.len() {
        let variant = (1..=255u8).find_map(|mask| {
            let mut changed = bytes.clone();
            changed[i] ^= mask;
            Context::from_bytes(&changed).ok()
        });
        if let Some(variant) = variant {
            assert_ne!(digest(&variant), original, "{name}: context byte {i} is not digested");
            moved += 1;
        }
    }
    // Framing bytes: version, the project id's u8 length, the repository
    // id's u16 length, the extra field's presence flag and u16 length.
    assert_eq!(moved, bytes.len() - 7, "{name}: a context field could not be varied");
    moved
}

fn context(purpose: Purpose) -> Context {
    Context::new(b"project", b"github:1", purpose, [0x11; 32])
        .unwrap()
        .with_extra(b"extra")
        .unwrap()
}

#[test]
fn proof_of_possession_digest_covers_proof_key_and_record() {
    let params = Params::new();
    let vault = VaultKeypair::generate(&params, &mut rng(1));
    let record = b"eu-west|vault.example|1".to_vec();
    let proof = VaultKeyProof::prove(&vault, &record, &mut rng(2));
    let (proof_bytes, public_bytes) = (proof.to_bytes(), vault.public().to_bytes());
    let digest = |p: &[u8], k: &[u8], r: &[u8]| {
        let mut batch = BatchVerifier::new(&params);
        batch.push_vault_key_proof_bytes(p, k, r);
        digest_of(&batch)
    };
    every_byte_moves("proof", &proof_bytes, |p| digest(p, &public_bytes, &record));
    every_byte_moves("key", &public_bytes, |k| digest(&proof_bytes, k, &record));
    every_byte_moves("record", &record, |r| digest(&proof_bytes, &public_bytes, r));
    assert_ne!(
        digest(&proof_bytes, &public_bytes, b""),
        digest(&proof_bytes, &public_bytes, &record)
    );
    // Decoded and encoded pushes digest alike.
    let mut batch = BatchVerifier::new(&params);
    batch.push_vault_key_proof(&proof, vault.public(), &record);
    assert_eq!(digest_of(&batch), digest(&proof_bytes, &public_bytes, &record));
}

#[test]
fn sealed_item_digests_cover_encoding_and_context() {
    let params = Params::new();
    let vault = VaultKeypair::generate(&params, &mut rng(3));
    let recipients = [*vault.public()];

    let deploy_context = context(Purpose::DeployKey);
    let key = DeployKey::generate(&mut rng(4));
    let sealed = seal_deploy_key(&params, &recipients, &deploy_context, &key, &mut rng(5)).unwrap();
    let sealed_bytes = sealed.to_bytes();
    let digest = |bytes: &[u8], context: &Context| {
        let mut batch = BatchVerifier::new(&params);
        batch.push_sealed_deploy_key_bytes(bytes, context);
        digest_of(&batch)
    };
    every_byte_moves("sealed deploy key", &sealed_bytes, |b| digest(b, &deploy_context));
    every_context_byte_moves("sealed deploy key", &deploy_context, |c| digest(&sealed_bytes, c));
    let mut batch = BatchVerifier::new(&params);
    batch.push_sealed_deploy_key(&sealed, &deploy_context);
    assert_eq!(digest_of(&batch), digest(&sealed_bytes, &deploy_context));

    let secret_context = context(Purpose::WebhookSecret);
    let secret = WebhookSecret::generate(&mut rng(6));
    let sealed =
        seal_secret(&params, &recipients, &secret_context, secret.as_bytes(), &mut rng(7)).unwrap();
    let secret_bytes = sealed.to_bytes();
    let digest = |bytes: &[u8], context: &Context| {
        let mut batch = BatchVerifier::new(&params);
        batch.push_sealed_secret_bytes(bytes, context);
        digest_of(&batch)
    };
    every_byte_moves("sealed secret", &secret_bytes, |b| digest(b, &secret_context));
    every_context_byte_moves("sealed secret", &secret_context, |c| digest(&secret_bytes, c));
    let mut batch = BatchVerifier::new(&params);
    batch.push_sealed_secret(&sealed, &secret_context);
    assert_eq!(digest_of(&batch), digest(&secret_bytes, &secret_context));
}

#[test]
fn registration_digest_covers_encoding_and_vault() {
    let params = Params::new();
    let vaults: Vec<VaultKeypair> =
        (0..2).map(|i| VaultKeypair::generate(&params, &mut rng(10 + i))).collect();
    let recipients: Vec<VaultPublicKey> = vaults.iter().map(|v| *v.public()).collect();
    let owner = ed25519_dalek::SigningKey::from_bytes(&[0xa1; 32]);
    let registration = ProjectRegistration::builder(&owner, "demo")
        .recipients(&recipients)
        .repositories("github:1001", "github:1002")
        .timestamp(1_750_000_000)
        .build(&params, &mut rng(12))
        .unwrap();
    let bytes = registration.registration().to_bytes();
    let directory: Vec<VaultRecord> = Vec::new();
    let digest = |b: &[u8], vault: &VaultPublicKey| {
        let mut batch = BatchVerifier::new(&params);
        batch.push_registration_bytes(b, vault, &directory);
        digest_of(&batch)
    };
    every_byte_moves("registration", &bytes, |b| digest(b, &recipients[0]));
    assert_ne!(digest(&bytes, &recipients[0]), digest(&bytes, &recipients[1]));
    let mut batch = BatchVerifier::new(&params);
    batch.push_registration(registration.registration(), &recipients[0], &directory);
    assert_eq!(digest_of(&batch), digest(&bytes, &recipients[0]));
}

/// The kind byte separates kinds: the same bytes as another kind of item
/// digest differently.
#[test]
fn digests_are_separated_by_kind() {
    let params = Params::new();
    let bytes = vec![0x5a; 64];
    let ctx = context(Purpose::Secret);
    let vault = VaultKeypair::generate(&params, &mut rng(20));
    let directory: Vec<VaultRecord> = Vec::new();
    let mut batch = BatchVerifier::new(&params);
    batch.push_sealed_deploy_key_bytes(&bytes, &ctx);
    batch.push_sealed_secret_bytes(&bytes, &ctx);
    let digests: Vec<[u8; 64]> = batch.items.iter().map(|item| item.digest()).collect();
    assert_ne!(digests[0], digests[1]);
    let key_bytes = vault.public().to_bytes();
    let mut batch = BatchVerifier::new(&params);
    batch.push_registration_bytes(&bytes, vault.public(), &directory);
    batch.push_vault_key_proof_bytes(&bytes, &key_bytes, b"");
    let more: Vec<[u8; 64]> = batch.items.iter().map(|item| item.digest()).collect();
    for d in &more {
        assert!(!digests.contains(d));
    }
    assert_ne!(more[0], more[1]);
}

/// `n` proofs of possession by one vault over distinct records, and the
/// records; the proofs at `bad` are given another record's proof (they
/// decode, and fail).
fn planted_proofs(n: usize, bad: &[usize]) -> (VaultKeypair, Vec<Vec<u8>>, Vec<VaultKeyProof>) {
    let params = Params::new();
    let vault = VaultKeypair::generate(&params, &mut rng(30));
    let records: Vec<Vec<u8>> = (0..n).map(|i| alloc::format!("record {i}").into_bytes()).collect();
    let mut proofs: Vec<VaultKeyProof> = records
        .iter()
        .enumerate()
        .map(|(i, r)| VaultKeyProof::prove(&vault, r, &mut rng(31 + i as u64)))
        .collect();
    for &i in bad {
        proofs[i] = proofs[(i + 1) % n];
    }
    (vault, records, proofs)
}

/// Verify the proofs in one batch: the invalid indices, and `(checks,
/// items pushed)` the verification made.
fn run_batch(
    vault: &VaultKeypair,
    records: &[Vec<u8>],
    proofs: &[VaultKeyProof],
    seed: u64,
) -> (Vec<usize>, (usize, usize)) {
    let params = Params::new();
    let mut batch = BatchVerifier::new(&params);
    for (proof, record) in proofs.iter().zip(records) {
        batch.push_vault_key_proof(proof, vault.public(), record);
    }
    crate::msm::counter::take();
    let invalid = match batch.verify(&mut rng(seed)) {
        Ok(()) => Vec::new(),
        Err(error) => {
            assert!(error.invalid().iter().all(|(_, e)| *e == Error::Verification));
            error.invalid_indices().collect()
        }
    };
    (invalid, crate::msm::counter::take())
}

/// One invalid item among 1 000, at either end or in the middle: named, in
/// at most `1 + 2⌈log₂ 1000⌉ = 21` checks that push at most `3N` items
/// (the first check, then halves).
#[test]
fn bisection_of_one_invalid_item_costs_about_log_n_checks() {
    let n = 1000;
    for at in [0, 499, 999] {
        let (vault, records, proofs) = planted_proofs(n, &[at]);
        let (invalid, (checks, pushed)) = run_batch(&vault, &records, &proofs, 40);
        assert_eq!(invalid, [at]);
        assert!(checks <= 21, "{checks} checks for one invalid item at {at}");
        assert!(pushed <= 3 * n, "{pushed} items pushed for one invalid item at {at}");
    }
    // A valid batch: one check.
    let (vault, records, proofs) = planted_proofs(n, &[]);
    assert_eq!(run_batch(&vault, &records, &proofs, 41), (Vec::new(), (1, n)));
}

/// 10 and 100 invalid items among 1 000, spread out: named exactly, and
/// within the bisection budget (measured: 3 553 and 5 762 items pushed in
/// 58 and 441 checks).
#[test]
fn bisection_names_ten_and_a_hundred_invalid_items_exactly() {
    let n = 1000;
    for f in [10usize, 100] {
        let bad: Vec<usize> = (0..f).map(|k| (k * 997 + 13) % n).collect();
        let mut sorted = bad.clone();
        sorted.sort_unstable();
        let (vault, records, proofs) = planted_proofs(n, &bad);
        let (invalid, (checks, pushed)) = run_batch(&vault, &records, &proofs, 42);
        assert_eq!(invalid, sorted, "{f} invalid items");
        assert!(pushed <= 8 * n, "{f}: {pushed} pushed");
        assert!(checks <= 4 * f * 10, "{f}: {checks} checks");
    }
}

/// A batch of invalid items only: the budget caps set checks at `8N`
/// pushes, then items are checked alone, so the work stays linear in `N`
/// (bisection alone would push `N log₂ N` items: 12N for N = 4 096).
#[test]
fn a_mostly_invalid_batch_costs_linear_work() {
    let n = 4096;
    let all: Vec<usize> = (0..n).collect();
    let (vault, records, proofs) = planted_proofs(n, &all);
    let (invalid, (checks, pushed)) = run_batch(&vault, &records, &proofs, 43);
    assert_eq!(invalid, all);
    // The first check, the budget (8N), and at most one single check per
    // item.
    assert!(pushed <= 10 * n, "{pushed} items pushed");
    assert!(checks <= 3 * n, "{checks} checks");
    // Nine in ten valid: still named exactly, still bounded.
    let bad: Vec<usize> = (0..n).filter(|i| i % 10 != 3).collect();
    let (vault, records, proofs) = planted_proofs(n, &bad);
    let (invalid, (_, pushed)) = run_batch(&vault, &records, &proofs, 44);
    assert_eq!(invalid, bad);
    assert!(pushed <= 10 * n, "{pushed} items pushed");
}

/// Each item's term count (the accumulators' capacity hint) is exactly what
/// its equations push: dynamic ristretto points (shared vault keys apart) and
/// Edwards points (`B` apart), for every kind of item, with one and with
/// several recipients.
#[test]
fn term_counts_are_exact_for_every_item_kind() {
    use crate::msm::{Msm, TermCount, WeightSeed, Weights};
    use crate::vault::VaultFields;
    let params = Params::new();
    let vaults: Vec<VaultKeypair> =
        (0..3).map(|i| VaultKeypair::generate(&params, &mut rng(30 + i))).collect();
    let fields = || VaultFields::new("eu-west", "vault.example:4242", 1, 0).unwrap();
    let directory: Vec<VaultRecord> =
        vaults.iter().map(|v| VaultRecord::new(v, fields(), &mut rng(33))).collect();
    let record = b"eu-west|vault.example|1".to_vec();
    let proof = VaultKeyProof::prove(&vaults[0], &record, &mut rng(34));
    let deploy_context = context(Purpose::DeployKey);
    let secret_context = context(Purpose::WebhookSecret);
    let key = DeployKey::generate(&mut rng(35));
    let secret = WebhookSecret::generate(&mut rng(36));
    let owner = ed25519_dalek::SigningKey::from_bytes(&[0xa2; 32]);
    let mut sealed_keys = Vec::new();
    let mut sealed_secrets = Vec::new();
    let mut registrations = Vec::new();
    for v in [1, 3] {
        let recipients: Vec<VaultPublicKey> = vaults[..v].iter().map(|k| *k.public()).collect();
        sealed_keys.push(
            seal_deploy_key(&params, &recipients, &deploy_context, &key, &mut rng(37)).unwrap(),
        );
        sealed_secrets.push(
            seal_secret(&params, &recipients, &secret_context, secret.as_bytes(), &mut rng(38))
                .unwrap(),
        );
        registrations.push(
            ProjectRegistration::builder(&owner, "demo")
                .recipients(&recipients)
                .repositories("github:1001", "github:1002")
                .timestamp(1_750_000_000)
                .build(&params, &mut rng(39))
                .unwrap(),
        );
    }
    let mut batch = BatchVerifier::new(&params);
    batch.push_vault_key_proof(&proof, vaults[0].public(), &record);
    batch.push_vault_record(&directory[1]);
    for i in 0..2 {
        batch.push_sealed_deploy_key(&sealed_keys[i], &deploy_context);
        batch.push_sealed_secret(&sealed_secrets[i], &secret_context);
        batch.push_registration(registrations[i].registration(), vaults[0].public(), &directory);
    }
    let seed = WeightSeed([7; 32]);
    for (index, item) in batch.items.iter().enumerate() {
        let equations = item.prepare(&mut RecipientCache::default()).unwrap();
        let mut msm = Msm::new();
        let mut weights = Weights::for_item(&seed, index);
        push_alone(equations.replay(&params).unwrap(), &params, &mut weights, &mut msm);
        let size = msm.size();
        let b_used = usize::from(size.edwards_points > 0);
        let pushed =
            TermCount { ristretto: size.dynamic_points, edwards: size.edwards_points - b_used };
        assert_eq!(equations.msm_terms(), pushed, "item {index}");
    }
}

/// Each push returns the item's index; `len`, `is_empty` and `Debug` follow
/// the pushes.
#[test]
fn indices_length_and_debug_follow_the_pushes() {
    use crate::vault::VaultFields;
    let params = Params::new();
    let vault = VaultKeypair::generate(&params, &mut rng(51));
    let fields = VaultFields::new("eu-west", "vault.example:4242", 1, 0).unwrap();
    let record = VaultRecord::new(&vault, fields, &mut rng(52));
    let mut batch = BatchVerifier::new(&params);
    assert!(batch.is_empty());
    assert_eq!(alloc::format!("{batch:?}"), "BatchVerifier { items: 0, .. }");
    assert_eq!(batch.push_vault_key_proof_bytes(b"", b"", b""), 0);
    assert_eq!(batch.push_vault_key_proof_bytes(b"", b"", b""), 1);
    assert_eq!(batch.push_vault_record(&record), 2);
    assert!(!batch.is_empty());
    assert_eq!(batch.len(), 3);
    assert_eq!(alloc::format!("{batch:?}"), "BatchVerifier { items: 3, .. }");
}

/// A batch error names its first four invalid items, then an ellipsis if
/// there are more.
#[test]
fn batch_error_display_names_the_first_four_items() {
    let params = Params::new();
    let display = |n: usize| {
        let mut batch = BatchVerifier::new(&params);
        for _ in 0..n {
            batch.push_vault_key_proof_bytes(b"", b"", b"");
        }
        let error = batch.verify(&mut rng(50)).unwrap_err();
        let item = error.error_for(0).unwrap();
        (alloc::format!("{error}"), alloc::format!("{item}"))
    };
    let (one, item) = display(1);
    assert_eq!(one, alloc::format!("batch verification failed: 1 invalid item(s): #0 ({item})"));
    let (four, item) = display(4);
    assert_eq!(
        four,
        alloc::format!(
            "batch verification failed: 4 invalid item(s): #0 ({item}); #1 ({item}); #2 ({item}); \
             #3 ({item})"
        )
    );
    let (five, item) = display(5);
    assert_eq!(
        five,
        alloc::format!(
            "batch verification failed: 5 invalid item(s): #0 ({item}); #1 ({item}); #2 ({item}); \
             #3 ({item}); …"
        )
    );
}

/// The benchmarks' profiled verification gives `verify`'s verdict, and its
/// profile counts the items and the first check's points.
#[test]
fn profiled_verification_gives_the_same_verdict() {
    let params = Params::new();
    let vault = VaultKeypair::generate(&params, &mut rng(53));
    let record = b"eu-west|vault.example|1".to_vec();
    let proof = VaultKeyProof::prove(&vault, &record, &mut rng(54));
    let mut batch = BatchVerifier::new(&params);
    batch.push_vault_key_proof(&proof, vault.public(), &record);
    let (verdict, profile) = batch.verify_profiled(&mut rng(55));
    assert_eq!(verdict, Ok(()));
    assert_eq!(profile.items, 1);
    // G, H; the vault key Y (shared); T.
    assert_eq!((profile.static_points, profile.shared_points, profile.dynamic_points), (2, 1, 1));
    assert_eq!(profile.edwards_points, 0);
    batch.push_vault_key_proof(&proof, vault.public(), b"another record");
    batch.push_vault_key_proof_bytes(b"", b"", b"");
    let (verdict, profile) = batch.verify_profiled(&mut rng(56));
    assert_eq!(verdict, batch.verify(&mut rng(57)));
    assert_eq!(verdict.unwrap_err().invalid_indices().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(profile.items, 3);
}

/// Verification gives the same verdict on a pool of many threads (more than
/// sixteen: each thread's share of the accumulators is sized from the thread
/// count).
#[cfg(feature = "parallel")]
#[test]
fn verdicts_hold_on_a_pool_of_many_threads() {
    let (vault, records, proofs) = planted_proofs(64, &[5, 40]);
    let params = Params::new();
    let mut batch = BatchVerifier::new(&params);
    for (proof, record) in proofs.iter().zip(&records) {
        batch.push_vault_key_proof(proof, vault.public(), record);
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(32).build().unwrap();
    let error = pool.install(|| batch.verify(&mut rng(58))).unwrap_err();
    assert_eq!(error.invalid_indices().collect::<Vec<_>>(), [5, 40]);
}
