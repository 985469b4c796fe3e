//! The vaults and directory of the registration known-answer vector
//! (`tests/kat/registration.rs`), shared by the targets that verify
//! registrations: mutants of that vector's encoding then run every check.

use std::sync::OnceLock;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{Params, VaultFields, VaultKeypair, VaultRecord};

/// The KAT's two vaults and their directory records.
pub struct KatVaults {
    pub vaults: Vec<VaultKeypair>,
    pub directory: Vec<VaultRecord>,
}

/// Built once per process.
pub fn kat_vaults() -> &'static KatVaults {
    static SETUP: OnceLock<KatVaults> = OnceLock::new();
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
        KatVaults { vaults, directory }
    })
}
