//! Chunked twisted ElGamal on ristretto255 (crate-internal; `docs/PROTOCOL.md`
//! §7).
//!
//! # Encryption
//! A payload is split into \\(k\\) 16-bit chunks \\(m_i\\) ([`chunks`]). With
//! an independent random \\(r_i\\) per chunk and the recipients' sealing keys
//! \\(Y_j = x_j^{-1} H\\), \\(0 \le j < v \le 8\\):
//! $$
//! C_i = m_i G + r_i H \quad\text{(commitment)}, \qquad
//! D_{ij} = r_i Y_j \quad\text{(decrypt handle)}.
//! $$
//! The commitment is a Pedersen commitment to \\(m_i\\), shared by every
//! recipient; each recipient gets one handle per chunk. (This is twisted
//! ElGamal, Chen–Ma–Tang–Au, PGC: the message sits on \\(G\\) and the
//! randomness on \\(H\\), so the same \\(C_i\\) is both the ciphertext's first
//! component and the commitment the range proof works on.)
//!
//! # Decryption
//! Vault \\(j\\) computes
//! $$
//! M_i = C_i - x_j D_{ij} = m_i G + r_i H - r_i x_j x_j^{-1} H = m_i G,
//! $$
//! and recovers \\(m_i \in [0, 2^{16})\\) as a discrete logarithm in constant
//! time ([`dlog`]). The payload is the first \\(L\\) bytes of the chunks.
//!
//! Why \\(Y = x^{-1} H\\) rather than \\(Y = x H\\): with the inverse, the
//! handle is \\(r Y\\) and the vault's work is one multiplication by \\(x\\);
//! the public key is a multiple of \\(H\\), so commitments and handles both
//! live "on \\(H\\)" and the validity proof relates them with one response
//! \\(z_r\\) (\\(z_r H\\) for \\(C\\), \\(z_r Y_j\\) for \\(D_j\\)).
//!
//! # Homomorphism and malleability
//! The scheme is additively homomorphic:
//! \\((C_i + C_i^\prime, D_{ij} + D_{ij}^\prime)\\) decrypts to \\(m_i + m_i^\prime\\) (while the
//! sum stays below \\(2^{16}\\)), anyone can shift a chunk,
//! \\((C_i + \delta G, D_{ij})\\) decrypts to \\(m_i + \delta\\), and anyone can
//! re-randomize, \\((C_i + \rho H, D_{ij} + \rho Y_j)\\). A bare ciphertext
//! therefore proves nothing about who made it or what it holds.
//!
//! **Warning:** never decrypt a ciphertext that has not been verified under
//! the vault's own expected context. Raw decryption is `pub(crate)`; the
//! public `open_*` functions verify the proofs (range, validity, binding)
//! first, which pins the plaintext and the sealer's knowledge of it.
//!
//! # Security
//! Under DDH in ristretto255, the handles and commitments of a chunk are
//! indistinguishable from random to anyone without an \\(x_j\\) (IND-CPA of
//! twisted ElGamal, PGC §3, multi-recipient with shared randomness by the
//! usual reduction). Chunks are 16 bits so that decryption is a small
//! discrete logarithm; the range proof guarantees every honest and verified
//! chunk is in range, so verified items always decrypt. A zero \\(r_i\\) (an
//! identity handle) would make \\(C_i = m_i G\\) public; it occurs with
//! probability 2⁻²⁵² and verification rejects identity handles and
//! commitments.
//!
//! # Constant time
//! - Encryption: \\(m_i G\\) and \\(r_i H\\) are constant-time fixed-base
//!   multiplications (`Params::mul_G`, `Params::mul_H`), \\(r_i Y_j\\) is
//!   dalek's constant-time variable-base multiplication, and encodings are
//!   constant time. The loops run over the public \\(k\\) and \\(v\\).
//! - Decryption: \\(x_j D_{ij}\\) is the constant-time variable-base
//!   multiplication; the discrete logarithm reads the whole public table for
//!   every payload with constant-time comparisons and selections, and
//!   confirms with a constant-time multiplication ([`dlog`], `# Constant
//!   time`). Whether decryption succeeded is declassified once, at the end.
//! - Secrets (\\(m_i\\), \\(r_i\\), \\(M_i\\), the payload bytes) live in
//!   zeroized containers.
//!
//! # Documentation only
//! This module is public only in the rendered documentation (`cfg(doc)`:
//! `cargo doc`, docs.rs), so that its mathematics can be read there. Its items
//! are crate-internal and not part of the API, so they are not listed here.
//! Sealing and opening go through [`seal_deploy_key`](crate::seal_deploy_key),
//! [`seal_secret`](crate::seal_secret) and the `open_*` methods of
//! [`VaultKeypair`](crate::VaultKeypair).

