//! Cheating first moves of the sigma proofs.
//!
//! Errors built to cancel inside one item: a cheating prover shifts two
//! first-move messages by `+Δ` and `−Δ`, so the item's equations, summed
//! with weight 1, hold exactly. Single verification (a batch of one, with
//! independent weights per equation) must refuse it, and a batch must name
//! it: checking a single proof's equations under one fixed weight of 1 is
//! the pitfall this guards against (`docs/PROTOCOL.md` §2.7).
//!
//! Torsion in `U_1`: a prover adds a small-order point to `U_1` before the
//! challenge. The cofactored (B1) accepts it under every weight, alone and
//! in a batch; an uncofactored check would accept it only for weights that
//! kill the torsion, so single and batch verdicts would depend on the
//! weights (the batch/single disagreement ed25519-dalek once had).

#![allow(clippy::unwrap_used, clippy::expect_used, non_snake_case)]

use super::*;
use crate::batch::BatchVerifier;
use crate::msm::{Msm, Weights, push_alone};
use crate::sigma::FirstMove;
use crate::vault::VaultKeypair;
use alloc::boxed::Box;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn vault_keys(params: &Params, v: usize) -> Vec<VaultPublicKey> {
    (0..v).map(|i| *VaultKeypair::generate(params, &mut rng(90 + i as u64)).public()).collect()
}

