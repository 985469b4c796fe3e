//! 16-bit little-endian chunking of sealed payloads.
//!
//! A payload \\(p\\) of \\(L\\) bytes, \\(1 \le L \le 128\\), is split into
//! \\(k = \lceil L/2 \rceil\\) chunks
//! $$
//! m_i = p_{2i} + 2^8 \cdot p_{2i+1}, \qquad 0 \le i < k,
//! $$
//! where \\(p_L = 0\\) pads an odd-length payload to even length. Read as one
//! little-endian integer, the payload is \\(\sum_i 2^{16 i} m_i\\).
//!
//! Joining takes the first \\(L\\) bytes of the chunks' little-endian
//! encodings. The padding byte of an odd-length payload (the high byte of
//! \\(m_{k-1}\\)) is ignored: no proof constrains it, so a sealer may set it to
//! anything, and decryption must neither fail nor change the payload because
//! of it (SPEC §5).
//!
//! # Constant time
//! Splitting and joining branch only on the (public) lengths; chunk values are
//! copied, never compared or used as indices.

use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::scalar::Scalar;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{Error, InvalidInput};

pub(crate) use crate::limits::{MAX_CHUNKS, MAX_SEALED_PAYLOAD_LEN as MAX_PAYLOAD_LEN};

/// The number of chunks `k = ⌈L/2⌉` of an `L`-byte payload.
pub(crate) const fn chunk_count(payload_len: usize) -> usize {
    payload_len.div_ceil(2)
}

/// The secret chunk values \\(m_0, \dots, m_{k-1}\\) of a payload, each in
/// \\([0, 2^{16})\\).
///
/// Zeroized on drop, printed redacted, compared in constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct ChunkValues {
    /// `m_vec[i] = m_i`, `1 ≤ k ≤ 64` entries.
    m_vec: Vec<u16>,
}

impl ChunkValues {
    /// Split a payload into 16-bit little-endian chunks, zero-padding an odd
    /// length.
    ///
    /// # Errors
    /// [`InvalidInput::PayloadLength`] unless `1 ≤ payload.len() ≤ 128`.
    pub(crate) fn from_payload(payload: &[u8]) -> Result<Self, Error> {
        if !(1..=MAX_PAYLOAD_LEN).contains(&payload.len()) {
            return Err(Error::input(InvalidInput::PayloadLength));
        }
        let m_vec = payload
            .chunks(2)
            .map(|pair| match *pair {
                [lo, hi] => u16::from_le_bytes([lo, hi]),
                [lo] => u16::from(lo),
                // `chunks(2)` yields one or two bytes.
                _ => 0,
            })
            .collect();
        Ok(ChunkValues { m_vec })
    }

    /// Chunk values as they are (for decryption results and tests). The
    /// caller keeps `1 ≤ len ≤ 64`.
    pub(crate) fn from_values(m_vec: Vec<u16>) -> Self {
        debug_assert!((1..=MAX_CHUNKS).contains(&m_vec.len()));
        ChunkValues { m_vec }
    }

    /// The number of chunks `k`.
    pub(crate) fn len(&self) -> usize {
        self.m_vec.len()
    }

    #[cfg(test)]
    /// The chunk values.
    pub(crate) fn as_slice(&self) -> &[u16] {
        &self.m_vec
    }

    /// The chunk values as scalars (the witnesses \\(m_i\\) of the proofs).
    pub(crate) fn scalars(&self) -> Zeroizing<Vec<Scalar>> {
        Zeroizing::new(self.m_vec.iter().map(|m| Scalar::from(*m)).collect())
    }

