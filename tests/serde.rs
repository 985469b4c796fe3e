//! serde support: wire types round-trip through JSON (hex strings) and a
//! binary format, and deserialization uses the strict decoders.
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