#[cfg(doc)]
pub mod chunks;
#[cfg(not(doc))]
pub(crate) mod chunks;
#[cfg(doc)]
pub mod dlog;
#[cfg(not(doc))]
pub(crate) mod dlog;

use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use zeroize::Zeroizing;

use crate::encoding::{ELEMENT_LEN, Reader, RistrettoElement};
use crate::error::{DecodeFailure, Error, InvalidInput};
use crate::params::Params;
use crate::transcript::{ProverRng, TranscriptProtocol, labels};

use chunks::{ChunkValues, MAX_CHUNKS};
use dlog::{Op, OpCounter};

/// Most recipients of one sealed item.
pub(crate) use crate::limits::MAX_RECIPIENTS;

/// A chunk commitment \\(C_i = m_i G + r_i H\\).
///
/// An alias rather than a newtype: the proofs take commitments and handles as
/// `&[RistrettoElement]` slices of the ciphertext, without copying.
pub(crate) type Commitment = RistrettoElement;

/// A decrypt handle \\(D_{ij} = r_i Y_j\\) of chunk \\(i\\) for recipient
/// \\(j\\) (an alias, like [`Commitment`]).
pub(crate) type DecryptHandle = RistrettoElement;

/// The per-chunk randomness \\(r_0, \dots, r_{k-1}\\): the second half of the
/// ciphertext's opening, a witness of the validity proof and the blinding of
/// the range proof's value commitments.
///
/// Zeroized on drop, printed redacted.
pub(crate) struct Blindings(Zeroizing<Vec<Scalar>>);

impl Blindings {
    /// Draw `k` blindings from the prover RNG (merlin's `TranscriptRng`,
    /// keyed with the statement and the payload).
    pub(crate) fn draw(k: usize, rng: &mut ProverRng) -> Self {
        Blindings(Zeroizing::new((0..k).map(|_| rng.scalar()).collect()))
    }

    #[cfg(all(test, feature = "std"))]
    /// Blindings given by the caller.
    pub(crate) fn from_scalars(r_vec: Zeroizing<Vec<Scalar>>) -> Self {
        Blindings(r_vec)
    }

    /// The blindings \\(r_i\\).
    pub(crate) fn as_slice(&self) -> &[Scalar] {
        &self.0
    }
}

impl fmt::Debug for Blindings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blindings(k={}, <redacted>)", self.0.len())
    }
}

/// A chunked twisted-ElGamal ciphertext: \\(k\\) commitments and \\(k \cdot
/// v\\) handles.
///
/// Handles are stored recipient-major: the \\(k\\) handles of recipient
/// \\(j\\) are contiguous, \\(D_{0j}, \dots, D_{k-1,j}\\), in the order of the
/// (sorted) recipient list. This is also the wire and transcript order.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChunkedCiphertext {
    /// \\(C_i\\), \\(0 \le i < k\\).
    C_vec: Vec<Commitment>,
    /// \\(D_{ij}\\) at index \\(j k + i\\).
    D_vec: Vec<DecryptHandle>,
}

#[allow(non_snake_case)]
impl ChunkedCiphertext {
    /// Encrypt `chunks` with the blindings `r` to the sealing keys `Y_vec`.
    ///
    /// The caller (the sealing code) validates and sorts the recipients;
    /// this only checks the counts.
    ///
    /// # Errors
    /// [`InvalidInput::RecipientCount`] unless `1 ≤ v ≤ 8`;
    /// [`InvalidInput::PayloadLength`] if `r` does not hold one blinding per
    /// chunk.
    pub(crate) fn encrypt(
        params: &Params,
        chunks: &ChunkValues,
        r: &Blindings,
        Y_vec: &[RistrettoElement],
    ) -> Result<Self, Error> {
        if !(1..=MAX_RECIPIENTS).contains(&Y_vec.len()) {
            return Err(Error::input(InvalidInput::RecipientCount));
        }
        let k = chunks.len();
        if r.as_slice().len() != k || !(1..=MAX_CHUNKS).contains(&k) {
            return Err(Error::input(InvalidInput::PayloadLength));
        }
        let m_vec = chunks.scalars();
        let C_vec = m_vec
            .iter()
            .zip(r.as_slice())
            .map(|(m, r)| RistrettoElement::from_point(params.mul_G(m) + params.mul_H(r)))
            .collect();
        let mut D_vec = Vec::with_capacity(k * Y_vec.len());
        for Y in Y_vec {
            for r in r.as_slice() {
                D_vec.push(RistrettoElement::from_point(r * Y.point));
            }
        }
        Ok(ChunkedCiphertext { C_vec, D_vec })
    }

