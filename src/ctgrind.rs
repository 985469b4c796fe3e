//! Hooks for the secret-taint harness in `ctgrind/` (feature `__ctgrind`;
//! not part of the API, no stability promise).
//!
//! The harness marks secrets *undefined* for valgrind's memcheck and calls
//! these functions; memcheck then reports every branch and memory index that
//! depends on a secret (the ctgrind technique). The functions therefore stop
//! before any declassification and return secret results unjudged.

use alloc::vec::Vec;
use rand_core::CryptoRng;

use crate::elgamal::ChunkedCiphertext;
use crate::elgamal::chunks::ChunkValues;
use crate::encoding::Reader;
use crate::error::{Error, Object};
use crate::params::Params;
use crate::transcript::{TranscriptProtocol, labels, new_transcript};
use crate::vault::VaultPublicKey;

/// An opaque chunked ciphertext.
#[derive(Debug)]
pub struct Ciphertext(ChunkedCiphertext);

/// Encrypt a (secret) payload to one vault; returns the encoding
/// `C_0 ‖ … ‖ C_{k−1} ‖ D_0 ‖ … ‖ D_{k−1}`. The blindings come from the
/// prover RNG keyed with the payload, as in sealing.
///
/// # Errors
/// [`Error::InvalidInput`] for a payload length outside 1..=128.
pub fn encrypt<R: CryptoRng + ?Sized>(
    params: &Params,
    payload: &[u8],
    vault: &VaultPublicKey,
    rng: &mut R,
) -> Result<Vec<u8>, Error> {
    let chunks = ChunkValues::from_payload(payload)?;
    let mut prover_rng =
        new_transcript(labels::PROTOCOL_SEALED).prover_rng().witness_bytes(payload).finalize(rng);
    let (ciphertext, _) =
        ChunkedCiphertext::encrypt_with_rng(params, &chunks, &[vault.Y], &mut prover_rng)?;
    let mut out = Vec::new();
    ciphertext.write(&mut out);
    Ok(out)
}

/// Decode a one-recipient ciphertext of `k` chunks (public data).
///
/// # Errors
/// [`Error::Decode`] for bytes that are not such a ciphertext.
pub fn ciphertext_from_bytes(bytes: &[u8], k: usize) -> Result<Ciphertext, Error> {
    let mut r = Reader::new(bytes, Object::SealedSecret);
    let ciphertext = ChunkedCiphertext::read(&mut r, k, 1)?;
    r.finish()?;
    Ok(Ciphertext(ciphertext))
}

/// Decrypt with the (secret) sealing scalar `x` (32 little-endian bytes,
/// reduced modulo ℓ) without declassifying anything: the candidate chunk
/// values and 1 if every chunk was confirmed, 0 otherwise.
pub fn decrypt(params: &Params, ciphertext: &Ciphertext, x: &[u8; 32]) -> (Vec<u16>, u8) {
    let x = zeroize::Zeroizing::new(curve25519_dalek::Scalar::from_bytes_mod_order(*x));
    let handles = ciphertext.0.handles(0).unwrap_or_default();
    match crate::elgamal::decrypt_chunks_ct(
        params,
        ciphertext.0.commitments(),
        handles,
        &x,
        &mut (),
    ) {
        Ok((m_vec, found)) => (m_vec.to_vec(), found.unwrap_u8()),
        // Recipient 0 always exists and the lengths agree: unreachable, and
        // public if it were not.
        Err(_) => (Vec::new(), 0),
    }
}
