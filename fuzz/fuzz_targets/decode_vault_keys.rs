//! Vault public keys, secret keys, proofs of possession and contexts: decoding
//! never panics, and whatever decodes re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultseal::{Context, VaultKeyProof, VaultPublicKey, VaultSecretKey};

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = VaultPublicKey::from_bytes(data) {
        assert_eq!(&key.to_bytes()[..], data);
    }
    if let Ok(key) = VaultSecretKey::from_bytes(data) {
        assert_eq!(&key.to_bytes()[..], data);
    }
    if let Ok(proof) = VaultKeyProof::from_bytes(data) {
        assert_eq!(&proof.to_bytes()[..], data);
    }
    if let Ok(context) = Context::from_bytes(data) {
        assert_eq!(context.to_bytes(), data);
    }
});
