//! The sigma proofs of a sealed item, merged under one challenge
//! (`docs/PROTOCOL.md` §8.1 steps 3–5): the [validity proof](validity) for
//! every sealed item and, for deploy keys, the
//! [key-binding proof](key_binding).
//!
//! They run on the sealed item's transcript — an
//! `AbsorbedStatement`, which only the statement's absorbing function
//! creates — after the range proof:
//!
//! 1. `dom-sep ← "vaultseal-validity-v1"`; `k`, `v`; challenge `t` (chunk
//!    weights \\(t^i\\));
//! 2. deploy keys: `dom-sep ← "vaultseal-key-binding-v1"`;
//! 3. absorb \\(T_0\\), every \\(T_j\\), and for deploy keys \\(U_0\\), \\(U_1\\);
//! 4. challenge \\(c\\);
//! 5. absorb \\(z_m, z_r\\) and for deploy keys \\(z_s, z_{rs}\\): nothing the
//!    prover sends is left out of the transcript.
//!
//! # Encoding
//! `T_0 ‖ T_j (v) ‖ [U_0 ‖ U_1] ‖ z_m ‖ z_r ‖ [z_s ‖ z_rs]`, 32 bytes each:
//! `32·(3 + v)` bytes for a secret, `32·(7 + v)` for a deploy key.
//!
//! # Documentation only
//! This module is public only in the rendered documentation (`cfg(doc)`:
//! `cargo doc`, docs.rs), so that its mathematics can be read there. Its items
//! are crate-internal and not part of the API, so they are not listed here.
//! The proofs are part of every [`SealedDeployKey`](crate::SealedDeployKey) and
//! [`SealedSecret`](crate::SealedSecret): made by the `seal_*` functions, checked
//! by their `verify` methods and by [`BatchVerifier`](crate::BatchVerifier).

#[cfg(doc)]
pub mod key_binding;
#[cfg(not(doc))]
pub(crate) mod key_binding;
#[cfg(doc)]
pub mod validity;
#[cfg(not(doc))]
pub(crate) mod validity;

use alloc::vec::Vec;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use zeroize::Zeroizing;

use crate::encoding::{EdwardsElement, Reader, RistrettoElement};
use crate::error::Error;
use crate::msm::{MontgomeryScalar, Msm, Weights};
use crate::params::Params;
use crate::range_proof::poly::powers;
use crate::statement::AbsorbedStatement;
use crate::transcript::{ProverRng, TranscriptProtocol, labels};

use key_binding::KeyBindingProof;
use validity::ValidityProof;

/// The parts of an [`AbsorbedStatement`] the sigma proofs are about.
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct SigmaStatement<'a> {
    /// Recipients' sealing keys `Y_j`, sorted.
    pub(crate) recipients: &'a [RistrettoElement],
    /// Chunk commitments `C_i`.
    pub(crate) commitments: &'a [RistrettoElement],
    /// Handles, recipient-major: `handles[j·k + i] = D_ij`.
    pub(crate) handles: &'a [RistrettoElement],
    /// The deploy public key `A` (deploy keys only), checked torsion-free.
    pub(crate) A: Option<&'a EdwardsPoint>,
}

/// The first-move messages of the sigma proofs, as
/// [`SigmaProof::prove_tweaked`] hands them to its hook.
#[allow(non_snake_case)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct FirstMove<'a> {
    /// `T_0`.
    pub(crate) T_0: &'a mut RistrettoElement,
    /// `T_j`, one per recipient.
    pub(crate) T_j: &'a mut [RistrettoElement],
    /// `U_0` (deploy keys).
    pub(crate) U_0: Option<&'a mut RistrettoElement>,
    /// `U_1` (deploy keys; Edwards).
    pub(crate) U_1: Option<&'a mut EdwardsElement>,
}

/// Validity proof, plus the key-binding proof for deploy keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SigmaProof {
    pub(crate) validity: ValidityProof,
    pub(crate) binding: Option<KeyBindingProof>,
}

impl<'a> SigmaStatement<'a> {
    /// The view of `statement` (its absorbed recipients, commitments,
    /// handles and deploy key).
    fn of(statement: &AbsorbedStatement<'a>) -> Self {
        SigmaStatement {
            recipients: statement.recipients(),
            commitments: statement.commitments(),
            handles: statement.handles(),
            A: statement.A(),
        }
    }
}

/// Steps 1–2: domain separators and the challenge `t`.
fn absorb_prelude(transcript: &mut Transcript, statement: &SigmaStatement<'_>) -> Scalar {
    let k = statement.commitments.len();
    transcript.append_bytes(labels::DOM_SEP, labels::VALIDITY_DOM_SEP);
    transcript.append_u64_value(labels::CHUNK_COUNT, k as u64);
    transcript.append_u64_value(labels::RECIPIENT_COUNT, statement.recipients.len() as u64);
    let t = transcript.challenge_scalar(labels::SIGMA_T);
    if statement.A.is_some() {
        transcript.append_bytes(labels::DOM_SEP, labels::KEY_BINDING_DOM_SEP);
    }
    t
}

