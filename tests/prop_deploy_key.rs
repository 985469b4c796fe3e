//! Properties of deploy-key decoding and OpenSSH lines: total decoders, and
//! accepted input re-encodes identically.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use proptest::prelude::*;
use rand_core::SeedableRng;
use vaultseal::{DeployKey, DeployPublicKey, Error, Object};

fn key_from_seed(seed: u64) -> DeployKey {
    DeployKey::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(seed))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn public_key_decoding_is_total(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        match DeployPublicKey::from_bytes(&bytes) {
            Ok(key) => prop_assert_eq!(key.to_bytes().to_vec(), bytes),
            Err(err) => prop_assert!(
                matches!(err, Error::Decode { what: Object::DeployPublicKey, .. }),
                "{:?}", err
            ),
        }
    }

    #[test]
    fn public_key_32_bytes(bytes in any::<[u8; 32]>()) {
        if let Ok(key) = DeployPublicKey::from_bytes(&bytes) {
            prop_assert_eq!(key.to_bytes(), bytes);
            // Accepted keys export and parse back.
            let line = key.to_openssh("prop").unwrap();
            prop_assert_eq!(DeployPublicKey::from_openssh(&line).unwrap(), key);
        }
    }

    #[test]
    fn secret_key_decoding_is_total(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        match DeployKey::from_bytes(&bytes) {
            Ok(key) => prop_assert_eq!(key.to_bytes().to_vec(), bytes),
            Err(err) => prop_assert!(
                matches!(err, Error::Decode { what: Object::DeployKey, .. }),
                "{:?}", err
            ),
        }
    }

    #[test]
    fn openssh_parsing_is_total(line in any::<String>()) {
        let _ = DeployPublicKey::from_openssh(&line);
    }

    #[test]
    fn openssh_parsing_near_valid_lines(
        seed in any::<u64>(),
        cut in 0usize..120,
        junk in "[ -~\t\r\n]{0,8}",
    ) {
        let line = key_from_seed(seed).public_key().to_openssh("c").unwrap();
        let cut = cut.min(line.len());
        let mutated = format!("{}{}{}", &line[..cut], junk, &line[cut..]);
        let _ = DeployPublicKey::from_openssh(&mutated);
        let _ = DeployPublicKey::from_openssh(&line[..cut]);
    }

    #[test]
    fn openssh_round_trip(seed in any::<u64>(), comment in "[ -~]{0,40}") {
        let key = key_from_seed(seed);
        let public = key.public_key();
        let line = public.to_openssh(&comment).unwrap();
        let with_newline = format!("{line}\n");
        prop_assert_eq!(DeployPublicKey::from_openssh(&line).unwrap(), public);
        prop_assert_eq!(DeployPublicKey::from_openssh(&with_newline).unwrap(), public);
        let fingerprint = public.fingerprint();
        prop_assert!(fingerprint.starts_with("SHA256:"));
        prop_assert_eq!(fingerprint.len(), 50);
    }

    #[test]
    fn signatures_verify(seed in any::<u64>(), message in proptest::collection::vec(any::<u8>(), 0..100)) {
        let key = key_from_seed(seed);
        let signature = key.sign(&message);
        prop_assert!(key.public_key().to_verifying_key().verify_strict(&message, &signature).is_ok());
    }
}
