//! Chunked twisted ElGamal on ristretto255 (crate-internal; SPEC §5).
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
//! \\((C_i + C_i', D_{ij} + D_{ij}')\\) decrypts to \\(m_i + m_i'\\) (while the
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

pub(crate) mod chunks;
pub(crate) mod dlog;

use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use zeroize::Zeroizing;

use crate::encoding::{ELEMENT_LEN, Reader, RistrettoElement};
use crate::error::{Error, InvalidInput};
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

    #[cfg(test)]
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
    /// `1 ≤ v ≤ 8`.
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
        Ok(ChunkedCiphertext { C_vec, D_vec })
    }

    /// The number of chunks `k`.
    pub(crate) fn chunk_count(&self) -> usize {
        self.C_vec.len()
    }

    #[cfg(test)]
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
    /// \\(D_{ij}\\) under `D`, recipient-major (SPEC §5 step 1; the caller has
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
        let limit = r.error(crate::error::DecodeFailure::Limit);
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
/// commitments \(C_i\) and that recipient's handles \(D_{ij}\) (for
/// example slices of a verified sealed item, recipient-major).
///
/// Constant time in the chunk values (module `# Constant time`).
/// Crate-internal: callers verify the item first.
///
/// # Errors
/// [`Error::Decryption`] if some chunk is not in \([0, 2^{16})\) under this
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

#[cfg(all(test, feature = "std"))]
#[allow(non_snake_case)]
mod tests {
    use super::*;
    use crate::encoding::Reader;
    use crate::error::{DecodeFailure, Object};
    use crate::transcript::new_transcript;
    use crate::vault::VaultKeypair;
    use alloc::vec;
    use dlog::OpCounts;
    use rand_chacha::ChaCha20Rng;
    use rand_core::{Rng, SeedableRng};

