//! [`VaultKeyProof`]: a Schnorr proof of possession of a vault's sealing key.
//!
//! Relation (`docs/PROTOCOL.md` §2.3), with the vault's stable record fields `ctx` (region,
//! endpoint, key epoch or expiry) and its KEM key `W` bound as context:
//! $$
//! \mathrm{PK}\\{ (x) : x \cdot Y = H \\}.
//! $$
//!
//! Prover: nonce \\(k\\), \\(T = k \cdot Y\\); challenge \\(c\\); response
//! \\(z = k + c x\\). Verifier:
//! $$
//! z \cdot Y - T - c \cdot H = 0. \tag{1}
//! $$
//! Completeness: \\(zY = kY + c\\,xY = T + cH\\).
//!
//! Transcript (`vaultseal-vault-key-proof-v1`): `Y`, `W`, `record`, `T`
//! (identity refused) → `c`, then `z` is absorbed (nothing unabsorbed follows
//! a challenge).
//!
//! # Security
//! Special soundness of Schnorr: two accepting transcripts with the same `T`
//! give \\(x = (z - z^\prime)/(c - c^\prime)\\). Because `W` and the record fields are
//! absorbed before `c`, a proof cannot be moved to another `W` or to other
//! record fields; the identity `Y` is refused when the key is decoded, so the
//! equation never degenerates to \\(T = -cH\\).
//!
//! # Constant time
//! Proving uses `x` and `k` only in constant-time scalar arithmetic and a
//! constant-time variable-base multiplication. Verification is variable-time
//! (public data).
//!
//! # Encoding
//! `T (32) ‖ z (32)`: 64 bytes.

use alloc::boxed::Box;

use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::encoding::{Decode, Reader, RecipientCache, RistrettoElement};
use crate::error::{Error, Object};
use crate::msm::{
    BatchItem, Equations, Held, ItemKind, MontgomeryScalar, Msm, Replayed, Source, TermCount,
    Weights, item_digest, verify_one,
};
use crate::params::Params;
use crate::transcript::{TranscriptProtocol, labels, new_transcript};
use crate::vault::{VaultKeypair, VaultPublicKey};

/// Encoded length of a [`VaultKeyProof`].
pub const VAULT_KEY_PROOF_LEN: usize = 64;

/// A proof that the holder of a [`VaultPublicKey`] knows its sealing secret
/// `x`, bound to the key's `W` and to the vault's stable record fields.
#[allow(non_snake_case)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultKeyProof {
    /// `T = k·Y`, bytes 0..32.
    T: RistrettoElement,
    /// `z = k + c·x`, bytes 32..64.
    z: Scalar,
}

/// Absorb the statement: `Y`, `W`, the record fields. Shared by prover and
/// verifier.
fn absorb_statement(public: &VaultPublicKey, record: &[u8]) -> Transcript {
    let mut t = new_transcript(labels::PROTOCOL_VAULT_KEY_PROOF);
    t.append_point(labels::VAULT_Y, &public.Y.compressed);
    t.append_bytes(labels::VAULT_W, public.W.as_bytes());
    t.append_bytes(labels::POP_RECORD, record);
    t
}

impl VaultKeyProof {
    /// Prove possession of `keypair`'s sealing key, bound to `record` (the
    /// vault's stable self-asserted fields, canonically encoded by the caller).
    #[allow(non_snake_case)]
    pub fn prove<R: CryptoRng + ?Sized>(
        keypair: &VaultKeypair,
        record: &[u8],
        rng: &mut R,
    ) -> Self {
        let public = keypair.public();
        let x = keypair.secret().x();
        let mut t = absorb_statement(public, record);
        let k = Zeroizing::new(t.prover_rng().witness_scalar(x).finalize(rng).scalar());
        let T = RistrettoElement::from_point(*k * public.Y.point);
        t.append_point(labels::POP_T, &T.compressed);
        let c = t.challenge_scalar(labels::POP_C);
        let z = *k + c * x;
        t.append_scalar(labels::POP_Z, &z);
        VaultKeyProof { T, z }
    }

