//! Threshold dealings: round trips, the dealer's refusals, decoding and
//! tampering, and the soundness tests of SPEC §13 (a share off the
//! polynomial, degenerate polynomials, moved share bodies, an error
//! cancelled across shares under one weight per dealing, reused blindings
//! and nonces, every t-subset, foreign shares).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, non_snake_case)]

use alloc::boxed::Box;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;
use std::collections::HashMap;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use rand_chacha::ChaCha20Rng;
use rand_core::{CryptoRng, SeedableRng, TryCryptoRng, TryRng};

use super::deal::{Tweaks, deal};
use super::transfer::SealedKeyShare;
use super::*;
use crate::batch::BatchVerifier;
use crate::context::Purpose;
use crate::error::{DecodeFailure, InvalidInput, Object, ThresholdFailure};
use crate::msm::{Msm, Weights, push_alone};
use crate::vault::VaultKeypair;

fn params() -> &'static Params {
    Params::shared()
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn vaults(n: usize, seed: u64) -> Vec<VaultKeypair> {
    let mut rng = rng(seed);
    let mut vaults: Vec<VaultKeypair> =
        (0..n).map(|_| VaultKeypair::generate(params(), &mut rng)).collect();
    // In share order (sorted by Y), so that vaults[j − 1] holds share j.
    vaults.sort_by_key(|v| v.public().sealing_key_bytes());
    vaults
}

fn publics(vaults: &[VaultKeypair]) -> Vec<VaultPublicKey> {
    vaults.iter().map(|v| *v.public()).collect()
}

fn ctx(repository: &[u8]) -> Context {
    Context::new(b"project", repository, Purpose::DeployKey, [7; 32]).unwrap()
}

fn key(seed: u64) -> DeployKey {
    DeployKey::generate(&mut rng(seed))
}

/// A dealing of `key(seed)` with `tweaks`.
fn dealt(
    vaults: &[VaultKeypair],
    t: usize,
    seed: u64,
    tweaks: &mut Tweaks,
) -> ThresholdSealedDeployKey {
    deal(params(), &publics(vaults), t, &ctx(b"repo"), &key(seed), &mut rng(seed + 1), tweaks)
        .unwrap()
}

fn threshold_error(result: Result<impl fmt::Debug, Error>) -> ThresholdFailure {
    match result {
        Err(Error::Threshold { why }) => why,
        other => panic!("expected a threshold error, got {other:?}"),
    }
}

fn open_all(vaults: &[VaultKeypair], dealing: &ThresholdSealedDeployKey) -> Vec<KeyShare> {
    let recipients = publics(vaults);
    vaults
        .iter()
        .map(|v| {
            v.open_deploy_key_share(params(), dealing, &ctx(b"repo"), &recipients, &mut rng(9))
                .unwrap()
        })
        .collect()
}

#[test]
fn two_of_three_round_trip_open_and_combine() {
    let vaults = vaults(3, 1);
    let key = key(2);
    let public = key.public_key();
    let dealing =
        seal_deploy_key_shares(params(), &publics(&vaults), 2, &ctx(b"repo"), key, &mut rng(3))
            .unwrap();
    let bytes = dealing.to_bytes();
    assert_eq!(bytes.len(), 3 + 3 * 32 + 64 + 32 + 3 * 2080);
    let decoded = ThresholdSealedDeployKey::from_bytes(&bytes).unwrap();
    assert_eq!(decoded, dealing);
    decoded.verify(params(), &ctx(b"repo"), &mut rng(4)).unwrap();
    assert_eq!(decoded.deploy_public_key(), public);
    assert_eq!((decoded.threshold(), decoded.share_count()), (2, 3));

    let shares = open_all(&vaults, &decoded);
    let id = decoded.dealing_id(&ctx(b"repo"));
    for (position, share) in shares.iter().enumerate() {
        assert_eq!(share.index(), position + 1);
        assert_eq!(share.dealing_id(), id);
        assert_eq!(Some(share.public_share()), decoded.public_share(position + 1));
        assert_eq!(share.deploy_public_key(), public);
        let again = KeyShare::from_bytes(&share.to_bytes()).unwrap();
        assert_eq!(again.to_bytes(), share.to_bytes());
        assert!(!format!("{share:?}").contains(&hex::encode(share.secret().as_bytes())));
    }
    for pair in [[0, 1], [0, 2], [1, 2], [2, 0]] {
        let chosen: Vec<KeyShare> =
            pair.iter().map(|&i| KeyShare::from_bytes(&shares[i].to_bytes()).unwrap()).collect();
        assert_eq!(combine_shares(&chosen).unwrap().public_key(), public);
    }
}

