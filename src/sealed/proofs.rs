//! Sealing and verifying a sealed item's proofs: the statement absorbed
//! once ([`crate::statement`]), then the range proof and the sigma proofs on
//! its transcript; verification replays the same steps and adds every
//! weighted equation to the caller's multiscalar multiplication.

use alloc::vec::Vec;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::CryptoRng;

use crate::context::Context;
use crate::elgamal::ChunkedCiphertext;
use crate::elgamal::chunks::ChunkValues;
use crate::encoding::RistrettoElement;
use crate::error::{Error, InvalidInput};
use crate::msm::{MontgomeryScalar, Msm, Replayed, TermCount, Weights};
use crate::params::Params;
use crate::range_proof::{RangeProof, RangeReplay};
use crate::sigma::{SigmaProof, SigmaReplay};
use crate::statement::{KeyStatement, Statement, StatementHeader};
use crate::transcript::TranscriptProtocol;
use crate::vault::{self, VaultPublicKey};

use super::{MAX_PAYLOAD_LEN, SealedItem};

/// The prover's witness: the payload (keys the prover RNG), the chunk values
/// `m_i` and the blindings `r_i`.
#[derive(Clone, Copy)]
pub(crate) struct Witness<'a> {
    pub(crate) payload: &'a [u8],
    pub(crate) m: &'a [Scalar],
    pub(crate) r: &'a [Scalar],
}

/// Check the recipients (1..=8, distinct) and return their sealing keys
/// sorted by encoding.
pub(super) fn sorted_recipients(
    recipients: &[VaultPublicKey],
) -> Result<Vec<RistrettoElement>, Error> {
    Ok(vault::sorted_recipients(recipients)?.into_iter().map(|key| key.Y).collect())
}

/// The statement's header for an item of `len` bytes to `recipients`.
pub(super) fn statement<'a>(
    context: &'a Context,
    len: usize,
    recipients: &'a [RistrettoElement],
    key: Option<KeyStatement<'a>>,
) -> Statement<'a> {
    Statement { context, len, recipients, key }
}

#[allow(non_snake_case)]
impl SealedItem {
    /// Seal `payload` (already checked against the purpose) to `recipients`.
    pub(super) fn seal<R: CryptoRng + ?Sized>(
        params: &Params,
        recipients: &[VaultPublicKey],
        context: &Context,
        payload: &[u8],
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
    ) -> Result<Self, Error> {
        Self::seal_tweaked(params, recipients, context, payload, key, rng, |_| {})
    }

