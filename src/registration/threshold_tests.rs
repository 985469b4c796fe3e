//! Threshold registrations (version 2, SPEC §13): built, encoded, verified
//! by every recipient, opened share by share and combined; every §13 check
//! of a dealing inside a registration (its threshold, recipients, key and
//! context) fails with its own error; the version's own signature label;
//! version 1 and 2 are opened each its own way.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use alloc::format;
use alloc::vec::Vec;

use ed25519_dalek::{Signer, SigningKey};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::wire::signed_message;
use super::*;
use crate::error::{DecodeFailure, Object, RegistrationFailure};
use crate::params::Params;
use crate::selection::{VaultFields, VaultRecord};
use crate::threshold::{KeyShare, combine_shares, seal_new_deploy_key_shares};
use crate::vault::VaultKeypair;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

struct World {
    vaults: Vec<VaultKeypair>,
    directory: Vec<VaultRecord>,
    owner: SigningKey,
}

fn world() -> World {
    let params = Params::shared();
    let mut r = rng(1);
    let vaults: Vec<VaultKeypair> =
        (0..4).map(|_| VaultKeypair::generate(params, &mut r)).collect();
    let directory = vaults
        .iter()
        .enumerate()
        .map(|(i, vault)| {
            let fields = VaultFields::new("eu-west", &format!("vault-{i}.example"), 1, 0).unwrap();
            VaultRecord::new(vault, fields, &mut r)
        })
        .collect();
    World { vaults, directory, owner: SigningKey::from_bytes(&[5; 32]) }
}

impl World {
    fn recipients(&self, n: usize) -> Vec<VaultPublicKey> {
        self.vaults[..n].iter().map(|v| *v.public()).collect()
    }

    fn build(&self, n: usize, threshold: Option<usize>) -> Result<NewRegistration, Error> {
        let builder = ProjectRegistration::builder(&self.owner, "shared")
            .recipients(&self.recipients(n))
            .repositories("github:1", "github:2")
            .timestamp(1_700_000_000);
        let builder = match threshold {
            Some(t) => builder.threshold(t),
            None => builder,
        };
        builder.build(Params::shared(), &mut rng(2))
    }

    fn verify(
        &self,
        registration: &ProjectRegistration,
        vault: usize,
    ) -> Result<VerifiedRegistration, Error> {
        let yes = |_: &str, _: &DeployPublicKey| true;
        let public = self.vaults[vault].public();
        registration.verify(Params::shared(), public, &self.directory, &yes, &mut rng(3))
    }

    /// Sign `registration` again after a change (as its owner).
    fn resign(&self, registration: &mut ProjectRegistration) {
        let mut body = Vec::new();
        registration.write_body(&mut body);
        registration.signature = self.owner.sign(&signed_message(&body));
        registration.id = registration_id(&registration.to_bytes());
    }
}

fn refused(result: Result<impl fmt::Debug, Error>) -> RegistrationFailure {
    match result {
        Err(Error::Registration { why }) => why,
        other => panic!("expected a registration error, got {other:?}"),
    }
}

#[test]
fn a_two_of_three_registration_is_verified_by_all_opened_share_by_share_and_combined() {
    let w = world();
    let new = w.build(3, Some(2)).unwrap();
    let registration = new.registration();
    assert_eq!((registration.version(), registration.threshold()), (2, Some(2)));
    let bytes = registration.to_bytes();
    assert_eq!(bytes[0], THRESHOLD_REGISTRATION_VERSION);
    let decoded = ProjectRegistration::from_bytes(&bytes).unwrap();
    assert_eq!(&decoded, registration);
    assert_eq!(decoded.to_bytes(), bytes);

    let params = Params::shared();
    let mut shares: [Vec<_>; 2] = [Vec::new(), Vec::new()];
    for vault in 0..3 {
        let verified = w.verify(&decoded, vault).unwrap();
        assert_eq!(verified.threshold(), Some(2));
        assert_eq!(
            refused(verified.open(params, &w.vaults[vault])),
            RegistrationFailure::OpeningMode
        );
        let opened = verified.open_shares(params, &w.vaults[vault]).unwrap();
        for (position, (setup, share)) in
            new.repositories().iter().zip(opened.repositories()).enumerate()
        {
            assert_eq!(share.role(), setup.role());
            assert_eq!(share.webhook_secret(), setup.webhook_secret());
            assert_eq!(share.key_share().deploy_public_key(), setup.deploy_public_key());
            assert_eq!(share.key_share().threshold(), 2);
            shares[position].push(KeyShare::from_bytes(&share.key_share().to_bytes()).unwrap());
        }
    }
    for (setup, mut shares) in new.repositories().iter().zip(shares) {
        // Any two of the three recover the installed key; one cannot.
        let key = combine_shares(&shares[1..]).unwrap();
        assert_eq!(key.public_key(), setup.deploy_public_key());
        shares.truncate(1);
        assert!(combine_shares(&shares).is_err());
    }
    // The vault outside the registration is refused.
    assert_eq!(refused(w.verify(&decoded, 3)), RegistrationFailure::NotARecipient);
}

