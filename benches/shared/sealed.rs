//! vaultseal's sealed-item benchmarks, shared by `benches/sealed.rs` (the
//! crate's own run) and `benches/peers` (the same code, in one run with the
//! peers, for the ratios of `docs/PERFORMANCE.md`'s targets).
//!
//! Groups: `vaultseal/sealed_{deploy_key,secret}_{seal,verify,decode_verify,open}`,
//! `vaultseal/sealed_deploy_key_open_verified` (opening after a batch),
//! ids `single` (one vault) and `3_vaults`.

use core::hint::black_box;

use criterion::Criterion;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use vaultseal::{
    Context, DeployKey, Params, Purpose, SealedDeployKey, SealedSecret, VaultKeypair,
    VaultPublicKey, seal_deploy_key, seal_secret,
};

/// Vault counts benchmarked, with their criterion ids.
const VAULTS: [(usize, &str); 2] = [(1, "single"), (3, "3_vaults")];

/// The sealed-item benchmarks.
pub fn sealed_benches(c: &mut Criterion) {
    let params = Params::shared();
    params.prepare_decryption();
    let mut rng = ChaCha20Rng::seed_from_u64(0x005E_A1ED);
    let key_ctx =
        Context::new(b"bench-project", b"github:1", Purpose::DeployKey, [3; 32]).expect("context");
    let secret_ctx = key_ctx.with_purpose(Purpose::WebhookSecret);
    let secret = [0xa5u8; 32];

    for (v, id) in VAULTS {
        let vaults: Vec<VaultKeypair> =
            (0..v).map(|_| VaultKeypair::generate(params, &mut rng)).collect();
        let recipients: Vec<VaultPublicKey> = vaults.iter().map(|k| *k.public()).collect();
        let key = DeployKey::generate(&mut rng);
        let sealed_key =
            seal_deploy_key(params, &recipients, &key_ctx, &key, &mut rng).expect("seal");
        let key_bytes = sealed_key.to_bytes();
        let sealed_secret =
            seal_secret(params, &recipients, &secret_ctx, &secret, &mut rng).expect("seal");
        let secret_bytes = sealed_secret.to_bytes();

        c.benchmark_group("vaultseal/sealed_deploy_key_seal").bench_function(id, |b| {
            b.iter(|| seal_deploy_key(params, &recipients, &key_ctx, black_box(&key), &mut rng))
        });
        c.benchmark_group("vaultseal/sealed_deploy_key_verify").bench_function(id, |b| {
            b.iter(|| black_box(&sealed_key).verify(params, &key_ctx, &mut rng).expect("valid"))
        });
        c.benchmark_group("vaultseal/sealed_deploy_key_decode_verify").bench_function(id, |b| {
            b.iter(|| {
                SealedDeployKey::from_bytes(black_box(&key_bytes))
                    .expect("decodes")
                    .verify(params, &key_ctx, &mut rng)
                    .expect("valid")
            })
        });
        c.benchmark_group("vaultseal/sealed_deploy_key_open").bench_function(id, |b| {
            b.iter(|| {
                vaults[0].open_deploy_key(params, &sealed_key, &key_ctx, &mut rng).expect("opens")
            })
        });

        // After a batch: the token opens without verifying again (compare
        // with `sealed_deploy_key_open`, which verifies first).
        let verified = sealed_key.verified(params, &key_ctx, &mut rng).expect("valid");
        c.benchmark_group("vaultseal/sealed_deploy_key_open_verified").bench_function(id, |b| {
            b.iter(|| {
                vaults[0].open_verified_deploy_key(params, black_box(&verified)).expect("opens")
            })
        });

        c.benchmark_group("vaultseal/sealed_secret_seal").bench_function(id, |b| {
            b.iter(|| seal_secret(params, &recipients, &secret_ctx, black_box(&secret), &mut rng))
        });
        c.benchmark_group("vaultseal/sealed_secret_verify").bench_function(id, |b| {
            b.iter(|| {
                black_box(&sealed_secret).verify(params, &secret_ctx, &mut rng).expect("valid")
            })
        });
        c.benchmark_group("vaultseal/sealed_secret_decode_verify").bench_function(id, |b| {
            b.iter(|| {
                SealedSecret::from_bytes(black_box(&secret_bytes))
                    .expect("decodes")
                    .verify(params, &secret_ctx, &mut rng)
                    .expect("valid")
            })
        });
        c.benchmark_group("vaultseal/sealed_secret_open").bench_function(id, |b| {
            b.iter(|| {
                vaults[0].open_secret(params, &sealed_secret, &secret_ctx, &mut rng).expect("opens")
            })
        });
    }
}
