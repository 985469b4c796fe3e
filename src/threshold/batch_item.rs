//! A dealing as a batch item (`docs/PROTOCOL.md` §12.5): every share's
//! proofs, each equation with its own weight from the dealing's one weight
//! stream, the key-binding terms of all shares accumulated on `A` and the
//! `F_u`; verification, and the token it returns.

use alloc::boxed::Box;
use alloc::vec::Vec;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;

use super::ThresholdSealedDeployKey;
use super::statement::{DealingStatement, share_transcript};
use crate::context::{Context, Purpose};
use crate::encoding::RecipientCache;
use crate::error::{Error, InvalidInput, ThresholdFailure};
use crate::msm::{
    BatchItem, Equations, Held, ItemKind, MontgomeryScalar, Msm, Replayed, Source, TermCount,
    WeightSource, Weights, item_digest, push_alone, verify_one,
};
use crate::params::Params;
use crate::sealed::{EncodingDigest, SealedReplay, Verified};
use crate::statement::ShareStatement;

/// A [`ThresholdSealedDeployKey`] verified under its context: opening a
/// share from it does not verify again.
pub type VerifiedThresholdSealedDeployKey<'a> = Verified<'a, ThresholdSealedDeployKey>;

impl ThresholdSealedDeployKey {
    /// Verify every share's proofs under `context` (a batch of one, weighted
    /// with the caller's RNG). [`verified`](Self::verified) also returns the
    /// token that opens a share without verifying again.
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] if `context` is not for a deploy key;
    /// [`Error::Threshold`] with [`ThresholdFailure::ShareProof`] naming the
    /// first share whose proofs fail (under another context every share
    /// fails, and share 1 is named).
    pub fn verify<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        context: &Context,
        rng: &mut R,
    ) -> Result<(), Error> {
        self.verified(params, context, rng).map(drop)
    }

    /// Verify (as [`verify`](Self::verify)) and return the token that opens a
    /// share without verifying again.
    ///
    /// # Errors
    /// As [`verify`](Self::verify).
    pub fn verified<'a, R: CryptoRng + ?Sized>(
        &'a self,
        params: &Params,
        context: &'a Context,
        rng: &mut R,
    ) -> Result<VerifiedThresholdSealedDeployKey<'a>, Error> {
        verify_one(params, &ThresholdItem::new(Source::Decoded(self), context), rng)?;
        Ok(Verified::after_verification(self, context))
    }

    /// The terms its equations push: every share's, with `A` and the `F_u`
    /// once (a capacity hint).
    pub(crate) fn msm_terms(&self) -> TermCount {
        let shares = self.shares.iter().map(|share| share.item.msm_terms(true));
        let edwards = TermCount { ristretto: 0, edwards: self.t };
        shares.fold(edwards, |acc, terms| acc + TermCount { edwards: 1, ..terms })
    }

    /// Replay every share's transcript under `context`, or only share
    /// `only` (1-based): nothing pushed yet.
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] for a context of another purpose;
    /// [`ThresholdFailure::ShareProof`] for a share whose replay refuses (a
    /// zero challenge).
    pub(crate) fn replay<'s>(
        &'s self,
        context: &'s Context,
        only: Option<usize>,
    ) -> Result<DealingReplay<'s>, Error> {
        if context.purpose() != Purpose::DeployKey {
            return Err(Error::input(InvalidInput::Purpose));
        }
        let statement = DealingStatement {
            context,
            t: self.t,
            recipients: &self.recipients,
            A: &self.A,
            A_prime: &self.A_prime,
        };
        let common = statement.absorb_with_commitments(&self.F_prime);
        let mut shares = Vec::with_capacity(self.shares.len());
        for (position, share) in self.shares.iter().enumerate() {
            let index = position + 1;
            if only.is_some_and(|only| only != index) {
                continue;
            }
            let header = ShareStatement {
                transcript: share_transcript(&common, index),
                recipient: &self.recipients[position..=position],
                A_j: &share.A_j,
            }
            .absorb_header();
            let (replayed, _) =
                share.item.replay_under(header).map_err(|_| share_failure(index))?;
            shares.push((index, replayed));
        }
        Ok(DealingReplay { A: &self.A.point, F: &self.F, shares })
    }
}

/// [`ThresholdFailure::ShareProof`] for share `index` (1..=8).
fn share_failure(index: usize) -> Error {
    Error::threshold(ThresholdFailure::ShareProof { index: u8::try_from(index).unwrap_or(u8::MAX) })
}

