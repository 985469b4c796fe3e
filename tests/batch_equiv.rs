//! Batch verification ≡ single verification, and bisection names exactly the
//! invalid items: planted decode failures, refusals and forged proofs, at
//! every position, among 1000 items, and errors built to cancel.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/batch_fixtures.rs"]
#[allow(dead_code)]
mod batch_fixtures;

use batch_fixtures::{Entry, Kind, Mode, add_to_scalar, pool};
use curve25519_dalek::scalar::Scalar;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{BatchVerifier, DecodeFailure, Error, InvalidInput, Object, Params, VaultKeyProof};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Verify `entries` as one batch (pushed in `mode`); the invalid indices with
/// their errors.
fn batch_errors(entries: &[&Entry], mode: Mode, seed: u64) -> Vec<(usize, Error)> {
    let mut batch = BatchVerifier::new(Params::shared());
    for (i, entry) in entries.iter().enumerate() {
        assert_eq!(entry.push(&mut batch, mode), i);
    }
    assert_eq!(batch.len(), entries.len());
    match batch.verify(&mut rng(seed)) {
        Ok(()) => Vec::new(),
        Err(err) => {
            assert!(!err.invalid().is_empty(), "an error names at least one item");
            assert_eq!(err.invalid_indices().count(), err.invalid().len());
            for (i, e) in err.invalid() {
                assert_eq!(err.error_for(*i), Some(*e));
            }
            err.invalid().to_vec()
        }
    }
}

#[test]
fn empty_batch_verifies() {
    let batch = BatchVerifier::new(Params::shared());
    assert!(batch.is_empty());
    assert_eq!(batch.verify(&mut rng(1)), Ok(()));
}

/// Every pool item, alone and in both push modes: the batch of one gives the
/// single verification's result (which is the same code path, but the bytes
/// path decodes inside the batch).
#[test]
fn batch_of_one_matches_single() {
    let pool = pool();
    for (n, entry) in pool.entries.iter().enumerate() {
        let single = entry.single(&mut rng(3));
        assert_eq!(single.is_ok(), n < pool.valid, "{}: {single:?}", entry.name);
        for mode in [Mode::Bytes, Mode::Decoded] {
            let expected: Vec<(usize, Error)> =
                single.err().map(|e| vec![(0, e)]).unwrap_or_default();
            assert_eq!(batch_errors(&[entry], mode, 4), expected, "{} {mode:?}", entry.name);
        }
    }
}

/// The planted failures are refused with the error single verification
/// gives, and that error is the expected kind.
#[test]
fn planted_failures_are_named_with_their_reason() {
    let pool = pool();
    let expected = [
        ("deploy1_other_context", Error::Verification),
        ("deploy3_z_m", Error::Verification),
        ("webhook1_z_r", Error::Verification),
        ("proof1_z", Error::Verification),
        ("proof0_other_record", Error::Verification),
        ("deploy1_a_prime_torsion", Error::Verification),
        ("secret5_deploy_key_context", Error::InvalidInput { what: InvalidInput::Purpose }),
        (
            "deploy1_identity_vault_key",
            Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::Identity },
        ),
        (
            "deploy3_identity_handle",
            Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::Identity },
        ),
        (
            "deploy1_torsion_a",
            Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::Torsion },
        ),
        (
            "deploy1_noncanonical_u1",
            Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::NonCanonical },
        ),
        (
            "deploy8_noncanonical_z_m",
            Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::NonCanonical },
        ),
        (
            "deploy1_identity_range_a",
            Error::Decode { what: Object::RangeProof, why: DecodeFailure::Identity },
        ),
        (
            "webhook1_truncated",
            Error::Decode { what: Object::SealedSecret, why: DecodeFailure::Length },
        ),
        (
            "webhook1_trailing",
            Error::Decode { what: Object::SealedSecret, why: DecodeFailure::TrailingData },
        ),
        (
            "proof2_identity_vault_key",
            Error::Decode { what: Object::VaultPublicKey, why: DecodeFailure::Identity },
        ),
    ];
    for (name, error) in expected {
        let bad = pool.get(name);
        assert_eq!(bad.single(&mut rng(5)), Err(error), "{name}: single");
        // Planted between valid items of every kind, at an odd position.
        let mut entries: Vec<&Entry> = pool.entries[..pool.valid].iter().collect();
        entries.insert(3, bad);
        for mode in [Mode::Bytes, Mode::Decoded] {
            assert_eq!(batch_errors(&entries, mode, 6), vec![(3, error)], "{name} {mode:?}");
        }
    }
}