impl SigmaProof {
    /// Prove, for chunk values `m_i` and blindings `r_i` (the witness of the
    /// statement's commitments and handles).
    #[cfg(test)]
    pub(crate) fn prove(
        params: &Params,
        statement: &mut AbsorbedStatement<'_>,
        m: &[Scalar],
        r: &[Scalar],
        rng: &mut ProverRng,
    ) -> Self {
        Self::prove_tweaked(params, statement, m, r, rng, |_| {})
    }

    /// `SigmaProof::prove` (test builds), letting `tweak` alter the first-move messages
    /// before they are absorbed: a cheating prover for the tests (errors
    /// built to cancel across equations); `prove` passes a no-op.
    #[allow(non_snake_case)]
    pub(crate) fn prove_tweaked(
        params: &Params,
        statement: &mut AbsorbedStatement<'_>,
        m: &[Scalar],
        r: &[Scalar],
        rng: &mut ProverRng,
        tweak: impl FnOnce(&mut FirstMove<'_>),
    ) -> Self {
        let view = SigmaStatement::of(statement);
        let (statement, transcript) = (&view, statement.transcript());
        let t_powers = powers(&absorb_prelude(transcript, statement), statement.commitments.len());
        let fold = |values: &[Scalar]| {
            let mut acc = Zeroizing::new(Scalar::ZERO);
            for (v, t_i) in values.iter().zip(&t_powers) {
                *acc += v * t_i;
            }
            acc
        };
        let (m_star, r_star) = (fold(m), fold(r));
        let (validity_nonces, mut T_0, mut T_j) =
            validity::commit(params, statement.recipients, rng);
        let mut binding = statement.A.map(|_| key_binding::commit(params, rng));
        let (U_0, U_1) = match binding.as_mut() {
            Some((_, U_0, U_1)) => (Some(U_0), Some(U_1)),
            None => (None, None),
        };
        tweak(&mut FirstMove { T_0: &mut T_0, T_j: &mut T_j, U_0, U_1 });
        validity::absorb_commitments(transcript, &T_0, &T_j);
        if let Some((_, U_0, U_1)) = &binding {
            key_binding::absorb_commitments(transcript, U_0, U_1);
        }
        let c = transcript.challenge_scalar(labels::SIGMA_C);
        let validity = validity::respond(validity_nonces, T_0, T_j, &c, &m_star, &r_star);
        let binding = binding.map(|(nonces, U_0, U_1)| {
            let (s, r_s) = (key_binding::recombine(m), key_binding::recombine(r));
            key_binding::respond(nonces, U_0, U_1, &c, &s, &r_s)
        });
        let proof = SigmaProof { validity, binding };
        proof.absorb_responses(transcript);
        proof
    }

    /// Step 5: absorb every response.
    fn absorb_responses(&self, transcript: &mut Transcript) {
        self.validity.absorb_responses(transcript);
        if let Some(binding) = &self.binding {
            binding.absorb_responses(transcript);
        }
    }

    /// Replay the transcript (the challenge \\( c \\) drawn, every response
    /// absorbed): nothing pushed yet.
    ///
    /// # Errors
    /// [`Error::Verification`] if the proof's shape does not match the
    /// statement (a key-binding part without a deploy key, or a wrong number
    /// of handle commitments).
    pub(crate) fn replay<'a>(
        &'a self,
        statement: &mut AbsorbedStatement<'a>,
    ) -> Result<SigmaReplay<'a>, Error> {
        self.check_shape(statement)?;
        let view = SigmaStatement::of(statement);
        let transcript = statement.transcript();
        let t = absorb_prelude(transcript, &view);
        validity::absorb_commitments(transcript, &self.validity.T_0, &self.validity.T_j);
        if let Some(binding) = &self.binding {
            key_binding::absorb_commitments(transcript, &binding.U_0, &binding.U_1);
        }
        let c = transcript.challenge_scalar(labels::SIGMA_C);
        self.absorb_responses(transcript);
        Ok(SigmaReplay { proof: self, statement: view, t, c })
    }

    /// [`SigmaProof::replay`], then [`SigmaReplay::push_equations`]: the
    /// proof checked on its own (tests).
    #[cfg(test)]
    pub(crate) fn push_equations<'a>(
        &'a self,
        statement: &mut AbsorbedStatement<'a>,
        weights: &mut Weights,
        msm: &mut Msm<'a>,
        commitment_coeffs: &mut [MontgomeryScalar],
    ) -> Result<(), Error> {
        if commitment_coeffs.len() != statement.commitments().len() {
            return Err(Error::Verification);
        }
        let replayed = self.replay(statement)?;
        let key_coeff = replayed.push_equations(weights, msm, commitment_coeffs);
        if let (Some(coeff), Some(key)) = (key_coeff, replayed.bound_key()) {
            msm.push_edwards(coeff, key);
        }
        Ok(())
    }

    /// Whether the proof's shape matches the statement: one handle
    /// commitment per recipient, `v·k` handles, a key-binding part exactly
    /// for a deploy key.
    ///
    /// # Errors
    /// [`Error::Verification`] on a mismatch.
    fn check_shape(&self, statement: &AbsorbedStatement<'_>) -> Result<(), Error> {
        let statement = SigmaStatement::of(statement);
        let v = statement.recipients.len();
        let k = statement.commitments.len();
        if self.validity.T_j.len() != v
            || statement.handles.len() != v * k
            || statement.A.is_some() != self.binding.is_some()
        {
            return Err(Error::Verification);
        }
        Ok(())
    }

    /// Encoded length for `v` recipients.
    pub(crate) fn encoded_len(v: usize, deploy_key: bool) -> usize {
        32 * (3 + v + if deploy_key { 4 } else { 0 })
    }

    /// Append the encoding (see the module documentation).
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        self.validity.write_commitments(out);
        if let Some(binding) = &self.binding {
            binding.write_commitments(out);
        }
        self.validity.write_responses(out);
        if let Some(binding) = &self.binding {
            binding.write_responses(out);
        }
    }

    /// Read the encoding for `v` recipients, with a key-binding part iff
    /// `deploy_key`.
    ///
    /// # Errors
    /// [`Error::Decode`] for short input, invalid points or non-canonical
    /// scalars.
    #[allow(non_snake_case)]
    pub(crate) fn read(r: &mut Reader<'_>, v: usize, deploy_key: bool) -> Result<Self, Error> {
        let (T_0, T_j) = validity::read_commitments(r, v)?;
        let binding_points =
            if deploy_key { Some(key_binding::read_commitments(r)?) } else { None };
        let (z_m, z_r) = (r.scalar()?, r.scalar()?);
        let binding = match binding_points {
            Some((U_0, U_1)) => {
                let (z_s, z_rs) = (r.scalar()?, r.scalar()?);
                Some(KeyBindingProof { U_0, U_1, z_s, z_rs })
            }
            None => None,
        };
        Ok(SigmaProof { validity: ValidityProof { T_0, T_j, z_m, z_r }, binding })
    }
}

