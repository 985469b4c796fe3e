//! Batch verification of arbitrary bytes: the input is split into items
//! (`u8 kind ‖ u16 length ‖ bytes`, at most 16), pushed encoded, and verified.
//! `verify` never panics, names only pushed indices in increasing order, and
//! agrees item by item with single verification (decode, then `verify`).
//! Kinds (mod 5): sealed deploy key, sealed secret (twice: two purposes),
//! proof of possession (`proof ‖ public key`), project registration (for the
//! known-answer vector's first vault and its two-vault directory, as in
//! `decode_registration`; the seed `valid_mixed` holds one of each).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    BatchVerifier, Context, DeployPublicKey, Error, Params, ProjectRegistration, Purpose,
    SealedDeployKey, SealedSecret, VaultKeyProof, VaultPublicKey,
};

#[path = "common/kat_vaults.rs"]
mod kat_vaults;
use kat_vaults::kat_vaults;

const RECORD: &[u8] = b"fuzz-record";

fn contexts() -> &'static [Context; 3] {
    static CONTEXTS: OnceLock<[Context; 3]> = OnceLock::new();
    CONTEXTS.get_or_init(|| {
        [Purpose::DeployKey, Purpose::WebhookSecret, Purpose::Secret]
            .map(|p| Context::new(b"fuzz", b"github:1", p, [1; 32]).expect("context"))
    })
}

/// One item: its kind byte and bytes.
fn split(mut data: &[u8]) -> Vec<(u8, &[u8])> {
    let mut items = Vec::new();
    while data.len() >= 3 && items.len() < 16 {
        let kind = data[0];
        let len = usize::from(u16::from_le_bytes([data[1], data[2]])).min(data.len() - 3);
        items.push((kind, &data[3..3 + len]));
        data = &data[3 + len..];
    }
    items
}

fn single(params: &Params, kind: u8, bytes: &[u8]) -> Result<(), Error> {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let ctx = &contexts()[usize::from(kind % 3)];
    match kind % 5 {
        0 => SealedDeployKey::from_bytes(bytes)?.verify(params, ctx, &mut rng),
        1 | 2 => SealedSecret::from_bytes(bytes)?.verify(params, ctx, &mut rng),
        4 => {
            let kat = kat_vaults();
            let installed = |_: &str, _: &DeployPublicKey| true;
            ProjectRegistration::from_bytes(bytes)?
                .verify(params, kat.vaults[0].public(), &kat.directory, &installed, &mut rng)
                .map(|_| ())
        }
        _ => {
            let (proof, public) = bytes.split_at(bytes.len().min(64));
            let public = VaultPublicKey::from_bytes(public);
            VaultKeyProof::from_bytes(proof)?.verify(params, &public?, RECORD, &mut rng)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let params = Params::shared();
    let items = split(data);
    let mut batch = BatchVerifier::new(params);
    for &(kind, bytes) in &items {
        let ctx = &contexts()[usize::from(kind % 3)];
        match kind % 5 {
            0 => batch.push_sealed_deploy_key_bytes(bytes, ctx),
            1 | 2 => batch.push_sealed_secret_bytes(bytes, ctx),
            4 => {
                let kat = kat_vaults();
                batch.push_registration_bytes(bytes, kat.vaults[0].public(), &kat.directory)
            }
            _ => {
                let (proof, public) = bytes.split_at(bytes.len().min(64));
                batch.push_vault_key_proof_bytes(proof, public, RECORD)
            }
        };
    }
    let result = batch.verify(&mut ChaCha20Rng::seed_from_u64(1));
    let invalid = result.err().map(|e| e.invalid().to_vec()).unwrap_or_default();
    assert!(invalid.windows(2).all(|w| w[0].0 < w[1].0));
    for (n, &(kind, bytes)) in items.iter().enumerate() {
        let expected = single(params, kind, bytes).err();
        let named = invalid.iter().find(|(i, _)| *i == n).map(|(_, e)| *e);
        assert_eq!(named, expected, "item {n}");
    }
});
