//! Project registrations: decoding never panics, accepted input re-encodes
//! to the same bytes, and verifying an accepted registration never panics
//! (LESSONS A2: fuzz the verifier, not only the decoder). Registrations are
//! verified for the known-answer vector's vaults against their directory
//! (the seed in `seeds/decode_registration/` is that vector), so mutants of
//! the seed run every check; one that verifies is opened.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{DeployPublicKey, Params, ProjectRegistration};

#[path = "common/kat_vaults.rs"]
mod kat_vaults;
use kat_vaults::kat_vaults;

fuzz_target!(|data: &[u8]| {
    let params = Params::shared();
    let setup = kat_vaults();
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
