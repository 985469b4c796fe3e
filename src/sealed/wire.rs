//! The wire form of sealed items (the layouts in the module documentation
//! of [`sealed`](super) and PROTOCOL §8.3): encoding, and decoding that
//! checks every length before it allocates.

use alloc::vec::Vec;
use curve25519_dalek::traits::IsIdentity;

use crate::elgamal::ChunkedCiphertext;
use crate::elgamal::chunks::chunk_count;
use crate::encoding::{EdwardsElement, Reader, RecipientCache, RistrettoElement, WriteLen};
use crate::error::{DecodeFailure, Error, Object};
use crate::limits::DEPLOY_KEY_LEN;
use crate::range_proof::RangeProof;
use crate::sigma::SigmaProof;
use crate::vault::MAX_RECIPIENTS;

use super::{EncodingDigest, MAX_PAYLOAD_LEN, SealedDeployKey, SealedItem, SealedSecret};

/// Wire version of sealed items.
pub(super) const SEALED_VERSION: u8 = 1;

#[allow(non_snake_case)]
impl SealedItem {
    /// Append `v ‖ Y_j`, then (after the caller's deploy-key fields) the rest.
    pub(super) fn write_recipients(&self, out: &mut Vec<u8>) {
        // 1..=8 recipients by construction and decoding.
        out.put_len_u8(self.recipients.len());
        for Y in &self.recipients {
            out.extend_from_slice(Y.compressed.as_bytes());
        }
    }

    /// Append `C_i ‖ D_ij ‖ range proof ‖ sigma proof`.
    pub(crate) fn write_body(&self, out: &mut Vec<u8>) {
        self.ciphertext.write(out);
        self.range_proof.write(out);
        self.sigma.write(out);
    }

    /// Encoded length without the version byte, `L` byte and deploy-key
    /// fields.
    pub(super) fn encoded_len(len: usize, v: usize, deploy_key: bool) -> usize {
        1 + 32 * v + Self::body_len(len, v, deploy_key)
    }

    /// Length of `C_i ‖ D_ij ‖ range proof ‖ sigma proof` ([`write_body`](Self::write_body)).
    pub(crate) fn body_len(len: usize, v: usize, deploy_key: bool) -> usize {
        let k = chunk_count(len);
        32 * k * (1 + v) + RangeProof::encoded_len(k) + SigmaProof::encoded_len(v, deploy_key)
    }

    /// Read `v ‖ Y_j` (strictly increasing, not the identity), taking keys
    /// already decompressed from `cache`.
    pub(super) fn read_recipients(
        r: &mut Reader<'_>,
        cache: &mut RecipientCache,
    ) -> Result<Vec<RistrettoElement>, Error> {
        let claimed = usize::from(r.u8()?);
        let v = r.count(claimed, 1..=MAX_RECIPIENTS, 32)?;
        Self::read_sorted_keys(r, v, cache)
    }

    /// Read `v` sealing keys `Y_j` (strictly increasing, not the identity),
    /// taking keys already decompressed from `cache`; the caller has
    /// checked `v` against the input's length.
    pub(crate) fn read_sorted_keys(
        r: &mut Reader<'_>,
        v: usize,
        cache: &mut RecipientCache,
    ) -> Result<Vec<RistrettoElement>, Error> {
        let recipients = (0..v).map(|_| cache.read(r)).collect::<Result<Vec<_>, _>>()?;
        if recipients.windows(2).any(|w| w[0].compressed.as_bytes() >= w[1].compressed.as_bytes()) {
            return Err(r.error(DecodeFailure::Unsorted));
        }
        Ok(recipients)
    }

