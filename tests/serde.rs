//! serde support: wire types round-trip through JSON (hex strings) and a
//! binary format (CBOR: byte strings), and deserialization uses the strict
//! decoders in both.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    Context, DeployKey, Params, Purpose, SealedDeployKey, VaultKeyProof, VaultKeypair,
    VaultPublicKey, seal_deploy_key,
};

#[test]
fn wire_types_round_trip_through_json_as_hex() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let vault = VaultKeypair::generate(params, &mut rng);
    let ctx = Context::new(b"p", b"github:1", Purpose::DeployKey, [2; 32]).unwrap();
    let proof = VaultKeyProof::prove(&vault, b"record", &mut rng);
    let sealed =
        seal_deploy_key(params, &[*vault.public()], &ctx, &DeployKey::generate(&mut rng), &mut rng)
            .unwrap();

    let json = serde_json::to_string(vault.public()).unwrap();
    assert_eq!(json, format!("\"{}\"", hex::encode(vault.public().to_bytes())));
    assert_eq!(serde_json::from_str::<VaultPublicKey>(&json).unwrap(), *vault.public());
    let json = serde_json::to_string(&proof).unwrap();
    assert_eq!(serde_json::from_str::<VaultKeyProof>(&json).unwrap(), proof);
    let json = serde_json::to_string(&ctx).unwrap();
    assert_eq!(serde_json::from_str::<Context>(&json).unwrap(), ctx);
    let json = serde_json::to_string(&sealed).unwrap();
    assert_eq!(serde_json::from_str::<SealedDeployKey>(&json).unwrap(), sealed);
}

#[test]
fn deserialization_is_strict() {
    // The identity is not a vault key; odd, uppercase and non-hex strings are refused.
    for bad in [
        format!("\"{}\"", "00".repeat(64)),
        "\"abc\"".to_owned(),
        format!("\"{}\"", "AB".repeat(64)),
        "\"zz\"".to_owned(),
        "[1, 2, 3]".to_owned(),
    ] {
        assert!(serde_json::from_str::<VaultPublicKey>(&bad).is_err(), "{bad}");
    }
}

/// CBOR (not human-readable): each wire type is one byte string holding
/// exactly its `to_bytes`, and decoding goes through the strict decoders.
#[test]
fn wire_types_round_trip_through_a_binary_format_as_bytes() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let vault = VaultKeypair::generate(params, &mut rng);
    let ctx = Context::new(b"p", b"github:1", Purpose::DeployKey, [2; 32]).unwrap();
    let sealed =
        seal_deploy_key(params, &[*vault.public()], &ctx, &DeployKey::generate(&mut rng), &mut rng)
            .unwrap();

    fn cbor<T: serde::Serialize>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).unwrap();
        out
    }
    /// The CBOR head of a byte string of `len` bytes (major type 2; the
    /// lengths here fit in two bytes).
    fn byte_string_head(len: usize) -> Vec<u8> {
        let len = u16::try_from(len).unwrap();
        match u8::try_from(len) {
            Ok(short @ 0..=23) => vec![0x40 | short],
            Ok(byte) => vec![0x58, byte],
            Err(_) => [&[0x59u8][..], &len.to_be_bytes()].concat(),
        }
    }
    fn check<T>(value: &T, bytes: &[u8])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + core::fmt::Debug,
    {
        let encoded = cbor(value);
        assert_eq!(encoded, [byte_string_head(bytes.len()), bytes.to_vec()].concat());
        assert_eq!(&ciborium::from_reader::<T, _>(&encoded[..]).unwrap(), value);
    }
    check(vault.public(), &vault.public().to_bytes());
    check(&ctx, &ctx.to_bytes());
    check(&sealed, &sealed.to_bytes());

    // Strict: the identity is not a vault key; a truncated or extended
    // encoding, or a string instead of bytes, is refused.
    let public = vault.public().to_bytes();
    let refused = |bytes: &[u8]| {
        let encoded = [byte_string_head(bytes.len()), bytes.to_vec()].concat();
        ciborium::from_reader::<VaultPublicKey, _>(&encoded[..]).is_err()
    };
    assert!(refused(&[0; 64]));
    assert!(refused(&public[..63]));
    assert!(refused(&[&public[..], &[0]].concat()));
    assert!(!refused(&public));
    let as_text = cbor(&hex::encode(public));
    assert!(ciborium::from_reader::<VaultPublicKey, _>(&as_text[..]).is_err());
}
