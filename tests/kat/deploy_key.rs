//! Deploy keys and webhook secrets: a seeded key's public key, OpenSSH line,
//! fingerprint and signature; a seeded webhook secret's hex string and a
//! GitHub signature header.
//!
//! The stored values were cross-checked outside Rust when first written:
//! `deploy_public_key = s·B` with a pure-Python edwards25519 multiplication
//! (RFC 8032 §5.1 formulas), the fingerprint with `ssh-keygen -l -f` on the
//! `openssh_line` (OpenSSH 9.2p1), the signature with OpenSSL's Ed25519
//! verifier (Python `cryptography`), and the GitHub header with Python's
//! `hmac` keyed by `webhook_secret_string`.

use crate::vectors::{check_or_write, seeded_rng};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;
use vaultseal::{DeployKey, DeployPublicKey, WebhookSecret, verify_github_signature};

#[test]
fn deploy_key_vectors() {
    let key = DeployKey::generate(&mut seeded_rng(7));
    let public = key.public_key();
    let comment = "vaultseal kat";
    let line = public.to_openssh(comment).unwrap();
    let message = b"vaultseal deploy key known-answer message";
    let signature = key.sign(message);
    public.verify(message, &signature).unwrap();
    assert_eq!(DeployPublicKey::from_openssh(&line).unwrap(), public);

    let webhook = WebhookSecret::generate(&mut seeded_rng(8));
    let body = br#"{"zen":"Keep it logically awesome."}"#;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(webhook.to_hex().as_bytes()).unwrap();
    mac.update(body);
    let header = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    verify_github_signature(&webhook, body, &header).unwrap();

    let actual = json!({
        "deploy_key_rng_seed": 7,
        "deploy_key_scalar": hex::encode(*key.to_bytes()),
        "deploy_public_key": hex::encode(public.to_bytes()),
        "openssh_comment": comment,
        "openssh_line": line,
        "openssh_blob": hex::encode(public.to_openssh_blob()),
        "fingerprint": public.fingerprint(),
        "message": hex::encode(message),
        "signature": hex::encode(signature.to_bytes()),
        "webhook_secret_rng_seed": 8,
        "webhook_secret": hex::encode(webhook.as_bytes()),
        "webhook_secret_string": webhook.to_hex().as_str(),
        "github_body": hex::encode(body),
        "github_signature_header": header,
    });
    check_or_write("deploy_key", &actual);
}