#[test]
fn every_t_subset_of_a_three_of_five_dealing_combines_to_the_key() {
    let vaults = vaults(5, 10);
    let (public, dealing) =
        seal_new_deploy_key_shares(params(), &publics(&vaults), 3, &ctx(b"repo"), &mut rng(11))
            .unwrap();
    let shares = open_all(&vaults, &dealing);
    let copy = |i: usize| KeyShare::from_bytes(&shares[i].to_bytes()).unwrap();
    let mut subsets = 0;
    for a in 0..5 {
        for b in a + 1..5 {
            for c in b + 1..5 {
                let key = combine_shares(&[copy(a), copy(b), copy(c)]).unwrap();
                assert_eq!(key.public_key(), public);
                subsets += 1;
            }
            // t − 1 shares are refused.
            assert_eq!(
                threshold_error(combine_shares(&[copy(a), copy(b)])),
                ThresholdFailure::TooFewShares
            );
        }
    }
    assert_eq!(subsets, 10);
    // More than t: the first t are used, all are checked.
    assert_eq!(combine_shares(&shares).unwrap().public_key(), public);
    assert_eq!(threshold_error(combine_shares(&[])), ThresholdFailure::TooFewShares);
    assert_eq!(
        threshold_error(combine_shares(&[copy(0), copy(1), copy(1)])),
        ThresholdFailure::DuplicateShare { index: 2 }
    );
}

#[test]
fn shares_of_two_dealings_are_never_combined() {
    let vaults = vaults(3, 20);
    let key_a = key(21);
    let key_b = DeployKey::from_bytes(&key_a.to_bytes()[..]).unwrap();
    let recipients = publics(&vaults);
    let one = seal_deploy_key_shares(params(), &recipients, 2, &ctx(b"repo"), key_a, &mut rng(22))
        .unwrap();
    let two = seal_deploy_key_shares(params(), &recipients, 2, &ctx(b"repo"), key_b, &mut rng(23))
        .unwrap();
    assert_eq!(one.deploy_public_key(), two.deploy_public_key());
    assert_ne!(one.dealing_id(&ctx(b"repo")), two.dealing_id(&ctx(b"repo")));
    let (mut a, mut b) = (open_all(&vaults, &one), open_all(&vaults, &two));
    let mixed = [a.remove(0), b.remove(1)];
    assert_eq!(threshold_error(combine_shares(&mixed)), ThresholdFailure::OtherDealingOfTheKey);
    // Another key altogether.
    let three = dealt(&vaults, 2, 24, &mut Tweaks::default());
    let mut c = open_all(&vaults, &three);
    let mixed = [b.remove(0), c.remove(0)];
    assert_eq!(threshold_error(combine_shares(&mixed)), ThresholdFailure::MixedDealings);
}

#[test]
fn the_dealer_refuses_bad_parameters() {
    let vaults = vaults(9, 30);
    let deal_with = |n: usize, t: usize, context: &Context| {
        seal_deploy_key_shares(params(), &publics(&vaults[..n]), t, context, key(31), &mut rng(32))
    };
    let input = |what| Err(Error::input(what));
    let repo = ctx(b"repo");
    assert_eq!(deal_with(3, 1, &repo).map(drop), input(InvalidInput::Threshold));
    assert_eq!(deal_with(3, 4, &repo).map(drop), input(InvalidInput::Threshold));
    assert_eq!(deal_with(1, 2, &repo).map(drop), input(InvalidInput::Threshold));
    assert_eq!(deal_with(9, 2, &repo).map(drop), input(InvalidInput::RecipientCount));
    let secret = Context::new(b"project", b"repo", Purpose::Secret, [7; 32]).unwrap();
    assert_eq!(deal_with(3, 2, &secret).map(drop), input(InvalidInput::Purpose));
    let mut twice = publics(&vaults[..2]);
    twice.push(twice[0]);
    let result = seal_deploy_key_shares(params(), &twice, 2, &repo, key(31), &mut rng(32));
    assert_eq!(result.map(drop), input(InvalidInput::DuplicateRecipient));
    // 8-of-8 is allowed.
    deal_with(8, 8, &repo).unwrap().verify(params(), &repo, &mut rng(33)).unwrap();
}

