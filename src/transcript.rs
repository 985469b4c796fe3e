//! Fiat–Shamir transcripts: the only place the crate calls `merlin`.
//!
//! Every proof runs on one fresh [`Transcript`], created here with the
//! protocol's name ([`new_transcript`]). The [`TranscriptProtocol`] extension
//! trait gives the typed `append_*` calls and the challenge derivation used by
//! both provers and verifiers, so that the two sides absorb the same bytes in
//! the same order. Labels live in [`labels`] and are documented in
//! `docs/PROTOCOL.md`.
//!
//! Challenges are 64 transcript bytes reduced modulo ℓ (the value of
//! [`Scalar::from_bytes_mod_order_wide`], computed by the crate's Montgomery
//! arithmetic, `montgomery::reduce_wide`), so they are uniform up to a
//! statistical distance of about 2⁻²⁵⁹.
//!
//! Prover randomness comes from merlin's `TranscriptRng`: the transcript state
//! so far, re-keyed with the witness, finalized with the caller's RNG
//! ([`ProverRng`]). A repeated or weak RNG output therefore never repeats a
//! nonce across different statements or witnesses.

pub(crate) mod labels;

use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use merlin::{Transcript, TranscriptRng, TranscriptRngBuilder};
use rand_core::CryptoRng;
use zeroize::Zeroize;

/// A fresh transcript for the protocol named `protocol` (one of the
/// `labels::PROTOCOL_*` constants).
///
/// With `std`, the sealed items' and the proofs of possession's (one per
/// item a batch verifies) are clones of a transcript made once: the same
/// state as `Transcript::new` (merlin's initial permutation and the label
/// absorbed), which costs about as much as absorbing two points.
pub(crate) fn new_transcript(protocol: &'static [u8]) -> Transcript {
    #[cfg(feature = "std")]
    {
        use std::sync::OnceLock;
        static SEALED: OnceLock<Transcript> = OnceLock::new();
        static VAULT_KEY_PROOF: OnceLock<Transcript> = OnceLock::new();
        let made_once = match protocol {
            labels::PROTOCOL_SEALED => Some(&SEALED),
            labels::PROTOCOL_VAULT_KEY_PROOF => Some(&VAULT_KEY_PROOF),
            _ => None,
        };
        if let Some(cell) = made_once {
            return cell.get_or_init(|| Transcript::new(protocol)).clone();
        }
    }
    Transcript::new(protocol)
}

