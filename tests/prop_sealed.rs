//! Sealed-item decoders are total (any bytes give a value or an error, never
//! a panic or an unbounded allocation): arbitrary bytes and mutated
//! valid encodings into `SealedDeployKey::from_bytes` and
//! `SealedSecret::from_bytes` never panic; whatever is accepted re-encodes
//! identically, and an accepted mutant fails verification; every truncation
//! is a `Length` error and every extension `TrailingData`; claimed counts
//! are checked against the bytes left before anything is read or allocated.
//! The fuzz seeds (`fuzz/seeds/decode_sealed/`) are replayed as a test.
//! Case counts follow `PROPTEST_CASES` (default 256).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/sealed_fixtures.rs"]
mod sealed_fixtures;
#[path = "common/sealed_layout.rs"]
mod sealed_layout;
#[allow(dead_code)]
#[path = "common/strategies.rs"]
mod strategies;

use std::sync::OnceLock;

use proptest::prelude::*;
use sealed_fixtures::*;
use sealed_layout::{Kind, Layout};
use vaultseal::{Context, DecodeFailure, Error, Purpose, SealedDeployKey, SealedSecret};

/// A valid encoding and the context it verifies under.
struct Valid {
    kind: Kind,
    bytes: Vec<u8>,
    context: Context,
}

/// Valid items of several shapes, sealed once.
fn valid_items() -> &'static [Valid] {
    static ITEMS: OnceLock<Vec<Valid>> = OnceLock::new();
    ITEMS.get_or_init(|| {
        let deploy = |v, seed| {
            let f = deploy_fixture(v, seed);
            Valid { kind: Kind::DeployKey, bytes: f.bytes, context: f.context }
        };
        let secret = |len, v, purpose, seed| {
            let f = secret_fixture(len, v, purpose, seed);
            Valid { kind: Kind::Secret, bytes: f.bytes, context: f.context }
        };
        vec![
            deploy(1, 1),
            deploy(3, 2),
            secret(1, 1, Purpose::Secret, 3),
            secret(5, 3, Purpose::Secret, 4),
            secret(32, 2, Purpose::WebhookSecret, 5),
            secret(128, 1, Purpose::Secret, 6),
        ]
    })
}

/// Both decoders on `bytes`: each refuses with a decode error or accepts and
/// re-encodes identically. Returns which accepted.
fn check_decoders(bytes: &[u8]) -> Result<(bool, bool), TestCaseError> {
    let deploy = match SealedDeployKey::from_bytes(bytes) {
        Ok(item) => {
            prop_assert_eq!(item.to_bytes(), bytes);
            true
        }
        Err(e) => {
            prop_assert!(matches!(e, Error::Decode { .. }), "{:?}", e);
            false
        }
    };
    let secret = match SealedSecret::from_bytes(bytes) {
        Ok(item) => {
            prop_assert_eq!(item.to_bytes(), bytes);
            true
        }
        Err(e) => {
            prop_assert!(matches!(e, Error::Decode { .. }), "{:?}", e);
            false
        }
    };
    Ok((deploy, secret))
}

