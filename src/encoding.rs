//! Bounded, total decoding of untrusted bytes, and canonical element encodings.
//!
//! Every `from_bytes` in the crate reads through a [`Reader`]: each read checks
//! the remaining length first, so no input can make a decoder panic, read out
//! of bounds or allocate more than the bytes it was given justify
//! ([`Reader::count`] checks a claimed element count against the bytes left
//! before any `Vec` is sized). [`Reader::finish`] rejects trailing data, so an
//! accepted input re-encodes to exactly the same bytes.
//!
//! Canonical elements:
//! - scalars: 32 bytes little-endian, `< ℓ` (`Scalar::from_canonical_bytes`);
//! - ristretto255 points: 32 bytes that decompress (ristretto decoding is
//!   canonical by construction: every point has one encoding);
//! - edwards25519 points: 32 bytes that decompress **and** re-compress to the
//!   same bytes (dalek's `decompress` accepts `y ≥ p` and the sign bit on
//!   `x = 0`; both are non-canonical and refused here).
//!
//! Wire integers are little-endian.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use sha2::{Digest, Sha256};

use crate::error::{DecodeFailure, Error, Object};

/// Encoded size of a scalar or a compressed point.
pub(crate) const ELEMENT_LEN: usize = 32;

/// A ristretto255 point together with its (canonical) compressed encoding,
/// so that transcripts and re-encoding never recompress and verification
/// never decompresses twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RistrettoElement {
    /// The 32-byte encoding.
    pub(crate) compressed: CompressedRistretto,
    /// The decompressed point.
    pub(crate) point: RistrettoPoint,
}

impl RistrettoElement {
    /// Wrap a point, compressing it once.
    pub(crate) fn from_point(point: RistrettoPoint) -> Self {
        RistrettoElement { compressed: point.compress(), point }
    }

    /// Whether this is the identity (all-zero encoding).
    pub(crate) fn is_identity(&self) -> bool {
        self.compressed.is_identity()
    }
}

/// An edwards25519 point together with its canonical compressed encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EdwardsElement {
    /// The 32-byte canonical encoding.
    pub(crate) compressed: CompressedEdwardsY,
    /// The decompressed point.
    pub(crate) point: EdwardsPoint,
}

impl EdwardsElement {
    /// Wrap a point, compressing it once.
    pub(crate) fn from_point(point: EdwardsPoint) -> Self {
        EdwardsElement { compressed: point.compress(), point }
    }
}

/// A key's fingerprint in OpenSSH's form: `SHA256:` ‖ unpadded standard
/// base64 of SHA-256(`bytes`) (50 characters).
pub(crate) fn sha256_fingerprint(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(7 + 43);
    out.push_str("SHA256:");
    STANDARD_NO_PAD.encode_string(Sha256::digest(bytes), &mut out);
    out
}

/// Decode a canonical scalar.
///
/// # Errors
/// [`DecodeFailure::NonCanonical`] for a value `≥ ℓ`.
pub(crate) fn decode_scalar(bytes: [u8; 32], what: Object) -> Result<Scalar, Error> {
    Option::from(Scalar::from_canonical_bytes(bytes))
        .ok_or(Error::decode(what, DecodeFailure::NonCanonical))
}

/// Decode a ristretto255 point (the identity is accepted here; callers that
/// must refuse it check [`RistrettoElement::is_identity`]).
///
/// # Errors
/// [`DecodeFailure::NotOnCurve`] when the bytes do not decompress.
pub(crate) fn decode_ristretto(bytes: [u8; 32], what: Object) -> Result<RistrettoElement, Error> {
    let compressed = CompressedRistretto(bytes);
    let point = compressed.decompress().ok_or(Error::decode(what, DecodeFailure::NotOnCurve))?;
    Ok(RistrettoElement { compressed, point })
}