    fn rng(seed: u64) -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(seed)
    }

    fn vaults(params: &Params, v: usize, seed: u64) -> Vec<VaultKeypair> {
        let mut rng = rng(seed);
        (0..v).map(|_| VaultKeypair::generate(params, &mut rng)).collect()
    }

    fn keys(vaults: &[VaultKeypair]) -> Vec<RistrettoElement> {
        vaults.iter().map(|kp| kp.public().Y).collect()
    }

    fn prover_rng(payload: &[u8], seed: u64) -> ProverRng {
        let t = new_transcript(labels::PROTOCOL_SEALED);
        t.prover_rng().witness_bytes(payload).finalize(&mut rng(seed))
    }

    fn seal(
        params: &Params,
        payload: &[u8],
        recipients: &[VaultKeypair],
        seed: u64,
    ) -> (ChunkedCiphertext, Blindings) {
        let chunks = ChunkValues::from_payload(payload).unwrap_or_else(|_| unreachable!());
        ChunkedCiphertext::encrypt_with_rng(
            params,
            &chunks,
            &keys(recipients),
            &mut prover_rng(payload, seed),
        )
        .unwrap_or_else(|_| unreachable!())
    }

    /// Every payload length 1..=128, with 1..=8 recipients; every recipient
    /// decrypts.
    #[test]
    fn round_trip_every_length_and_recipient_count() {
        let params = Params::shared();
        let all = vaults(params, MAX_RECIPIENTS, 1);
        let mut payload_rng = rng(2);
        for len in 1..=chunks::MAX_PAYLOAD_LEN {
            let v = 1 + len % MAX_RECIPIENTS;
            let mut payload = vec![0u8; len];
            payload_rng.fill_bytes(&mut payload);
            let (ct, _) = seal(params, &payload, &all[..v], len as u64);
            assert_eq!(ct.chunk_count(), len.div_ceil(2));
            assert_eq!(ct.recipient_count(), v);
            for (j, vault) in all[..v].iter().enumerate() {
                let opened = ct.decrypt(params, j, vault.secret().x(), len);
                assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.clone()), "L={len} j={j}");
            }
        }
    }

    /// Chunk values 0 and 2¹⁶ − 1 (all-zero and all-0xff payloads).
    #[test]
    fn extreme_chunk_values() {
        let params = Params::shared();
        let vault = vaults(params, 1, 3);
        for payload in [[0u8; 32], [0xff; 32]] {
            let (ct, _) = seal(params, &payload, &vault, 4);
            let chunks = ct.decrypt_chunks(params, 0, vault[0].secret().x());
            let expected = if payload[0] == 0 { 0 } else { u16::MAX };
            assert_eq!(chunks.map(|c| c.as_slice().to_vec()), Ok(vec![expected; 16]));
            let opened = ct.decrypt(params, 0, vault[0].secret().x(), 32);
            assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.to_vec()));
        }
    }

    /// The ciphertext satisfies C_i = m_i·G + r_i·H and D_ij = r_i·Y_j.
    #[test]
    fn ciphertext_relations() {
        let params = Params::shared();
        let recipients = vaults(params, 3, 5);
        let payload = b"relations!";
        let (ct, r) = seal(params, payload, &recipients, 6);
        let m = ChunkValues::from_payload(payload).unwrap_or_else(|_| unreachable!()).scalars();
        for (i, C) in ct.commitments().iter().enumerate() {
            assert_eq!(C.point, m[i] * params.G + r.as_slice()[i] * params.H);
            assert_eq!(C.compressed, C.point.compress());
        }
        for (j, vault) in recipients.iter().enumerate() {
            let D_j = ct.handles(j).unwrap_or_else(|| unreachable!());
            for (i, D) in D_j.iter().enumerate() {
                assert_eq!(D.point, r.as_slice()[i] * vault.public().Y.point);
                // x_j·D_ij = r_i·H.
                assert_eq!(vault.secret().x() * D.point, r.as_slice()[i] * params.H);
            }
        }
        assert!(ct.handles(3).is_none());
        assert_eq!(ct.all_handles().len(), 3 * ct.chunk_count());
    }

    /// The same transcript, payload and RNG seed draw the same blindings;
    /// another seed draws others.
    #[test]
    fn blindings_come_from_the_prover_rng() {
        let params = Params::shared();
        let vault = vaults(params, 1, 7);
        let (a, _) = seal(params, b"abc", &vault, 8);
        let (b, _) = seal(params, b"abc", &vault, 8);
        let (c, _) = seal(params, b"abc", &vault, 9);
        assert_eq!(a, b);
        assert_ne!(a, c);
        // Caller-supplied blindings give the same ciphertext.
        let mut prng = prover_rng(b"abc", 8);
        let r = Blindings::from_scalars(Zeroizing::new(vec![prng.scalar(), prng.scalar()]));
        let chunks = ChunkValues::from_payload(b"abc").unwrap_or_else(|_| unreachable!());
        let d = ChunkedCiphertext::encrypt(params, &chunks, &r, &keys(&vault));
        assert_eq!(d, Ok(a));
    }

    /// The padding byte of an odd-length payload is ignored: a sealer that
    /// sets it still gets the right L bytes, and decryption does not fail.
    #[test]
    fn odd_length_padding_byte_is_ignored() {
        let params = Params::shared();
        let vault = vaults(params, 2, 10);
        let payload = [0x10u8, 0x32, 0x54];
        for pad in [0x01u8, 0x80, 0xff] {
            let chunks = ChunkValues::from_values(vec![0x3210, u16::from_le_bytes([0x54, pad])]);
            let r = Blindings::draw(2, &mut prover_rng(&payload, u64::from(pad)));
            let ct = ChunkedCiphertext::encrypt(params, &chunks, &r, &keys(&vault))
                .unwrap_or_else(|_| unreachable!());
            for (j, kp) in vault.iter().enumerate() {
                let opened = ct.decrypt(params, j, kp.secret().x(), 3);
                assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.to_vec()));
            }
        }
    }

    #[test]
    fn wrong_key_or_index_fails_with_decryption_error() {
        let params = Params::shared();
        let recipients = vaults(params, 2, 11);
        let outsider = vaults(params, 1, 12);
        let (ct, _) = seal(params, &[0x42; 32], &recipients, 13);
        let x0 = recipients[0].secret().x();
        assert_eq!(ct.decrypt(params, 0, outsider[0].secret().x(), 32), Err(Error::Decryption));
        // Recipient 0's key on recipient 1's handles.
        assert_eq!(ct.decrypt(params, 1, x0, 32), Err(Error::Decryption));
        // No such recipient; a length that does not match k.
        assert_eq!(ct.decrypt(params, 2, x0, 32), Err(Error::Decryption));
        assert_eq!(ct.decrypt(params, 0, x0, 34), Err(Error::Decryption));
        assert_eq!(ct.decrypt(params, 0, x0, 0), Err(Error::Decryption));
        assert!(ct.decrypt(params, 0, x0, 31).is_ok());
        // The slice API refuses handle lists that do not match the commitments.
        let (C_vec, D_all) = (ct.commitments(), ct.all_handles());
        assert_eq!(decrypt_chunks(params, C_vec, &D_all[..15], x0), Err(Error::Decryption));
        assert_eq!(decrypt_chunks(params, C_vec, D_all, x0), Err(Error::Decryption));
        assert_eq!(decrypt_chunks(params, &[], &[], x0), Err(Error::Decryption));
        let opened = decrypt_payload(params, C_vec, &D_all[..16], x0, 32);
        assert_eq!(opened.map(|p| p.to_vec()), Ok(vec![0x42; 32]));
    }

    /// Decryption does the same work whatever the plaintext, and whether it
    /// succeeds or not: every table entry is read and compared with every
    /// chunk, and every chunk is confirmed.
    #[test]
    fn decryption_work_is_independent_of_the_plaintext() {
        let params = Params::shared();
        let vault = vaults(params, 1, 14);
        let x = vault[0].secret().x();
        let mut random = [0u8; 32];
        rng(15).fill_bytes(&mut random);
        let mut plaintexts = vec![[0u8; 32], [0xff; 32], random];
        let mut one = [0u8; 32];
        one[0] = 1;
        plaintexts.push(one);
        let expected = OpCounts {
            handle_muls: 16,
            encodings: 16,
            table_entries: 1 << 16,
            compare_and_selects: 16 << 16,
            confirmations: 16,
        };
        for (n, payload) in plaintexts.iter().enumerate() {
            let (ct, _) = seal(params, payload, &vault, 16 + n as u64);
            let mut ops = OpCounts::default();
            let opened = decrypt_chunks_ct(
                params,
                &ct.C_vec,
                ct.handles(0).unwrap_or_default(),
                x,
                &mut ops,
            )
            .and_then(dlog::declassify);
            assert!(opened.is_ok());
            assert_eq!(ops, expected, "plaintext #{n}");
            // The wrong key: the same work, then a failure.
            let mut ops = OpCounts::default();
            let wrong = Scalar::from(3u8) * x;
            assert_eq!(
                decrypt_chunks_ct(
                    params,
                    &ct.C_vec,
                    ct.handles(0).unwrap_or_default(),
                    &wrong,
                    &mut ops
                )
                .and_then(dlog::declassify),
                Err(Error::Decryption)
            );
            assert_eq!(ops, expected, "plaintext #{n}, wrong key");
        }
    }

    /// (C + C′, D + D′) decrypts to m + m′ while the sum stays below 2¹⁶,
    /// and fails (never panics) once a chunk overflows.
    #[test]
    fn homomorphism() {
        let params = Params::shared();
        let vault = vaults(params, 2, 20);
        let add = |a: &ChunkedCiphertext, b: &ChunkedCiphertext| {
            let sum = |p: &RistrettoElement, q: &RistrettoElement| {
                RistrettoElement::from_point(p.point + q.point)
            };
            let C_vec = a.C_vec.iter().zip(&b.C_vec).map(|(p, q)| sum(p, q));
            let D_vec = a.D_vec.iter().zip(&b.D_vec).map(|(p, q)| sum(p, q));
            ChunkedCiphertext::from_parts(C_vec.collect(), D_vec.collect())
                .unwrap_or_else(|_| unreachable!())
        };
        let m1 = [0x34u8, 0x12, 0xff, 0x7f, 0x00];
        let m2 = [0x01u8, 0x01, 0x00, 0x80, 0x09];
        let (c1, _) = seal(params, &m1, &vault, 21);
        let (c2, _) = seal(params, &m2, &vault, 22);
        let sum = add(&c1, &c2);
        for (j, kp) in vault.iter().enumerate() {
            let chunks = sum.decrypt_chunks(params, j, kp.secret().x());
            assert_eq!(chunks.map(|c| c.as_slice().to_vec()), Ok(vec![0x1335, 0xffff, 0x0009]));
        }
        // 0xffff + 1 is out of range.
        let (c3, _) = seal(params, &[0x00, 0x00, 0x01, 0x00, 0x00], &vault, 23);
        assert_eq!(
            add(&sum, &c3).decrypt_chunks(params, 0, vault[0].secret().x()),
            Err(Error::Decryption)
        );
    }

    #[test]
    fn encryption_input_errors() {
        let params = Params::shared();
        let all = vaults(params, MAX_RECIPIENTS + 1, 24);
        let chunks = ChunkValues::from_payload(b"xy").unwrap_or_else(|_| unreachable!());
        let r = Blindings::draw(1, &mut prover_rng(b"xy", 25));
        let count = Err(Error::input(InvalidInput::RecipientCount));
        assert_eq!(ChunkedCiphertext::encrypt(params, &chunks, &r, &[]), count);
        assert_eq!(ChunkedCiphertext::encrypt(params, &chunks, &r, &keys(&all)), count);
        let r2 = Blindings::draw(2, &mut prover_rng(b"xy", 25));
        assert_eq!(
            ChunkedCiphertext::encrypt(params, &chunks, &r2, &keys(&all[..1])),
            Err(Error::input(InvalidInput::PayloadLength))
        );
        assert_eq!(
            ChunkedCiphertext::from_parts(vec![], vec![]),
            Err(Error::input(InvalidInput::PayloadLength))
        );
    }

    #[test]
    fn encoding_round_trips_and_rejects_identity() {
        let params = Params::shared();
        let recipients = vaults(params, 2, 26);
        let (ct, _) = seal(params, b"hello", &recipients, 27);
        let mut bytes = Vec::new();
        ct.write(&mut bytes);
        assert_eq!(bytes.len(), 32 * 3 * (1 + 2));
        let mut r = Reader::new(&bytes, Object::SealedSecret);
        assert_eq!(ChunkedCiphertext::read(&mut r, 3, 2).as_ref(), Ok(&ct));
        assert_eq!(r.finish(), Ok(()));
        let err = |why| Err(Error::decode(Object::SealedSecret, why));
        // Too short for the counts; counts out of range.
        let mut r = Reader::new(&bytes[..bytes.len() - 1], Object::SealedSecret);
        assert_eq!(ChunkedCiphertext::read(&mut r, 3, 2), err(DecodeFailure::Length));
        for (k, v) in [(0, 2), (65, 2), (3, 0), (3, 9)] {
            let mut r = Reader::new(&bytes, Object::SealedSecret);
            assert_eq!(ChunkedCiphertext::read(&mut r, k, v), err(DecodeFailure::Limit));
        }
        // An identity commitment or handle is refused.
        for at in [0, 32 * 3, 32 * 8] {
            let mut tampered = bytes.clone();
            tampered[at..at + 32].fill(0);
            let mut r = Reader::new(&tampered, Object::SealedSecret);
            assert_eq!(ChunkedCiphertext::read(&mut r, 3, 2), err(DecodeFailure::Identity));
        }
        // The transcript absorbs every element: changing one handle changes
        // the challenge.
        let challenge = |ct: &ChunkedCiphertext| {
            let mut t = new_transcript(labels::PROTOCOL_SEALED);
            ct.append_to(&mut t);
            t.challenge_scalar(b"test")
        };
        let mut swapped = ct.clone();
        swapped.D_vec.swap(0, 3);
        assert_ne!(challenge(&ct), challenge(&swapped));
    }

    #[test]
    fn debug_is_redacted() {
        let r = Blindings::from_scalars(Zeroizing::new(vec![Scalar::ONE]));
        assert_eq!(alloc::format!("{r:?}"), "Blindings(k=1, <redacted>)");
    }
}

/// Without `std` the table is rebuilt per decryption; check that path once.
#[cfg(all(test, not(feature = "std")))]
mod no_std_tests {
    use super::*;
    use crate::transcript::new_transcript;
    use crate::vault::VaultKeypair;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn round_trip_builds_the_table_per_call() {
        let params = Params::new();
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let vault = VaultKeypair::generate(&params, &mut rng);
        let payload = [0x00u8, 0x01, 0xfe, 0xff, 0x80];
        let chunks = ChunkValues::from_payload(&payload).unwrap_or_else(|_| unreachable!());
        let mut prng = new_transcript(labels::PROTOCOL_SEALED).prover_rng().finalize(&mut rng);
        let (ct, _) =
            ChunkedCiphertext::encrypt_with_rng(&params, &chunks, &[vault.public().Y], &mut prng)
                .unwrap_or_else(|_| unreachable!());
        let opened = ct.decrypt(&params, 0, vault.secret().x(), payload.len());
        assert_eq!(opened.map(|p| p.to_vec()), Ok(payload.to_vec()));
        let wrong = Scalar::from(2u8) * vault.secret().x();
        assert_eq!(ct.decrypt(&params, 0, &wrong, payload.len()), Err(Error::Decryption));
    }
}
