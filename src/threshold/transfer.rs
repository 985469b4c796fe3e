//! Shares on their way to a combiner (SPEC §13, `docs/PROTOCOL.md` §12.7):
//! a holder re-seals its [`KeyShare`] to the combiner's vault key as a
//! one-recipient sealed item bound to the share's public key `A_j`, the
//! dealing id and `j` ([`KeyShare::seal_to`] → [`SealedKeyShare`]); the
//! combiner verifies each before it opens it
//! ([`VaultKeypair::open_key_share`]), then [`combine_shares`](super::combine_shares).
//!
//! The transcript (protocol `vaultseal-share-transfer-v1`) absorbs the
//! dealing id, `t`, `n`, `A`, every `F_u`, the share index `j` and the
//! combiner's `Y`, then the share's `C_i` and `D_i` and the §8.1 proofs with
//! the key binding to `A_j = A + Σ_u j^u·F_u` (derived, never sent). So the
//! combiner learns an `s_j` with `s_j·B = A_j` for the dealing and index it
//! names, and a sealed share cannot be moved to another dealing, index or
//! combiner.
//!
//! ```text
//! u8 version (=1) ‖ dealing id (32) ‖ u8 j ‖ u8 t ‖ u8 n ‖ A (32) ‖ F_1..F_{t−1} (32 each)
//!   ‖ Y (32, the combiner's sealing key) ‖ share body (2 080 bytes, §12.4)
//! ```

use alloc::boxed::Box;
use alloc::vec::Vec;

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::batch_item::DealingReplay;
use super::key_share::{ct_is_key_of, read_commitments, read_position};
use super::{DealingId, KeyShare};
use crate::encoding::{EdwardsElement, Reader, RecipientCache, RistrettoElement};
use crate::error::{DecodeFailure, Error, Object, ThresholdFailure};
use crate::limits::DEPLOY_KEY_LEN;
use crate::msm::{BatchItem, Equations, ItemKind, Replayed, TermCount, item_digest, verify_one};
use crate::params::Params;
use crate::sealed::{EncodingDigest, SealedItem};
use crate::statement::ShareStatement;
use crate::transcript::{TranscriptProtocol, labels, new_transcript};
use crate::vault::{VaultKeypair, VaultPublicKey};

/// Wire version of a sealed key share.
const SEALED_KEY_SHARE_VERSION: u8 = 1;

/// A [`KeyShare`] re-sealed to a combiner's vault key, with the proofs that
/// it is the share `s_j` of the dealing and index it names (`s_j·B = A_j`).
/// Public: anyone can verify it, only the combiner opens it.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedKeyShare {
    dealing: DealingId,
    index: u8,
    t: u8,
    n: u8,
    A: EdwardsElement,
    F: Vec<EdwardsElement>,
    /// The `F_u` as points (for the equations).
    F_points: Vec<EdwardsPoint>,
    /// `A_j`, derived.
    A_j: EdwardsPoint,
    /// To the combiner alone (`L = 32`).
    item: SealedItem,
    encoding_digest: EncodingDigest,
}

/// The transcript after the transfer's statement (before the ciphertext).
#[allow(non_snake_case)]
fn transfer_transcript(
    dealing: &DealingId,
    index: u8,
    t: u8,
    n: u8,
    A: &EdwardsElement,
    F: &[EdwardsElement],
    Y: &RistrettoElement,
) -> Transcript {
    let mut transcript = new_transcript(labels::PROTOCOL_SHARE_TRANSFER);
    transcript.append_bytes(labels::DEALING_ID_FIELD, &dealing.to_bytes());
    transcript.append_u64_value(labels::THRESHOLD_T, u64::from(t));
    transcript.append_u64_value(labels::THRESHOLD_N, u64::from(n));
    transcript.append_edwards(labels::DEPLOY_A, &A.compressed);
    for F_u in F {
        transcript.append_edwards(labels::FELDMAN_F, &F_u.compressed);
    }
    transcript.append_u64_value(labels::SHARE_INDEX, u64::from(index));
    transcript.append_point(labels::VAULT_Y, &Y.compressed);
    transcript
}

