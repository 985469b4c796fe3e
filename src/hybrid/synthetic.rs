//! Synthetic randomness of the hybrid mode: the file key `K` and every
//! wrap's HPKE ephemeral key are drawn from a stream keyed with the caller's
//! RNG output **and** everything the envelope seals.
//!
//! The payload is sealed under a one-time key with the fixed nonce `0¹²`. If
//! `K` came from the caller's RNG alone, a repeated RNG state (a forked
//! process, a restored VM snapshot) would seal two different payloads under
//! one ChaCha20 keystream and one Poly1305 key: `c₁ ⊕ c₂ = p₁ ⊕ p₂`, and
//! forgeries. Here the stream is merlin's `TranscriptRng`, as for every other
//! prover in the crate:
//!
//! ```text
//! t = Transcript("vaultseal-hybrid-seal-v1")
//! t.append_message("ctx-…", …)                       the context, field by field (§2.1)
//! t.append_message("v", u64(v))
//! for j in 1..=v (canonical order):
//!     t.append_message("Y", Y_j); t.append_message("W", W_j)
//! t.append_message("ad-sha256", SHA-256(ad))
//! rng = t.build_rng()
//!        .rekey_with_witness_bytes("witness", SHA-256(payload))
//!        .finalize(32 bytes of the caller's RNG)
//! K = rng.fill_bytes(32 bytes); ikmE_j = rng.fill_bytes(32 bytes), for j = 1..=v
//! (separate 32-byte draws: merlin frames each draw with its length)
//! ```
//!
//! `ad` and the payload enter as SHA-256 digests so that a 16 MiB payload is
//! hashed once at SHA-256 speed rather than run through STROBE.
//!
//! # Security
//! - With a good RNG the stream is as random as the RNG's 32 bytes (merlin
//!   `finalize` mixes them in last): nothing changes for the envelope.
//! - With a repeated RNG state, two envelopes share `K` only if they seal the
//!   same payload, associated data, context and recipients (up to a SHA-256
//!   collision): then they are the same envelope, which reveals only that
//!   equality. No keystream is ever reused across different payloads.
//! - With a predictable RNG, `K` is still unpredictable to whoever does not
//!   know the payload (it is keyed with its digest), but it is no longer a
//!   secret from someone who can guess the payload: a good RNG stays
//!   required for confidentiality, as in every deterministic-encryption
//!   fallback (SIV).
//!
//! # Constant time
//! SHA-256 and STROBE (keccak) are constant-time; the payload's digest is
//! secret and only ever keys the stream, it is never absorbed as a public
//! message.

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::context::Context;
use crate::transcript::{ProverRng, TranscriptProtocol, labels, new_transcript};
use crate::vault::VaultPublicKey;

/// The stream the file key and the ephemeral keys are drawn from, for sealing
/// `payload` to `recipients` (already in canonical order) under `context`
/// and `associated_data`. Takes exactly 32 bytes from `rng`.
pub(super) fn seal_rng<R: CryptoRng + ?Sized>(
    recipients: &[VaultPublicKey],
    context: &Context,
    associated_data: &[u8],
    payload: &[u8],
    rng: &mut R,
) -> ProverRng {
    let mut t = new_transcript(labels::PROTOCOL_HYBRID_SEAL);
    context.append_to(&mut t);
    t.append_u64_value(labels::RECIPIENT_COUNT, recipients.len() as u64);
    for recipient in recipients {
        t.append_bytes(labels::VAULT_Y, &recipient.sealing_key_bytes());
        t.append_bytes(labels::VAULT_W, &recipient.kem_key_bytes());
    }
    t.append_bytes(labels::HYBRID_AD_DIGEST, &Sha256::digest(associated_data));
    let payload_digest = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(payload)));
    t.prover_rng().witness_bytes(&payload_digest[..]).finalize(rng)
}
