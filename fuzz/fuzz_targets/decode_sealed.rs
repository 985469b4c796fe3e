//! Sealed deploy keys and sealed secrets: decoding never panics, accepted
//! input re-encodes to the same bytes, and verifying an accepted item never
//! panics (LESSONS A2: fuzz the verifier, not only the decoder). Items are
//! verified under the contexts of the known-answer vectors (the seeds in
//! `seeds/decode_sealed/`), so mutants of the seeds run every verification
//! step; an item that verifies is opened by the vectors' vaults.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{Context, Params, Purpose, SealedDeployKey, SealedSecret, VaultKeypair};

struct Setup {
    deploy: Context,
    secrets: [Context; 2],
    vaults: Vec<VaultKeypair>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let params = Params::shared();
        let deploy =
            Context::new(b"kat-project", b"github:123456789", Purpose::DeployKey, [0x11; 32])
                .expect("context");
        let secret = Context::new(b"kat-project", b"github:987654321", Purpose::Secret, [0x22; 32])
            .expect("context")
            .with_extra(b"kat")
            .expect("extra");
        let webhook = secret.with_purpose(Purpose::WebhookSecret);
        let vaults = [0x31u8, 0x41, 0x42, 0x43, 0x51, 0x52]
            .iter()
            .map(|s| VaultKeypair::from_seed(params, &[*s; 32]).expect("seed"))
            .collect();
        Setup { deploy, secrets: [secret, webhook], vaults }
    })
}

fuzz_target!(|data: &[u8]| {
    let params = Params::shared();
    let setup = setup();
    let mut rng = ChaCha20Rng::seed_from_u64(0);
    if let Ok(item) = SealedDeployKey::from_bytes(data) {
        assert_eq!(item.to_bytes(), data);
        if item.verify(params, &setup.deploy, &mut rng).is_ok() {
            for vault in &setup.vaults {
                let _ = vault.open_deploy_key(params, &item, &setup.deploy, &mut rng);
            }
        }
    }
    if let Ok(item) = SealedSecret::from_bytes(data) {
        assert_eq!(item.to_bytes(), data);
        for context in &setup.secrets {
            if item.verify(params, context, &mut rng).is_ok() {
                for vault in &setup.vaults {
                    let _ = vault.open_secret(params, &item, context, &mut rng);
                }
            }
        }
    }
});
