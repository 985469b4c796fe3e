//! Sealed deploy keys (one and three vaults) and a sealed odd-length secret,
//! from seeded keys and RNGs, pinned byte for byte in
//! `tests/vectors/sealed.json`; each vector verifies and opens, and its
//! ciphertext is re-derived independently from the documented layout and
//! formulas (`docs/PROTOCOL.md` §7: `C_i − x_j·D_ij = m_i·G` with `m_i` the
//! little-endian 16-bit chunks of the payload). The encodings are also the
//! fuzz seeds in `fuzz/seeds/decode_sealed/` (written with the vectors).
#![allow(non_snake_case)]

use crate::sealed_layout::{Kind, Parts};
use crate::vectors::{check_or_write, check_or_write_fuzz_seed, seeded_rng};
use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use serde_json::{Value, json};
use vaultseal::{
    Context, DeployKey, Params, Purpose, SealedDeployKey, SealedSecret, VaultKeypair,
    VaultPublicKey, seal_deploy_key, seal_secret,
};

fn vault_keys(params: &Params, seeds: &[u8]) -> (Vec<VaultKeypair>, Vec<VaultPublicKey>) {
    let vaults: Vec<VaultKeypair> =
        seeds.iter().map(|s| VaultKeypair::from_seed(params, &[*s; 32]).unwrap()).collect();
    let publics = vaults.iter().map(|v| *v.public()).collect();
    (vaults, publics)
}

/// Decrypt every chunk as every vault with plain point arithmetic (no crate
/// code) and compare with the payload's documented chunks.
fn check_ciphertext_by_hand(kind: Kind, bytes: &[u8], vaults: &[VaultKeypair], payload: &[u8]) {
    let parts = Parts::parse(kind, bytes);
    let mut padded = payload.to_vec();
    if padded.len() % 2 == 1 {
        padded.push(0);
    }
    let chunks: Vec<u64> =
        padded.chunks_exact(2).map(|c| u64::from(u16::from_le_bytes([c[0], c[1]]))).collect();
    assert_eq!(parts.C.len(), chunks.len());
    let decompress = |b: &[u8; 32]| CompressedRistretto(*b).decompress().unwrap();
    for vault in vaults {
        let Y = vault.public().sealing_key_bytes();
        let j = parts.Y.iter().position(|y| *y == Y).unwrap();
        let secret = vault.secret().to_bytes();
        let x = Scalar::from_canonical_bytes(secret[..32].try_into().unwrap()).unwrap();
        for (i, m_i) in chunks.iter().enumerate() {
            let M = decompress(&parts.C[i]) - x * decompress(&parts.D[j][i]);
            assert_eq!(M, Scalar::from(*m_i) * RISTRETTO_BASEPOINT_POINT, "chunk {i}, vault {j}");
        }
    }
}

fn deploy_vector(params: &Params, seeds: &[u8], key_seed: u64, seal_seed: u64) -> Value {
    let (vaults, publics) = vault_keys(params, seeds);
    let ctx =
        Context::new(b"kat-project", b"github:123456789", Purpose::DeployKey, [0x11; 32]).unwrap();
    let key = DeployKey::generate(&mut seeded_rng(key_seed));
    let sealed = seal_deploy_key(params, &publics, &ctx, &key, &mut seeded_rng(seal_seed)).unwrap();
    let bytes = sealed.to_bytes();

    let decoded = SealedDeployKey::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.to_bytes(), bytes);
    decoded.verify(params, &ctx, &mut seeded_rng(1)).unwrap();
    for vault in &vaults {
        assert_eq!(vault.open_deploy_key(params, &decoded, &ctx, &mut seeded_rng(2)).unwrap(), key);
    }
    check_ciphertext_by_hand(Kind::DeployKey, &bytes, &vaults, &*key.to_bytes());
    // A = s·B and [8]A′ = A, from the bytes.
    let parts = Parts::parse(Kind::DeployKey, &bytes);
    let (A, A_prime) = parts.key.unwrap();
    assert_eq!(A, key.public_key().to_bytes());
    let A_prime = CompressedEdwardsY(A_prime).decompress().unwrap();
    assert_eq!(A_prime.mul_by_cofactor().compress().to_bytes(), A);

    json!({
        "vault_seeds": seeds.iter().map(|s| hex::encode([*s; 32])).collect::<Vec<_>>(),
        "vault_public_keys": publics.iter().map(|p| hex::encode(p.to_bytes())).collect::<Vec<_>>(),
        "context": hex::encode(ctx.to_bytes()),
        "deploy_key_rng_seed": key_seed,
        "deploy_key_scalar": hex::encode(*key.to_bytes()),
        "deploy_public_key": hex::encode(key.public_key().to_bytes()),
        "sealing_rng_seed": seal_seed,
        "sealed_len": bytes.len(),
        "sealed": hex::encode(&bytes),
    })
}

#[test]
fn sealed_vectors() {
    let params = Params::new();
    let deploy_1 = deploy_vector(&params, &[0x31], 10, 11);
    let deploy_3 = deploy_vector(&params, &[0x41, 0x42, 0x43], 12, 13);

    // An odd-length secret (the padding byte is zero) to two vaults, with
    // an extra context field.
    let (vaults, publics) = vault_keys(&params, &[0x51, 0x52]);
    let ctx = Context::new(b"kat-project", b"github:987654321", Purpose::Secret, [0x22; 32])
        .unwrap()
        .with_extra(b"kat")
        .unwrap();
    let payload = b"vaultseal secret, 31 bytes long";
    assert_eq!(payload.len(), 31);
    let sealed = seal_secret(&params, &publics, &ctx, payload, &mut seeded_rng(14)).unwrap();
    let bytes = sealed.to_bytes();
    let decoded = SealedSecret::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.to_bytes(), bytes);
    decoded.verify(&params, &ctx, &mut seeded_rng(3)).unwrap();
    for vault in &vaults {
        let opened = vault.open_secret(&params, &decoded, &ctx, &mut seeded_rng(4)).unwrap();
        assert_eq!(opened.as_bytes(), payload);
    }
    check_ciphertext_by_hand(Kind::Secret, &bytes, &vaults, payload);
    let secret = json!({
        "vault_seeds": [hex::encode([0x51u8; 32]), hex::encode([0x52u8; 32])],
        "vault_public_keys": publics.iter().map(|p| hex::encode(p.to_bytes())).collect::<Vec<_>>(),
        "context": hex::encode(ctx.to_bytes()),
        "payload": hex::encode(payload),
        "sealing_rng_seed": 14,
        "sealed_len": bytes.len(),
        "sealed": hex::encode(&bytes),
    });

    let actual = json!({
        "sealed_deploy_key_1_vault": deploy_1,
        "sealed_deploy_key_3_vaults": deploy_3,
        "sealed_secret_odd_length": secret,
    });
    check_or_write("sealed", &actual);
    check_or_write_fuzz_seeds(&actual);
}

/// The fuzz seeds are the vector encodings: written with the vectors, and
/// checked against them otherwise.
fn check_or_write_fuzz_seeds(vectors: &Value) {
    for name in
        ["sealed_deploy_key_1_vault", "sealed_deploy_key_3_vaults", "sealed_secret_odd_length"]
    {
        let bytes = hex::decode(vectors[name]["sealed"].as_str().unwrap()).unwrap();
        check_or_write_fuzz_seed("decode_sealed", &format!("kat_{name}"), &bytes);
    }
}