/// A dealer that seals `s_2 + 1` to vault 2 (bound to the polynomial's
/// `A_2`) is rejected, and share 2 is named, alone and in a batch.
#[test]
fn a_share_off_the_polynomial_is_rejected_and_named() {
    let vaults = vaults(3, 40);
    let mut tweaks = Tweaks { off_polynomial: Some((2, Scalar::ONE)), ..Tweaks::default() };
    let dealing = dealt(&vaults, 2, 41, &mut tweaks);
    let repo = ctx(b"repo");
    let result = dealing.verify(params(), &repo, &mut rng(42));
    assert_eq!(threshold_error(result), ThresholdFailure::ShareProof { index: 2 });

    let honest = dealt(&vaults, 2, 43, &mut Tweaks::default());
    let bytes = dealing.to_bytes();
    let mut batch = BatchVerifier::new(params());
    batch.push_threshold_sealed_deploy_key(&honest, &repo);
    batch.push_threshold_sealed_deploy_key_bytes(&bytes, &repo);
    batch.push_threshold_sealed_deploy_key(&honest, &repo);
    let failure = batch.verify(&mut rng(44)).unwrap_err();
    assert_eq!(failure.invalid_indices().collect::<Vec<_>>(), [1]);
    assert_eq!(
        failure.error_for(1),
        Some(Error::threshold(ThresholdFailure::ShareProof { index: 2 }))
    );
    // No vault opens a share of the dishonest dealing (vault 2 holds share 2:
    // its opening verifies the whole dealing first).
    let recipients = publics(&vaults);
    let opened =
        vaults[1].open_deploy_key_share(params(), &dealing, &repo, &recipients, &mut rng(45));
    assert_eq!(threshold_error(opened), ThresholdFailure::ShareProof { index: 2 });
}

/// `f(j) = 0` (a zero share) and `f(j) = s` (the mark of a 0-based
/// evaluation) are refused when the dealing is decoded, naming the share.
#[test]
fn degenerate_polynomials_are_rejected() {
    let vaults = vaults(3, 50);
    let s = *key(51).scalar();
    // t = 2: f(X) = s + a·X with a = −s/2 gives s_2 = 0.
    let a = -s * Scalar::from(2u64).invert();
    let mut tweaks = Tweaks { coefficients: Some(vec![a]), ..Tweaks::default() };
    let zero = dealt(&vaults, 2, 51, &mut tweaks);
    let decoded = ThresholdSealedDeployKey::from_bytes(&zero.to_bytes());
    assert_eq!(threshold_error(decoded), ThresholdFailure::ZeroShare { index: 2 });

    // t = 3: a_1 = −2·a_2 gives a_1·2 + a_2·4 = 0, so s_2 = s (and no two
    // shares are equal: s_1 = s − a_2, s_3 = s + 3·a_2).
    let a_2 = Scalar::from(5u64);
    let mut tweaks =
        Tweaks { coefficients: Some(vec![-Scalar::from(2u64) * a_2, a_2]), ..Tweaks::default() };
    let same = dealt(&vaults, 3, 51, &mut tweaks);
    let decoded = ThresholdSealedDeployKey::from_bytes(&same.to_bytes());
    assert_eq!(threshold_error(decoded), ThresholdFailure::ShareIsTheKey { index: 2 });

    // t = 3, n = 5: f(X) = s + a·(X² − 6X) has f(1) = f(5) and f(2) = f(4),
    // so vaults 1 and 2 (t − 1 of them) would know three points; the first
    // pair found, in index order, is (2, 4) (review
    // finding; SPEC §13 lists only the two checks above).
    let five = self::vaults(5, 53);
    let a = Scalar::from(77u64);
    let mut tweaks =
        Tweaks { coefficients: Some(vec![-Scalar::from(6u64) * a, a]), ..Tweaks::default() };
    let equal = dealt(&five, 3, 54, &mut tweaks);
    let decoded = ThresholdSealedDeployKey::from_bytes(&equal.to_bytes());
    assert_eq!(threshold_error(decoded), ThresholdFailure::EqualShares { index: 2, other: 4 });

    // The batch reports it as the item's decoding error.
    let bytes = same.to_bytes();
    let repo = ctx(b"repo");
    let mut batch = BatchVerifier::new(params());
    batch.push_threshold_sealed_deploy_key_bytes(&bytes, &repo);
    let failure = batch.verify(&mut rng(52)).unwrap_err();
    assert_eq!(
        failure.error_for(0),
        Some(Error::threshold(ThresholdFailure::ShareIsTheKey { index: 2 }))
    );
}

/// The share body of share `j` in `bytes` (a 2-of-3 or t-of-n dealing).
fn body_range(t: usize, n: usize, j: usize) -> core::ops::Range<usize> {
    let start = 3 + 32 * n + 64 + 32 * (t - 1) + (j - 1) * 2080;
    start..start + 2080
}