    /// [`SealedItem::seal`] with a hook on the sigma proofs' first move (see
    /// [`SigmaProof::prove_tweaked`]; tests only pass a cheating one).
    #[allow(non_snake_case)]
    pub(super) fn seal_tweaked<R: CryptoRng + ?Sized>(
        params: &Params,
        recipients: &[VaultPublicKey],
        context: &Context,
        payload: &[u8],
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
        tweak: impl FnOnce(&mut crate::sigma::FirstMove<'_>),
    ) -> Result<Self, Error> {
        let recipients = sorted_recipients(recipients)?;
        let header = statement(context, payload.len(), &recipients, key).absorb_header();
        Self::seal_under(params, header, payload, rng, tweak)
    }

    /// Seal `payload` under a statement header (a sealed item's, or a
    /// threshold share's): the blindings `r_i` from a prover RNG keyed with
    /// the header's transcript and the payload, then the ciphertext to the
    /// header's recipients and its proofs ([`SealedItem::prove_under`]).
    ///
    /// # Errors
    /// [`InvalidInput::PayloadLength`] for a payload outside 1..=128 bytes or
    /// of another length than the header's.
    pub(crate) fn seal_under<R: CryptoRng + ?Sized>(
        params: &Params,
        header: StatementHeader<'_>,
        payload: &[u8],
        rng: &mut R,
        tweak: impl FnOnce(&mut crate::sigma::FirstMove<'_>),
    ) -> Result<Self, Error> {
        if !(1..=MAX_PAYLOAD_LEN).contains(&payload.len()) || payload.len() != header.len() {
            return Err(Error::input(InvalidInput::PayloadLength));
        }
        let chunks = ChunkValues::from_payload(payload)?;
        let m = chunks.scalars();
        let mut rng_r = header.prover_rng().witness_bytes(payload).finalize(rng);
        let (ciphertext, r) =
            ChunkedCiphertext::encrypt_with_rng(params, &chunks, header.recipients(), &mut rng_r)?;
        let witness = Witness { payload, m: &m, r: r.as_slice() };
        Ok(Self::prove_under(params, header, ciphertext, witness, rng, tweak))
    }

    /// Absorb the statement (header, then ciphertext) and prove the range
    /// and sigma statements for the witness `(m_i, r_i)` on its transcript.
    ///
    /// Shared by [`SealedItem::seal`] and the test-only sealer of the
    /// soundness tests, which differ only in how they build the witness and
    /// the ciphertext.
    #[cfg(test)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn prove<R: CryptoRng + ?Sized>(
        params: &Params,
        context: &Context,
        len: usize,
        recipients: Vec<RistrettoElement>,
        ciphertext: ChunkedCiphertext,
        witness: Witness<'_>,
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
    ) -> Self {
        Self::prove_tweaked(params, context, len, recipients, ciphertext, witness, key, rng, |_| {})
    }

    /// `SealedItem::prove` (test builds) with a hook on the sigma proofs' first move
    /// (see [`SigmaProof::prove_tweaked`]; only tests pass a cheating one).
    #[allow(clippy::too_many_arguments)]
    #[cfg(test)]
    pub(super) fn prove_tweaked<R: CryptoRng + ?Sized>(
        params: &Params,
        context: &Context,
        len: usize,
        recipients: Vec<RistrettoElement>,
        ciphertext: ChunkedCiphertext,
        witness: Witness<'_>,
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
        tweak: impl FnOnce(&mut crate::sigma::FirstMove<'_>),
    ) -> Self {
        let header = statement(context, len, &recipients, key).absorb_header();
        Self::prove_under(params, header, ciphertext, witness, rng, tweak)
    }

    /// Absorb `ciphertext` after `header` and prove the range and sigma
    /// statements for `witness` on the transcript; the sealed item to the
    /// header's recipients.
    pub(crate) fn prove_under<R: CryptoRng + ?Sized>(
        params: &Params,
        header: StatementHeader<'_>,
        ciphertext: ChunkedCiphertext,
        witness: Witness<'_>,
        rng: &mut R,
        tweak: impl FnOnce(&mut crate::sigma::FirstMove<'_>),
    ) -> Self {
        let (len, recipients) = (header.len(), header.recipients().to_vec());
        let mut absorbed = header.absorb_ciphertext(&ciphertext);

        // Proof randomness: keyed with the payload and every r_i.
        let mut builder = absorbed.transcript().prover_rng().witness_bytes(witness.payload);
        for r_i in witness.r {
            builder = builder.witness_scalar(r_i);
        }
        let rng_proof = builder.finalize(rng);
        #[cfg(all(test, feature = "std"))]
        let rng_proof = reused_nonces::proof_rng().unwrap_or(rng_proof);
        let mut rng_proof = rng_proof;
        let range_proof =
            RangeProof::prove(params, &mut absorbed, witness.m, witness.r, &mut rng_proof);
        let sigma = SigmaProof::prove_tweaked(
            params,
            &mut absorbed,
            witness.m,
            witness.r,
            &mut rng_proof,
            tweak,
        );
        SealedItem { L: len, recipients, ciphertext, range_proof, sigma }
    }

    /// Replay the transcript: every challenge of the range and sigma proofs
    /// drawn, every refusal made, nothing pushed yet.
    ///
    /// # Errors
    /// [`Error::Verification`]: the sigma proof's shape does not match the
    /// statement, or a zero challenge.
    pub(super) fn replay<'s>(
        &'s self,
        context: &'s Context,
        key: Option<KeyStatement<'s>>,
    ) -> Result<SealedReplay<'s>, Error> {
        self.replay_with_transcript(context, key).map(|(replayed, _)| replayed)
    }

    /// [`SealedItem::replay`], with the transcript in its final state
    /// (after the last response), so tests can check that everything was
    /// absorbed.
    pub(super) fn replay_with_transcript<'s>(
        &'s self,
        context: &'s Context,
        key: Option<KeyStatement<'s>>,
    ) -> Result<(SealedReplay<'s>, Transcript), Error> {
        self.replay_under(statement(context, self.L, &self.recipients, key).absorb_header())
    }