/// Decode a canonical edwards25519 point (any subgroup; the identity is
/// accepted here).
///
/// # Errors
/// [`DecodeFailure::NotOnCurve`] when the bytes do not decompress,
/// [`DecodeFailure::NonCanonical`] when they do but are not the canonical
/// encoding of the point.
pub(crate) fn decode_edwards(bytes: [u8; 32], what: Object) -> Result<EdwardsElement, Error> {
    let compressed = CompressedEdwardsY(bytes);
    let point = compressed.decompress().ok_or(Error::decode(what, DecodeFailure::NotOnCurve))?;
    if !is_canonical_edwards(&bytes) {
        return Err(Error::decode(what, DecodeFailure::NonCanonical));
    }
    Ok(EdwardsElement { compressed, point })
}

/// For bytes that decompress: whether they are the point's canonical
/// encoding, `decompress(b).compress() == b`, decided on the bytes (a
/// re-compression costs a field inversion, ~4 µs, on every Edwards point a
/// batch decodes). Decompression reduces `y` modulo p and sets the sign of
/// `x` from bit 255, except that `x = 0` has no negative; so the encoding is
/// canonical exactly when `y < p` and the sign bit is clear whenever `x = 0`,
/// that is whenever `y = ±1`.
fn is_canonical_edwards(bytes: &[u8; 32]) -> bool {
    // p = 2²⁵⁵ − 19 and p − 1, little-endian.
    const P: [u8; 32] = {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        p
    };
    const P_MINUS_ONE: [u8; 32] = {
        let mut p = P;
        p[0] = 0xec;
        p
    };
    const ONE: [u8; 32] = {
        let mut one = [0u8; 32];
        one[0] = 1;
        one
    };
    let mut y = *bytes;
    y[31] &= 0x7f;
    let sign = bytes[31] >> 7 == 1;
    // y < p, comparing from the most significant byte.
    let below_p =
        y.iter().rev().zip(P.iter().rev()).find(|(a, b)| a != b).is_some_and(|(a, b)| a < b);
    below_p && !(sign && (y == ONE || y == P_MINUS_ONE))
}

/// A bounded cursor over untrusted bytes. Every read is checked; errors name
/// the object being decoded.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
    what: Object,
}

impl<'a> Reader<'a> {
    /// Read `bytes` as an encoding of `what`.
    pub(crate) fn new(bytes: &'a [u8], what: Object) -> Self {
        Reader { rest: bytes, what }
    }

    /// The object being decoded.
    pub(crate) fn what(&self) -> Object {
        self.what
    }

    /// An error about the object being decoded.
    pub(crate) fn error(&self, why: DecodeFailure) -> Error {
        Error::decode(self.what, why)
    }

    /// The next `n` bytes.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`] if fewer remain.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if self.rest.len() < n {
            return Err(self.error(DecodeFailure::Length));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// The next `N` bytes as an array.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`] if fewer remain.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// One byte.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`] at the end of input.
    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    /// A little-endian `u16`.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`] at the end of input.
    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// A little-endian `u32`.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`] at the end of input.
    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// Check that a claimed count lies in `range` and that `count ·
    /// element_len` bytes remain, before the caller allocates for it.
    ///
    /// # Errors
    /// [`DecodeFailure::Limit`] outside `range`, [`DecodeFailure::Length`] if
    /// the input is too short to hold that many elements.
    pub(crate) fn count(
        &self,
        count: usize,
        range: core::ops::RangeInclusive<usize>,
        element_len: usize,
    ) -> Result<usize, Error> {
        if !range.contains(&count) {
            return Err(self.error(DecodeFailure::Limit));
        }
        match count.checked_mul(element_len) {
            Some(needed) if needed <= self.rest.len() => Ok(count),
            _ => Err(self.error(DecodeFailure::Length)),
        }
    }

    /// A canonical scalar.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::NonCanonical`].
    pub(crate) fn scalar(&mut self) -> Result<Scalar, Error> {
        decode_scalar(self.array()?, self.what)
    }