#[test]
fn a_share_body_moved_to_another_dealing_index_context_or_owner_fails() {
    let vaults = vaults(3, 60);
    let repo = ctx(b"repo");
    let one = dealt(&vaults, 2, 61, &mut Tweaks::default()).to_bytes();
    let two = dealt(&vaults, 2, 63, &mut Tweaks::default()).to_bytes();
    let verify = |bytes: &[u8], context: &Context| {
        ThresholdSealedDeployKey::from_bytes(bytes).unwrap().verify(params(), context, &mut rng(64))
    };
    verify(&one, &repo).unwrap();

    // Share 2's body from another dealing to the same vaults.
    let mut moved = one.clone();
    moved[body_range(2, 3, 2)].copy_from_slice(&two[body_range(2, 3, 2)]);
    assert_eq!(threshold_error(verify(&moved, &repo)), ThresholdFailure::ShareProof { index: 2 });

    // Shares 1 and 3 swapped within the dealing.
    let mut swapped = one.clone();
    swapped[body_range(2, 3, 1)].copy_from_slice(&one[body_range(2, 3, 3)]);
    swapped[body_range(2, 3, 3)].copy_from_slice(&one[body_range(2, 3, 1)]);
    assert_eq!(threshold_error(verify(&swapped, &repo)), ThresholdFailure::ShareProof { index: 1 });

    // Another repository, another owner: every share fails, share 1 is named.
    assert_eq!(
        threshold_error(verify(&one, &ctx(b"other"))),
        ThresholdFailure::ShareProof { index: 1 }
    );
    let owner = Context::new(b"project", b"repo", Purpose::DeployKey, [8; 32]).unwrap();
    assert_eq!(threshold_error(verify(&one, &owner)), ThresholdFailure::ShareProof { index: 1 });
    // A context of another purpose is refused as such.
    let secret = Context::new(b"project", b"repo", Purpose::Secret, [7; 32]).unwrap();
    assert_eq!(verify(&one, &secret), Err(Error::input(InvalidInput::Purpose)));
}

/// The Edwards sum of `dealing`'s equations under unit weights (one weight
/// for everything: the verifier SPEC §13 forbids), and whether its
/// ristretto sum vanishes. The accumulator's sums are \\( R \\) times the
/// sums of its terms (`MontgomeryScalar::to_raw_scalar`); every Edwards
/// point here has prime order, so dividing by \\( R \\) gives the sum itself.
fn unit_weight_sums(dealing: &ThresholdSealedDeployKey, context: &Context) -> (bool, EdwardsPoint) {
    let replayed = dealing.replay(context, None).unwrap();
    let mut msm = Msm::new();
    push_alone(Box::new(replayed), params(), &mut Weights::unit(), &mut msm);
    let r_inv = crate::msm::MontgomeryScalar::ONE.to_raw_scalar().invert();
    (
        msm.vartime_ristretto_sum(params()) == Default::default(),
        msm.vartime_edwards_sum(params()) * r_inv,
    )
}

/// Share 1 is off the polynomial by δ; the dealer cancels its Edwards error
/// `e_1 = c_1·δ·B` by moving share 3's `U_1` by `e_1`. Under one weight per
/// dealing the errors cancel (the sums vanish); with a weight per equation
/// the dealing is rejected.
#[test]
fn an_error_cancelled_through_another_shares_u1_is_rejected() {
    let vaults = vaults(3, 70);
    let repo = ctx(b"repo");
    let delta = Scalar::from(12345u64);
    let off = Some((1, delta));
    let first = dealt(&vaults, 2, 71, &mut Tweaks { off_polynomial: off, ..Tweaks::default() });
    let (ristretto_ok, e_1) = unit_weight_sums(&first, &repo);
    assert!(ristretto_ok);
    assert_ne!(e_1.mul_by_cofactor(), EdwardsPoint::identity());

    let mut tweaks = Tweaks { off_polynomial: off, shift_u1: Some((3, e_1)), ..Tweaks::default() };
    let cancelled = dealt(&vaults, 2, 71, &mut tweaks);
    // Share 1 is byte for byte the same: the same randomness.
    assert_eq!(cancelled.to_bytes()[body_range(2, 3, 1)], first.to_bytes()[body_range(2, 3, 1)]);
    let (ristretto_ok, sum) = unit_weight_sums(&cancelled, &repo);
    assert!(ristretto_ok);
    assert_eq!(sum.mul_by_cofactor(), EdwardsPoint::identity(), "one weight would accept");

    let result = cancelled.verify(params(), &repo, &mut rng(72));
    assert_eq!(threshold_error(result), ThresholdFailure::ShareProof { index: 1 });
    let mut batch = BatchVerifier::new(params());
    batch.push_threshold_sealed_deploy_key(&cancelled, &repo);
    assert!(batch.verify(&mut rng(73)).is_err());
}

