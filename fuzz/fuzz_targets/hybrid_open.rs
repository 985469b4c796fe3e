//! Hybrid envelopes: decoding never panics, accepted envelopes re-encode to
//! the same bytes, and opening arbitrary bytes is an error (never a panic,
//! never a plaintext: the fuzzer cannot forge the key commitment and AEAD).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use vaultseal::{Context, Params, Purpose, VaultKeypair, hybrid};

fn vault() -> &'static (VaultKeypair, Context) {
    static VAULT: OnceLock<(VaultKeypair, Context)> = OnceLock::new();
    VAULT.get_or_init(|| {
        let params = Params::shared();
        let vault = VaultKeypair::from_seed(params, &[7; 32]).expect("seed");
        let context =
            Context::new(b"fuzz", b"github:1", Purpose::Secret, [1; 32]).expect("context");
        (vault, context)
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = hybrid::Envelope::from_bytes(data) {
        assert_eq!(envelope.to_bytes(), data);
    }
    let (vault, context) = vault();
    assert!(hybrid::open_bytes(vault, data, context, b"").is_err());
});