/// A bad item at every position of batches of 1, 2, 3, 4, 8 and 33 items
/// (tari-crypto's list): exactly that position is named.
#[test]
fn bad_item_at_every_position() {
    let pool = pool();
    let valid: Vec<&Entry> = pool.entries[..pool.valid].iter().collect();
    let bad = [pool.get("proof1_z"), pool.get("deploy3_z_m"), pool.get("webhook1_truncated")];
    for n in [1usize, 2, 3, 4, 8, 33] {
        for at in 0..n {
            let mut entries: Vec<&Entry> = (0..n).map(|i| valid[(i * 5) % valid.len()]).collect();
            let planted = bad[(at + n) % bad.len()];
            entries[at] = planted;
            let errors = batch_errors(&entries, Mode::Decoded, (n * 100 + at) as u64);
            let expected = planted.single(&mut rng(7)).unwrap_err();
            assert_eq!(errors, vec![(at, expected)], "n = {n}, at = {at}");
        }
    }
}

/// 1000 items of every kind, sharing vault keys; one bad item at index 0,
/// 499 or 999, then two and three bad items: the error names exactly them.
#[test]
fn bisection_names_exactly_the_bad_items_among_1000() {
    let pool = pool();
    let valid: Vec<&Entry> = pool.entries[..pool.valid].iter().collect();
    let base: Vec<&Entry> = (0..1000).map(|i| valid[i % valid.len()]).collect();
    let mut all_valid = base.clone();
    all_valid.truncate(1000);
    assert_eq!(batch_errors(&all_valid, Mode::Decoded, 10), Vec::new());

    let forged = [pool.get("deploy3_z_m"), pool.get("webhook1_z_r"), pool.get("proof1_z")];
    for (case, bad_at) in [vec![0usize], vec![499], vec![999], vec![0, 999], vec![250, 251, 998]]
        .into_iter()
        .enumerate()
    {
        let mut entries = base.clone();
        for (k, &at) in bad_at.iter().enumerate() {
            entries[at] = forged[(k + case) % forged.len()];
        }
        let errors = batch_errors(&entries, Mode::Decoded, 11 + case as u64);
        let expected: Vec<(usize, Error)> =
            bad_at.iter().map(|&at| (at, Error::Verification)).collect();
        assert_eq!(errors, expected, "bad at {bad_at:?}");
    }
}

/// Items whose errors cancel when the weights are equal (or predictable):
/// two proofs of possession by the same vault with `z + δ` and `z − δ`
/// (errors `+δ·Y`, `−δ·Y`), and two deploy keys with `z_m + δ` and `z_m − δ`
/// (errors `±c⁻¹…`: `+δ·G` and `−δ·G` in their validity equations). The sum
/// of the two items' equations holds exactly, so a verifier that weighted
/// both items alike would accept; this one names both.
#[test]
fn errors_that_cancel_across_items_are_caught() {
    let pool = pool();
    let params = Params::shared();
    let delta = Scalar::from(123_456_789u64);

    // Two proofs for the same key: the unweighted sum of their equations
    // holds (z₁ + z₂ unchanged).
    let vault = &pool.vaults[0];
    let mut r = rng(20);
    let p1 = VaultKeyProof::prove(vault, b"record-1", &mut r).to_bytes();
    let p2 = VaultKeyProof::prove(vault, b"record-2", &mut r).to_bytes();
    let (mut q1, mut q2) = (p1.to_vec(), p2.to_vec());
    add_to_scalar(&mut q1, 32, delta);
    add_to_scalar(&mut q2, 32, -delta);
    let public = vault.public().to_bytes();
    let mut batch = BatchVerifier::new(params);
    batch.push_vault_key_proof_bytes(&q1, &public, b"record-1");
    batch.push_vault_key_proof_bytes(&q2, &public, b"record-2");
    let err = batch.verify(&mut rng(21)).unwrap_err();
    assert_eq!(err.invalid(), &[(0, Error::Verification), (1, Error::Verification)]);

    // Two deploy keys: +δ on one's z_m, −δ on the other's.
    let d1 = pool.get("deploy1");
    let mut e1 = d1.bytes.clone();
    let mut e2 = d1.bytes.clone();
    let at = e1.len() - 128;
    add_to_scalar(&mut e1, at, delta);
    add_to_scalar(&mut e2, at, -delta);
    let mut batch = BatchVerifier::new(params);
    batch.push_sealed_deploy_key_bytes(&e1, &d1.context);
    batch.push_sealed_deploy_key_bytes(&d1.bytes, &d1.context);
    batch.push_sealed_deploy_key_bytes(&e2, &d1.context);
    let err = batch.verify(&mut rng(22)).unwrap_err();
    assert_eq!(err.invalid(), &[(0, Error::Verification), (2, Error::Verification)]);
}

/// Components swapped across two valid items (tari-crypto's permutation
/// test): both are named.
#[test]
fn components_permuted_across_items_are_caught() {
    let pool = pool();
    let (a, b) = (pool.get("proof0"), pool.get("proof1"));
    // Swap the responses z of two proofs.
    let mut pa = a.bytes.clone();
    let mut pb = b.bytes.clone();
    pa[32..].copy_from_slice(&b.bytes[32..]);
    pb[32..].copy_from_slice(&a.bytes[32..]);
    let mut batch = BatchVerifier::new(Params::shared());
    batch.push_vault_key_proof_bytes(&pa, &a.public, &a.record);
    batch.push_vault_key_proof_bytes(&pb, &b.public, &b.record);
    let err = batch.verify(&mut rng(30)).unwrap_err();
    assert_eq!(err.invalid_indices().collect::<Vec<_>>(), [0, 1]);
}