/// An RNG that always returns zeros: a broken or repeated source.
struct ZeroRng;

impl TryRng for ZeroRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        dest.fill(0);
        Ok(())
    }
}

impl TryCryptoRng for ZeroRng {}

/// `δ·G` for every `|δ| < 2¹⁶`: what a difference of two commitments with
/// one blinding is.
fn small_multiples_of_g() -> HashMap<CompressedRistretto, i64> {
    let G = params().G;
    let mut table = HashMap::new();
    let (mut up, mut down) =
        (curve25519_dalek::ristretto::RistrettoPoint::identity(), G * Scalar::ZERO);
    for delta in 0..(1i64 << 16) {
        table.insert(up.compress(), delta);
        table.insert(down.compress(), -delta);
        up += G;
        down -= G;
    }
    table
}

/// The chunk differences `m_i − m′_i` of two shares' ciphertexts if they
/// share their blindings (every `C_i − C′_i` a small multiple of `G`).
fn leaked_difference(
    table: &HashMap<CompressedRistretto, i64>,
    one: &SealedItem,
    two: &SealedItem,
) -> Option<Scalar> {
    let mut difference = Scalar::ZERO;
    let radix = Scalar::from(1u64 << 16);
    let pairs = one.ciphertext.commitments().iter().zip(two.ciphertext.commitments());
    for (C, C_prime) in pairs.rev() {
        let delta = *table.get(&(C.point - C_prime.point).compress())?;
        let delta = if delta < 0 {
            -Scalar::from(delta.unsigned_abs())
        } else {
            Scalar::from(delta.unsigned_abs())
        };
        difference = difference * radix + delta;
    }
    Some(difference)
}

/// Shares never share a blinding `r_i`, even from an RNG that repeats:
/// each share's blindings are keyed with its own transcript and `s_j`. A
/// test-only prover that gives two shares one blinding vector shows why:
/// anyone reads `s_1 − s_2 = −a_1` from the commitments, and vault 1 then
/// has `s = s_1 + a_1`.
#[test]
fn reused_blindings_would_leak_the_polynomial_and_the_api_never_reuses_them() {
    use crate::elgamal::chunks::ChunkValues;
    use crate::elgamal::{Blindings, ChunkedCiphertext};
    let table = small_multiples_of_g();
    let vaults = vaults(3, 80);
    let key = key(81);
    let dealing = deal(
        params(),
        &publics(&vaults),
        2,
        &ctx(b"repo"),
        &key,
        &mut ZeroRng,
        &mut Tweaks::default(),
    )
    .unwrap();
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        let found = leaked_difference(&table, &dealing.shares[a].item, &dealing.shares[b].item);
        assert_eq!(found, None, "shares {a} and {b} share blindings");
    }

    // The test-only prover: shares 1 and 2 of f(X) = s + a·X with one r.
    let shares = open_all(&vaults, &dealing);
    let (s_1, s_2) = (*shares[0].secret(), *shares[1].secret());
    let r =
        Blindings::from_scalars(zeroize::Zeroizing::new((1..=16u64).map(Scalar::from).collect()));
    let encrypt = |s_j: &Scalar, vault: &VaultKeypair| {
        let chunks = ChunkValues::from_payload(s_j.as_bytes()).unwrap();
        let ciphertext =
            ChunkedCiphertext::encrypt(params(), &chunks, &r, &[vault.public().Y]).unwrap();
        let mut item = dealing.shares[0].item.clone();
        item.ciphertext = ciphertext;
        item
    };
    let (one, two) = (encrypt(&s_1, &vaults[0]), encrypt(&s_2, &vaults[1]));
    let difference = leaked_difference(&table, &one, &two).expect("the blindings are shared");
    let a_1 = -difference; // s_1 − s_2 = (s + a) − (s + 2a) = −a
    assert_eq!(s_1 - a_1, *key.scalar(), "vault 1 alone recovers s");
}

