//! Hooks for the secret-taint harness in `ctgrind/` (feature `__ctgrind`;
//! not part of the API, no stability promise).
//!
//! The harness marks secrets *undefined* for valgrind's memcheck and calls
//! these functions; memcheck then reports every branch and memory index that
//! depends on a secret (the ctgrind technique). The functions therefore stop
//! before any declassification and return secret results unjudged.

use alloc::vec::Vec;
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;
use std::sync::OnceLock;
use subtle::Choice;

use crate::deploy_key::DeployKey;
use crate::elgamal::ChunkedCiphertext;
use crate::elgamal::chunks::ChunkValues;
use crate::encoding::Reader;
use crate::error::{Error, Object};
use crate::params::Params;
use crate::transcript::{TranscriptProtocol, labels, new_transcript};
use crate::vault::VaultPublicKey;

/// The harness's declassification: marks bytes *defined* for memcheck.
static DECLASSIFY: OnceLock<fn(&mut [u8])> = OnceLock::new();

/// Register the harness's declassification function (once; later calls are
/// ignored). Until then, the library only copies what it would declassify.
pub fn set_declassify(declassify: fn(&mut [u8])) {
    let _ = DECLASSIFY.set(declassify);
}

/// A copy of `bytes`, declassified. The library calls it where data becomes
/// public by construction: every message absorbed into a transcript (it is a
/// statement element or goes on the wire), and the inner-product argument's
/// vectors `l(x)`, `r(x)` (Protocol 1 of the paper sends them in the clear).
/// Whatever the harness then reports depends on a secret that was never
/// published.
pub(crate) fn declassified(bytes: &[u8]) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    if let Some(declassify) = DECLASSIFY.get() {
        declassify(&mut copy);
    }
    copy
}

/// Declassify scalars in place (see [`declassified`]).
pub(crate) fn declassify_scalars(scalars: &mut [Scalar]) {
    for s in scalars {
        let bytes = declassified(s.as_bytes());
        let mut canonical = [0u8; 32];
        canonical.copy_from_slice(&bytes);
        // `s` was canonical, so this is `s` again, now public.
        *s = Scalar::from_bytes_mod_order(canonical);
    }
}

/// A declassified copy of a verdict the library publishes by acting on it: a
/// secret-derived bit on which it returns an error or draws again (a zero
/// scalar drawn or derived, whether decryption found every chunk, whether an
/// opened deploy key matches its public key). Everything else the verdict was
/// computed from stays secret.
pub(crate) fn declassified_choice(choice: Choice) -> Choice {
    let bit = declassified(&[choice.unwrap_u8()]);
    Choice::from(bit.first().copied().unwrap_or(0))
}

/// A declassified copy of a vault public key: a vault publishes it (in its
/// record, in every item sealed to it), whereas the `x⁻¹·H` and
/// `X25519(w, 9)` that compute it must not leak `x` or `w`. Re-decoded from
/// its declassified encoding; an honest key always decodes.
pub(crate) fn declassified_vault_public_key(public: VaultPublicKey) -> VaultPublicKey {
    VaultPublicKey::from_bytes(&declassified(&public.to_bytes())).unwrap_or(public)
}

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
    let x = zeroize::Zeroizing::new(Scalar::from_bytes_mod_order(*x));
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

/// A deploy key with the (secret) scalar `s = bytes mod ℓ`, built without
/// the zero check (which branches; the harness passes a non-zero scalar).
pub fn deploy_key(bytes: &[u8; 32]) -> DeployKey {
    DeployKey::from_nonzero_scalar(Scalar::from_bytes_mod_order(*bytes))
}
