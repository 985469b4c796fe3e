//! A project registration to two vaults, from a seeded owner key, vault seeds
//! and RNG, pinned byte for byte in `tests/vectors/registration.json`. The
//! vector is also checked against `docs/PROTOCOL.md` §10 without the crate's
//! registration code: the project id, the signed message and its signature,
//! the registration id, and the four item contexts are re-derived by hand,
//! and each sealed item verifies under its hand-made context. Its encoding
//! is the fuzz seed `fuzz/seeds/decode_registration/kat_registration`
//! (written with the vectors).

use crate::vectors::{check_or_write, seeded_rng};
use ed25519_dalek::{Signature, SigningKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha512_256};
use vaultseal::{
    Context, DeployPublicKey, Params, ProjectRegistration, Purpose, VaultFields, VaultKeypair,
    VaultRecord,
};

const NAME: &str = "kat-project";
const CONFIG_REF: &str = "github:123456789";
const CODE_REF: &str = "github:987654321";
const TIMESTAMP: u64 = 1_700_000_000;

/// `lowercase_hex(SHA-512/256("vaultseal-project-id-v1" ‖ A_o ‖ u8(|name|) ‖ name))`.
fn project_id_by_hand(owner: &[u8; 32], name: &str) -> String {
    let mut hash = Sha512_256::new();
    hash.update(b"vaultseal-project-id-v1");
    hash.update(owner);
    hash.update([u8::try_from(name.len()).unwrap()]);
    hash.update(name.as_bytes());
    hex::encode(hash.finalize())
}

/// The context of `docs/PROTOCOL.md` §10.2.
fn context_by_hand(
    project_id: &str,
    repository: &str,
    role: u8,
    purpose: Purpose,
    owner: [u8; 32],
) -> Context {
    let mut extra = b"vaultseal-registration-context-v1".to_vec();
    extra.push(role);
    Context::new(project_id.as_bytes(), repository.as_bytes(), purpose, owner)
        .unwrap()
        .with_extra(&extra)
        .unwrap()
}