/// Sigma proofs whose challenge is drawn ([`SigmaProof::replay`]).
#[derive(Debug)]
pub(crate) struct SigmaReplay<'a> {
    proof: &'a SigmaProof,
    statement: SigmaStatement<'a>,
    /// The chunk-folding challenge \\( t \\).
    t: Scalar,
    /// The challenge \\( c \\).
    c: Scalar,
}

impl<'a> SigmaReplay<'a> {
    /// The challenge `c` (tests: the public values an attacker sees).
    #[cfg(all(test, feature = "std"))]
    pub(crate) fn challenge(&self) -> Scalar {
        self.c
    }

    /// The key the key-binding proof binds (`A`, or a share's `A_j`).
    pub(crate) fn bound_key(&self) -> Option<&'a EdwardsPoint> {
        self.statement.A
    }

    /// Add every weighted equation but the term of the bound key, whose
    /// coefficient is returned (Montgomery form; `None` without a key
    /// binding); commitment coefficients are added into `commitment_coeffs`
    /// (length `k`, in Montgomery form: the per-chunk arithmetic is the
    /// verifier's hot loop).
    #[must_use]
    pub(crate) fn push_equations(
        &self,
        weights: &mut Weights,
        msm: &mut Msm<'a>,
        commitment_coeffs: &mut [MontgomeryScalar],
    ) -> Option<MontgomeryScalar> {
        let SigmaReplay { proof, statement, t, c } = *self;
        let k = statement.commitments.len();
        debug_assert_eq!(commitment_coeffs.len(), k);
        let t_powers = MontgomeryScalar::powers(MontgomeryScalar::from_scalar(&t), k);
        // `c` in Montgomery form once, for both proofs.
        let c_m = MontgomeryScalar::from_scalar(&c);
        proof.validity.push_equations(c_m, &t_powers, &statement, weights, msm, commitment_coeffs);
        let binding = proof.binding.as_ref().filter(|_| statement.A.is_some());
        binding.map(|binding| binding.push_equations(c_m, weights, msm, commitment_coeffs))
    }
}

#[cfg(test)]
mod tests;