/// Shares never share a sigma nonce (each is keyed with its own transcript
/// and `s_j`: their `U_1 = a′·B` differ, even from a repeating RNG). A
/// test-only prover whose proof randomness ignores transcript and witness
/// (`sealed::reused_nonces`) deals a 2-of-3 dealing whose shares reuse one
/// key-binding nonce `a′`: it verifies, and from its public responses
/// `z_j = a′ + c_j·s_j` and challenges `c_j` alone, with `s_j = s + a·j`,
/// anyone solves two linear equations for `(s, a)`.
#[test]
fn reused_sigma_nonces_would_leak_the_key_and_the_api_never_reuses_them() {
    let vaults = vaults(3, 90);
    let key = key(91);
    let deal_with = |rng: &mut dyn CryptoRng| {
        deal(params(), &publics(&vaults), 2, &ctx(b"repo"), &key, rng, &mut Tweaks::default())
            .unwrap()
    };
    let U_1 = |dealing: &ThresholdSealedDeployKey| -> Vec<_> {
        dealing
            .shares
            .iter()
            .map(|share| share.item.sigma.binding.as_ref().unwrap().U_1.compressed)
            .collect()
    };
    let honest = deal_with(&mut ZeroRng);
    let u = U_1(&honest);
    assert!(u[0] != u[1] && u[0] != u[2] && u[1] != u[2], "the API reused a nonce");

    let reused = crate::sealed::reused_nonces::with(7, || deal_with(&mut rng(92)));
    let u = U_1(&reused);
    assert!(u[0] == u[1] && u[1] == u[2], "the test-only prover reuses a′");
    reused.verify(params(), &ctx(b"repo"), &mut rng(93)).unwrap();
    // Only public data from here: every z_s and every challenge c_j.
    let context = ctx(b"repo");
    let replay = reused.replay(&context, None).unwrap();
    let c: Vec<Scalar> = replay.shares.iter().map(|(_, share)| share.sigma_challenge()).collect();
    let z: Vec<Scalar> =
        reused.shares.iter().map(|share| share.item.sigma.binding.as_ref().unwrap().z_s).collect();
    // z_1 − z_j = (c_1 − c_j)·s + (c_1·1 − c_j·j)·a, for j = 2, 3.
    let row = |j: usize| {
        let x_j = Scalar::from(j as u64);
        (c[0] - c[j - 1], c[0] - c[j - 1] * x_j, z[0] - z[j - 1])
    };
    let ((p, q, e), (u, v, f)) = (row(2), row(3));
    let s = (e * v - q * f) * (p * v - q * u).invert();
    assert_eq!(s, *key.scalar(), "the public responses give s");
    assert_eq!(EdwardsPoint::mul_base(&s), ED25519_BASEPOINT_POINT * key.scalar());
}

/// A batch of sealed deploy keys and dealings, valid and not, gives each
/// item exactly its single verification's result.
#[test]
fn batch_equals_single_on_mixed_batches_with_dealings() {
    let vaults = vaults(5, 100);
    let repo = ctx(b"repo");
    let honest = dealt(&vaults[..3], 2, 101, &mut Tweaks::default());
    let bigger = dealt(&vaults, 3, 103, &mut Tweaks::default());
    let mut tweaks = Tweaks { off_polynomial: Some((4, Scalar::ONE)), ..Tweaks::default() };
    let off = dealt(&vaults, 3, 105, &mut tweaks);
    let sealed =
        crate::seal_deploy_key(params(), &publics(&vaults[..1]), &repo, &key(107), &mut rng(108))
            .unwrap();
    let other = ctx(b"other");
    let mut batch = BatchVerifier::new(params());
    batch.push_threshold_sealed_deploy_key(&honest, &repo);
    batch.push_sealed_deploy_key(&sealed, &repo);
    batch.push_threshold_sealed_deploy_key(&off, &repo);
    batch.push_threshold_sealed_deploy_key(&bigger, &repo);
    batch.push_threshold_sealed_deploy_key(&bigger, &other);
    let failure = batch.verify(&mut rng(109)).unwrap_err();
    let singles = [
        honest.verify(params(), &repo, &mut rng(1)),
        sealed.verify(params(), &repo, &mut rng(1)),
        off.verify(params(), &repo, &mut rng(1)),
        bigger.verify(params(), &repo, &mut rng(1)),
        bigger.verify(params(), &other, &mut rng(1)),
    ];
    for (index, single) in singles.iter().enumerate() {
        assert_eq!(failure.error_for(index), single.err(), "item {index}");
    }
    assert_eq!(failure.invalid_indices().collect::<Vec<_>>(), [2, 4]);
}

