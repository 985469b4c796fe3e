//! A sealed item's public statement and the transcript that has absorbed it.
//!
//! The range proof and the sigma proofs prove things *about* a statement:
//! the protocol, the kind, `L`, `k`, `v`, the context, the recipients' keys
//! `Y_j`, the deploy key's `A` and `A′`, then the ciphertext (every `C_i`,
//! then every `D_ij`, recipient-major) — PROTOCOL §8.1, step 1. Their
//! Fiat–Shamir challenges are sound only if that whole statement was
//! absorbed first. Rather than trusting each caller with the precondition,
//! the proofs take an [`AbsorbedStatement`], which only
//! [`StatementHeader::absorb_ciphertext`] creates, after
//! [`Statement::absorb_header`]: a proof cannot be made or checked on a
//! transcript that has not absorbed the statement it speaks of, and the
//! commitments and handles it is checked against are the ones absorbed.
//!
//! The header and the ciphertext are absorbed in two steps because the
//! sealer draws the blindings `r_i` between them (from a prover RNG keyed
//! with the header's transcript and the payload).
//!
//! The transcript bytes are those of PROTOCOL §8.1 (the known-answer vectors
//! pin them).

use curve25519_dalek::edwards::EdwardsPoint;
use merlin::Transcript;

use crate::context::Context;
use crate::elgamal::ChunkedCiphertext;
use crate::elgamal::chunks::chunk_count;
use crate::encoding::{EdwardsElement, RistrettoElement};
use crate::transcript::{ProverRngBuilder, TranscriptProtocol, labels, new_transcript};

/// The deploy key's part of a statement: `A` and `A′` with `A = [8]A′`.
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyStatement<'a> {
    /// `A`, the deploy public key (torsion-free).
    pub(crate) A: &'a EdwardsElement,
    /// `A′`, the preimage under the cofactor (may carry torsion).
    pub(crate) A_prime: &'a EdwardsElement,
}

/// The statement before its ciphertext: what is absorbed first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Statement<'a> {
    /// The context (its purpose is the item's kind).
    pub(crate) context: &'a Context,
    /// The payload length `L` in bytes (`k = ⌈L/2⌉` chunks).
    pub(crate) len: usize,
    /// The recipients' sealing keys `Y_j`, sorted by encoding.
    pub(crate) recipients: &'a [RistrettoElement],
    /// `A` and `A′` for a deploy key; `None` for a secret.
    pub(crate) key: Option<KeyStatement<'a>>,
}

/// The statement of one share of a threshold dealing (PROTOCOL §12): the
/// dealing's transcript after its common statement and the share index
/// `j`, the share's one recipient `Y_j` and its public share `A_j`, which
/// the key-binding proof binds. Neither `Y_j` nor `A_j` is absorbed here:
/// the common statement has every `Y_j`, and `A_j` is derived from it.
#[allow(non_snake_case, missing_debug_implementations)]
pub(crate) struct ShareStatement<'a> {
    /// The dealing's transcript after `share-index = j`.
    pub(crate) transcript: Transcript,
    /// `[Y_j]`: the share's recipient.
    pub(crate) recipient: &'a [RistrettoElement],
    /// `A_j = A + Σ_u j^u·F_u` (torsion-free, computed by the verifier).
    pub(crate) A_j: &'a EdwardsPoint,
}

/// A transcript that has absorbed a statement's header (everything before
/// the ciphertext), with what the proofs need of the statement.
#[allow(non_snake_case)]
#[derive(Clone)]
pub(crate) struct StatementHeader<'a> {
    transcript: Transcript,
    /// The payload length `L`.
    len: usize,
    recipients: &'a [RistrettoElement],
    /// The key the key-binding proof binds (deploy keys and shares).
    A: Option<&'a EdwardsPoint>,
}

/// A transcript that has absorbed a whole statement, ciphertext included.
///
/// Created only by [`StatementHeader::absorb_ciphertext`] (and, in the
/// proofs' own unit tests, by [`AbsorbedStatement::for_tests`]); the range
/// proof and the sigma proofs continue its transcript.
#[allow(non_snake_case)]
pub(crate) struct AbsorbedStatement<'a> {
    transcript: Transcript,
    recipients: &'a [RistrettoElement],
    A: Option<&'a EdwardsPoint>,
    commitments: &'a [RistrettoElement],
    handles: &'a [RistrettoElement],
}

impl<'a> Statement<'a> {
    /// The number of chunks `k = ⌈L/2⌉`.
    pub(crate) fn chunk_count(&self) -> usize {
        chunk_count(self.len)
    }