    /// A canonical scalar that is secret: decided in constant time; only
    /// the verdict (an error or not) is public.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::NonCanonical`].
    pub(crate) fn secret_scalar(&mut self) -> Result<Scalar, Error> {
        let candidate = Scalar::from_canonical_bytes(self.array()?);
        let canonical = candidate.is_some();
        #[cfg(feature = "__ctgrind")]
        let canonical = crate::__ctgrind::declassified_choice(canonical);
        if !bool::from(canonical) {
            return Err(self.error(DecodeFailure::NonCanonical));
        }
        Ok(candidate.unwrap_or(Scalar::ZERO))
    }

    /// A ristretto255 point (identity allowed).
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::NotOnCurve`].
    pub(crate) fn ristretto(&mut self) -> Result<RistrettoElement, Error> {
        decode_ristretto(self.array()?, self.what)
    }

    /// A ristretto255 point that must not be the identity.
    ///
    /// # Errors
    /// As [`Reader::ristretto`], and [`DecodeFailure::Identity`].
    pub(crate) fn ristretto_non_identity(&mut self) -> Result<RistrettoElement, Error> {
        let element = self.ristretto()?;
        if element.is_identity() {
            return Err(self.error(DecodeFailure::Identity));
        }
        Ok(element)
    }

    /// A canonical edwards25519 point (any subgroup, identity allowed).
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::NotOnCurve`],
    /// [`DecodeFailure::NonCanonical`].
    pub(crate) fn edwards(&mut self) -> Result<EdwardsElement, Error> {
        decode_edwards(self.array()?, self.what)
    }

    /// A length-prefixed (`u8`) byte string whose length lies in `range`.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::Limit`].
    pub(crate) fn bytes_u8(
        &mut self,
        range: core::ops::RangeInclusive<usize>,
    ) -> Result<&'a [u8], Error> {
        let len = usize::from(self.u8()?);
        self.count(len, range, 1)?;
        self.take(len)
    }

    /// A length-prefixed (`u16`) byte string whose length lies in `range`.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::Limit`].
    pub(crate) fn bytes_u16(
        &mut self,
        range: core::ops::RangeInclusive<usize>,
    ) -> Result<&'a [u8], Error> {
        let len = usize::from(self.u16()?);
        self.count(len, range, 1)?;
        self.take(len)
    }

    /// A length-prefixed (`u32`) byte string whose length lies in `range`.
    ///
    /// # Errors
    /// [`DecodeFailure::Length`], [`DecodeFailure::Limit`].
    pub(crate) fn bytes_u32(
        &mut self,
        range: core::ops::RangeInclusive<usize>,
    ) -> Result<&'a [u8], Error> {
        let len = usize::try_from(self.u32()?).map_err(|_| self.error(DecodeFailure::Limit))?;
        self.count(len, range, 1)?;
        self.take(len)
    }

    /// End of input: refuse trailing bytes.
    ///
    /// # Errors
    /// [`DecodeFailure::TrailingData`] if bytes remain.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.rest.is_empty() { Ok(()) } else { Err(self.error(DecodeFailure::TrailingData)) }
    }
}

/// A type with one canonical encoding, written on its own or inside a larger
/// one (rustls's `Codec`, write half).
pub(crate) trait Encode {
    /// Append the encoding to `out`.
    fn write(&self, out: &mut Vec<u8>);

    /// The encoding's exact length in bytes.
    fn encoded_len(&self) -> usize;

    /// The encoding alone.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write(&mut out);
        debug_assert_eq!(out.len(), self.encoded_len());
        out
    }
}

/// A type decoded from untrusted bytes, on its own or inside a larger
/// encoding (rustls's `Codec`, read half). Types whose reading needs more
/// than the bytes — a chunk count `k`, a recipient count `v` — keep an
/// inherent `read` taking it.
pub(crate) trait Decode: Sized {
    /// The object decode errors name when the bytes are this type alone.
    const OBJECT: Object;