#[test]
fn version_one_keeps_verifying_and_is_not_opened_as_shares() {
    let w = world();
    let new = w.build(2, None).unwrap();
    assert_eq!((new.registration().version(), new.registration().threshold()), (1, None));
    let verified = w.verify(new.registration(), 1).unwrap();
    assert_eq!(verified.threshold(), None);
    let params = Params::shared();
    verified.open(params, &w.vaults[1]).unwrap();
    assert_eq!(
        refused(verified.open_shares(params, &w.vaults[1])),
        RegistrationFailure::OpeningMode
    );
}

#[test]
fn the_builder_refuses_a_threshold_out_of_range() {
    let w = world();
    for (n, t) in [(3, 1), (3, 4), (1, 2)] {
        let result = w.build(n, Some(t)).map(drop);
        assert_eq!(result, Err(Error::input(InvalidInput::Threshold)), "n = {n}, t = {t}");
    }
    w.build(3, Some(3)).unwrap();
}

/// The config repository's dealing replaced (keys and signature made
/// consistent again by the owner) by one with another threshold, to other
/// recipients, or under the code repository's context.
#[test]
fn each_dealing_check_fails_with_its_own_error() {
    let w = world();
    let params = Params::shared();
    let base = w.build(3, Some(2)).unwrap().into_parts().0;
    let config_context = base.item_context(&base.repositories[0], Purpose::DeployKey).unwrap();
    let code_context = base.item_context(&base.repositories[1], Purpose::DeployKey).unwrap();
    let with_dealing = |recipients: &[VaultPublicKey], t: usize, context: &Context| {
        let (public, dealing) =
            seal_new_deploy_key_shares(params, recipients, t, context, &mut rng(4)).unwrap();
        let mut registration = base.clone();
        registration.repositories[0].deploy_public_key = public;
        registration.repositories[0].deploy_key =
            RegisteredDeployKey::Dealt(alloc::boxed::Box::new(dealing));
        w.resign(&mut registration);
        registration
    };
    let config = RepositoryRole::Config;

    let honest = with_dealing(&w.recipients(3), 2, &config_context);
    w.verify(&honest, 0).unwrap();

    let other_t = with_dealing(&w.recipients(3), 3, &config_context);
    assert_eq!(
        refused(w.verify(&other_t, 0)),
        RegistrationFailure::ThresholdMismatch { role: config }
    );
    let mut others = w.recipients(2);
    others.push(*w.vaults[3].public());
    let other_vaults = with_dealing(&others, 2, &config_context);
    assert_eq!(
        refused(w.verify(&other_vaults, 0)),
        RegistrationFailure::RecipientMismatch { role: config, purpose: Purpose::DeployKey }
    );
    let moved = with_dealing(&w.recipients(3), 2, &code_context);
    assert_eq!(
        refused(w.verify(&moved, 0)),
        RegistrationFailure::ItemProof { role: config, purpose: Purpose::DeployKey }
    );
    // The deploy public key must be the dealing's A.
    let mut mismatch = honest.clone();
    mismatch.repositories[0].deploy_public_key = base.repositories[0].deploy_public_key;
    w.resign(&mut mismatch);
    assert_eq!(
        refused(w.verify(&mismatch, 0)),
        RegistrationFailure::DeployKeyMismatch { role: config }
    );
}

#[test]
fn version_two_signs_under_its_own_label_and_decodes_its_threshold_strictly() {
    let w = world();
    let registration = w.build(3, Some(2)).unwrap().into_parts().0;
    // Signed under the version 1 label: refused.
    let mut body = Vec::new();
    registration.write_body(&mut body);
    let mut v1_label = registration.clone();
    v1_label.signature = w.owner.sign(&[labels::REGISTRATION_SIGNATURE, &body].concat());
    assert_eq!(refused(w.verify(&v1_label, 0)), RegistrationFailure::Signature);

    // The threshold byte follows the recipients: 1 + 32 + 1 + 6 + 16 + 8 + 1 + 3·64.
    let bytes = registration.to_bytes();
    let at = 1 + 32 + 1 + "shared".len() + 16 + 8 + 1 + 3 * 64;
    assert_eq!(bytes[at], 2);
    for t in [0u8, 1, 4] {
        let mut changed = bytes.clone();
        changed[at] = t;
        assert_eq!(
            ProjectRegistration::from_bytes(&changed),
            Err(Error::decode(Object::ProjectRegistration, DecodeFailure::Limit)),
            "t = {t}"
        );
    }
    // A version 2 body read as version 1 (and back) does not decode.
    let mut as_v1 = bytes.clone();
    as_v1[0] = REGISTRATION_VERSION;
    assert!(matches!(ProjectRegistration::from_bytes(&as_v1), Err(Error::Decode { .. })));
    let mut unknown = bytes;
    unknown[0] = 3;
    assert_eq!(
        ProjectRegistration::from_bytes(&unknown),
        Err(Error::decode(Object::ProjectRegistration, DecodeFailure::Tag))
    );
}