#[test]
fn registration_vectors() {
    let params = Params::new();
    let vault_seeds = [0x71u8, 0x72];
    let vaults: Vec<VaultKeypair> =
        vault_seeds.iter().map(|s| VaultKeypair::from_seed(&params, &[*s; 32]).unwrap()).collect();
    let directory: Vec<VaultRecord> = vaults
        .iter()
        .zip(["eu-west", "us-east"])
        .map(|(vault, region)| {
            let fields = VaultFields::new(region, "vault.example:4242", 1, 0).unwrap();
            VaultRecord::new(vault, fields, &mut seeded_rng(60))
                .with_network_metrics(900, 1000)
                .unwrap()
        })
        .collect();
    let owner = SigningKey::from_bytes(&[0x0a; 32]);
    let owner_key = owner.verifying_key().to_bytes();
    let publics: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
    let new = ProjectRegistration::builder(&owner, NAME)
        .recipients(&publics)
        .repositories(CONFIG_REF, CODE_REF)
        .timestamp(TIMESTAMP)
        .build(&params, &mut seeded_rng(61))
        .unwrap();
    let bytes = new.registration().to_bytes();

    // The crate: decode, verify for each vault with the setups' keys
    // installed, open.
    let registration = ProjectRegistration::from_bytes(&bytes).unwrap();
    assert_eq!(registration.to_bytes(), bytes);
    let installed = |repo: &str, key: &DeployPublicKey| {
        new.repositories().iter().any(|s| s.repository() == repo && s.deploy_public_key() == *key)
    };
    for vault in &vaults {
        let verified = registration
            .verify(&params, vault.public(), &directory, &installed, &mut seeded_rng(62))
            .unwrap();
        let opened = verified.open(&params, vault).unwrap();
        for (setup, repo) in new.repositories().iter().zip(opened.repositories()) {
            assert_eq!(repo.deploy_key().public_key(), setup.deploy_public_key());
            assert_eq!(repo.webhook_secret(), setup.webhook_secret());
        }
    }

    // By hand (PROTOCOL.md §10): project id, signature, registration id.
    let project_id = project_id_by_hand(&owner_key, NAME);
    assert_eq!(registration.project_id().as_str(), project_id);
    let (body, signature) = bytes.split_at(bytes.len() - 64);
    let mut message = b"vaultseal-registration-v1".to_vec();
    message.extend_from_slice(body);
    let signature = Signature::from_slice(signature).unwrap();
    owner.verifying_key().verify_strict(&message, &signature).unwrap();
    let mut id = Sha512_256::new();
    id.update(b"vaultseal-registration-id-v1");
    id.update(&bytes);
    assert_eq!(hex::encode(registration.registration_id()), hex::encode(id.finalize()));
    // The header fields at their documented offsets.
    assert_eq!(bytes[0], 1);
    assert_eq!(bytes[1..33], owner_key);
    assert_eq!(usize::from(bytes[33]), NAME.len());
    assert_eq!(&bytes[34..34 + NAME.len()], NAME.as_bytes());
    let at = 34 + NAME.len() + 16;
    assert_eq!(bytes[at..at + 8], TIMESTAMP.to_le_bytes());
    assert_eq!(bytes[at + 8], 2);

    // Each item verifies under the context built by hand, and the
    // repository entry's deploy key is the one its sealed key binds.
    let mut contexts = Vec::new();
    for (repo, role) in registration.repositories().iter().zip([1u8, 2]) {
        assert_eq!(repo.role().to_byte(), role);
        let context =
            |purpose| context_by_hand(&project_id, repo.repository(), role, purpose, owner_key);
        let (key_ctx, secret_ctx) = (context(Purpose::DeployKey), context(Purpose::WebhookSecret));
        repo.sealed_deploy_key().unwrap().verify(&params, &key_ctx, &mut seeded_rng(63)).unwrap();
        repo.sealed_webhook_secret().verify(&params, &secret_ctx, &mut seeded_rng(64)).unwrap();
        assert_eq!(repo.deploy_public_key(), repo.sealed_deploy_key().unwrap().deploy_public_key());
        contexts.push(hex::encode(key_ctx.to_bytes()));
        contexts.push(hex::encode(secret_ctx.to_bytes()));
    }

    let setups: Vec<Value> = new
        .repositories()
        .iter()
        .map(|s| {
            json!({
                "role": s.role().to_string(),
                "repository": s.repository(),
                "deploy_public_key": hex::encode(s.deploy_public_key().to_bytes()),
                "openssh": s.deploy_public_key().to_openssh("kat").unwrap(),
                "webhook_secret": &*s.webhook_secret_hex(),
            })
        })
        .collect();
    let actual = json!({
        "owner_seed": hex::encode([0x0au8; 32]),
        "owner_public_key": hex::encode(owner_key),
        "project_name": NAME,
        "project_id": project_id,
        "timestamp": TIMESTAMP,
        "vault_seeds": vault_seeds.iter().map(|s| hex::encode([*s; 32])).collect::<Vec<_>>(),
        "vault_public_keys": publics.iter().map(|p| hex::encode(p.to_bytes())).collect::<Vec<_>>(),
        "vault_records": directory.iter().map(|r| hex::encode(r.to_bytes())).collect::<Vec<_>>(),
        "build_rng_seed": 61,
        "repositories": setups,
        "contexts": contexts,
        "registration_id": hex::encode(registration.registration_id()),
        "registration_len": bytes.len(),
        "registration": hex::encode(&bytes),
    });
    check_or_write("registration", &actual);
    check_or_write_fuzz_seed(&bytes);
}

/// The fuzz seed is the vector's encoding: written with the vectors, and
/// checked against it otherwise.
fn check_or_write_fuzz_seed(bytes: &[u8]) {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/decode_registration");
    let path = dir.join("kat_registration");
    if std::env::var_os("VAULTSEAL_WRITE_VECTORS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, bytes).unwrap();
    } else {
        let stored = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("missing fuzz seed {}: {e}", path.display()));
        assert_eq!(stored, bytes, "fuzz seed differs from the vector");
    }
}