#[test]
fn decoding_checks_lengths_before_allocating_and_every_point() {
    let vaults = vaults(3, 110);
    let bytes = dealt(&vaults, 2, 111, &mut Tweaks::default()).to_bytes();
    let decode = |bytes: &[u8]| match ThresholdSealedDeployKey::from_bytes(bytes) {
        Err(Error::Decode { what: Object::ThresholdSealedDeployKey, why }) => why,
        other => panic!("expected a decoding error, got {other:?}"),
    };
    assert_eq!(decode(&bytes[..bytes.len() - 1]), DecodeFailure::Length);
    assert_eq!(decode(&[bytes.as_slice(), &[0]].concat()), DecodeFailure::TrailingData);
    assert_eq!(decode(&[]), DecodeFailure::Length);
    let with = |at: usize, value: u8| {
        let mut b = bytes.clone();
        b[at] = value;
        b
    };
    assert_eq!(decode(&with(0, 2)), DecodeFailure::Tag);
    assert_eq!(decode(&with(1, 1)), DecodeFailure::Limit); // t = 1
    assert_eq!(decode(&with(1, 4)), DecodeFailure::Limit); // t > n
    assert_eq!(decode(&with(2, 9)), DecodeFailure::Limit); // n = 9
    assert_eq!(decode(&with(2, 2)), DecodeFailure::TrailingData); // n = 2 with 3 bodies
    // Claimed sizes never allocate: a header claiming 8 shares, 5 bytes long.
    assert_eq!(decode(&[1, 8, 8, 0, 0]), DecodeFailure::Length);
    // Recipients out of order.
    let mut unsorted = bytes.clone();
    unsorted[3..35].copy_from_slice(&bytes[35..67]);
    unsorted[35..67].copy_from_slice(&bytes[3..35]);
    assert_eq!(decode(&unsorted), DecodeFailure::Unsorted);
    // F′_1 the identity, or a point of order 8 ([8]F′ = identity).
    let f_prime = 3 + 96 + 64;
    let mut identity = bytes.clone();
    identity[f_prime..f_prime + 32].copy_from_slice(&EdwardsPoint::identity().compress().0);
    assert_eq!(decode(&identity), DecodeFailure::Identity);
    let torsion = curve25519_dalek::constants::EIGHT_TORSION[1].compress().0;
    let mut small = bytes.clone();
    small[f_prime..f_prime + 32].copy_from_slice(&torsion);
    assert_eq!(decode(&small), DecodeFailure::Identity);
    // A′ off by a torsion point: A ≠ [8]A′ is refused as torsion.
    let mut a_prime = bytes.clone();
    let A_prime =
        curve25519_dalek::edwards::CompressedEdwardsY(bytes[131..163].try_into().unwrap())
            .decompress()
            .unwrap();
    a_prime[131..163]
        .copy_from_slice(&(A_prime + curve25519_dalek::constants::EIGHT_TORSION[2]).compress().0);
    assert!(ThresholdSealedDeployKey::from_bytes(&a_prime).is_ok(), "[8]A′ is unchanged");
    let mut not_a = bytes.clone();
    not_a[131..163].copy_from_slice(&bytes[99..131]);
    assert_eq!(decode(&not_a), DecodeFailure::Torsion);
}

#[test]
fn a_key_share_decoder_rechecks_its_key() {
    let vaults = vaults(3, 120);
    let dealing = dealt(&vaults, 2, 121, &mut Tweaks::default());
    let share = open_all(&vaults, &dealing).remove(1);
    let bytes = share.to_bytes();
    assert_eq!(bytes.len(), 1 + 32 + 3 + 32 + 32 + 32);
    // s_j + 1: canonical, non-zero, not the share's key.
    let mut wrong = bytes.clone();
    let s = Scalar::from_canonical_bytes(wrong[36..68].try_into().unwrap()).unwrap() + Scalar::ONE;
    wrong[36..68].copy_from_slice(s.as_bytes());
    assert_eq!(
        threshold_error(KeyShare::from_bytes(&wrong)),
        ThresholdFailure::ShareKey { index: 2 }
    );
    // Another index: s_2 is not share 3's key.
    let mut moved = bytes.clone();
    moved[33] = 3;
    assert_eq!(
        threshold_error(KeyShare::from_bytes(&moved)),
        ThresholdFailure::ShareKey { index: 3 }
    );
    let decode = |bytes: &[u8]| match KeyShare::from_bytes(bytes) {
        Err(Error::Decode { what: Object::KeyShare, why }) => why,
        other => panic!("expected a decoding error, got {other:?}"),
    };
    let with = |at: usize, value: u8| {
        let mut b = bytes.to_vec();
        b[at] = value;
        b
    };
    assert_eq!(decode(&with(33, 0)), DecodeFailure::Limit); // j = 0
    assert_eq!(decode(&with(33, 4)), DecodeFailure::Limit); // j > n
    assert_eq!(decode(&with(34, 1)), DecodeFailure::Limit); // t = 1
    assert_eq!(decode(&bytes[..bytes.len() - 1]), DecodeFailure::Length);
    assert_eq!(decode(&[&bytes[..], &[0]].concat()), DecodeFailure::TrailingData);
    let mut zero = bytes.to_vec();
    zero[36..68].fill(0);
    // s_j = 0 is not the key of A_j (never the identity): refused by the
    // same constant-time verdict.
    assert_eq!(
        threshold_error(KeyShare::from_bytes(&zero)),
        ThresholdFailure::ShareKey { index: 2 }
    );
    let mut torsion = bytes.to_vec();
    torsion[100..132].copy_from_slice(&curve25519_dalek::constants::EIGHT_TORSION[1].compress().0);
    assert_eq!(decode(&torsion), DecodeFailure::Torsion);
}