impl KeyShare {
    /// Re-seal this share to a combiner's vault key (for
    /// [`combine_shares`](super::combine_shares) there), with proofs that it
    /// is this dealing's share `j`.
    ///
    /// # Errors
    /// As sealing (it cannot fail for a share and a valid key).
    #[allow(non_snake_case)]
    pub fn seal_to<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        combiner: &VaultPublicKey,
        rng: &mut R,
    ) -> Result<SealedKeyShare, Error> {
        let (A, F, A_j) = self.public_parts();
        let (dealing, index, t, n) = self.position();
        let recipient = [combiner.Y];
        let header = ShareStatement {
            transcript: transfer_transcript(&dealing, index, t, n, A, F, &combiner.Y),
            recipient: &recipient,
            A_j,
        }
        .absorb_header();
        let payload = Zeroizing::new(self.secret().to_bytes());
        let item = SealedItem::seal_under(params, header, &payload[..], rng, |_| {})?;
        let mut sealed = SealedKeyShare {
            dealing,
            index,
            t,
            n,
            A: *A,
            F: F.to_vec(),
            F_points: F.iter().map(|F_u| F_u.point).collect(),
            A_j: *A_j,
            item,
            encoding_digest: EncodingDigest([0; 64]),
        };
        sealed.encoding_digest = EncodingDigest::of(&sealed.to_bytes());
        Ok(sealed)
    }
}

#[allow(non_snake_case)]
impl SealedKeyShare {
    /// The dealing the share is of.
    pub fn dealing_id(&self) -> DealingId {
        self.dealing
    }

    /// The share's index `j`.
    pub fn index(&self) -> usize {
        usize::from(self.index)
    }

    /// The combiner's sealing key encoding (`Y`).
    pub fn combiner(&self) -> [u8; 32] {
        self.item.recipients.first().map(|Y| Y.compressed.to_bytes()).unwrap_or_default()
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(100 + 32 * usize::from(self.t) + 2080);
        out.push(SEALED_KEY_SHARE_VERSION);
        out.extend_from_slice(&self.dealing.to_bytes());
        out.extend_from_slice(&[self.index, self.t, self.n]);
        out.extend_from_slice(self.A.compressed.as_bytes());
        for F_u in &self.F {
            out.extend_from_slice(F_u.compressed.as_bytes());
        }
        out.extend_from_slice(&self.combiner());
        self.item.write_body(&mut out);
        out
    }

    /// Decode, checking the length against `t` before allocating, every
    /// point, and the dealing's public shares as a dealing's decoder does.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::SealedKeyShare`) for a malformed
    /// encoding; [`Error::Threshold`] for a degenerate public share.
    #[allow(non_snake_case)]
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::SealedKeyShare);
        if r.u8()? != SEALED_KEY_SHARE_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let (dealing, index, t, n) = read_position(&mut r)?;
        let body = SealedItem::body_len(DEPLOY_KEY_LEN, 1, true);
        let expected = 1 + 32 + 3 + 32 * usize::from(t) + 32 + body;
        if bytes.len() != expected {
            let why = if bytes.len() < expected {
                DecodeFailure::Length
            } else {
                DecodeFailure::TrailingData
            };
            return Err(r.error(why));
        }
        let (A, F, A_j) = read_commitments(&mut r, t, n, index)?;
        let Y = RecipientCache::default().read(&mut r)?;
        let item = SealedItem::read_body(&mut r, DEPLOY_KEY_LEN, alloc::vec![Y], true)?;
        r.finish()?;
        let F_points = F.iter().map(|F_u| F_u.point).collect();
        let mut sealed = SealedKeyShare {
            dealing,
            index,
            t,
            n,
            A,
            F,
            F_points,
            A_j,
            item,
            encoding_digest: EncodingDigest([0; 64]),
        };
        sealed.encoding_digest = EncodingDigest::of(bytes);
        Ok(sealed)
    }

    /// Verify the proofs (a batch of one, weighted with the caller's RNG):
    /// it is an `s_j` with `s_j·B = A_j` for its dealing and index, sealed to
    /// its combiner.
    ///
    /// # Errors
    /// [`ThresholdFailure::ShareProof`] naming the share.
    pub fn verify<R: CryptoRng + ?Sized>(&self, params: &Params, rng: &mut R) -> Result<(), Error> {
        verify_one(params, &TransferItem(self), rng)
    }

    fn failure(&self) -> Error {
        Error::threshold(ThresholdFailure::ShareProof { index: self.index })
    }
}