    /// Read `C_i ‖ D_ij ‖ range proof ‖ sigma proof` for `L` and the
    /// recipients already read.
    pub(crate) fn read_body(
        r: &mut Reader<'_>,
        len: usize,
        recipients: Vec<RistrettoElement>,
        deploy_key: bool,
    ) -> Result<Self, Error> {
        let k = chunk_count(len);
        let v = recipients.len();
        let ciphertext = ChunkedCiphertext::read(r, k, v)?;
        let range_proof = RangeProof::read(r, k)?;
        let sigma = SigmaProof::read(r, v, deploy_key)?;
        Ok(SealedItem { L: len, recipients, ciphertext, range_proof, sigma })
    }
}

impl SealedSecret {
    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let v = self.item.recipients.len();
        let mut out = Vec::with_capacity(2 + SealedItem::encoded_len(self.item.L, v, false));
        out.push(SEALED_VERSION);
        // 1..=128 by construction and decoding.
        out.put_len_u8(self.item.L);
        self.item.write_recipients(&mut out);
        self.item.write_body(&mut out);
        out
    }

    /// Decode, checking every length before allocating.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::SealedSecret`): unknown version, `L` or `v`
    /// out of range, unsorted or duplicate recipients, identity keys,
    /// commitments, handles or range-proof messages, invalid points,
    /// non-canonical scalars, short input, trailing data.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_cached(bytes, &mut RecipientCache::default())
    }

    /// [`SealedSecret::from_bytes`], with recipient keys from `cache`.
    pub(crate) fn from_bytes_cached(
        bytes: &[u8],
        cache: &mut RecipientCache,
    ) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::SealedSecret);
        if r.u8()? != SEALED_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let claimed = usize::from(r.u8()?);
        let len = r.count(claimed, 1..=MAX_PAYLOAD_LEN, 0)?;
        let recipients = SealedItem::read_recipients(&mut r, cache)?;
        let item = SealedItem::read_body(&mut r, len, recipients, false)?;
        r.finish()?;
        Ok(SealedSecret { item, encoding_digest: EncodingDigest::of(bytes) })
    }
}

impl SealedDeployKey {
    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let v = self.item.recipients.len();
        let mut out = Vec::with_capacity(65 + SealedItem::encoded_len(DEPLOY_KEY_LEN, v, true));
        out.push(SEALED_VERSION);
        self.item.write_recipients(&mut out);
        out.extend_from_slice(self.A.compressed.as_bytes());
        out.extend_from_slice(self.A_prime.compressed.as_bytes());
        self.item.write_body(&mut out);
        out
    }

    /// Decode, checking every length before allocating.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::SealedDeployKey`): as
    /// [`SealedSecret::from_bytes`], and `A` non-canonical, the identity, or
    /// not `[8]A′` (a torsion component: [`DecodeFailure::Torsion`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_cached(bytes, &mut RecipientCache::default())
    }

    /// [`SealedDeployKey::from_bytes`], with recipient keys from `cache`.
    #[allow(non_snake_case)]
    pub(crate) fn from_bytes_cached(
        bytes: &[u8],
        cache: &mut RecipientCache,
    ) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::SealedDeployKey);
        if r.u8()? != SEALED_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let recipients = SealedItem::read_recipients(&mut r, cache)?;
        let A = r.edwards()?;
        let A_prime = r.edwards()?;
        check_cofactor_preimage(&A, &A_prime).map_err(|why| r.error(why))?;
        let item = SealedItem::read_body(&mut r, DEPLOY_KEY_LEN, recipients, true)?;
        r.finish()?;
        Ok(SealedDeployKey { A, A_prime, item, encoding_digest: EncodingDigest::of(bytes) })
    }
}

/// `A` is not the identity and `A = [8]A′` (three doublings): `A` lies in the
/// prime-order subgroup.
#[allow(non_snake_case)]
pub(crate) fn check_cofactor_preimage(
    A: &EdwardsElement,
    A_prime: &EdwardsElement,
) -> Result<(), DecodeFailure> {
    if A.point.is_identity() {
        return Err(DecodeFailure::Identity);
    }
    if A_prime.point.mul_by_cofactor() != A.point {
        return Err(DecodeFailure::Torsion);
    }
    Ok(())
}