/// Refused items (wrong purpose) and undecodable ones push nothing: the
/// valid items around them still verify and only the refused ones are named,
/// and a forged item among them is still found.
#[test]
fn refusals_do_not_taint_the_batch() {
    let pool = pool();
    let names = [
        "deploy1",
        "secret5_deploy_key_context",
        "webhook1",
        "garbage",
        "deploy8",
        "proof1_z",
        "proof2",
    ];
    let entries: Vec<&Entry> = names.iter().map(|n| pool.get(n)).collect();
    for mode in [Mode::Bytes, Mode::Decoded] {
        let errors = batch_errors(&entries, mode, 40);
        let indices: Vec<usize> = errors.iter().map(|(i, _)| *i).collect();
        assert_eq!(indices, [1, 3, 5], "{mode:?}");
        assert_eq!(errors[0].1, Error::InvalidInput { what: InvalidInput::Purpose });
        assert!(matches!(errors[1].1, Error::Decode { what: Object::SealedDeployKey, .. }));
        assert_eq!(errors[2].1, Error::Verification);
    }
}

/// The same items verify under every RNG seed, and a bad item is found
/// under every seed (weights change, the answer does not).
#[test]
fn results_do_not_depend_on_the_rng() {
    let pool = pool();
    let mut entries: Vec<&Entry> = pool.entries[..pool.valid].iter().collect();
    for seed in 0..4 {
        assert_eq!(batch_errors(&entries, Mode::Bytes, 50 + seed), Vec::new());
    }
    entries.push(pool.get("deploy1_other_context"));
    let last = entries.len() - 1;
    for seed in 0..4 {
        assert_eq!(
            batch_errors(&entries, Mode::Bytes, 60 + seed),
            vec![(last, Error::Verification)]
        );
    }
}

/// `Display` names the items.
#[test]
fn batch_error_displays_indices() {
    let pool = pool();
    let entries = [pool.get("proof0"), pool.get("proof1_z")];
    let mut batch = BatchVerifier::new(Params::shared());
    for e in entries {
        e.push(&mut batch, Mode::Bytes);
    }
    let err = batch.verify(&mut rng(70)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("1 invalid item") && text.contains("#1"), "{text}");
    assert_eq!(err.error_for(0), None);
    assert_eq!(pool.get("proof1_z").kind, Kind::Proof);
}

/// Recipient keys of encoded items are decoded through a small per-thread
/// cache: a refused key (here the identity) must be refused every time it
/// comes back, never served from the cache, and a batch with more distinct
/// vaults than the cache holds verifies exactly as one with few.
#[test]
fn recipient_keys_are_checked_every_time_through_the_cache() {
    use vaultseal::{Context, Purpose, VaultKeypair, seal_secret};
    let params = Params::shared();
    let context = Context::new(b"p", b"github:1", Purpose::WebhookSecret, [1; 32]).unwrap();
    // 40 vaults: more than the cache's 32 entries.
    let vaults: Vec<VaultKeypair> =
        (1..=40u8).map(|i| VaultKeypair::from_seed(params, &[i; 32]).unwrap()).collect();
    let items: Vec<Vec<u8>> = vaults
        .iter()
        .enumerate()
        .map(|(i, vault)| {
            let secret = [u8::try_from(i).unwrap(); 32];
            seal_secret(params, &[*vault.public()], &context, &secret, &mut rng(500 + i as u64))
                .unwrap()
                .to_bytes()
        })
        .collect();
    // The same items with their recipient replaced by the identity (found
    // by its bytes, so that the test does not depend on the layout).
    let with_identity: Vec<Vec<u8>> = items
        .iter()
        .zip(&vaults)
        .map(|(bytes, vault)| {
            let y = vault.public().sealing_key_bytes();
            let at = bytes.windows(32).position(|w| w == y).unwrap();
            let mut bad = bytes.clone();
            bad[at..at + 32].fill(0);
            bad
        })
        .collect();
    let identity = Error::Decode { what: Object::SealedSecret, why: DecodeFailure::Identity };
    let mut batch = BatchVerifier::new(params);
    let mut expected = Vec::new();
    for _round in 0..3 {
        for (good, bad) in items.iter().zip(&with_identity) {
            expected.push((batch.push_sealed_secret_bytes(bad, &context), identity));
            batch.push_sealed_secret_bytes(good, &context);
            expected.push((batch.push_sealed_secret_bytes(bad, &context), identity));
        }
    }
    let err = batch.verify(&mut rng(540)).unwrap_err();
    assert_eq!(err.invalid(), &expected[..]);
    // Only the valid ones: they all verify.
    let mut batch = BatchVerifier::new(params);
    for good in items.iter().chain(&items) {
        batch.push_sealed_secret_bytes(good, &context);
    }
    assert_eq!(batch.verify(&mut rng(541)), Ok(()));
}