    /// Absorb the header: protocol, kind, `L`, `k`, `v` (before the
    /// context, so that no context can be read as another length), the
    /// context, every `Y_j`, and `A`, `A′` for a deploy key.
    pub(crate) fn absorb_header(self) -> StatementHeader<'a> {
        let mut t = new_transcript(labels::PROTOCOL_SEALED);
        t.append_u64_value(labels::KIND, u64::from(self.context.purpose().to_byte()));
        t.append_u64_value(labels::PAYLOAD_LEN, self.len as u64);
        t.append_u64_value(labels::CHUNK_COUNT, self.chunk_count() as u64);
        t.append_u64_value(labels::RECIPIENT_COUNT, self.recipients.len() as u64);
        self.context.append_to(&mut t);
        for y in self.recipients {
            t.append_point(labels::VAULT_Y, &y.compressed);
        }
        if let Some(key) = self.key {
            t.append_edwards(labels::DEPLOY_A, &key.A.compressed);
            t.append_edwards(labels::DEPLOY_A_PRIME, &key.A_prime.compressed);
        }
        StatementHeader {
            transcript: t,
            len: self.len,
            recipients: self.recipients,
            A: self.key.map(|key| &key.A.point),
        }
    }
}

impl<'a> ShareStatement<'a> {
    /// The share's header: the dealing's transcript as it is (a deploy
    /// key's scalar, `L = 32`, to one recipient, bound to `A_j`).
    pub(crate) fn absorb_header(self) -> StatementHeader<'a> {
        StatementHeader {
            transcript: self.transcript,
            len: crate::limits::DEPLOY_KEY_LEN,
            recipients: self.recipient,
            A: Some(self.A_j),
        }
    }
}

impl<'a> StatementHeader<'a> {
    /// A prover RNG builder keyed with the header's transcript (the sealer
    /// adds the payload and draws the blindings `r_i` from it).
    pub(crate) fn prover_rng(&self) -> ProverRngBuilder {
        self.transcript.prover_rng()
    }

    /// The payload length `L`.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The recipients' sealing keys `Y_j`, sorted.
    pub(crate) fn recipients(&self) -> &'a [RistrettoElement] {
        self.recipients
    }

    /// Absorb the ciphertext (every `C_i`, then every `D_ij`,
    /// recipient-major), completing the statement.
    pub(crate) fn absorb_ciphertext(
        self,
        ciphertext: &'a ChunkedCiphertext,
    ) -> AbsorbedStatement<'a> {
        let mut transcript = self.transcript;
        ciphertext.append_to(&mut transcript);
        debug_assert_eq!(ciphertext.chunk_count(), chunk_count(self.len));
        AbsorbedStatement {
            transcript,
            recipients: self.recipients,
            A: self.A,
            commitments: ciphertext.commitments(),
            handles: ciphertext.all_handles(),
        }
    }
}

#[allow(non_snake_case)]
impl<'a> AbsorbedStatement<'a> {
    /// The transcript, for the proofs to continue.
    pub(crate) fn transcript(&mut self) -> &mut Transcript {
        &mut self.transcript
    }

    /// The transcript in its current state.
    pub(crate) fn into_transcript(self) -> Transcript {
        self.transcript
    }

    /// The absorbed chunk commitments `C_i` (`k` of them).
    pub(crate) fn commitments(&self) -> &'a [RistrettoElement] {
        self.commitments
    }

    /// The absorbed handles, recipient-major: `handles[j·k + i] = D_ij`.
    pub(crate) fn handles(&self) -> &'a [RistrettoElement] {
        self.handles
    }

    /// The absorbed recipients' sealing keys `Y_j`, sorted.
    pub(crate) fn recipients(&self) -> &'a [RistrettoElement] {
        self.recipients
    }

    /// The key the key-binding proof binds: a deploy key's `A`, a share's
    /// `A_j` (`None` for a secret).
    pub(crate) fn A(&self) -> Option<&'a EdwardsPoint> {
        self.A
    }

    /// A statement the proofs' unit tests absorbed themselves (or chose not
    /// to): `transcript` stands for a transcript that has absorbed the
    /// recipients, `A`, commitments and handles given here.
    #[cfg(test)]
    pub(crate) fn for_tests(
        transcript: Transcript,
        recipients: &'a [RistrettoElement],
        A: Option<&'a EdwardsPoint>,
        commitments: &'a [RistrettoElement],
        handles: &'a [RistrettoElement],
    ) -> Self {
        AbsorbedStatement { transcript, recipients, A, commitments, handles }
    }
}