    /// Read from `r` (errors name the reader's object).
    fn read(r: &mut Reader<'_>) -> Result<Self, Error>;

    /// Decode exactly `bytes`: the whole input, nothing after it.
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Self::OBJECT);
        let value = Self::read(&mut r)?;
        r.finish()?;
        Ok(value)
    }
}

/// Length prefixes on the write side, the mirror of [`Reader::bytes_u8`]
/// and friends. A length that does not fit its prefix is a broken
/// constructor invariant (every constructor bounds its fields): checked in
/// debug builds; in release the prefix saturates, and the encoding fails to
/// decode rather than being read as another one.
pub(crate) trait WriteLen {
    /// `len` as one byte.
    fn put_len_u8(&mut self, len: usize);
    /// `len` as two bytes, little-endian.
    fn put_len_u16(&mut self, len: usize);
    /// `len` as four bytes, little-endian.
    fn put_len_u32(&mut self, len: usize);
    /// `u8 len ‖ bytes`.
    fn put_bytes_u8(&mut self, bytes: &[u8]);
    /// `u16 len ‖ bytes`.
    fn put_bytes_u16(&mut self, bytes: &[u8]);
}

impl WriteLen for Vec<u8> {
    fn put_len_u8(&mut self, len: usize) {
        debug_assert!(u8::try_from(len).is_ok());
        self.push(u8::try_from(len).unwrap_or(u8::MAX));
    }

    fn put_len_u16(&mut self, len: usize) {
        debug_assert!(u16::try_from(len).is_ok());
        self.extend_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_le_bytes());
    }

    fn put_len_u32(&mut self, len: usize) {
        debug_assert!(u32::try_from(len).is_ok());
        self.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    }

    fn put_bytes_u8(&mut self, bytes: &[u8]) {
        self.put_len_u8(bytes.len());
        self.extend_from_slice(bytes);
    }

    fn put_bytes_u16(&mut self, bytes: &[u8]) {
        self.put_len_u16(bytes.len());
        self.extend_from_slice(bytes);
    }
}

/// Recipient keys already decoded, so that a batch of items sealed to the
/// same vaults decompresses each key once per thread rather than once per
/// item. Holds at most [`RecipientCache::CAPACITY`] keys (a linear search).
#[derive(Debug, Default)]
pub(crate) struct RecipientCache(pub(crate) Vec<RistrettoElement>);

impl RecipientCache {
    /// Most keys kept.
    pub(crate) const CAPACITY: usize = 32;