    /// Check the proof for `public` and `record` (a batch of one).
    ///
    /// # Errors
    /// [`Error::Verification`] if the proof does not verify.
    pub fn verify<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        public: &VaultPublicKey,
        record: &[u8],
        rng: &mut R,
    ) -> Result<(), Error> {
        let item = VaultKeyProofItem::new(Source::Decoded(self), Source::Decoded(public), record);
        verify_one(params, &item, rng)
    }

    /// Replay the transcript: the challenge `c` of equation (1).
    pub(crate) fn replay<'s>(
        &'s self,
        public: &'s VaultPublicKey,
        record: &[u8],
    ) -> VaultKeyProofReplay<'s> {
        let mut t = absorb_statement(public, record);
        t.append_point(labels::POP_T, &self.T.compressed);
        let c = t.challenge_scalar(labels::POP_C);
        t.append_scalar(labels::POP_Z, &self.z);
        VaultKeyProofReplay { proof: self, public, c }
    }

    /// The encoding `T ‖ z` (64 bytes).
    pub fn to_bytes(&self) -> [u8; VAULT_KEY_PROOF_LEN] {
        let mut out = [0u8; VAULT_KEY_PROOF_LEN];
        out[..32].copy_from_slice(self.T.compressed.as_bytes());
        out[32..].copy_from_slice(self.z.as_bytes());
        out
    }

    /// Decode `T ‖ z`.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::VaultKeyProof`): wrong length, `T` not a
    /// point or the identity, `z` not canonical.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(bytes)
    }
}

impl Decode for VaultKeyProof {
    const OBJECT: Object = Object::VaultKeyProof;

    #[allow(non_snake_case)]
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let T = r.ristretto_non_identity()?;
        let z = r.scalar()?;
        Ok(VaultKeyProof { T, z })
    }
}

/// A proof of possession as a batch item: the proof and the key, decoded or
/// encoded, and the record fields the proof covers.
#[derive(Debug)]
pub(crate) struct VaultKeyProofItem<'a> {
    proof: Source<'a, VaultKeyProof>,
    public: Source<'a, VaultPublicKey>,
    record: &'a [u8],
}

impl<'a> VaultKeyProofItem<'a> {
    /// The item of `proof` for `public` and `record`.
    pub(crate) fn new(
        proof: Source<'a, VaultKeyProof>,
        public: Source<'a, VaultPublicKey>,
        record: &'a [u8],
    ) -> Self {
        VaultKeyProofItem { proof, public, record }
    }
}

impl<'a> BatchItem<'a> for VaultKeyProofItem<'a> {
    /// Kind 1; parts: the proof, the public key, the record fields.
    fn digest(&self) -> [u8; 64] {
        self.proof.with_encoding(VaultKeyProof::to_bytes, |proof| {
            self.public.with_encoding(VaultPublicKey::to_bytes, |public| {
                item_digest(ItemKind::VaultKeyProof, &[proof, public, self.record])
            })
        })
    }

    fn prepare(&self, _cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        Ok(Box::new(VaultKeyProofEquations {
            proof: self.proof.held(VaultKeyProof::from_bytes)?,
            public: self.public.held(VaultPublicKey::from_bytes)?,
            record: self.record,
        }))
    }
}

/// A decoded proof of possession with its statement.
struct VaultKeyProofEquations<'a> {
    proof: Held<'a, VaultKeyProof>,
    public: Held<'a, VaultPublicKey>,
    record: &'a [u8],
}

impl Equations for VaultKeyProofEquations<'_> {
    fn msm_terms(&self) -> TermCount {
        TermCount { ristretto: 1, edwards: 0 }
    }

    fn replay(&self, _params: &Params) -> Result<Box<dyn Replayed<'_> + '_>, Error> {
        Ok(Box::new(self.proof.replay(&self.public, self.record)))
    }
}

/// A proof of possession whose challenge is drawn
/// ([`VaultKeyProof::replay`]).
#[derive(Debug)]
pub(crate) struct VaultKeyProofReplay<'s> {
    proof: &'s VaultKeyProof,
    public: &'s VaultPublicKey,
    c: Scalar,
}

impl<'s> Replayed<'s> for VaultKeyProofReplay<'s> {
    /// Equation (1), weighted: `ω·z·Y − ω·T − ω·c·H`.
    fn push_equations(&self, _params: &Params, weights: &mut Weights, msm: &mut Msm<'s>) {
        let VaultKeyProofReplay { proof, public, .. } = *self;
        let omega = weights.next_montgomery();
        let ms = MontgomeryScalar::from_scalar;
        msm.push_shared(omega * ms(&proof.z), &public.Y);
        msm.push(-omega, &proof.T);
        msm.add_h(-(omega * ms(&self.c)));
    }
}
