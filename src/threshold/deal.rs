//! The dealer: the polynomial, its commitments, and one sealed share per
//! recipient (`docs/PROTOCOL.md` §12.2).

use alloc::vec::Vec;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::statement::{DealingStatement, public_share, share_transcript};
use super::{Share, ThresholdSealedDeployKey};
use crate::context::{Context, Purpose};
use crate::deploy_key::DeployKey;
use crate::encoding::{EdwardsElement, RistrettoElement};
use crate::error::{Error, InvalidInput};
use crate::limits::{MAX_SHARES, MIN_THRESHOLD};
use crate::params::Params;
use crate::sealed::SealedItem;
use crate::statement::ShareStatement;
use crate::transcript::TranscriptProtocol;
use crate::vault::{self, VaultPublicKey};

/// What the soundness tests make a dishonest dealer do; the API always
/// passes the default (an honest dealer).
#[derive(Default)]
pub(super) struct Tweaks {
    /// Use these coefficients `a_1..a_{t−1}` instead of drawing them, and
    /// keep a degenerate polynomial (a zero share, a share equal to `s`).
    #[cfg(test)]
    pub(super) coefficients: Option<Vec<Scalar>>,
    /// Seal `s_j + δ` to share `j` (still bound to the polynomial's `A_j`).
    #[cfg(test)]
    pub(super) off_polynomial: Option<(usize, Scalar)>,
    /// Add `Δ` to share `j`'s key-binding nonce commitment `U_1`.
    #[cfg(test)]
    pub(super) shift_u1: Option<(usize, EdwardsPoint)>,
}

/// `8⁻¹ mod ℓ`: commitments are sent as `F′ = (a·8⁻¹)·B`, so that `[8]F′ = a·B`.
fn eighth() -> Scalar {
    Scalar::from(8u64).invert()
}

/// `f(j) = s + Σ a_u·j^u` by Horner's rule, in constant time.
fn evaluate(s: &Scalar, a: &[Scalar], index: usize) -> Zeroizing<Scalar> {
    let x = Scalar::from(index as u64);
    let mut acc = Zeroizing::new(Scalar::ZERO);
    for a_u in a.iter().rev() {
        *acc = (*acc + a_u) * x;
    }
    *acc += s;
    acc
}

/// Deal `key` to `recipients` with threshold `t` (see
/// [`seal_deploy_key_shares`](super::seal_deploy_key_shares)).
#[allow(non_snake_case, clippy::too_many_arguments)]
pub(super) fn deal<R: CryptoRng + ?Sized>(
    params: &Params,
    recipients: &[VaultPublicKey],
    t: usize,
    context: &Context,
    key: &DeployKey,
    rng: &mut R,
    tweaks: &mut Tweaks,
) -> Result<ThresholdSealedDeployKey, Error> {
    #[cfg(not(test))]
    let Tweaks {} = tweaks;
    if context.purpose() != Purpose::DeployKey {
        return Err(Error::input(InvalidInput::Purpose));
    }
    let recipients: Vec<RistrettoElement> =
        vault::sorted_recipients(recipients)?.into_iter().map(|key| key.Y).collect();
    let n = recipients.len();
    if !(MIN_THRESHOLD..=MAX_SHARES).contains(&n) || !(MIN_THRESHOLD..=n).contains(&t) {
        return Err(Error::input(InvalidInput::Threshold));
    }
    let s = key.scalar();
    let A = *key.public_key().element();
    let A_prime = EdwardsElement::from_point(params.mul_B(&Zeroizing::new(s * eighth())));
    let statement =
        DealingStatement { context, t, recipients: &recipients, A: &A, A_prime: &A_prime };

    // The coefficients: keyed with the statement so far and `s`, finalized
    // with the caller's RNG. A zero coefficient is drawn again; a
    // polynomial with a zero share or a share equal to `s` (probability
    // ≤ 2n/ℓ) is drawn again whole.
    let mut coefficient_rng = statement.absorb().prover_rng().witness_scalar(s).finalize(rng);
    let (a, shares) = loop {
        let a: Zeroizing<Vec<Scalar>> = Zeroizing::new(
            (1..t)
                .map(|_| {
                    loop {
                        let a_u = coefficient_rng.scalar();
                        // A retry has probability 2⁻²⁵²; the loop branches
                        // on that (public) event only.
                        let zero = a_u.ct_eq(&Scalar::ZERO);
                        #[cfg(feature = "__ctgrind")]
                        let zero = crate::__ctgrind::declassified_choice(zero);
                        if !bool::from(zero) {
                            break a_u;
                        }
                    }
                })
                .collect(),
        );
        #[cfg(test)]
        let a = tweaks.coefficients.clone().map(Zeroizing::new).unwrap_or(a);
        let shares: Vec<Zeroizing<Scalar>> = (1..=n).map(|j| evaluate(s, &a, j)).collect();
        // A zero share, a share equal to s, or two equal shares (§12.1).
        let mut degenerate = subtle::Choice::from(0);
        for (j, s_j) in shares.iter().enumerate() {
            degenerate |= s_j.ct_eq(&Scalar::ZERO) | s_j.ct_eq(s);
            for s_m in &shares[..j] {
                degenerate |= s_j.ct_eq(s_m);
            }
        }
        #[cfg(feature = "__ctgrind")]
        let degenerate = crate::__ctgrind::declassified_choice(degenerate);
        #[cfg(test)]
        let degenerate = degenerate & subtle::Choice::from(u8::from(tweaks.coefficients.is_none()));
        if !bool::from(degenerate) {
            break (a, shares);
        }
    };
    let F_prime: Vec<EdwardsElement> = a
        .iter()
        .map(|a_u| EdwardsElement::from_point(params.mul_B(&Zeroizing::new(a_u * eighth()))))
        .collect();
    let F: Vec<EdwardsPoint> = F_prime.iter().map(|F| F.point.mul_by_cofactor()).collect();
    let common = statement.absorb_with_commitments(&F_prime);

    let mut sealed_shares = Vec::with_capacity(n);
    for (position, s_j) in shares.iter().enumerate() {
        let index = position + 1;
        // `s_j·B`, from the public commitments as every verifier derives it
        // (a few small-integer doublings, no fixed-base multiplication).
        let A_j = public_share(&A.point, &F, index);
        #[cfg(test)]
        let s_j = match tweaks.off_polynomial {
            Some((j, delta)) if j == index => Zeroizing::new(**s_j + delta),
            _ => s_j.clone(),
        };
        let header = ShareStatement {
            transcript: share_transcript(&common, index),
            recipient: &recipients[position..=position],
            A_j: &A_j,
        }
        .absorb_header();
        let payload = Zeroizing::new(s_j.to_bytes());
        #[allow(unused_variables)]
        let tweak = |first: &mut crate::sigma::FirstMove<'_>| {
            #[cfg(test)]
            if let (Some((j, delta)), Some(U_1)) = (tweaks.shift_u1, first.U_1.as_mut()) {
                if j == index {
                    **U_1 = EdwardsElement::from_point(U_1.point + delta);
                }
            }
        };
        let item = SealedItem::seal_under(params, header, &payload[..], rng, tweak)?;
        sealed_shares.push(Share { A_j, item });
    }
    Ok(ThresholdSealedDeployKey::new(t, recipients, A, A_prime, F_prime, F, sealed_shares))
}
