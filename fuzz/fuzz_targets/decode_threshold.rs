//! Threshold dealings and key shares: decoding never panics, accepted input
//! re-encodes to the same bytes, and verifying an accepted dealing never
//! panics (LESSONS A2). Dealings are verified under the known-answer
//! vector's context (the seed in `seeds/decode_threshold/`), so mutants of
//! the seed run every verification step; a dealing that verifies is opened
//! by the vector's vaults, and their shares go through the `KeyShare`
//! decoder and `combine_shares`. The same input is also decoded as a
//! `KeyShare` (whose decoder re-checks `s_j·B = A_j`) and as a
//! `SealedKeyShare` (a share re-sealed to a combiner; opened by the vaults
//! when it decodes).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::threshold::SealedKeyShare;
use vaultseal::{
    Context, KeyShare, Params, Purpose, ThresholdSealedDeployKey, VaultKeypair, VaultPublicKey,
    combine_shares,
};

struct Setup {
    context: Context,
    vaults: Vec<VaultKeypair>,
    recipients: Vec<VaultPublicKey>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let params = Params::shared();
        let context =
            Context::new(b"kat-project", b"github:123456789", Purpose::DeployKey, [0x11; 32])
                .expect("context");
        let vaults: Vec<VaultKeypair> = [0x61u8, 0x62, 0x63]
            .iter()
            .map(|s| VaultKeypair::from_seed(params, &[*s; 32]).expect("seed"))
            .collect();
        let recipients = vaults.iter().map(|v| *v.public()).collect();
        Setup { context, vaults, recipients }
    })
}

fuzz_target!(|data: &[u8]| {
    let params = Params::shared();
    let setup = setup();
    let mut rng = ChaCha20Rng::seed_from_u64(0);
    if let Ok(dealing) = ThresholdSealedDeployKey::from_bytes(data) {
        assert_eq!(dealing.to_bytes(), data);
        if dealing.verify(params, &setup.context, &mut rng).is_ok() {
            let mut shares = Vec::new();
            for vault in &setup.vaults {
                let opened = vault.open_deploy_key_share(
                    params,
                    &dealing,
                    &setup.context,
                    &setup.recipients,
                    &mut rng,
                );
                if let Ok(share) = opened {
                    let again = KeyShare::from_bytes(&share.to_bytes()).expect("a share re-decodes");
                    shares.push(again);
                }
            }
            if let Ok(key) = combine_shares(&shares) {
                assert_eq!(key.public_key(), dealing.deploy_public_key());
            }
        }
    }
    if let Ok(share) = KeyShare::from_bytes(data) {
        assert_eq!(&share.to_bytes()[..], data);
    }
    if let Ok(sealed) = SealedKeyShare::from_bytes(data) {
        assert_eq!(sealed.to_bytes(), data);
        for vault in &setup.vaults {
            let _ = vault.open_key_share(params, &sealed, &mut rng);
        }
    }
});