    /// A non-identity ristretto point from `r`, as
    /// [`Reader::ristretto_non_identity`] (same result, same errors), from
    /// the cache when these bytes decoded before.
    #[allow(non_snake_case)]
    pub(crate) fn read(&mut self, r: &mut Reader<'_>) -> Result<RistrettoElement, Error> {
        let bytes: [u8; 32] = r.array()?;
        if let Some(known) = self.0.iter().find(|Y| Y.compressed.as_bytes() == &bytes) {
            return Ok(*known);
        }
        let Y = decode_ristretto(bytes, r.what())?;
        if Y.is_identity() {
            return Err(r.error(DecodeFailure::Identity));
        }
        if self.0.len() < Self::CAPACITY {
            self.0.push(Y);
        }
        Ok(Y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn reads_are_bounded() {
        let bytes = [1u8, 2, 3];
        let mut r = Reader::new(&bytes, Object::Context);
        assert_eq!(r.u16(), Ok(0x0201));
        assert_eq!(r.u16(), Err(Error::decode(Object::Context, DecodeFailure::Length)));
        // A failed read consumes nothing.
        assert_eq!(r.u8(), Ok(3));
        assert_eq!(r.finish(), Ok(()));
    }

    #[test]
    fn trailing_data_is_refused() {
        let r = Reader::new(&[0u8], Object::Scalar);
        assert_eq!(r.finish(), Err(Error::decode(Object::Scalar, DecodeFailure::TrailingData)));
    }

    #[test]
    fn count_is_checked_before_allocation() {
        let bytes = vec![0u8; 64];
        let r = Reader::new(&bytes, Object::RangeProof);
        assert_eq!(r.count(2, 0..=8, 32), Ok(2));
        assert_eq!(
            r.count(3, 0..=8, 32),
            Err(Error::decode(Object::RangeProof, DecodeFailure::Length))
        );
        assert_eq!(
            r.count(9, 0..=8, 32),
            Err(Error::decode(Object::RangeProof, DecodeFailure::Limit))
        );
        assert_eq!(
            r.count(usize::MAX, 0..=usize::MAX, 32),
            Err(Error::decode(Object::RangeProof, DecodeFailure::Length))
        );
    }

    #[test]
    fn non_canonical_scalars_are_refused() {
        // ℓ itself, and 2²⁵⁶ − 1.
        let ell: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        for bytes in [ell, [0xff; 32]] {
            assert_eq!(
                decode_scalar(bytes, Object::Scalar),
                Err(Error::decode(Object::Scalar, DecodeFailure::NonCanonical))
            );
        }
        let mut ell_minus_one = ell;
        ell_minus_one[0] -= 1;
        assert!(decode_scalar(ell_minus_one, Object::Scalar).is_ok());
    }

    /// The byte-level canonicity test agrees with re-compression on random
    /// encodings and on every edge case: `y` in `[p, 2²⁵⁵)`, `y = ±1`, `y = 0`,
    /// each with both sign bits.
    #[test]
    fn canonical_edwards_test_matches_recompression() {
        use alloc::vec::Vec;
        use curve25519_dalek::edwards::EdwardsPoint;
        use rand_chacha::ChaCha20Rng;
        use rand_core::{Rng, SeedableRng};
        let by_compression = |bytes: &[u8; 32]| {
            CompressedEdwardsY(*bytes).decompress().map(|p: EdwardsPoint| p.compress().0 == *bytes)
        };
        let mut cases: Vec<[u8; 32]> = Vec::new();
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        for delta in 0u8..19 {
            let mut y = p;
            y[0] += delta;
            cases.push(y);
        }
        let mut minus_one = p;
        minus_one[0] = 0xec;
        let mut one = [0u8; 32];
        one[0] = 1;
        cases.extend([minus_one, one, [0u8; 32]]);
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        for _ in 0..2000 {
            let mut bytes = [0u8; 32];
            rng.fill_bytes(&mut bytes);
            cases.push(bytes);
            let point = EdwardsPoint::mul_base(&Scalar::from(rng.next_u64()));
            cases.push(point.compress().0);
        }
        let mut checked = 0;
        for case in cases {
            for sign in [0u8, 0x80] {
                let mut bytes = case;
                bytes[31] = (bytes[31] & 0x7f) | sign;
                if let Some(canonical) = by_compression(&bytes) {
                    assert_eq!(is_canonical_edwards(&bytes), canonical, "{bytes:02x?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 2000);
    }

    #[test]
    fn non_canonical_edwards_is_refused() {
        // y = p (≡ 0) is a non-canonical encoding of the point (x, 0) family;
        // y = 1 with the sign bit set is a non-canonical identity.
        let mut y_is_p = [0xffu8; 32];
        y_is_p[0] = 0xed;
        y_is_p[31] = 0x7f;
        let mut identity_with_sign = [0u8; 32];
        identity_with_sign[0] = 1;
        identity_with_sign[31] = 0x80;
        assert_eq!(
            decode_edwards(identity_with_sign, Object::EdwardsPoint),
            Err(Error::decode(Object::EdwardsPoint, DecodeFailure::NonCanonical))
        );
        assert!(decode_edwards(y_is_p, Object::EdwardsPoint).is_err());
    }
}