/// Typed absorption and challenge derivation on a merlin transcript.
pub(crate) trait TranscriptProtocol {
    /// Absorb a compressed ristretto255 point.
    fn append_point(&mut self, label: &'static [u8], point: &CompressedRistretto);
    /// Absorb a compressed edwards25519 point.
    fn append_edwards(&mut self, label: &'static [u8], point: &CompressedEdwardsY);
    /// Absorb a scalar (canonical 32 bytes).
    fn append_scalar(&mut self, label: &'static [u8], scalar: &Scalar);
    /// Absorb an integer (merlin: 8 bytes little-endian).
    fn append_u64_value(&mut self, label: &'static [u8], value: u64);
    /// Absorb a byte string (merlin frames it with its length).
    fn append_bytes(&mut self, label: &'static [u8], bytes: &[u8]);
    /// Derive a challenge scalar: 64 bytes reduced modulo ℓ.
    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar;
    /// Start building the prover RNG from the transcript state so far.
    fn prover_rng(&self) -> ProverRngBuilder;
}

/// Absorb `bytes` under `label`. Everything a transcript absorbs is public —
/// a statement element, or a prover message that goes on the wire — so under
/// the secret-taint harness (feature `__ctgrind`) this is where the prover's
/// messages are declassified.
fn absorb(transcript: &mut Transcript, label: &'static [u8], bytes: &[u8]) {
    #[cfg(feature = "__ctgrind")]
    let bytes = &crate::__ctgrind::declassified(bytes);
    transcript.append_message(label, bytes);
}

impl TranscriptProtocol for Transcript {
    fn append_point(&mut self, label: &'static [u8], point: &CompressedRistretto) {
        absorb(self, label, point.as_bytes());
    }

    fn append_edwards(&mut self, label: &'static [u8], point: &CompressedEdwardsY) {
        absorb(self, label, point.as_bytes());
    }

    fn append_scalar(&mut self, label: &'static [u8], scalar: &Scalar) {
        absorb(self, label, scalar.as_bytes());
    }

    fn append_u64_value(&mut self, label: &'static [u8], value: u64) {
        absorb(self, label, &value.to_le_bytes());
    }

    fn append_bytes(&mut self, label: &'static [u8], bytes: &[u8]) {
        absorb(self, label, bytes);
    }

    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar {
        let mut wide = [0u8; 64];
        self.challenge_bytes(label, &mut wide);
        // `Scalar::from_bytes_mod_order_wide`'s value, faster (challenges
        // are public; see `montgomery`).
        let challenge = crate::montgomery::reduce_wide(&wide);
        #[cfg(all(test, feature = "std"))]
        challenge_log::record(label, &challenge);
        challenge
    }

    fn prover_rng(&self) -> ProverRngBuilder {
        ProverRngBuilder(self.build_rng())
    }
}

/// Builder for [`ProverRng`]: re-key with every witness, then finalize with
/// the caller's RNG.
pub(crate) struct ProverRngBuilder(TranscriptRngBuilder);

impl ProverRngBuilder {
    /// Re-key with witness bytes (a secret scalar, a payload).
    pub(crate) fn witness_bytes(self, bytes: &[u8]) -> Self {
        ProverRngBuilder(self.0.rekey_with_witness_bytes(labels::WITNESS, bytes))
    }

    /// Re-key with a secret scalar.
    pub(crate) fn witness_scalar(self, scalar: &Scalar) -> Self {
        self.witness_bytes(scalar.as_bytes())
    }

    /// Finalize with 32 bytes of the caller's RNG.
    pub(crate) fn finalize<R: CryptoRng + ?Sized>(self, rng: &mut R) -> ProverRng {
        ProverRng(self.0.finalize(&mut Rng06(rng)))
    }
}

/// The prover's randomness: merlin's `TranscriptRng`, bound to the transcript
/// and the witness.
pub(crate) struct ProverRng(TranscriptRng);

impl ProverRng {
    /// A uniform scalar (64 bytes reduced modulo ℓ; the buffer is wiped).
    pub(crate) fn scalar(&mut self) -> Scalar {
        use rand_core_06::RngCore as _;
        let mut wide = [0u8; 64];
        self.0.fill_bytes(&mut wide);
        let s = Scalar::from_bytes_mod_order_wide(&wide);
        wide.zeroize();
        s
    }

    /// Fill `dest` with RNG output (the batch verifier's weight seeds, the
    /// hybrid mode's file key).
    pub(crate) fn fill_bytes(&mut self, dest: &mut [u8]) {
        use rand_core_06::RngCore as _;
        self.0.fill_bytes(dest);
    }
}

/// `ProverRng` is also a rand_core 0.10 RNG, so that it can drive a
/// dependency that draws its own randomness (HPKE's ephemeral `ikmE` in the
/// hybrid mode) from the same synthetic stream.
impl rand_core::TryRng for ProverRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.fill_bytes(&mut bytes);
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.fill_bytes(&mut bytes);
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for ProverRng {}

impl core::fmt::Debug for ProverRng {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ProverRng(..)")
    }
}

/// Adapter presenting a rand_core 0.10 `CryptoRng` as the rand_core 0.6 RNG
/// that merlin 3 (and, under `frost`, frost-ed25519 3) expects. This is the
/// crate's only contact with rand_core 0.6.
pub(crate) struct Rng06<'a, R: ?Sized>(pub(crate) &'a mut R);

impl<R: CryptoRng + ?Sized> rand_core_06::RngCore for Rng06<'_, R> {
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        self.0.fill_bytes(dest);
        Ok(())
    }
}

impl<R: CryptoRng + ?Sized> rand_core_06::CryptoRng for Rng06<'_, R> {}

/// Test-only record of the challenges derived on the current thread, so that
/// tests can compare a verifier's challenges with and without a change to the
/// statement or a prover message (transcript coverage: a value left out of the
/// transcript is the classic Fiat–Shamir soundness bug).
#[cfg(all(test, feature = "std"))]
pub(crate) mod challenge_log {
    use alloc::vec::Vec;
    use core::cell::RefCell;
    use curve25519_dalek::scalar::Scalar;

