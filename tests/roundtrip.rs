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
    for s in [Scalar::ONE, -Scalar::ONE] {
        let key = DeployKey::from_bytes(s.as_bytes()).unwrap();
        let sealed = seal_deploy_key(params, &[*vault.public()], &ctx, &key, &mut rng).unwrap();
        assert_eq!(vault.open_deploy_key(params, &sealed, &ctx, &mut rng).unwrap(), key);
    }
}
