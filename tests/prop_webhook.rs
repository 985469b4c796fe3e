//! Properties of webhook checks: header parsing is total, and only the right
//! MAC or token verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use hmac::{Hmac, KeyInit, Mac};
use proptest::prelude::*;
use sha2::Sha256;
use vaultseal::webhook::{verify_github_signature_with_key, verify_gitlab_token_with_key};
use vaultseal::{Error, Object};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn github_header_parsing_is_total(header in any::<String>(), body in any::<Vec<u8>>()) {
        match verify_github_signature_with_key(b"key", &body, &header) {
            Ok(()) => prop_assert!(false, "a random header verified"),
            Err(Error::Verification) => prop_assert!(header.starts_with("sha256=") && header.len() == 71),
            Err(Error::Decode { what: Object::WebhookSignature, .. }) => {}
            Err(other) => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn github_well_formed_header(key in proptest::collection::vec(any::<u8>(), 1..80), body in any::<Vec<u8>>(), flip in 0usize..64) {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
        mac.update(&body);
        let hex = hex::encode(mac.finalize().into_bytes());
        let header = format!("sha256={hex}");
        prop_assert!(verify_github_signature_with_key(&key, &body, &header).is_ok());
        // Change one hex digit: a well-formed header that must not verify.
        let mut wrong = hex.into_bytes();
        wrong[flip] = if wrong[flip] == b'0' { b'1' } else { b'0' };
        let wrong = format!("sha256={}", String::from_utf8(wrong).unwrap());
        prop_assert_eq!(verify_github_signature_with_key(&key, &body, &wrong), Err(Error::Verification));
    }

    #[test]
    fn gitlab_tokens(key in "[ -~]{1,40}", token in "[ -~]{0,40}") {
        let result = verify_gitlab_token_with_key(key.as_bytes(), &token);
        prop_assert_eq!(result.is_ok(), key == token);
        prop_assert!(verify_gitlab_token_with_key(key.as_bytes(), &key).is_ok());
    }
}