#[test]
fn opening_checks_the_recipients_and_the_vault() {
    let all = vaults(4, 130);
    let (three, outsider) = (&all[..3], &all[3]);
    let dealing = dealt(three, 2, 131, &mut Tweaks::default());
    let repo = ctx(b"repo");
    let open = |vault: &VaultKeypair, expected: &[VaultPublicKey]| {
        vault.open_deploy_key_share(params(), &dealing, &repo, expected, &mut rng(132))
    };
    let expected = publics(three);
    let mut reversed = expected.clone();
    reversed.reverse();
    assert_eq!(open(&three[0], &reversed).unwrap().index(), 1, "any order");
    assert_eq!(threshold_error(open(outsider, &expected)), ThresholdFailure::NotARecipient);
    assert_eq!(
        threshold_error(open(&three[0], &expected[..2])),
        ThresholdFailure::RecipientMismatch
    );
    assert_eq!(
        threshold_error(open(&three[0], &publics(&all))),
        ThresholdFailure::RecipientMismatch
    );
}

/// Shares re-sealed to a combiner (SPEC §13): the combiner verifies and
/// opens each, then combines; a sealed share moved to another index,
/// dealing or combiner fails, and it decodes strictly.
#[test]
fn shares_travel_to_a_combiner_sealed_and_verified() {
    let all = vaults(4, 140);
    let (holders, combiner) = (&all[..3], &all[3]);
    let dealing = dealt(holders, 2, 141, &mut Tweaks::default());
    let other = dealt(holders, 2, 143, &mut Tweaks::default());
    let shares = open_all(holders, &dealing);
    let sealed: Vec<SealedKeyShare> = shares[..2]
        .iter()
        .map(|share| share.seal_to(params(), combiner.public(), &mut rng(144)).unwrap())
        .collect();
    let received: Vec<SealedKeyShare> =
        sealed.iter().map(|s| SealedKeyShare::from_bytes(&s.to_bytes()).unwrap()).collect();
    assert_eq!(received, sealed);
    let opened: Vec<KeyShare> = received
        .iter()
        .map(|s| combiner.open_key_share(params(), s, &mut rng(145)).unwrap())
        .collect();
    assert_eq!(opened[1].index(), 2);
    assert_eq!(opened[0].dealing_id(), dealing.dealing_id(&ctx(b"repo")));
    let key = combine_shares(&opened).unwrap();
    assert_eq!(key.public_key(), dealing.deploy_public_key());

    // Only the combiner opens it.
    let result = holders[0].open_key_share(params(), &received[0], &mut rng(146));
    assert_eq!(threshold_error(result), ThresholdFailure::NotARecipient);
    // Another index: the byte after the dealing id (the share then claims
    // another A_j, and the proofs were made for A_1).
    let bytes = sealed[0].to_bytes();
    let mut moved = bytes.clone();
    moved[33] = 3;
    let moved = SealedKeyShare::from_bytes(&moved).unwrap();
    let result = combiner.open_key_share(params(), &moved, &mut rng(147));
    assert_eq!(threshold_error(result), ThresholdFailure::ShareProof { index: 3 });
    // Another dealing's commitments (and id) in front of this body.
    let foreign =
        open_all(holders, &other)[0].seal_to(params(), combiner.public(), &mut rng(148)).unwrap();
    let mut spliced = foreign.to_bytes();
    let body = spliced.len() - 2080;
    spliced[body..].copy_from_slice(&bytes[body..]);
    let spliced = SealedKeyShare::from_bytes(&spliced).unwrap();
    let result = combiner.open_key_share(params(), &spliced, &mut rng(149));
    assert_eq!(threshold_error(result), ThresholdFailure::ShareProof { index: 1 });
    // Decoding: lengths, version.
    let decode = |bytes: &[u8]| match SealedKeyShare::from_bytes(bytes) {
        Err(Error::Decode { what: Object::SealedKeyShare, why }) => why,
        other => panic!("expected a decoding error, got {other:?}"),
    };
    assert_eq!(decode(&bytes[..bytes.len() - 1]), DecodeFailure::Length);
    assert_eq!(decode(&[bytes.as_slice(), &[0]].concat()), DecodeFailure::TrailingData);
    let mut version = bytes;
    version[0] = 2;
    assert_eq!(decode(&version), DecodeFailure::Tag);
}