/// `seal_deploy_key` with a cheating hook on the sigma first move.
fn seal_deploy_key_tweaked(
    params: &Params,
    recipients: &[VaultPublicKey],
    context: &Context,
    tweak: impl FnOnce(&mut FirstMove<'_>),
) -> SealedDeployKey {
    seal_deploy_key_with_a_prime_torsion(params, recipients, context, 0, tweak)
}

/// The same, with `A′` chosen as the honest one plus the torsion point
/// `EIGHT_TORSION[torsion]` (still `[8]A′ = A`).
fn seal_deploy_key_with_a_prime_torsion(
    params: &Params,
    recipients: &[VaultPublicKey],
    context: &Context,
    torsion: usize,
    tweak: impl FnOnce(&mut FirstMove<'_>),
) -> SealedDeployKey {
    let key = DeployKey::generate(&mut rng(1));
    let A = *key.public_key().element();
    let eighth = Scalar::from(8u64).invert();
    let A_prime = EdwardsElement::from_point(
        params.mul_B(&(key.scalar() * eighth))
            + curve25519_dalek::constants::EIGHT_TORSION[torsion],
    );
    let payload = key.sealing_payload();
    let statement = Some(KeyStatement { A: &A, A_prime: &A_prime });
    let item = SealedItem::seal_tweaked(
        params,
        recipients,
        context,
        &payload[..],
        statement,
        &mut rng(2),
        tweak,
    )
    .unwrap();
    SealedDeployKey::new(A, A_prime, item)
}

/// Whether the item's equations hold when summed with weight 1.
fn holds_unweighted(params: &Params, sealed: &SealedDeployKey, context: &Context) -> bool {
    let mut msm = Msm::new();
    let replayed = Box::new(sealed.replay(context).unwrap());
    push_alone(replayed, params, &mut Weights::unit(), &mut msm);
    msm.vartime_is_satisfied(params)
}

fn shift(point: &mut RistrettoElement, delta: &RistrettoElement, sign: bool) {
    *point = RistrettoElement::from_point(if sign {
        point.point + delta.point
    } else {
        point.point - delta.point
    });
}

#[test]
fn honest_items_hold_unweighted_and_weighted() {
    let params = Params::new();
    let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
    let sealed = seal_deploy_key_tweaked(&params, &vault_keys(&params, 2), &context, |_| {});
    assert!(holds_unweighted(&params, &sealed, &context));
    assert_eq!(sealed.verify(&params, &context, &mut rng(3)), Ok(()));
}

/// `T_0 − Δ` and `U_0 + Δ`: (V0) is off by `+Δ`, (B0) by `−Δ`.
#[test]
fn validity_and_key_binding_errors_that_cancel_are_refused() {
    let params = Params::new();
    let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
    let delta = RistrettoElement::from_point(params.G * Scalar::from(77u64));
    let sealed = seal_deploy_key_tweaked(&params, &vault_keys(&params, 1), &context, |first| {
        shift(first.T_0, &delta, false);
        shift(first.U_0.as_deref_mut().unwrap(), &delta, true);
    });
    // The cheat works against weight 1…
    assert!(holds_unweighted(&params, &sealed, &context));
    // …and fails against independent weights, alone and in a batch.
    assert_eq!(sealed.verify(&params, &context, &mut rng(4)), Err(Error::Verification));
    let honest = seal_deploy_key_tweaked(&params, &vault_keys(&params, 1), &context, |_| {});
    let mut batch = BatchVerifier::new(&params);
    batch.push_sealed_deploy_key(&honest, &context);
    batch.push_sealed_deploy_key(&sealed, &context);
    batch.push_sealed_deploy_key(&honest, &context);
    let err = batch.verify(&mut rng(5)).unwrap_err();
    assert_eq!(err.invalid(), &[(1, Error::Verification)]);
}

/// `T_1 + Δ` and `T_2 − Δ` for two recipients: (V1) off by `−Δ`, (V2) by
/// `+Δ`.
#[test]
fn handle_commitment_errors_that_cancel_are_refused() {
    let params = Params::new();
    let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
    let delta = RistrettoElement::from_point(params.H * Scalar::from(5u64));
    let sealed = seal_deploy_key_tweaked(&params, &vault_keys(&params, 2), &context, |first| {
        shift(&mut first.T_j[0], &delta, true);
        shift(&mut first.T_j[1], &delta, false);
    });
    assert!(holds_unweighted(&params, &sealed, &context));
    assert_eq!(sealed.verify(&params, &context, &mut rng(6)), Err(Error::Verification));
}

/// A torsion component in `U_1`, put there before the challenge: accepted
/// by the cofactored Edwards check whatever the weights, by single
/// verification and by batches alike. Every non-identity torsion point is
/// tried (orders 2, 4 and 8).
#[test]
fn torsion_in_u1_gets_the_same_verdict_under_every_weight() {
    let params = Params::new();
    let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
    let vaults = vault_keys(&params, 1);
    let torsioned: Vec<SealedDeployKey> = (1..8)
        .map(|i| {
            seal_deploy_key_tweaked(&params, &vaults, &context, |first| {
                let U_1 = first.U_1.as_deref_mut().unwrap();
                let point = U_1.point + curve25519_dalek::constants::EIGHT_TORSION[i];
                *U_1 = EdwardsElement::from_point(point);
            })
        })
        .collect();
    for (i, sealed) in torsioned.iter().enumerate() {
        let U_1 = &sealed.item.sigma.binding.as_ref().unwrap().U_1;
        assert!(!U_1.point.is_torsion_free(), "no torsion put in U_1 ({i})");
        // It round-trips through its encoding, torsion included.
        let decoded = SealedDeployKey::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(&decoded, sealed);
        for seed in 0..24 {
            assert_eq!(sealed.verify(&params, &context, &mut rng(1000 + seed)), Ok(()), "{i}");
        }
    }
    let honest = seal_deploy_key_tweaked(&params, &vaults, &context, |_| {});
    for seed in 0..24 {
        let mut batch = BatchVerifier::new(&params);
        batch.push_sealed_deploy_key(&honest, &context);
        for sealed in &torsioned {
            batch.push_sealed_deploy_key(sealed, &context);
        }
        assert_eq!(batch.verify(&mut rng(2000 + seed)), Ok(()), "weights of seed {seed}");
    }
}

/// `A′` is any preimage of `A` under `[8]`: one with a torsion component is
/// a valid statement (the decoder checks `[8]A′ = A`, not that `A′` is
/// torsion-free; PROTOCOL §8), so a prover that picks one is accepted, and
/// the encoding keeps the `A′` it chose (it is absorbed as sent).
#[test]
fn a_prime_with_a_torsion_component_is_a_valid_statement() {
    let params = Params::new();
    let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
    let vaults = vault_keys(&params, 2);
    for i in 1..8 {
        let sealed = seal_deploy_key_with_a_prime_torsion(&params, &vaults, &context, i, |_| {});
        assert!(!sealed.A_prime.point.is_torsion_free());
        let decoded = SealedDeployKey::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(decoded, sealed);
        assert_eq!(decoded.verify(&params, &context, &mut rng(3000 + i as u64)), Ok(()));
    }
}
