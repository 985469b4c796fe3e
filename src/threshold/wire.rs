//! The wire form of a dealing (`docs/PROTOCOL.md` §12.4): encoding, and
//! decoding that checks the whole length against `t` and `n` before it
//! allocates anything.
//!
//! ```text
//! u8 version (=1) ‖ u8 t ‖ u8 n ‖ Y_1..Y_n ‖ A ‖ A′ ‖ F′_1..F′_{t−1}
//!   ‖ n share bodies: C_i (16·32) ‖ D_i (16·32) ‖ range proof (800)
//!                     ‖ sigma proof (256)                    = 2 080 bytes each
//! ```

use alloc::vec::Vec;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::traits::IsIdentity;

use super::statement::public_shares;
use super::{Share, ThresholdSealedDeployKey};
use crate::encoding::{EdwardsElement, Reader, RecipientCache, RistrettoElement, WriteLen};
use crate::error::{DecodeFailure, Error, Object};
use crate::limits::{DEPLOY_KEY_LEN, MAX_SHARES, MIN_THRESHOLD};
use crate::sealed::{EncodingDigest, SealedItem, check_cofactor_preimage};

/// Wire version of dealings.
const DEALING_VERSION: u8 = 1;

/// Length of one share body: a one-recipient sealed deploy key's
/// ciphertext and proofs.
fn share_body_len() -> usize {
    SealedItem::body_len(DEPLOY_KEY_LEN, 1, true)
}

/// Length of the header (version through `F′_{t−1}`) for `t` and `n`.
fn header_len(t: usize, n: usize) -> usize {
    3 + 32 * n + 64 + 32 * (t - 1)
}

#[allow(non_snake_case)]
impl ThresholdSealedDeployKey {
    /// The dealing from its parts (sealing), with its encoding's digest.
    pub(super) fn new(
        t: usize,
        recipients: Vec<RistrettoElement>,
        A: EdwardsElement,
        A_prime: EdwardsElement,
        F_prime: Vec<EdwardsElement>,
        F: Vec<EdwardsPoint>,
        shares: Vec<Share>,
    ) -> Self {
        let mut dealing = ThresholdSealedDeployKey {
            t,
            recipients,
            A,
            A_prime,
            F_prime,
            F,
            shares,
            encoding_digest: EncodingDigest([0; 64]),
        };
        dealing.encoding_digest = EncodingDigest::of(&dealing.to_bytes());
        dealing
    }

    /// The SHA-512 of the encoding (the batch digest's part).
    pub(super) fn encoding_digest(&self) -> [u8; 64] {
        self.encoding_digest.0
    }

    /// The header: version through `F′_{t−1}` (what the dealing id covers).
    pub(super) fn header_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(header_len(self.t, self.recipients.len()));
        self.write_header(&mut out);
        out
    }

    fn write_header(&self, out: &mut Vec<u8>) {
        out.push(DEALING_VERSION);
        // 2..=8 by construction and decoding.
        out.put_len_u8(self.t);
        out.put_len_u8(self.recipients.len());
        for Y in &self.recipients {
            out.extend_from_slice(Y.compressed.as_bytes());
        }
        out.extend_from_slice(self.A.compressed.as_bytes());
        out.extend_from_slice(self.A_prime.compressed.as_bytes());
        for F in &self.F_prime {
            out.extend_from_slice(F.compressed.as_bytes());
        }
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.recipients.len();
        let mut out = Vec::with_capacity(header_len(self.t, n) + n * share_body_len());
        self.write_header(&mut out);
        for share in &self.shares {
            share.item.write_body(&mut out);
        }
        out
    }

    /// Decode, checking the length against `t` and `n` before allocating.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::ThresholdSealedDeployKey`): unknown
    /// version; `t`, `n` outside `2 ≤ t ≤ n ≤ 8` ([`DecodeFailure::Limit`]);
    /// a length that does not match them ([`DecodeFailure::Length`],
    /// [`DecodeFailure::TrailingData`]); unsorted or duplicate recipients;
    /// invalid or non-canonical points and scalars; `A` the identity or not
    /// `[8]A′`; an `F_u = [8]F′_u` that is the identity
    /// ([`DecodeFailure::Identity`]); identity commitments, handles or
    /// range-proof messages. [`Error::Threshold`] for a public share `A_j`
    /// that is the identity ([`ThresholdFailure::ZeroShare`](crate::ThresholdFailure::ZeroShare))
    /// or equals `A` ([`ThresholdFailure::ShareIsTheKey`](crate::ThresholdFailure::ShareIsTheKey)),
    /// or two equal public shares ([`ThresholdFailure::EqualShares`](crate::ThresholdFailure::EqualShares)).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_cached(bytes, &mut RecipientCache::default())
    }

    /// [`ThresholdSealedDeployKey::from_bytes`], with recipient keys from
    /// `cache`.
    pub(crate) fn from_bytes_cached(
        bytes: &[u8],
        cache: &mut RecipientCache,
    ) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::ThresholdSealedDeployKey);
        if r.u8()? != DEALING_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let (t, n) = (usize::from(r.u8()?), usize::from(r.u8()?));
        if !(MIN_THRESHOLD..=MAX_SHARES).contains(&n) || !(MIN_THRESHOLD..=n).contains(&t) {
            return Err(r.error(DecodeFailure::Limit));
        }
        let expected = header_len(t, n) + n * share_body_len();
        if bytes.len() < expected {
            return Err(r.error(DecodeFailure::Length));
        }
        if bytes.len() > expected {
            return Err(r.error(DecodeFailure::TrailingData));
        }
        let recipients = SealedItem::read_sorted_keys(&mut r, n, cache)?;
        let A = r.edwards()?;
        let A_prime = r.edwards()?;
        check_cofactor_preimage(&A, &A_prime).map_err(|why| r.error(why))?;
        let F_prime = (1..t).map(|_| r.edwards()).collect::<Result<Vec<_>, _>>()?;
        let F: Vec<EdwardsPoint> = F_prime.iter().map(|F| F.point.mul_by_cofactor()).collect();
        if F.iter().any(IsIdentity::is_identity) {
            return Err(r.error(DecodeFailure::Identity));
        }
        let public = public_shares(&A.point, &F, n).map_err(Error::threshold)?;
        let shares = recipients
            .iter()
            .zip(public)
            .map(|(Y, A_j)| {
                let item = SealedItem::read_body(&mut r, DEPLOY_KEY_LEN, alloc::vec![*Y], true)?;
                Ok(Share { A_j, item })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        r.finish()?;
        let encoding_digest = EncodingDigest::of(bytes);
        Ok(ThresholdSealedDeployKey {
            t,
            recipients,
            A,
            A_prime,
            F_prime,
            F,
            shares,
            encoding_digest,
        })
    }
}