    /// The challenges of one run, in derivation order, with their labels.
    pub(crate) type Log = Vec<(&'static [u8], Scalar)>;

    std::thread_local! {
        static LOG: RefCell<Option<Log>> = const { RefCell::new(None) };
    }

    /// Called by `challenge_scalar`: append to the log if one is open.
    pub(crate) fn record(label: &'static [u8], challenge: &Scalar) {
        LOG.with(|log| {
            if let Some(log) = log.borrow_mut().as_mut() {
                log.push((label, *challenge));
            }
        });
    }

    /// Run `f` and return its result with every challenge it derived.
    pub(crate) fn capture<T>(f: impl FnOnce() -> T) -> (T, Log) {
        LOG.with(|log| *log.borrow_mut() = Some(Vec::new()));
        let out = f();
        let log = LOG.with(|log| log.borrow_mut().take()).unwrap_or_default();
        (out, log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The transcripts made once and cloned are merlin's fresh ones: the
    /// same challenges after the same messages, every time.
    #[test]
    fn made_once_transcripts_are_fresh_ones() {
        for protocol in [
            labels::PROTOCOL_SEALED,
            labels::PROTOCOL_VAULT_KEY_PROOF,
            labels::PROTOCOL_HYBRID_SEAL,
        ] {
            for _ in 0..3 {
                let mut ours = new_transcript(protocol);
                let mut fresh = Transcript::new(protocol);
                ours.append_message(b"m", b"message");
                fresh.append_message(b"m", b"message");
                let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
                ours.challenge_bytes(b"c", &mut a);
                fresh.challenge_bytes(b"c", &mut b);
                assert_eq!(a, b);
            }
        }
    }

    /// Every label in `labels::ALL` is documented in `docs/PROTOCOL.md`.
    #[test]
    fn every_label_is_documented() {
        let protocol = include_str!("../docs/PROTOCOL.md");
        for label in labels::ALL {
            let text = core::str::from_utf8(label).unwrap_or("<non-utf8>");
            assert!(
                protocol.contains(&alloc::format!("`{text}`")),
                "label {text} is missing from docs/PROTOCOL.md"
            );
        }
    }

    /// Labels are distinct.
    #[test]
    fn labels_are_distinct() {
        for (i, a) in labels::ALL.iter().enumerate() {
            for b in &labels::ALL[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    /// The rand_core 0.10 view of a `ProverRng` (what HPKE draws the hybrid
    /// mode's ephemeral keys from) draws from the synthetic stream: a word
    /// is what a byte draw of its size gives at that point (merlin frames
    /// each draw with its length), never a constant.
    #[test]
    fn prover_rng_words_are_drawn_from_its_stream() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::{Rng as _, SeedableRng};
        let stream = || {
            new_transcript(labels::PROTOCOL_SEALED)
                .prover_rng()
                .witness_bytes(b"witness")
                .finalize(&mut ChaCha20Rng::seed_from_u64(5))
        };
        let (mut words, mut bytes) = (stream(), stream());
        for _ in 0..2 {
            let mut four = [0u8; 4];
            bytes.fill_bytes(&mut four);
            assert_eq!(words.next_u32(), u32::from_le_bytes(four));
            let mut eight = [0u8; 8];
            bytes.fill_bytes(&mut eight);
            assert_eq!(words.next_u64(), u64::from_le_bytes(eight));
        }
        let (mut via_trait, mut direct) = ([0u8; 16], [0u8; 16]);
        rand_core::Rng::fill_bytes(&mut words, &mut via_trait);
        bytes.fill_bytes(&mut direct);
        assert_eq!(via_trait, direct);
    }

    /// The rand_core 0.6 adapter that merlin finalizes the prover RNG with
    /// passes the caller's RNG through unchanged, whichever method merlin
    /// calls: the caller's randomness is never replaced by a constant.
    #[test]
    fn rng06_adapter_passes_the_callers_stream_through() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::{Rng as _, SeedableRng};
        use rand_core_06::RngCore as _;
        let mut expected = ChaCha20Rng::seed_from_u64(6);
        let mut caller = ChaCha20Rng::seed_from_u64(6);
        let mut adapter = Rng06(&mut caller);
        assert_eq!(adapter.next_u32(), expected.next_u32());
        assert_eq!(adapter.next_u64(), expected.next_u64());
        let (mut got, mut want) = ([0u8; 40], [0u8; 40]);
        adapter.fill_bytes(&mut got[..20]);
        assert!(adapter.try_fill_bytes(&mut got[20..]).is_ok());
        expected.fill_bytes(&mut want);
        assert_eq!(got, want);
    }

    /// A `ProverRng` is keyed with witness bytes: its `Debug` names the type
    /// and shows nothing of its state.
    #[test]
    fn prover_rng_debug_is_redacted() {
        use rand_chacha::ChaCha20Rng;
        use rand_core::SeedableRng;
        let rng = new_transcript(labels::PROTOCOL_SEALED)
            .prover_rng()
            .witness_bytes(b"witness")
            .finalize(&mut ChaCha20Rng::seed_from_u64(7));
        assert_eq!(alloc::format!("{rng:?}"), "ProverRng(..)");
    }

    #[test]
    fn challenges_depend_on_every_absorbed_message() {
        let mut t1 = new_transcript(labels::PROTOCOL_SEALED);
        let mut t2 = new_transcript(labels::PROTOCOL_SEALED);
        t1.append_u64_value(labels::KIND, 1);
        t2.append_u64_value(labels::KIND, 2);
        assert_ne!(t1.challenge_scalar(b"c"), t2.challenge_scalar(b"c"));
    }
}