    /// Encrypt with fresh blindings drawn from the prover RNG, returning them
    /// for the proofs.
    ///
    /// # Errors
    /// As [`ChunkedCiphertext::encrypt`].
    pub(crate) fn encrypt_with_rng(
        params: &Params,
        chunks: &ChunkValues,
        Y_vec: &[RistrettoElement],
        rng: &mut ProverRng,
    ) -> Result<(Self, Blindings), Error> {
        let r = Blindings::draw(chunks.len(), rng);
        let ciphertext = Self::encrypt(params, chunks, &r, Y_vec)?;
        Ok((ciphertext, r))
    }

    #[cfg(test)]
    /// A ciphertext from its parts (`D_vec` recipient-major).
    ///
    /// # Errors
    /// [`InvalidInput::PayloadLength`] unless `1 ≤ k ≤ 64`;
    /// [`InvalidInput::RecipientCount`] unless `D_vec.len() = k·v` with
    /// `1 ≤ v ≤ 8`; [`DecodeFailure::Identity`] for an identity commitment or
    /// handle (the decoder's rule).
    pub(crate) fn from_parts(
        C_vec: Vec<Commitment>,
        D_vec: Vec<DecryptHandle>,
    ) -> Result<Self, Error> {
        let k = C_vec.len();
        if !(1..=MAX_CHUNKS).contains(&k) {
            return Err(Error::input(InvalidInput::PayloadLength));
        }
        if !D_vec.len().is_multiple_of(k) || !(1..=MAX_RECIPIENTS).contains(&(D_vec.len() / k)) {
            return Err(Error::input(InvalidInput::RecipientCount));
        }
        // The decoder's rule, for ciphertexts built in memory too.
        if C_vec.iter().chain(&D_vec).any(RistrettoElement::is_identity) {
            return Err(Error::decode(
                crate::error::Object::RistrettoPoint,
                DecodeFailure::Identity,
            ));
        }
        Ok(ChunkedCiphertext { C_vec, D_vec })
    }

    /// The number of chunks `k`.
    pub(crate) fn chunk_count(&self) -> usize {
        self.C_vec.len()
    }

    #[cfg(all(test, feature = "std"))]
    /// The number of recipients `v`.
    pub(crate) fn recipient_count(&self) -> usize {
        // `from_parts`, `encrypt` and `read` keep k ≥ 1.
        self.D_vec.len().checked_div(self.C_vec.len()).unwrap_or(0)
    }

    /// The commitments \\(C_0, \dots, C_{k-1}\\).
    pub(crate) fn commitments(&self) -> &[Commitment] {
        &self.C_vec
    }

    /// The handles \\(D_{0j}, \dots, D_{k-1,j}\\) of recipient `j`.
    pub(crate) fn handles(&self, j: usize) -> Option<&[DecryptHandle]> {
        self.D_vec.chunks_exact(self.C_vec.len().max(1)).nth(j)
    }

    /// All handles, recipient-major.
    pub(crate) fn all_handles(&self) -> &[DecryptHandle] {
        &self.D_vec
    }

    /// Absorb the ciphertext: every \\(C_i\\) under `C`, then every
    /// \\(D_{ij}\\) under `D`, recipient-major (`docs/PROTOCOL.md` §8.1; the caller has
    /// absorbed `k`, `v` and the recipients before).
    pub(crate) fn append_to(&self, transcript: &mut Transcript) {
        for C in &self.C_vec {
            transcript.append_point(labels::COMMITMENT, &C.compressed);
        }
        for D in &self.D_vec {
            transcript.append_point(labels::HANDLE, &D.compressed);
        }
    }

