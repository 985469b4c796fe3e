//! The main job: the project-creation flow of a decentralized cloud, end to
//! end, with the time each step takes.
//!
//! ```sh
//! cargo run --release --example quickstart
//! ```
//!
//! Vault nodes publish keys with proofs of possession; a user picks a vault,
//! creates a deploy key and a webhook secret for a repository, seals both to
//! the vault with zero-knowledge proofs (and a larger config blob with the
//! hybrid mode); the vault verifies, opens, and uses what it opened.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use core::time::Duration;
use std::time::Instant;

use rand_core::UnwrapErr;
use vaultseal::{
    Context, DeployKey, Params, Purpose, SealedDeployKey, SealedSecret, VaultKeyProof,
    VaultKeypair, WebhookSecret, hybrid, seal_deploy_key, seal_secret, verify_github_signature,
};

/// Run `f`, print `what` with its duration, return its result.
fn step<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    report(what, start.elapsed());
    out
}

fn report(what: &str, elapsed: Duration) {
    println!("  {:<62} {:>10.3} ms", what, elapsed.as_secs_f64() * 1e3);
}

fn main() -> Result<(), vaultseal::Error> {
    // The library never reaches for the OS: the caller brings the CSPRNG.
    let mut rng = UnwrapErr(getrandom::SysRng);
    println!("vaultseal quickstart\n");

    println!("1. public parameters");
    let params = step("derive generators (Params::new, once per process)", Params::new);

    println!("\n2. three vault nodes publish their keys with proofs of possession");
    let regions = ["eu-west", "us-east", "ap-south"];
    let vaults: Vec<(VaultKeypair, Vec<u8>, VaultKeyProof)> = regions
        .iter()
        .enumerate()
        .map(|(i, region)| {
            let record = format!("region={region};endpoint=vault-{i}.example;epoch=1").into_bytes();
            let vault = step(&format!("vault {i} ({region}): generate keys"), || {
                VaultKeypair::generate(&params, &mut rng)
            });
            let proof = step(&format!("vault {i}: prove possession of its key"), || {
                VaultKeyProof::prove(&vault, &record, &mut rng)
            });
            (vault, record, proof)
        })
        .collect();

    println!("\n3. the user checks every proof of possession and picks a vault");
    for (i, (vault, record, proof)) in vaults.iter().enumerate() {
        step(&format!("verify vault {i}'s proof of possession"), || {
            proof.verify(&params, vault.public(), record, &mut rng)
        })?;
    }
    let (vault, _, _) = &vaults[0];
    println!("  picked vault 0 ({})", regions[0]);

    println!("\n4. the user creates a deploy key and a webhook secret for a repository");
    // The project owner's Ed25519 identity (in the registration flow it signs
    // the registration; here it is bound into every sealed item's context).
    let mut owner_seed = [0u8; 32];
    rand_core::Rng::fill_bytes(&mut rng, &mut owner_seed);
    let owner_key = ed25519_dalek::SigningKey::from_bytes(&owner_seed).verifying_key().to_bytes();
    let deploy_key = step("generate the repository's deploy key", || DeployKey::generate(&mut rng));
    let webhook_secret =
        step("generate the repository's webhook secret", || WebhookSecret::generate(&mut rng));
    let line = deploy_key.public_key().to_openssh("vaultseal-deploy").expect("plain comment");
    println!("  deploy key (install on the repository): {line}");
    println!("  fingerprint: {}", deploy_key.public_key().fingerprint());

    println!("\n5. the user seals both to the vault, with zero-knowledge proofs");
    let deploy_ctx =
        Context::new(b"my-project", b"github:123456789", Purpose::DeployKey, owner_key)?;
    let webhook_ctx = deploy_ctx.with_purpose(Purpose::WebhookSecret);
    let recipients = [*vault.public()];
    let sealed_key = step("seal the deploy key (range + validity + key binding)", || {
        seal_deploy_key(&params, &recipients, &deploy_ctx, &deploy_key, &mut rng)
    })?;
    let sealed_secret = step("seal the webhook secret (range + validity)", || {
        seal_secret(&params, &recipients, &webhook_ctx, webhook_secret.as_bytes(), &mut rng)
    })?;
    let key_bytes = sealed_key.to_bytes();
    let secret_bytes = sealed_secret.to_bytes();
    println!(
        "  sealed deploy key: {} bytes, sealed webhook secret: {} bytes",
        key_bytes.len(),
        secret_bytes.len()
    );
    let config = b"functions:\n  - name: hello\n    runtime: wasm\n".repeat(64);
    let config_ctx = deploy_ctx.with_purpose(Purpose::Secret);
    let envelope = step("hybrid-seal a 3 KiB config blob (HPKE + ChaCha20-Poly1305)", || {
        hybrid::seal(&recipients, &config_ctx, b"config.yaml", &config, &mut rng)
    })?;

    println!("\n6. the vault decodes, verifies and opens");
    step("build the vault's decryption table (once per process)", || params.prepare_decryption());
    let sealed_key =
        step("decode the sealed deploy key", || SealedDeployKey::from_bytes(&key_bytes))?;
    let sealed_secret =
        step("decode the sealed webhook secret", || SealedSecret::from_bytes(&secret_bytes))?;
    step("verify the sealed deploy key (all proofs)", || {
        sealed_key.verify(&params, &deploy_ctx, &mut rng)
    })?;
    step("verify the sealed webhook secret", || {
        sealed_secret.verify(&params, &webhook_ctx, &mut rng)
    })?;
    let opened_key = step("open the deploy key (verify, constant-time decrypt)", || {
        vault.open_deploy_key(&params, &sealed_key, &deploy_ctx, &mut rng)
    })?;
    let opened_secret = step("open the webhook secret", || {
        vault.open_webhook_secret(&params, &sealed_secret, &webhook_ctx, &mut rng)
    })?;
    let opened_config = step("open the hybrid envelope", || {
        hybrid::open(vault, &envelope, &config_ctx, b"config.yaml")
    })?;
    assert_eq!(opened_key, deploy_key);
    assert_eq!(opened_secret, webhook_secret);
    assert_eq!(&opened_config[..], &config[..]);
    println!("  the vault holds the same deploy key, webhook secret and config");

    println!("\n7. the vault uses what it opened");
    let signature = step("sign a git-host challenge with the deploy key", || {
        opened_key.sign(b"git-host challenge")
    });
    step("check it verifies under the installed public key", || {
        sealed_key.deploy_public_key().verify(b"git-host challenge", &signature)
    })?;
    let body = br#"{"ref":"refs/heads/main"}"#;
    let header = github_header(&webhook_secret, body);
    step("check a GitHub webhook signature (X-Hub-Signature-256)", || {
        verify_github_signature(&opened_secret, body, &header)
    })?;

    println!("\ndone.");
    Ok(())
}

/// What the git host sends: `sha256=` + hex(HMAC-SHA-256(hex secret, body)).
fn github_header(secret: &WebhookSecret, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.to_hex().as_bytes())
        .expect("any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}