/// One edit of an encoding. Positions are reduced modulo the current length.
#[derive(Clone, Debug)]
enum Mutation {
    Flip {
        at: usize,
        mask: u8,
    },
    Set {
        at: usize,
        value: u8,
    },
    /// Overwrite the 32-byte field that contains `at` with random bytes.
    Field {
        at: usize,
        value: [u8; 32],
    },
    /// Overwrite the 32-byte field that contains `at` with a valid
    /// ristretto255 encoding.
    Point {
        at: usize,
        seed: u64,
    },
    Truncate {
        at: usize,
    },
    Extend {
        bytes: Vec<u8>,
    },
    Delete {
        at: usize,
        len: usize,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    /// Copy a range of another valid item over this one.
    Splice {
        item: usize,
        at: usize,
        len: usize,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        4 => (at, 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        2 => (at, any::<u8>()).prop_map(|(at, value)| Mutation::Set { at, value }),
        2 => (at, any::<[u8; 32]>()).prop_map(|(at, value)| Mutation::Field { at, value }),
        2 => (at, any::<u64>()).prop_map(|(at, seed)| Mutation::Point { at, seed }),
        1 => at.prop_map(|at| Mutation::Truncate { at }),
        1 => strategies::bytes(64).prop_map(|bytes| Mutation::Extend { bytes }),
        1 => (at, 1..=96usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => (at, strategies::bytes(64)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<usize>(), at, 1..=256usize)
            .prop_map(|(item, at, len)| Mutation::Splice { item, at, len }),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len().max(1);
    match *mutation {
        Mutation::Flip { at, mask } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b ^= mask;
            }
        }
        Mutation::Set { at, value } => {
            if let Some(b) = bytes.get_mut(at % len) {
                *b = value;
            }
        }
        Mutation::Field { at, value } => overwrite_field(bytes, at % len, &value),
        Mutation::Point { at, seed } => {
            let point = curve25519_dalek::ristretto::RistrettoPoint::random(&mut rng(seed));
            overwrite_field(bytes, at % len, &encode(&point));
        }
        Mutation::Truncate { at } => bytes.truncate(at % len),
        Mutation::Extend { bytes: ref extra } => bytes.extend_from_slice(extra),
        Mutation::Delete { at, len: n } => {
            let start = (at % len).min(bytes.len());
            let end = (start + n).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Insert { at, bytes: ref extra } => {
            let at = (at % len).min(bytes.len());
            bytes.splice(at..at, extra.iter().copied());
        }
        Mutation::Splice { item, at, len: n } => {
            let items = valid_items();
            let source = &items[item % items.len()].bytes;
            let at = at % len;
            for (offset, byte) in source.iter().skip(at).take(n).enumerate() {
                if let Some(b) = bytes.get_mut(at + offset) {
                    *b = *byte;
                }
            }
        }
    }
}

/// Overwrite the 32-byte field that contains `at`, assuming the field
/// alignment of a sealed encoding (a 2-byte header for deploy keys, whose
/// length is 2 mod 32, and 3 bytes for secrets); after length-changing edits
/// this is just some 32-byte window.
fn overwrite_field(bytes: &mut [u8], at: usize, value: &[u8; 32]) {
    let header = if bytes.len() % 32 == 3 { 3 } else { 2 };
    let start = if at < header { at } else { header + (at - header) / 32 * 32 };
    for (i, v) in value.iter().enumerate() {
        if let Some(b) = bytes.get_mut(start + i) {
            *b = *v;
        }
    }
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes of any length.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in strategies::bytes(3000)) {
        check_decoders(&bytes)?;
    }

    /// A plausible header (version 1, any `L` and `v`) and arbitrary bytes,
    /// so that decoding gets past the counts.
    #[test]
    fn plausible_headers_never_panic(
        len in any::<u8>(),
        v in 0..=9u8,
        secret in any::<bool>(),
        tail in strategies::bytes(3000),
    ) {
        let mut bytes = vec![1u8];
        if secret {
            bytes.push(len);
        }
        bytes.push(v);
        bytes.extend_from_slice(&tail);
        check_decoders(&bytes)?;
    }

    /// Mutated valid encodings: decoding never panics, an accepted encoding
    /// re-encodes identically, and an accepted mutant (of the same type,
    /// other than the original) fails verification.
    #[test]
    fn mutated_encodings(
        item in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let items = valid_items();
        let valid = &items[item % items.len()];
        let mut bytes = valid.bytes.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let (deploy, secret) = check_decoders(&bytes)?;
        let accepted = match valid.kind {
            Kind::DeployKey => deploy,
            Kind::Secret => secret,
        };
        if accepted && bytes != valid.bytes {
            prop_assert_eq!(
                decode_and_verify(valid.kind, &bytes, &valid.context),
                Err(Error::Verification)
            );
        }
    }

    /// Extensions by 1..=256 arbitrary bytes: `TrailingData`.
    #[test]
    fn extensions_are_trailing_data(
        item in any::<usize>(),
        extra in prop::collection::vec(any::<u8>(), 1..=256),
    ) {
        let items = valid_items();
        let valid = &items[item % items.len()];
        let mut bytes = valid.bytes.clone();
        bytes.extend_from_slice(&extra);
        prop_assert_eq!(
            decode_and_verify(valid.kind, &bytes, &valid.context),
            Err(Error::Decode { what: valid.kind.object(), why: DecodeFailure::TrailingData })
        );
    }
}

/// Every truncation of every valid item is a `Length` error (of the item, or
/// of its range proof when the cut falls there).
#[test]
fn every_truncation_is_a_length_error() {
    for valid in valid_items() {
        let layout = Layout::of(valid.kind, &valid.bytes);
        for cut in 0..valid.bytes.len() {
            let result = decode_and_verify(valid.kind, &valid.bytes[..cut], &valid.context);
            // The range proof checks its whole length first: a cut anywhere
            // in it names the range proof.
            let what = layout.field_at(cut).0.object(valid.kind);
            assert_eq!(
                result,
                Err(Error::Decode { what, why: DecodeFailure::Length }),
                "{:?} cut at {cut}",
                valid.kind
            );
        }
    }
}

/// Claimed counts are checked against the bytes left before any element is
/// read (so before anything is allocated for them): a header claiming the
/// most recipients or the longest payload, followed by fewer bytes than
/// those need — bytes that would not even decode as points — is a `Length`
/// error, not a point error. Out-of-range counts are `Limit`.
#[test]
fn counts_are_checked_before_reading() {
    let bad_points = vec![0xffu8; 32 * 7];
    // v = 8 with room for 7 keys.
    let mut deploy = vec![1u8, 8];
    deploy.extend_from_slice(&bad_points);
    assert_eq!(
        SealedDeployKey::from_bytes(&deploy),
        Err(Error::Decode { what: vaultseal::Object::SealedDeployKey, why: DecodeFailure::Length })
    );
    let mut secret = vec![1u8, 128, 8];
    secret.extend_from_slice(&bad_points);
    assert_eq!(
        SealedSecret::from_bytes(&secret),
        Err(Error::Decode { what: vaultseal::Object::SealedSecret, why: DecodeFailure::Length })
    );
    // Valid keys, then fewer bytes than the ciphertext needs, all invalid.
    for valid in valid_items() {
        let layout = Layout::of(valid.kind, &valid.bytes);
        let c0 = layout.range(sealed_layout::Field::C(0)).start;
        let mut bytes = valid.bytes[..c0].to_vec();
        bytes.extend(core::iter::repeat_n(0xff, 32 * layout.k * (1 + layout.v) - 1));
        assert_eq!(
            decode_and_verify(valid.kind, &bytes, &valid.context),
            Err(Error::Decode { what: valid.kind.object(), why: DecodeFailure::Length })
        );
        // Valid up to the range proof, then one byte short of it, invalid.
        let rp = layout.range(sealed_layout::Field::RpA).start;
        let rp_len = 32 * (2 * layout.rounds + 9);
        let mut bytes = valid.bytes[..rp].to_vec();
        bytes.extend(core::iter::repeat_n(0xff, rp_len - 1));
        assert_eq!(
            decode_and_verify(valid.kind, &bytes, &valid.context),
            Err(Error::Decode { what: vaultseal::Object::RangeProof, why: DecodeFailure::Length })
        );
    }
    // Out-of-range counts.
    for v in [0u8, 9, 255] {
        assert_eq!(
            SealedDeployKey::from_bytes(&[1, v]),
            Err(Error::Decode {
                what: vaultseal::Object::SealedDeployKey,
                why: DecodeFailure::Limit
            })
        );
        assert_eq!(
            SealedSecret::from_bytes(&[1, 5, v]),
            Err(Error::Decode { what: vaultseal::Object::SealedSecret, why: DecodeFailure::Limit })
        );
    }
    for len in [0u8, 129, 255] {
        assert_eq!(
            SealedSecret::from_bytes(&[1, len, 1]),
            Err(Error::Decode { what: vaultseal::Object::SealedSecret, why: DecodeFailure::Limit })
        );
    }
}

/// The fuzz seeds (`fuzz/seeds/decode_sealed/`) replayed on stable as the
/// fuzz target runs them: decode, re-encode
/// identically, verify under the known-answer vectors' contexts. The seeds
/// are the vectors, so each must verify under one of them.
#[test]
fn fuzz_seeds_replay() {
    let deploy_ctx =
        Context::new(b"kat-project", b"github:123456789", Purpose::DeployKey, [0x11; 32]).unwrap();
    let secret_ctx = Context::new(b"kat-project", b"github:987654321", Purpose::Secret, [0x22; 32])
        .unwrap()
        .with_extra(b"kat")
        .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/decode_sealed");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let (deploy, secret) = check_decoders(&bytes).unwrap();
        let verified = (deploy && decode_and_verify(Kind::DeployKey, &bytes, &deploy_ctx).is_ok())
            || (secret && decode_and_verify(Kind::Secret, &bytes, &secret_ctx).is_ok());
        assert!(verified, "{} does not verify", path.display());
        seen += 1;
    }
    assert!(seen >= 3, "seeds missing in {}", dir.display());
}