/// A sealed key share as a batch item (kind 6).
struct TransferItem<'a>(&'a SealedKeyShare);

impl<'a> BatchItem<'a> for TransferItem<'a> {
    /// Kind 6; part: SHA-512 of the encoding.
    fn digest(&self) -> [u8; 64] {
        item_digest(ItemKind::ShareTransfer, &[&self.0.encoding_digest.0])
    }

    fn prepare(&self, _cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        Ok(Box::new(TransferItem(self.0)))
    }
}

#[allow(non_snake_case)]
impl Equations for TransferItem<'_> {
    fn msm_terms(&self) -> TermCount {
        self.0.item.msm_terms(true) + TermCount { ristretto: 0, edwards: usize::from(self.0.t) }
    }

    fn replay(&self, _params: &Params) -> Result<Box<dyn Replayed<'_> + '_>, Error> {
        let sealed = self.0;
        let Some(Y) = sealed.item.recipients.first() else { return Err(sealed.failure()) };
        let header = ShareStatement {
            transcript: transfer_transcript(
                &sealed.dealing,
                sealed.index,
                sealed.t,
                sealed.n,
                &sealed.A,
                &sealed.F,
                Y,
            ),
            recipient: &sealed.item.recipients,
            A_j: &sealed.A_j,
        }
        .absorb_header();
        let (replayed, _) = sealed.item.replay_under(header).map_err(|_| sealed.failure())?;
        Ok(Box::new(DealingReplay {
            A: &sealed.A.point,
            F: &sealed.F_points,
            shares: alloc::vec![(usize::from(sealed.index), replayed)],
        }))
    }

    fn failure(
        &self,
        _params: &Params,
        _index: usize,
        _source: &mut crate::msm::WeightSource,
    ) -> Error {
        self.0.failure()
    }
}

impl VaultKeypair {
    /// Verify a share re-sealed to this vault (the combiner) and open it: the
    /// [`KeyShare`] it names, its `s_j` checked against `A_j`.
    ///
    /// # Errors
    /// [`ThresholdFailure::NotARecipient`] if it is sealed to another vault;
    /// [`ThresholdFailure::ShareProof`] if its proofs fail;
    /// [`Error::Decryption`] if the opened scalar does not match `A_j`.
    pub fn open_key_share<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        sealed: &SealedKeyShare,
        rng: &mut R,
    ) -> Result<KeyShare, Error> {
        if sealed.combiner() != self.public().sealing_key_bytes() {
            return Err(Error::threshold(ThresholdFailure::NotARecipient));
        }
        sealed.verify(params, rng)?;
        let payload = sealed.item.decrypt_verified(params, self)?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(payload.get(..32).ok_or(Error::Decryption)?);
        let s_j = Zeroizing::new(Scalar::from_bytes_mod_order(*bytes));
        if !ct_is_key_of(&s_j, &sealed.A_j) {
            return Err(Error::Decryption);
        }
        Ok(KeyShare::from_checked_parts(
            sealed.dealing,
            sealed.index,
            sealed.t,
            sealed.n,
            s_j,
            sealed.A,
            sealed.F.clone(),
            sealed.A_j,
        ))
    }
}
