//! Project registrations: decoding never panics, accepted input re-encodes
//! to the same bytes, and verifying an accepted registration never panics
//! (LESSONS A2: fuzz the verifier, not only the decoder). Registrations are
//! verified for the known-answer vector's vaults against their directory
//! (the seed in `seeds/decode_registration/` is that vector), so mutants of
//! the seed run every check; one that verifies is opened.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    DeployPublicKey, Params, ProjectRegistration, VaultFields, VaultKeypair, VaultRecord,
};

struct Setup {
    vaults: Vec<VaultKeypair>,
    directory: Vec<VaultRecord>,
}

/// The vaults and directory of `tests/kat/registration.rs`.
fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let params = Params::shared();
        let vaults: Vec<VaultKeypair> = [0x71u8, 0x72]
            .iter()
            .map(|s| VaultKeypair::from_seed(params, &[*s; 32]).expect("seed"))
            .collect();
        let directory = vaults
            .iter()
            .zip(["eu-west", "us-east"])
            .map(|(vault, region)| {
                let fields = VaultFields::new(region, "vault.example:4242", 1, 0).expect("fields");
                VaultRecord::new(vault, fields, &mut ChaCha20Rng::seed_from_u64(60))
                    .with_network_metrics(900, 1000)
                    .expect("metrics")
            })
            .collect();
        Setup { vaults, directory }
    })
}

fuzz_target!(|data: &[u8]| {
    let params = Params::shared();
    let setup = setup();
    let mut rng = ChaCha20Rng::seed_from_u64(0);
    if let Ok(registration) = ProjectRegistration::from_bytes(data) {
        assert_eq!(registration.to_bytes(), data);
        let installed = |_: &str, _: &DeployPublicKey| true;
        for vault in &setup.vaults {
            let verified =
                registration.verify(params, vault.public(), &setup.directory, &installed, &mut rng);
            if let Ok(verified) = verified {
                let _ = verified.open(params, vault);
            }
        }
    }
});