/// A dealing (decoded or encoded) as a batch item, with the context it
/// must verify under.
#[derive(Debug)]
pub(crate) struct ThresholdItem<'a> {
    dealing: Source<'a, ThresholdSealedDeployKey>,
    context: &'a Context,
}

impl<'a> ThresholdItem<'a> {
    /// The item of `dealing` under `context`.
    pub(crate) fn new(dealing: Source<'a, ThresholdSealedDeployKey>, context: &'a Context) -> Self {
        ThresholdItem { dealing, context }
    }
}

impl<'a> BatchItem<'a> for ThresholdItem<'a> {
    /// Kind 5; parts: SHA-512 of the dealing's encoding, the context's
    /// encoding.
    fn digest(&self) -> [u8; 64] {
        let encoding = match self.dealing {
            Source::Decoded(dealing) => dealing.encoding_digest(),
            Source::Encoded(bytes) => EncodingDigest::of(bytes).0,
        };
        item_digest(ItemKind::ThresholdDealing, &[&encoding, &self.context.to_bytes()])
    }

    fn prepare(&self, cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        let dealing =
            self.dealing.held(|b| ThresholdSealedDeployKey::from_bytes_cached(b, cache))?;
        Ok(Box::new(HeldDealing { dealing, context: self.context }))
    }
}

/// A decoded dealing with the context it is verified under.
struct HeldDealing<'a> {
    dealing: Held<'a, ThresholdSealedDeployKey>,
    context: &'a Context,
}

impl Equations for HeldDealing<'_> {
    fn msm_terms(&self) -> TermCount {
        self.dealing.msm_terms()
    }

    fn replay(&self, _params: &Params) -> Result<Box<dyn Replayed<'_> + '_>, Error> {
        Ok(Box::new(self.dealing.replay(self.context, None)?))
    }

    /// Each share checked alone under fresh weights: the first that fails.
    fn failure(&self, params: &Params, index: usize, source: &mut WeightSource) -> Error {
        for share in 1..=self.dealing.shares.len() {
            let replayed = match self.dealing.replay(self.context, Some(share)) {
                Ok(replayed) => replayed,
                Err(error) => return error,
            };
            let mut weights = Weights::for_item(&source.seed(), index);
            let mut msm = Msm::new();
            push_alone(Box::new(replayed), params, &mut weights, &mut msm);
            if !msm.vartime_is_satisfied(params) {
                return share_failure(share);
            }
        }
        // Every share holds under fresh weights: the failed check was a
        // false alarm of probability about 2⁻²⁵².
        Error::Verification
    }
}

/// A dealing whose shares' challenges are drawn (or one share re-sealed to
/// a combiner: [`SealedKeyShare`](super::SealedKeyShare)).
#[allow(non_snake_case)]
pub(crate) struct DealingReplay<'s> {
    pub(super) A: &'s EdwardsPoint,
    pub(super) F: &'s [EdwardsPoint],
    /// `(j, share j replayed)`.
    pub(super) shares: Vec<(usize, SealedReplay<'s>)>,
}

impl<'s> Replayed<'s> for DealingReplay<'s> {
    /// Every share's range-proof inversions.
    fn inversions<'v>(&'v mut self, slots: &mut Vec<&'v mut MontgomeryScalar>) {
        for (_, share) in &mut self.shares {
            share.inversions(slots);
        }
    }

    /// Every share's weighted equations, drawing from the one stream in
    /// turn; share `j`'s key-binding coefficient `x_j` on `A_j = A +
    /// Σ_u j^u·F_u` goes to `A` (`Σ_j x_j`) and to each `F_u`
    /// (`Σ_j x_j·j^u`).
    #[allow(non_snake_case)]
    fn push_equations(&self, params: &Params, weights: &mut Weights, msm: &mut Msm<'s>) {
        let mut coeff_A = MontgomeryScalar::ZERO;
        let mut coeff_F = alloc::vec![MontgomeryScalar::ZERO; self.F.len()];
        for (index, share) in &self.shares {
            let Some(x) = share.push_all_but_key(params, weights, msm) else { continue };
            coeff_A += x;
            let j = MontgomeryScalar::from_scalar(&Scalar::from(*index as u64));
            let mut term = x;
            for coeff in &mut coeff_F {
                term *= j;
                *coeff += term;
            }
        }
        msm.push_edwards(coeff_A, self.A);
        for (coeff, F_u) in coeff_F.into_iter().zip(self.F) {
            msm.push_edwards(coeff, F_u);
        }
    }
}