    /// Append the encoding `C_0 ‖ … ‖ C_{k-1} ‖ D_{0,0} ‖ … ‖ D_{k-1,v-1}`
    /// (`32·k·(1 + v)` bytes; `k` and `v` are encoded by the enclosing item).
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        for C in &self.C_vec {
            out.extend_from_slice(C.compressed.as_bytes());
        }
        for D in &self.D_vec {
            out.extend_from_slice(D.compressed.as_bytes());
        }
    }

    /// Read `k` commitments and `k·v` handles (the counts come from the
    /// enclosing item). No commitment or handle may be the identity: a zero
    /// blinding would make a chunk's image \\(m_i G\\) public.
    ///
    /// # Errors
    /// [`Error::Decode`] for the enclosing object: `Limit` if `k` or `v` is
    /// out of range, `Length`, `NotOnCurve`, `Identity`.
    pub(crate) fn read(r: &mut Reader<'_>, k: usize, v: usize) -> Result<Self, Error> {
        let limit = r.error(DecodeFailure::Limit);
        r.count(k, 1..=MAX_CHUNKS, ELEMENT_LEN)?;
        if !(1..=MAX_RECIPIENTS).contains(&v) {
            return Err(limit);
        }
        r.count(k * (1 + v), 1..=MAX_CHUNKS * (1 + MAX_RECIPIENTS), ELEMENT_LEN)?;
        let C_vec = (0..k).map(|_| r.ristretto_non_identity()).collect::<Result<_, _>>()?;
        let D_vec = (0..k * v).map(|_| r.ristretto_non_identity()).collect::<Result<_, _>>()?;
        Ok(ChunkedCiphertext { C_vec, D_vec })
    }

    #[cfg(test)]
    /// Decrypt the chunks as recipient `j` with its sealing secret `x`
    /// (see [`decrypt_chunks`]).
    ///
    /// # Errors
    /// [`Error::Decryption`] if `j` is not a recipient index, or as
    /// [`decrypt_chunks`].
    pub(crate) fn decrypt_chunks(
        &self,
        params: &Params,
        j: usize,
        x: &Scalar,
    ) -> Result<ChunkValues, Error> {
        decrypt_chunks(params, &self.C_vec, self.handles(j).ok_or(Error::Decryption)?, x)
    }

    /// Decrypt the first `payload_len` bytes as recipient `j` (see
    /// [`decrypt_payload`]).
    ///
    /// # Errors
    /// [`Error::Decryption`] if `j` is not a recipient index, or as
    /// [`decrypt_payload`].
    pub(crate) fn decrypt(
        &self,
        params: &Params,
        j: usize,
        x: &Scalar,
        payload_len: usize,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let D_j = self.handles(j).ok_or(Error::Decryption)?;
        decrypt_payload(params, &self.C_vec, D_j, x, payload_len)
    }
}

/// Decrypt chunks with one recipient's sealing secret `x`, given the
/// commitments \\(C_i\\) and that recipient's handles \\(D_{ij}\\) (for
/// example slices of a verified sealed item, recipient-major).
///
/// Constant time in the chunk values (module `# Constant time`).
/// Crate-internal: callers verify the item first.
///
/// # Errors
/// [`Error::Decryption`] if some chunk is not in \\([0, 2^{16})\\) under this
/// key (a wrong key, a tampered ciphertext), decided after all the work; or,
/// for public reasons, if the slices differ in length or hold no or more than
/// 64 chunks.
#[allow(non_snake_case)]
pub(crate) fn decrypt_chunks(
    params: &Params,
    C_vec: &[Commitment],
    D_j: &[DecryptHandle],
    x: &Scalar,
) -> Result<ChunkValues, Error> {
    dlog::declassify(decrypt_chunks_ct(params, C_vec, D_j, x, &mut ())?)
}

/// Decrypt the first `payload_len` bytes: [`decrypt_chunks`] joined
/// little-endian; the padding byte of an odd length is ignored.
///
/// # Errors
/// [`Error::Decryption`] as [`decrypt_chunks`], or if
/// `⌈payload_len / 2⌉ ≠ k`.
#[allow(non_snake_case)]
pub(crate) fn decrypt_payload(
    params: &Params,
    C_vec: &[Commitment],
    D_j: &[DecryptHandle],
    x: &Scalar,
    payload_len: usize,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if payload_len == 0 || chunks::chunk_count(payload_len) != C_vec.len() {
        return Err(Error::Decryption);
    }
    decrypt_chunks(params, C_vec, D_j, x)?.to_payload(payload_len)
}

/// Decryption up to, not including, the declassification: the candidate
/// chunk values and whether all were confirmed, both secret. Everything here
/// is constant time in the secrets (the `ctgrind` harness runs it with `x`
/// marked undefined).
///
/// # Errors
/// [`Error::Decryption`] only for public reasons: the slices differ in
/// length, or hold no or more than 64 chunks.
#[allow(non_snake_case)]
pub(crate) fn decrypt_chunks_ct(
    params: &Params,
    C_vec: &[Commitment],
    D_j: &[DecryptHandle],
    x: &Scalar,
    ops: &mut impl OpCounter,
) -> Result<(Zeroizing<Vec<u16>>, subtle::Choice), Error> {
    if C_vec.len() != D_j.len() || !(1..=MAX_CHUNKS).contains(&C_vec.len()) {
        return Err(Error::Decryption);
    }
    let mut M_vec: Zeroizing<Vec<RistrettoPoint>> = Zeroizing::new(Vec::with_capacity(C_vec.len()));
    for (C, D) in C_vec.iter().zip(D_j) {
        // M_i = C_i − x·D_ij = m_i·G (constant-time variable-base mul).
        let xD = Zeroizing::new(x * D.point);
        let mut M = C.point;
        M -= &*xD;
        M_vec.push(M);
        ops.count(Op::HandleMul);
    }
    dlog::with_table(params, |table| table.solve_ct(params, &M_vec, ops))
}

#[cfg(all(test, not(feature = "std")))]
mod no_std_tests;
#[cfg(all(test, feature = "std"))]
mod tests;
