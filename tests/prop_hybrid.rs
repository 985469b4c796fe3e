//! Properties of hybrid envelopes: the decoder is total (any bytes give a
//! value or a typed error, never a panic), accepted input re-encodes
//! identically, truncated and extended envelopes are refused, mutated
//! envelopes never open, and seal/open round-trips for any recipient set.
//!
//! Case counts are modest; raise them with `PROPTEST_CASES`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::sync::OnceLock;

use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::hybrid::{self, Envelope};
use vaultseal::{Context, DecodeFailure, Error, Object, Params, Purpose, VaultKeypair};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

fn vaults() -> &'static [VaultKeypair] {
    static VAULTS: OnceLock<Vec<VaultKeypair>> = OnceLock::new();
    VAULTS.get_or_init(|| {
        (1..=8u8).map(|s| VaultKeypair::from_seed(Params::shared(), &[s; 32]).unwrap()).collect()
    })
}

fn context() -> Context {
    Context::new(b"prop-project", b"github:1", Purpose::Secret, [3; 32]).unwrap()
}

/// A valid envelope to `v` vaults (the first `v`), its bytes.
fn valid(v: usize, payload: &[u8], seed: u64) -> Vec<u8> {
    let recipients: Vec<_> = vaults()[..v].iter().map(|k| *k.public()).collect();
    hybrid::seal(&recipients, &context(), b"ad", payload, &mut ChaCha20Rng::seed_from_u64(seed))
        .unwrap()
        .to_bytes()
}

/// Decoding is total; what decodes re-encodes to the same bytes; what does
/// not decode is a typed envelope error.
fn check_decoder(bytes: &[u8]) -> Option<Envelope> {
    match Envelope::from_bytes(bytes) {
        Ok(envelope) => {
            assert_eq!(envelope.to_bytes(), bytes);
            assert_eq!(envelope.encoded_len(), bytes.len());
            Some(envelope)
        }
        Err(Error::Decode { what: Object::HybridEnvelope, .. }) => None,
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..700)) {
        check_decoder(&bytes);
        let opened = hybrid::open_bytes(&vaults()[0], &bytes, &context(), b"ad");
        prop_assert_eq!(opened.err(), Some(Error::Decryption));
    }

    /// Bytes that start like an envelope (version 1, a plausible count) and
    /// continue arbitrarily reach the deeper fields of the decoder.
    #[test]
    fn plausible_prefix_never_panics(
        v in 0u8..10,
        tail in proptest::collection::vec(any::<u8>(), 0..1400),
    ) {
        let mut bytes = vec![1u8, v];
        bytes.extend_from_slice(&tail);
        check_decoder(&bytes);
    }

    /// A valid envelope with a random range overwritten by random bytes:
    /// no panic, re-encoding holds, and if anything changed nobody opens it.
    #[test]
    fn spliced_envelopes(
        v in 1usize..=3,
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        at in any::<prop::sample::Index>(),
        patch in proptest::collection::vec(any::<u8>(), 1..40),
        seed in any::<u64>(),
    ) {
        let bytes = valid(v, &payload, seed);
        let start = at.index(bytes.len());
        let mut spliced = bytes.clone();
        for (dst, src) in spliced[start..].iter_mut().zip(&patch) {
            *dst = *src;
        }
        let decoded = check_decoder(&spliced);
        if spliced != bytes {
            for k in &vaults()[..v] {
                if let Some(envelope) = &decoded {
                    prop_assert_eq!(
                        hybrid::open(k, envelope, &context(), b"ad").err(),
                        Some(Error::Decryption)
                    );
                }
                prop_assert_eq!(
                    hybrid::open_bytes(k, &spliced, &context(), b"ad").err(),
                    Some(Error::Decryption)
                );
            }
        }
    }

    #[test]
    fn truncated_or_extended_is_refused(
        v in 1usize..=3,
        payload in proptest::collection::vec(any::<u8>(), 0..64),
        cut in any::<prop::sample::Index>(),
        extra in proptest::collection::vec(any::<u8>(), 1..20),
        seed in any::<u64>(),
    ) {
        let bytes = valid(v, &payload, seed);
        let len = cut.index(bytes.len());
        let truncated = matches!(
            Envelope::from_bytes(&bytes[..len]),
            Err(Error::Decode { what: Object::HybridEnvelope, .. })
        );
        prop_assert!(truncated, "prefix of {} bytes accepted", len);
        let mut extended = bytes.clone();
        extended.extend_from_slice(&extra);
        prop_assert_eq!(
            Envelope::from_bytes(&extended),
            Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::TrailingData })
        );
        prop_assert!(check_decoder(&bytes).is_some());
    }

    #[test]
    fn round_trip_any_recipient_set(
        mask in 1u8..=255,
        payload in proptest::collection::vec(any::<u8>(), 0..2000),
        ad in proptest::collection::vec(any::<u8>(), 0..64),
        seed in any::<u64>(),
    ) {
        let chosen: Vec<&VaultKeypair> =
            vaults().iter().enumerate().filter(|(i, _)| (mask >> i) & 1 == 1).map(|(_, k)| k).collect();
        let recipients: Vec<_> = chosen.iter().map(|k| *k.public()).collect();
        let envelope = hybrid::seal(
            &recipients, &context(), &ad, &payload, &mut ChaCha20Rng::seed_from_u64(seed),
        ).unwrap();
        let bytes = envelope.to_bytes();
        prop_assert_eq!(bytes.len(), 54 + 144 * recipients.len() + payload.len());
        for (i, k) in vaults().iter().enumerate() {
            let opened = hybrid::open_bytes(k, &bytes, &context(), &ad);
            if (mask >> i) & 1 == 1 {
                prop_assert_eq!(&opened.unwrap()[..], &payload[..]);
            } else {
                prop_assert_eq!(opened.err(), Some(Error::Decryption));
            }
        }
    }
}