    /// Join the chunks back into the first `payload_len` bytes; the padding
    /// byte of an odd length is dropped whatever its value.
    ///
    /// # Errors
    /// [`Error::Decryption`] when `⌈payload_len / 2⌉` is not the number of
    /// chunks (a payload length that does not belong to this ciphertext).
    pub(crate) fn to_payload(&self, payload_len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
        if payload_len == 0 || chunk_count(payload_len) != self.m_vec.len() {
            return Err(Error::Decryption);
        }
        let mut out = Zeroizing::new(Vec::with_capacity(payload_len));
        out.extend(self.m_vec.iter().flat_map(|m| m.to_le_bytes()).take(payload_len));
        Ok(out)
    }
}

impl ConstantTimeEq for ChunkValues {
    fn ct_eq(&self, other: &Self) -> Choice {
        // The lengths are public; the values are compared in constant time.
        self.m_vec.as_slice().ct_eq(other.m_vec.as_slice())
    }
}

impl PartialEq for ChunkValues {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for ChunkValues {}

impl fmt::Debug for ChunkValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChunkValues(k={}, <redacted>)", self.m_vec.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn chunk_counts() {
        assert_eq!(chunk_count(1), 1);
        assert_eq!(chunk_count(2), 1);
        assert_eq!(chunk_count(3), 2);
        assert_eq!(chunk_count(32), 16);
        assert_eq!(chunk_count(127), 64);
        assert_eq!(chunk_count(128), 64);
        assert_eq!(MAX_CHUNKS, 64);
    }

    #[test]
    fn little_endian_chunks() {
        let chunks = ChunkValues::from_payload(&[0x01, 0x02, 0x03, 0x04, 0x05])
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(chunks.as_slice(), &[0x0201, 0x0403, 0x0005]);
        let scalars = chunks.scalars();
        assert_eq!(scalars[0], Scalar::from(0x0201u16));
        // Σ 2¹⁶ⁱ·m_i is the payload read as a little-endian integer.
        let mut wide = [0u8; 32];
        wide[..5].copy_from_slice(&[0x01, 0x02, 0x03, 0x04, 0x05]);
        let sum =
            scalars.iter().rev().fold(Scalar::ZERO, |acc, m| acc * Scalar::from(1u32 << 16) + m);
        assert_eq!(sum, Scalar::from_bytes_mod_order(wide));
    }

    #[test]
    fn every_length_round_trips() {
        for len in 1..=MAX_PAYLOAD_LEN {
            let payload: Vec<u8> =
                (0u8..=255).take(len).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
            let chunks = ChunkValues::from_payload(&payload).unwrap_or_else(|_| unreachable!());
            assert_eq!(chunks.len(), chunk_count(len));
            assert_eq!(chunks.to_payload(len).map(|p| p.to_vec()), Ok(payload));
        }
    }

    #[test]
    fn payload_length_limits() {
        let bad = Err(Error::input(InvalidInput::PayloadLength));
        assert_eq!(ChunkValues::from_payload(&[]), bad);
        assert_eq!(ChunkValues::from_payload(&[0; 129]), bad);
        assert!(ChunkValues::from_payload(&[0; 128]).is_ok());
    }

    #[test]
    fn padding_byte_is_ignored() {
        // Odd length: the high byte of the last chunk is padding.
        let chunks = ChunkValues::from_values(vec![0x2211, 0xff33]);
        assert_eq!(chunks.to_payload(3).map(|p| p.to_vec()), Ok(vec![0x11, 0x22, 0x33]));
        assert_eq!(chunks.to_payload(4).map(|p| p.to_vec()), Ok(vec![0x11, 0x22, 0x33, 0xff]));
        // A length that does not match the chunk count is refused.
        assert_eq!(chunks.to_payload(2), Err(Error::Decryption));
        assert_eq!(chunks.to_payload(5), Err(Error::Decryption));
        assert_eq!(chunks.to_payload(0), Err(Error::Decryption));
    }

    #[test]
    fn debug_is_redacted() {
        let chunks = ChunkValues::from_values(vec![0x1234]);
        assert_eq!(alloc::format!("{chunks:?}"), "ChunkValues(k=1, <redacted>)");
    }
}
