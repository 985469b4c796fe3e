//! Batch ≡ single for the items of a `structured::Case` (the check of
//! `batch_structured`).

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    BatchVerifier, Error, Params, ProjectRegistration, SealedDeployKey, SealedSecret,
    VaultKeyProof, VaultPublicKey, verify_registration_bytes,
};

use crate::registration_fixtures::{vaults, yes};
use crate::structured::{Built, Case, pool};

/// Items per input.
const MAX_ITEMS: usize = 4;

/// Single verification of one built item.
fn single(params: &Params, item: &Built, rng: &mut ChaCha20Rng) -> Result<(), Error> {
    let pool = pool();
    match item {
        Built::DeployKey { bytes, context, .. } => {
            SealedDeployKey::from_bytes(bytes)?.verify(params, &pool.contexts[*context], rng)
        }
        Built::Secret { bytes, context, .. } => {
            SealedSecret::from_bytes(bytes)?.verify(params, &pool.contexts[*context], rng)
        }
        Built::KeyProof { proof, public, record, .. } => {
            let public = VaultPublicKey::from_bytes(public);
            VaultKeyProof::from_bytes(proof)?.verify(params, &public?, &pool.records[*record], rng)
        }
        Built::Registration { bytes, vault, .. } => {
            let v = vaults();
            ProjectRegistration::from_bytes(bytes)?
                .verify(params, v.public(*vault), &v.directory, &yes, rng)
                .map(|_| ())
        }
    }
}

/// Decoded forms of the items that asked to be pushed decoded.
enum Decoded {
    DeployKey(SealedDeployKey),
    Secret(SealedSecret),
    KeyProof(VaultKeyProof, VaultPublicKey),
    Registration(ProjectRegistration),
}

fn decode(item: &Built) -> Option<Decoded> {
    if !item.push_decoded() {
        return None;
    }
    match item {
        Built::DeployKey { bytes, .. } => {
            SealedDeployKey::from_bytes(bytes).ok().map(Decoded::DeployKey)
        }
        Built::Secret { bytes, .. } => SealedSecret::from_bytes(bytes).ok().map(Decoded::Secret),
        Built::KeyProof { proof, public, .. } => {
            let proof = VaultKeyProof::from_bytes(proof).ok()?;
            let public = VaultPublicKey::from_bytes(public).ok()?;
            Some(Decoded::KeyProof(proof, public))
        }
        Built::Registration { bytes, .. } => {
            ProjectRegistration::from_bytes(bytes).ok().map(Decoded::Registration)
        }
    }
}

/// Build the case's items, verify them in one batch and one by one, and
/// check that the verdicts agree item by item (panics if not).
pub fn check(case: &Case) {
    let params = Params::shared();
    let pool = pool();
    let v = vaults();
    let items: Vec<Built> =
        case.items.iter().take(MAX_ITEMS).map(|item| item.build(pool)).collect();
    let decoded: Vec<Option<Decoded>> = items.iter().map(decode).collect();

    let mut batch = BatchVerifier::new(params);
    for (item, decoded) in items.iter().zip(&decoded) {
        match (item, decoded) {
            (Built::DeployKey { context, .. }, Some(Decoded::DeployKey(sealed))) => {
                batch.push_sealed_deploy_key(sealed, &pool.contexts[*context])
            }
            (Built::DeployKey { bytes, context, .. }, _) => {
                batch.push_sealed_deploy_key_bytes(bytes, &pool.contexts[*context])
            }
            (Built::Secret { context, .. }, Some(Decoded::Secret(sealed))) => {
                batch.push_sealed_secret(sealed, &pool.contexts[*context])
            }
            (Built::Secret { bytes, context, .. }, _) => {
                batch.push_sealed_secret_bytes(bytes, &pool.contexts[*context])
            }
            (Built::KeyProof { record, .. }, Some(Decoded::KeyProof(proof, public))) => {
                batch.push_vault_key_proof(proof, public, &pool.records[*record])
            }
            (Built::KeyProof { proof, public, record, .. }, _) => {
                batch.push_vault_key_proof_bytes(proof, public, &pool.records[*record])
            }
            (Built::Registration { vault, .. }, Some(Decoded::Registration(registration))) => {
                batch.push_registration(registration, v.public(*vault), &v.directory)
            }
            (Built::Registration { bytes, vault, .. }, _) => {
                batch.push_registration_bytes(bytes, v.public(*vault), &v.directory)
            }
        };
    }
    let result = batch.verify(&mut ChaCha20Rng::seed_from_u64(u64::from(case.weights)));
    let invalid = result.err().map(|e| e.invalid().to_vec()).unwrap_or_default();
    assert!(invalid.windows(2).all(|w| w[0].0 < w[1].0), "named in order, once");
    assert!(invalid.iter().all(|(i, _)| *i < items.len()), "only pushed indices");

    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mut singles = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        let expected = single(params, item, &mut rng).err();
        if item.pristine() {
            assert_eq!(expected, None, "item {n}: an unmutated valid item verifies");
        }
        let named = invalid.iter().find(|(i, _)| *i == n).map(|(_, e)| *e);
        assert_eq!(named, expected, "item {n}: batch verdict ≠ single verdict");
        singles.push(expected);
    }

    // The registrations again, per verifying vault, through
    // `verify_registration_bytes` (decode, then one batch of those that
    // decode).
    for vault in 0..v.keys.len() {
        let (encodings, expected): (Vec<&[u8]>, Vec<Option<Error>>) = items
            .iter()
            .zip(&singles)
            .filter_map(|(item, single)| match item {
                Built::Registration { bytes, vault: w, .. } if *w == vault => {
                    Some((bytes.as_slice(), *single))
                }
                _ => None,
            })
            .unzip();
        if encodings.is_empty() {
            continue;
        }
        let results = verify_registration_bytes(
            params,
            &encodings,
            v.public(vault),
            &v.directory,
            &yes,
            &mut ChaCha20Rng::seed_from_u64(9),
        );
        let got: Vec<Option<Error>> = results.iter().map(|r| r.as_ref().err().copied()).collect();
        assert_eq!(got, expected, "verify_registration_bytes ≠ single verification");
    }
}
