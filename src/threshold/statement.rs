//! A dealing's public statement: its transcripts, its public shares and its
//! id (`docs/PROTOCOL.md` §12.1–12.3).

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::traits::{Identity, IsIdentity};
use merlin::Transcript;
use sha2::{Digest, Sha512_256};

use super::DealingId;
use crate::context::Context;
use crate::encoding::{EdwardsElement, RistrettoElement};
use crate::error::ThresholdFailure;
use crate::transcript::{TranscriptProtocol, labels, new_transcript};

/// The part of a dealing's statement fixed before its polynomial is drawn:
/// context, `t`, the recipients, `A`, `A′`.
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub(super) struct DealingStatement<'a> {
    pub(super) context: &'a Context,
    pub(super) t: usize,
    pub(super) recipients: &'a [RistrettoElement],
    pub(super) A: &'a EdwardsElement,
    pub(super) A_prime: &'a EdwardsElement,
}

#[allow(non_snake_case)]
impl DealingStatement<'_> {
    /// The transcript after protocol, context, `t`, `n`, every `Y_j`, `A`
    /// and `A′`: what the coefficients' prover RNG is keyed with (before
    /// the commitments, which depend on the coefficients).
    pub(super) fn absorb(&self) -> Transcript {
        let mut t = new_transcript(labels::PROTOCOL_THRESHOLD);
        self.context.append_to(&mut t);
        t.append_u64_value(labels::THRESHOLD_T, self.t as u64);
        t.append_u64_value(labels::THRESHOLD_N, self.recipients.len() as u64);
        for Y in self.recipients {
            t.append_point(labels::VAULT_Y, &Y.compressed);
        }
        t.append_edwards(labels::DEPLOY_A, &self.A.compressed);
        t.append_edwards(labels::DEPLOY_A_PRIME, &self.A_prime.compressed);
        t
    }

    /// The common statement's transcript: [`absorb`](Self::absorb), then
    /// every `F′_u`. Every share's transcript starts from (a clone of) it.
    #[allow(non_snake_case)]
    pub(super) fn absorb_with_commitments(&self, F_prime: &[EdwardsElement]) -> Transcript {
        let mut t = self.absorb();
        absorb_commitments(&mut t, F_prime);
        t
    }
}

/// Absorb every `F′_u`, u = 1..t−1.
#[allow(non_snake_case)]
pub(super) fn absorb_commitments(transcript: &mut Transcript, F_prime: &[EdwardsElement]) {
    for F in F_prime {
        transcript.append_edwards(labels::FELDMAN_F_PRIME, &F.compressed);
    }
}

/// Share `j`'s transcript: the common one, then `share-index = j`.
pub(super) fn share_transcript(common: &Transcript, index: usize) -> Transcript {
    let mut t = common.clone();
    t.append_u64_value(labels::SHARE_INDEX, index as u64);
    t
}

/// `j·P` for a small public `j` (1..=8): double-and-add over four bits,
/// variable time (everything here is public).
fn mul_small(point: &EdwardsPoint, j: usize) -> EdwardsPoint {
    debug_assert!(j < 16, "share indices are 1..=8");
    let mut acc = EdwardsPoint::identity();
    for bit in (0..4).rev() {
        acc = acc + acc;
        if (j >> bit) & 1 == 1 {
            acc += point;
        }
    }
    acc
}

/// The public share `A_j = A + Σ_{u=1}^{t−1} j^u·F_u`, by Horner's rule:
/// `A + j·(F_1 + j·(F_2 + … + j·F_{t−1}))`.
#[allow(non_snake_case)]
pub(super) fn public_share(A: &EdwardsPoint, F: &[EdwardsPoint], index: usize) -> EdwardsPoint {
    let mut acc = EdwardsPoint::identity();
    for F_u in F.iter().rev() {
        acc = mul_small(&(acc + F_u), index);
    }
    A + acc
}

/// Every public share of a dealing of `n` shares, refusing a zero share
/// (`A_j` the identity), a share equal to the key (`A_j = A`) and two equal
/// shares (`A_j = A_m`: with one of the two, `t − 1` other holders would
/// have `t` points of the polynomial).
///
/// # Errors
/// [`ThresholdFailure::ZeroShare`], [`ThresholdFailure::ShareIsTheKey`] or
/// [`ThresholdFailure::EqualShares`], naming the first such share.
#[allow(non_snake_case)]
pub(super) fn public_shares(
    A: &EdwardsPoint,
    F: &[EdwardsPoint],
    n: usize,
) -> Result<alloc::vec::Vec<EdwardsPoint>, ThresholdFailure> {
    let mut shares = alloc::vec::Vec::with_capacity(n);
    for j in 1..=n {
        let A_j = public_share(A, F, j);
        // 1..=8 by the callers.
        let index = u8::try_from(j).unwrap_or(u8::MAX);
        if A_j.is_identity() {
            return Err(ThresholdFailure::ZeroShare { index });
        }
        if A_j == *A {
            return Err(ThresholdFailure::ShareIsTheKey { index });
        }
        if let Some(m) = shares.iter().position(|A_m| *A_m == A_j) {
            let m = u8::try_from(m + 1).unwrap_or(u8::MAX);
            return Err(ThresholdFailure::EqualShares { index: m, other: index });
        }
        shares.push(A_j);
    }
    Ok(shares)
}

/// The dealing id of a dealing whose header (version through `F′_{t−1}`)
/// is `header`, under `context`.
pub(super) fn dealing_id(context: &Context, header: &[u8]) -> DealingId {
    let digest = Sha512_256::new()
        .chain_update(labels::DEALING_ID)
        .chain_update(context.to_bytes())
        .chain_update(header)
        .finalize();
    let mut id = [0u8; 32];
    id.copy_from_slice(&digest);
    DealingId(id)
}

#[cfg(test)]
mod tests {
    use curve25519_dalek::scalar::Scalar;

    use super::*;

    /// Horner's rule gives `A + Σ j^u·F_u` for every `j` and degree, and
    /// `mul_small` is scalar multiplication by `j`.
    #[test]
    #[allow(non_snake_case)]
    fn public_share_is_the_polynomial_in_the_exponent() {
        let s = Scalar::from(7u64);
        let a = [Scalar::from(11u64), Scalar::from(13u64), Scalar::from(17u64)];
        let B = curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
        let A = B * s;
        let F: alloc::vec::Vec<EdwardsPoint> = a.iter().map(|a_u| B * a_u).collect();
        for t in 1..=4 {
            for j in 1..=8usize {
                let x = Scalar::from(j as u64);
                let mut f_j = s;
                let mut power = Scalar::ONE;
                for a_u in &a[..t - 1] {
                    power *= x;
                    f_j += a_u * power;
                }
                assert_eq!(public_share(&A, &F[..t - 1], j), B * f_j, "t = {t}, j = {j}");
                assert_eq!(mul_small(&B, j), B * x);
            }
        }
    }
}
