//! Webhook secrets, generic secrets, and GitHub / GitLab webhook checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use vaultseal::webhook::{verify_github_signature_with_key, verify_gitlab_token_with_key};
use vaultseal::{
    DecodeFailure, Error, InvalidInput, Object, Secret, WebhookSecret, verify_github_signature,
    verify_gitlab_token,
};
use vectors::seeded_rng;

/// GitHub's published example ("Validating webhook deliveries").
const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const GITHUB_PAYLOAD: &str = "Hello, World!";
const GITHUB_SIGNATURE: &str =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

/// The header GitHub would send, computed here with the hmac crate directly.
fn github_header(key: &[u8], body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn header_error(header: &str) -> Error {
    verify_github_signature_with_key(GITHUB_SECRET.as_bytes(), GITHUB_PAYLOAD.as_bytes(), header)
        .unwrap_err()
}

#[test]
fn github_published_example() {
    verify_github_signature_with_key(
        GITHUB_SECRET.as_bytes(),
        GITHUB_PAYLOAD.as_bytes(),
        GITHUB_SIGNATURE,
    )
    .unwrap();
    assert_eq!(
        github_header(GITHUB_SECRET.as_bytes(), GITHUB_PAYLOAD.as_bytes()),
        GITHUB_SIGNATURE
    );
    // One changed byte of body, key or MAC fails verification.
    assert_eq!(
        verify_github_signature_with_key(
            GITHUB_SECRET.as_bytes(),
            b"Hello, World?",
            GITHUB_SIGNATURE
        ),
        Err(Error::Verification)
    );
    assert_eq!(
        verify_github_signature_with_key(
            b"It's a Secret to Everybody!",
            GITHUB_PAYLOAD.as_bytes(),
            GITHUB_SIGNATURE
        ),
        Err(Error::Verification)
    );
    let mut tampered = GITHUB_SIGNATURE.to_string().into_bytes();
    let last = tampered.len() - 1;
    tampered[last] = b'6';
    assert_eq!(header_error(core::str::from_utf8(&tampered).unwrap()), Error::Verification);
}

#[test]
fn github_signature_with_a_webhook_secret() {
    let secret = WebhookSecret::generate(&mut seeded_rng(40));
    let body = br#"{"ref":"refs/heads/main","repository":{"id":123456789}}"#;
    let header = github_header(secret.to_hex().as_bytes(), body);
    verify_github_signature(&secret, body, &header).unwrap();
    assert_eq!(verify_github_signature(&secret, &body[1..], &header), Err(Error::Verification));
    let other = WebhookSecret::generate(&mut seeded_rng(41));
    assert_eq!(verify_github_signature(&other, body, &header), Err(Error::Verification));
    // Keyed by the hex string, not the raw bytes.
    let raw_keyed = github_header(secret.as_bytes(), body);
    assert_eq!(verify_github_signature(&secret, body, &raw_keyed), Err(Error::Verification));
}

#[test]
fn malformed_github_headers_give_typed_errors() {
    let err = |why| Error::Decode { what: Object::WebhookSignature, why };
    let mac = &GITHUB_SIGNATURE["sha256=".len()..];
    for (header, why) in [
        (String::new(), DecodeFailure::Tag),
        (mac.to_string(), DecodeFailure::Tag),
        (format!("sha1={mac}"), DecodeFailure::Tag),
        (format!("SHA256={mac}"), DecodeFailure::Tag),
        (format!("sha256:{mac}"), DecodeFailure::Tag),
        (format!(" sha256={mac}"), DecodeFailure::Tag),
        ("sha256=".to_string(), DecodeFailure::Length),
        (format!("sha256={}", &mac[..63]), DecodeFailure::Length),
        (format!("sha256={mac}0"), DecodeFailure::Length),
        (format!("sha256={mac} "), DecodeFailure::Length),
        (format!("sha256={mac}\n"), DecodeFailure::Length),
        (format!("sha256={}", mac.to_uppercase()), DecodeFailure::NonCanonical),
        (format!("sha256={}g", &mac[..63]), DecodeFailure::NonCanonical),
        (format!("sha256={}", "zz".repeat(32)), DecodeFailure::NonCanonical),
        // 64 bytes, but not 64 hex characters.
        (format!("sha256={}é", &mac[..62]), DecodeFailure::NonCanonical),
    ] {
        assert_eq!(header_error(&header), err(why), "{header:?}");
    }
}

#[test]
fn empty_webhook_keys_are_refused() {
    let header = github_header(b"", b"body");
    assert_eq!(
        verify_github_signature_with_key(b"", b"body", &header),
        Err(Error::InvalidInput { what: InvalidInput::EmptyWebhookKey })
    );
    assert_eq!(
        verify_gitlab_token_with_key(b"", ""),
        Err(Error::InvalidInput { what: InvalidInput::EmptyWebhookKey })
    );
}

#[test]
fn gitlab_token_match_and_mismatch() {
    let secret = WebhookSecret::generate(&mut seeded_rng(42));
    let token = secret.to_hex();
    verify_gitlab_token(&secret, &token).unwrap();
    for wrong in [
        String::new(),
        token[..63].to_string(),
        format!("{}x", token.as_str()),
        token.to_uppercase(),
        format!(" {}", token.as_str()),
        WebhookSecret::generate(&mut seeded_rng(43)).to_hex().to_string(),
    ] {
        assert_eq!(verify_gitlab_token(&secret, &wrong), Err(Error::Verification), "{wrong:?}");
    }
    verify_gitlab_token_with_key(b"my-gitlab-token", "my-gitlab-token").unwrap();
    assert_eq!(
        verify_gitlab_token_with_key(b"my-gitlab-token", "my-gitlab-tokeN"),
        Err(Error::Verification)
    );
    assert_eq!(
        verify_gitlab_token_with_key(b"my-gitlab-token", "my-gitlab"),
        Err(Error::Verification)
    );
}

#[test]
fn webhook_secret_encodings() {
    let secret = WebhookSecret::generate(&mut seeded_rng(44));
    let hex_string = secret.to_hex();
    assert_eq!(hex_string.len(), 64);
    assert_eq!(hex_string.as_str(), hex::encode(secret.as_bytes()));
    assert_eq!(WebhookSecret::from_hex(&hex_string).unwrap(), secret);
    assert_eq!(WebhookSecret::from_bytes(secret.as_bytes()).unwrap(), secret);
    assert_ne!(WebhookSecret::generate(&mut seeded_rng(45)), secret);

    let err = |why| Err(Error::Decode { what: Object::WebhookSecret, why });
    assert_eq!(WebhookSecret::from_bytes(&[7u8; 31]).map(|_| ()), err(DecodeFailure::Length));
    assert_eq!(WebhookSecret::from_bytes(&[7u8; 33]).map(|_| ()), err(DecodeFailure::TrailingData));
    assert_eq!(WebhookSecret::from_hex(&hex_string[..62]).map(|_| ()), err(DecodeFailure::Length));
    assert_eq!(
        WebhookSecret::from_hex(&hex_string.to_uppercase()).map(|_| ()),
        if hex_string.chars().any(|c| c.is_ascii_alphabetic()) {
            err(DecodeFailure::NonCanonical)
        } else {
            Ok(())
        }
    );
    assert_eq!(
        WebhookSecret::from_hex(&"g".repeat(64)).map(|_| ()),
        err(DecodeFailure::NonCanonical)
    );
}

#[test]
fn secret_lengths() {
    assert_eq!(
        Secret::new(b"").map(|_| ()),
        Err(Error::InvalidInput { what: InvalidInput::PayloadLength })
    );
    assert_eq!(
        Secret::new(&[1u8; 129]).map(|_| ()),
        Err(Error::InvalidInput { what: InvalidInput::PayloadLength })
    );
    let one = Secret::new(b"x").unwrap();
    assert_eq!(one.as_bytes(), b"x");
    assert_eq!(one.len(), 1);
    assert!(!one.is_empty());
    let max = Secret::new(&[9u8; 128]).unwrap();
    assert_eq!(max.as_bytes(), &[9u8; 128][..]);
    assert_eq!(Secret::new(b"token").unwrap(), Secret::new(b"token").unwrap());
    assert_ne!(Secret::new(b"token").unwrap(), Secret::new(b"tokem").unwrap());
    assert_ne!(Secret::new(b"token").unwrap(), Secret::new(b"token2").unwrap());
}

#[test]
fn debug_output_is_redacted() {
    let secret = WebhookSecret::generate(&mut seeded_rng(46));
    let text = format!("{secret:?}");
    assert_eq!(text, "WebhookSecret(<redacted>)");
    let token = Secret::new(b"glpat-very-secret-token").unwrap();
    let text = format!("{token:?}");
    assert!(!text.contains("glpat"));
    assert!(text.contains("<redacted>"));
}

#[test]
fn secrets_zeroize() {
    use zeroize::Zeroize as _;
    let mut secret = WebhookSecret::generate(&mut seeded_rng(47));
    assert_ne!(secret.as_bytes(), &[0u8; 32]);
    secret.zeroize();
    assert_eq!(secret.as_bytes(), &[0u8; 32]);
    let mut token = Secret::new(b"token").unwrap();
    token.zeroize();
    // The bytes are overwritten and the vector cleared.
    assert!(token.is_empty());
}