    /// Replay the transcript after `header` (a sealed item's, or a
    /// threshold share's, whose recipients and length are this item's),
    /// with the transcript in its final state.
    ///
    /// # Errors
    /// As [`SealedItem::replay`].
    pub(crate) fn replay_under<'s>(
        &'s self,
        header: StatementHeader<'s>,
    ) -> Result<(SealedReplay<'s>, Transcript), Error> {
        debug_assert!(header.len() == self.L && header.recipients() == &self.recipients[..]);
        // No commitment or handle is the identity (a zero blinding would
        // publish a chunk's image m_i·G): the decoder refuses them, and the
        // honest encryption makes one only for a zero blinding or
        // r_i = −m_i·log_H G, each of probability 2⁻²⁵² per chunk.
        debug_assert!(
            !self
                .ciphertext
                .commitments()
                .iter()
                .chain(self.ciphertext.all_handles())
                .any(RistrettoElement::is_identity)
        );
        let mut absorbed = header.absorb_ciphertext(&self.ciphertext);
        // Refusals (a zero challenge; the sigma proof's shape, checked by its
        // replay) all come before anything is pushed.
        let range = self.range_proof.replay(&mut absorbed)?;
        let sigma = self.sigma.replay(&mut absorbed)?;
        let replayed = SealedReplay { commitments: self.ciphertext.commitments(), range, sigma };
        Ok((replayed, absorbed.into_transcript()))
    }

    /// How many ristretto and Edwards terms the replayed item pushes (each
    /// `C_i` once, each `D_ij`, `A`, `S`, `T_1`, `T_2`, every `L_j`, `R_j`,
    /// `T_0`, every `T_j`, and `U_0`; `U_1` and `A` in Edwards): a capacity
    /// hint for the batch's accumulators.
    pub(crate) fn msm_terms(&self, deploy_key: bool) -> TermCount {
        let (k, v) = (self.ciphertext.chunk_count(), self.recipients.len());
        let rounds = self.range_proof.ipp.L_vec.len();
        let ristretto = k * (1 + v) + 4 + 2 * rounds + 1 + v + usize::from(deploy_key);
        TermCount { ristretto, edwards: if deploy_key { 2 } else { 0 } }
    }
}

/// A sealed item whose challenges are drawn ([`SealedItem::replay`]).
#[derive(Debug)]
pub(crate) struct SealedReplay<'s> {
    /// The chunk commitments `C_i`.
    commitments: &'s [RistrettoElement],
    range: RangeReplay<'s>,
    sigma: SigmaReplay<'s>,
}

impl<'s> Replayed<'s> for SealedReplay<'s> {
    /// The range proof's: every `u_j` and `y`.
    fn inversions<'v>(&'v mut self, slots: &mut Vec<&'v mut MontgomeryScalar>) {
        self.range.inversions(slots);
    }

    /// Every weighted equation of the range and sigma proofs. Each `C_i` is
    /// pushed once, with its coefficients from every equation summed.
    fn push_equations(&self, params: &Params, weights: &mut Weights, msm: &mut Msm<'s>) {
        let key_coeff = self.push_all_but_key(params, weights, msm);
        if let (Some(coeff), Some(key)) = (key_coeff, self.sigma.bound_key()) {
            msm.push_edwards(coeff, key);
        }
    }
}

impl<'s> SealedReplay<'s> {
    /// The sigma proofs' challenge `c` (tests).
    #[cfg(all(test, feature = "std"))]
    pub(crate) fn sigma_challenge(&self) -> Scalar {
        self.sigma.challenge()
    }

    /// Every weighted equation but the key-binding term of the bound key,
    /// whose coefficient is returned (Montgomery form; `None` for a
    /// secret): a threshold share's `A_j` is not a point of its own but a
    /// combination of its dealing's points, which sum the coefficients of
    /// every share.
    #[allow(non_snake_case)]
    pub(crate) fn push_all_but_key(
        &self,
        params: &Params,
        weights: &mut Weights,
        msm: &mut Msm<'s>,
    ) -> Option<MontgomeryScalar> {
        let commitments: &'s [RistrettoElement] = self.commitments;
        let mut coeffs = alloc::vec![MontgomeryScalar::ZERO; commitments.len()];
        self.range.push_equations(params, weights, msm, &mut coeffs);
        let key_coeff = self.sigma.push_equations(weights, msm, &mut coeffs);
        for (coeff, C) in coeffs.into_iter().zip(commitments) {
            msm.push(coeff, C);
        }
        key_coeff
    }
}

/// Test-only: a prover whose proof randomness ignores the transcript and the
/// witness, so that every item it seals on this thread reuses the same
/// nonces (what the API never does; the threshold tests show what it would
/// leak).
#[cfg(all(test, feature = "std"))]
pub(crate) mod reused_nonces {
    use core::cell::Cell;

    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    use crate::transcript::{ProverRng, TranscriptProtocol};

    std::thread_local! {
        static SEED: Cell<Option<u64>> = const { Cell::new(None) };
    }

    /// Seal with proof randomness from `seed` alone while `f` runs.
    pub(crate) fn with<T>(seed: u64, f: impl FnOnce() -> T) -> T {
        SEED.with(|cell| cell.set(Some(seed)));
        let out = f();
        SEED.with(|cell| cell.set(None));
        out
    }

    /// The fixed proof RNG, when one is set.
    pub(super) fn proof_rng() -> Option<ProverRng> {
        let seed = SEED.with(Cell::get)?;
        let transcript = merlin::Transcript::new(b"test-only reused nonces");
        Some(transcript.prover_rng().finalize(&mut ChaCha20Rng::seed_from_u64(seed)))
    }
}
