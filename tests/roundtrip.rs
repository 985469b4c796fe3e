//! Completeness: seal → verify → decode → verify → open, for deploy keys and
//! secrets of every length, 1..=8 vaults.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_possible_truncation, missing_docs)]

use curve25519_dalek::scalar::Scalar;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    Context, DeployKey, Params, Purpose, SealedDeployKey, SealedSecret, VaultKeypair,
    seal_deploy_key, seal_secret,
};

fn vaults(params: &Params, n: usize, rng: &mut ChaCha20Rng) -> Vec<VaultKeypair> {
    (0..n).map(|_| VaultKeypair::generate(params, rng)).collect()
}

fn context(purpose: Purpose) -> Context {
    Context::new(b"project", b"github:123456789", purpose, [9; 32]).unwrap()
}

#[test]
fn deploy_key_round_trip_every_vault_count() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let ctx = context(Purpose::DeployKey);
    for v in 1..=8 {
        let vaults = vaults(params, v, &mut rng);
        let publics: Vec<_> = vaults.iter().map(|k| *k.public()).collect();
        let key = DeployKey::generate(&mut rng);
        let sealed = seal_deploy_key(params, &publics, &ctx, &key, &mut rng).unwrap();
        sealed.verify(params, &ctx, &mut rng).unwrap();
        let decoded = SealedDeployKey::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(decoded, sealed);
        assert_eq!(decoded.deploy_public_key().to_bytes(), key.public_key().to_bytes());
        for vault in &vaults {
            let opened = vault.open_deploy_key(params, &decoded, &ctx, &mut rng).unwrap();
            assert_eq!(opened, key);
        }
    }
}

#[test]
fn secret_round_trip_every_length() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let ctx = context(Purpose::Secret);
    let vaults = vaults(params, 2, &mut rng);
    let publics: Vec<_> = vaults.iter().map(|k| *k.public()).collect();
    for len in 1..=128usize {
        let secret: Vec<u8> = (0..len).map(|i| ((i * 37 + len) % 256) as u8).collect();
        let sealed = seal_secret(params, &publics, &ctx, &secret, &mut rng).unwrap();
        let decoded = SealedSecret::from_bytes(&sealed.to_bytes()).unwrap();
        assert_eq!(decoded.payload_len(), len);
        for vault in &vaults {
            let opened = vault.open_secret(params, &decoded, &ctx, &mut rng).unwrap();
            assert_eq!(opened.as_bytes(), &secret[..]);
        }
    }
}

#[test]
fn extreme_deploy_key_scalars() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let ctx = context(Purpose::DeployKey);
    let vault = VaultKeypair::generate(params, &mut rng);
    for s in [Scalar::ONE, -Scalar::ONE, Scalar::random(&mut rng)] {
        let key = DeployKey::from_bytes(s.as_bytes()).unwrap();
        let sealed = seal_deploy_key(params, &[*vault.public()], &ctx, &key, &mut rng).unwrap();
        assert_eq!(vault.open_deploy_key(params, &sealed, &ctx, &mut rng).unwrap(), key);
    }
}

/// Chunk values at both ends of the range: all-0x00 and all-0xff secrets
/// (every chunk 0 or 2¹⁶ − 1) of odd and even lengths, and the same to 1..=8
/// vaults.
#[test]
fn secrets_of_all_zero_and_all_ff_bytes() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let ctx = context(Purpose::Secret);
    let all_vaults = vaults(params, 8, &mut rng);
    let publics: Vec<_> = all_vaults.iter().map(|k| *k.public()).collect();
    for byte in [0x00u8, 0xff] {
        for len in [1usize, 2, 3, 31, 32, 33, 127, 128] {
            let secret = vec![byte; len];
            let sealed = seal_secret(params, &publics[..3], &ctx, &secret, &mut rng).unwrap();
            let decoded = SealedSecret::from_bytes(&sealed.to_bytes()).unwrap();
            assert_eq!(decoded, sealed);
            for vault in &all_vaults[..3] {
                let opened = vault.open_secret(params, &decoded, &ctx, &mut rng).unwrap();
                assert_eq!(opened.as_bytes(), &secret[..], "{byte:#04x} × {len}");
            }
        }
        for v in 1..=8 {
            let secret = vec![byte; 5];
            let sealed = seal_secret(params, &publics[..v], &ctx, &secret, &mut rng).unwrap();
            assert_eq!(sealed.recipients().len(), v);
            let decoded = SealedSecret::from_bytes(&sealed.to_bytes()).unwrap();
            for vault in &all_vaults[..v] {
                let opened = vault.open_secret(params, &decoded, &ctx, &mut rng).unwrap();
                assert_eq!(opened.as_bytes(), &secret[..], "{byte:#04x}, {v} vaults");
            }
        }
    }
}

/// Recipients are listed sorted by key whatever order the sealer gave, and
/// the item verifies and opens either way.
#[test]
fn recipients_are_sorted_whatever_the_input_order() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let ctx = context(Purpose::DeployKey);
    let vaults = vaults(params, 4, &mut rng);
    let mut publics: Vec<_> = vaults.iter().map(|k| *k.public()).collect();
    let key = DeployKey::generate(&mut rng);
    let mut sorted: Vec<[u8; 32]> = publics.iter().map(|p| p.sealing_key_bytes()).collect();
    sorted.sort();
    for _ in 0..3 {
        publics.rotate_left(1);
        let sealed = seal_deploy_key(params, &publics, &ctx, &key, &mut rng).unwrap();
        assert_eq!(sealed.recipients().collect::<Vec<_>>(), sorted);
        for vault in &vaults {
            assert_eq!(vault.open_deploy_key(params, &sealed, &ctx, &mut rng).unwrap(), key);
        }
    }
}

/// Deploy keys whose chunks hit the range ends: `2²⁵² − 1` (every chunk
/// 0xffff but the top one), `2²⁴⁰` (all chunks 0 but one), and random keys
/// to several vaults.
#[test]
fn deploy_keys_with_extreme_chunks() {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let ctx = context(Purpose::DeployKey);
    let vaults = vaults(params, 3, &mut rng);
    let publics: Vec<_> = vaults.iter().map(|k| *k.public()).collect();
    let mut all_ones = [0xffu8; 32];
    all_ones[31] = 0x0f;
    let mut one_chunk = [0u8; 32];
    one_chunk[30] = 1;
    let mut scalars = vec![all_ones, one_chunk];
    scalars.extend((0..3).map(|_| Scalar::random(&mut rng).to_bytes()));
    for s in scalars {
        let key = DeployKey::from_bytes(&s).unwrap();
        let sealed = seal_deploy_key(params, &publics, &ctx, &key, &mut rng).unwrap();
        let decoded = SealedDeployKey::from_bytes(&sealed.to_bytes()).unwrap();
        decoded.verify(params, &ctx, &mut rng).unwrap();
        for vault in &vaults {
            assert_eq!(vault.open_deploy_key(params, &decoded, &ctx, &mut rng).unwrap(), key);
        }
    }
}
