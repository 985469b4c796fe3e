//! Generators, context encoding, vault keys and proofs of possession.

use crate::vectors::{check_or_write, seeded_rng};
use serde_json::json;
use vaultseal::{Context, Params, Purpose, VaultKeyProof, VaultKeypair};

#[test]
fn foundation_vectors() {
    let params = Params::new();
    let owner = [0x11u8; 32];
    let ctx = Context::new(b"kat-project", b"github:123456789", Purpose::DeployKey, owner)
        .unwrap()
        .with_extra(b"extra")
        .unwrap();
    let vault = VaultKeypair::from_seed(&params, &[0x42; 32]).unwrap();
    let record = b"region=eu-west;endpoint=vault-1.example;epoch=1";
    let proof = VaultKeyProof::prove(&vault, record, &mut seeded_rng(1));
    proof.verify(&params, vault.public(), record, &mut seeded_rng(2)).unwrap();
    let actual = json!({
        "context": hex::encode(ctx.to_bytes()),
        "vault_seed": hex::encode([0x42u8; 32]),
        "vault_secret_key": hex::encode(*vault.secret().to_bytes()),
        "vault_public_key": hex::encode(vault.public().to_bytes()),
        "vault_record_fields": hex::encode(record),
        "vault_key_proof_rng_seed": 1,
        "vault_key_proof": hex::encode(proof.to_bytes()),
    });
    check_or_write("foundation", &actual);
}
