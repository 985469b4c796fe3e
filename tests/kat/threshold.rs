//! A 2-of-3 threshold dealing (`docs/PROTOCOL.md` §12) from a seeded key
//! and RNG, pinned byte for byte in `tests/vectors/threshold.json`. From the
//! bytes alone, with plain point arithmetic, it re-derives each public share
//! `A_j = A + j·[8]F′_1`, the dealing id (SHA-512/256 over the documented
//! input), and `C_i − x_j·D_i = m_i·G` for every vault's chunks of `s_j`,
//! and checks that the three `s_j` lie on one line through `s`. The
//! encoding is also a fuzz seed (`fuzz/seeds/decode_threshold/`).
#![allow(non_snake_case)]

use crate::vectors::{check_or_write, check_or_write_fuzz_seed, seeded_rng};
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, RISTRETTO_BASEPOINT_POINT};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use serde_json::json;
use sha2::{Digest, Sha512_256};
use vaultseal::{
    Context, DeployKey, Params, Purpose, ThresholdSealedDeployKey, VaultKeypair, VaultPublicKey,
    combine_shares, seal_deploy_key_shares,
};

fn element(bytes: &[u8], at: usize) -> [u8; 32] {
    bytes[at..at + 32].try_into().unwrap()
}

#[test]
fn threshold_vectors() {
    let params = Params::new();
    let seeds = [0x61u8, 0x62, 0x63];
    let mut vaults: Vec<VaultKeypair> =
        seeds.iter().map(|s| VaultKeypair::from_seed(&params, &[*s; 32]).unwrap()).collect();
    let publics: Vec<VaultPublicKey> = vaults.iter().map(|v| *v.public()).collect();
    let ctx =
        Context::new(b"kat-project", b"github:123456789", Purpose::DeployKey, [0x11; 32]).unwrap();
    let key = DeployKey::generate(&mut seeded_rng(30));
    let s = Scalar::from_canonical_bytes(*key.to_bytes()).unwrap();
    let key_bytes = *key.to_bytes();
    let public = key.public_key();
    let dealing =
        seal_deploy_key_shares(&params, &publics, 2, &ctx, key, &mut seeded_rng(31)).unwrap();
    let bytes = dealing.to_bytes();
    assert_eq!(bytes.len(), 6435);
    let decoded = ThresholdSealedDeployKey::from_bytes(&bytes).unwrap();
    assert_eq!(decoded.to_bytes(), bytes);
    decoded.verify(&params, &ctx, &mut seeded_rng(1)).unwrap();

    // The layout of §12.4, by hand.
    assert_eq!(&bytes[..3], &[1, 2, 3]);
    vaults.sort_by_key(|v| v.public().sealing_key_bytes());
    for (j, vault) in vaults.iter().enumerate() {
        assert_eq!(element(&bytes, 3 + 32 * j), vault.public().sealing_key_bytes());
    }
    let A = CompressedEdwardsY(element(&bytes, 99)).decompress().unwrap();
    assert_eq!(element(&bytes, 99), public.to_bytes());
    let A_prime = CompressedEdwardsY(element(&bytes, 131)).decompress().unwrap();
    assert_eq!(A_prime.mul_by_cofactor(), A);
    let F_1 = CompressedEdwardsY(element(&bytes, 163)).decompress().unwrap().mul_by_cofactor();
    // The dealing id: SHA-512/256(label ‖ context ‖ header).
    let id: [u8; 32] = Sha512_256::new()
        .chain_update(b"vaultseal-dealing-id-v1")
        .chain_update(ctx.to_bytes())
        .chain_update(&bytes[..195])
        .finalize()
        .into();
    assert_eq!(decoded.dealing_id(&ctx).to_bytes(), id);

    let mut public_shares = Vec::new();
    let mut share_scalars = Vec::new();
    let mut shares = Vec::new();
    for (position, vault) in vaults.iter().enumerate() {
        let j = position + 1;
        let A_j = A + Scalar::from(j as u64) * F_1;
        assert_eq!(decoded.public_share(j).unwrap().to_bytes(), A_j.compress().to_bytes());
        let share = vault
            .open_deploy_key_share(&params, &decoded, &ctx, &publics, &mut seeded_rng(2))
            .unwrap();
        assert_eq!(share.index(), j);
        assert_eq!(share.dealing_id().to_bytes(), id);
        let share_bytes = share.to_bytes();
        let s_j = Scalar::from_canonical_bytes(share_bytes[36..68].try_into().unwrap()).unwrap();
        assert_eq!(ED25519_BASEPOINT_POINT * s_j, A_j);
        // Every chunk of s_j from C_i − x_j·D_i, by hand.
        let body = 195 + position * 2080;
        let secret = vault.secret().to_bytes();
        let x = Scalar::from_canonical_bytes(secret[..32].try_into().unwrap()).unwrap();
        for (i, chunk) in s_j.as_bytes().chunks_exact(2).enumerate() {
            let decompress = |at| CompressedRistretto(element(&bytes, at)).decompress().unwrap();
            let M = decompress(body + 32 * i) - x * decompress(body + 512 + 32 * i);
            let m_i = u64::from(u16::from_le_bytes([chunk[0], chunk[1]]));
            assert_eq!(M, Scalar::from(m_i) * RISTRETTO_BASEPOINT_POINT, "share {j} chunk {i}");
        }
        public_shares.push(hex::encode(A_j.compress().to_bytes()));
        share_scalars.push(hex::encode(s_j.to_bytes()));
        shares.push((s_j, share));
    }
    // s_1, s_2, s_3 on one line through s: s = 2·s_1 − s_2, s_3 = 2·s_2 − s_1.
    assert_eq!(Scalar::from(2u64) * shares[0].0 - shares[1].0, s);
    assert_eq!(Scalar::from(2u64) * shares[1].0 - shares[0].0, shares[2].0);
    let opened: Vec<_> = shares.into_iter().map(|(_, share)| share).collect();
    assert_eq!(combine_shares(&opened).unwrap().to_bytes()[..], key_bytes[..]);

    let actual = json!({
        "dealing_2_of_3": {
            "vault_seeds": seeds.iter().map(|s| hex::encode([*s; 32])).collect::<Vec<_>>(),
            "vault_public_keys": publics.iter().map(|p| hex::encode(p.to_bytes())).collect::<Vec<_>>(),
            "context": hex::encode(ctx.to_bytes()),
            "threshold": 2,
            "deploy_key_rng_seed": 30,
            "deploy_key_scalar": hex::encode(key_bytes),
            "deploy_public_key": hex::encode(public.to_bytes()),
            "dealing_rng_seed": 31,
            "dealing_len": bytes.len(),
            "dealing_id": hex::encode(id),
            "public_shares": public_shares,
            "share_scalars": share_scalars,
            "dealing": hex::encode(&bytes),
        }
    });
    check_or_write("threshold", &actual);
    check_or_write_fuzz_seed("decode_threshold", "kat_dealing_2_of_3", &bytes);
}
