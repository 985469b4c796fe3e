//! Seeded sealed items and helpers shared by the sealed-item tests.
#![allow(dead_code, non_snake_case, clippy::cast_possible_truncation)]

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sha2::{Digest, Sha512};
use vaultseal::{
    Context, DeployKey, Error, Params, Purpose, SealedDeployKey, SealedSecret, VaultKeypair,
    VaultPublicKey, seal_deploy_key, seal_secret,
};

use crate::sealed_layout::Kind;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn params() -> &'static Params {
    Params::shared()
}

/// The context every fixture is sealed under (with `purpose`).
pub fn context(purpose: Purpose) -> Context {
    Context::new(b"acme/website", b"github:123456789", purpose, [0x0a; 32]).unwrap()
}

/// `n` vaults from seeds `[seed, seed + 1, …]`.
pub fn vaults(n: usize, seed: u8) -> Vec<VaultKeypair> {
    (0..n)
        .map(|i| VaultKeypair::from_seed(params(), &[seed.wrapping_add(i as u8); 32]).unwrap())
        .collect()
}

pub fn publics(vaults: &[VaultKeypair]) -> Vec<VaultPublicKey> {
    vaults.iter().map(|v| *v.public()).collect()
}

/// A sealed deploy key (with its key and vaults).
pub struct DeployFixture {
    pub vaults: Vec<VaultKeypair>,
    pub key: DeployKey,
    pub context: Context,
    pub sealed: SealedDeployKey,
    pub bytes: Vec<u8>,
}

pub fn deploy_fixture(v: usize, seed: u64) -> DeployFixture {
    let vaults = vaults(v, seed as u8);
    let key = DeployKey::generate(&mut rng(seed));
    let context = context(Purpose::DeployKey);
    let sealed =
        seal_deploy_key(params(), &publics(&vaults), &context, &key, &mut rng(seed + 1)).unwrap();
    let bytes = sealed.to_bytes();
    DeployFixture { vaults, key, context, sealed, bytes }
}

/// A sealed secret (with its payload and vaults).
pub struct SecretFixture {
    pub vaults: Vec<VaultKeypair>,
    pub payload: Vec<u8>,
    pub context: Context,
    pub sealed: SealedSecret,
    pub bytes: Vec<u8>,
}

pub fn secret_fixture(len: usize, v: usize, purpose: Purpose, seed: u64) -> SecretFixture {
    let vaults = vaults(v, seed as u8);
    let payload: Vec<u8> =
        (0..len).map(|i| (i as u8).wrapping_mul(29).wrapping_add(seed as u8)).collect();
    let context = context(purpose);
    let sealed =
        seal_secret(params(), &publics(&vaults), &context, &payload, &mut rng(seed + 1)).unwrap();
    let bytes = sealed.to_bytes();
    SecretFixture { vaults, payload, context, sealed, bytes }
}

/// Decode `bytes` as `kind`, check that an accepted encoding re-encodes
/// identically, and verify it under `context`.
pub fn decode_and_verify(kind: Kind, bytes: &[u8], context: &Context) -> Result<(), Error> {
    let mut rng = rng(0x7e57);
    match kind {
        Kind::Secret => {
            let item = SealedSecret::from_bytes(bytes)?;
            assert_eq!(item.to_bytes(), bytes, "accepted input must re-encode identically");
            item.verify(params(), context, &mut rng)
        }
        Kind::DeployKey => {
            let item = SealedDeployKey::from_bytes(bytes)?;
            assert_eq!(item.to_bytes(), bytes, "accepted input must re-encode identically");
            item.verify(params(), context, &mut rng)
        }
    }
}

/// `H`, derived as documented (`docs/PROTOCOL.md` §1:
/// `from_uniform_bytes(SHA-512("vaultseal-generator-H-v1"))`) and checked
/// against a vault key (`x·Y = H`, with `x` the first half of the secret key
/// encoding), so that tests built on it cannot pass by using a wrong `H`.
pub fn generator_h() -> RistrettoPoint {
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&Sha512::digest(b"vaultseal-generator-H-v1"));
    let H = RistrettoPoint::from_uniform_bytes(&wide);
    let vault = &vaults(1, 0x99)[0];
    let x: [u8; 32] = vault.secret().to_bytes()[..32].try_into().unwrap();
    let x = Scalar::from_canonical_bytes(x).unwrap();
    assert_eq!(x * point(&vault.public().sealing_key_bytes()), H, "H derivation");
    H
}

/// Decompress a ristretto255 encoding known to be valid.
pub fn point(bytes: &[u8; 32]) -> RistrettoPoint {
    CompressedRistretto(*bytes).decompress().expect("a valid encoding")
}

/// Compress a ristretto255 point.
pub fn encode(point: &RistrettoPoint) -> [u8; 32] {
    point.compress().to_bytes()
}

/// The ristretto basepoint `G`.
pub fn generator_g() -> RistrettoPoint {
    curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT
}
