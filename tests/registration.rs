//! Project registrations (`docs/PROTOCOL.md` §10): the happy path end to
//! end, every way a registration can be wrong rejected with its own error,
//! tampering, decoding errors, builder inputs, and batches of registrations
//! against single verification.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/registration_fixtures.rs"]
mod registration_fixtures;

use hmac::{KeyInit, Mac};
use registration_fixtures::*;
use vaultseal::registration::NewRegistration;
use vaultseal::{
    BatchVerifier, Context, DecodeFailure, DeployKey, Error, InvalidInput, Object, Params,
    ProjectId, ProjectRegistration, Purpose, RegistrationFailure, RepositoryRole, VaultFields,
    VaultKeypair, VaultRecord, VerifiedRegistration, seal_secret, verify_github_signature,
    verify_registration_bytes, verify_registrations,
};

const CONFIG: RepositoryRole = RepositoryRole::Config;
const CODE: RepositoryRole = RepositoryRole::Code;

fn refused(why: RegistrationFailure) -> Error {
    Error::Registration { why }
}

fn decode_error(why: DecodeFailure) -> Error {
    Error::Decode { what: Object::ProjectRegistration, why }
}

/// Verify as vault 0 against the full directory, every key installed.
fn verify(registration: &ProjectRegistration) -> Result<VerifiedRegistration, Error> {
    let v = vaults();
    registration.verify(Params::shared(), v.public(0), &v.directory, &yes, &mut rng(7))
}

/// Decode and verify an encoding.
fn verify_bytes(bytes: &[u8]) -> Result<VerifiedRegistration, Error> {
    verify(&ProjectRegistration::from_bytes(bytes)?)
}

fn github_header(hex_secret: &str, body: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(hex_secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[test]
fn build_encode_decode_verify_open() {
    let params = Params::shared();
    let f = fixtures();
    let v = vaults();
    let new = &f.demo;
    let bytes = new.registration().to_bytes();
    let decoded = ProjectRegistration::from_bytes(&bytes).unwrap();
    assert_eq!(&decoded, new.registration());
    assert_eq!(decoded.to_bytes(), bytes);
    assert_eq!(decoded.registration_id(), new.registration().registration_id());
    assert_eq!(decoded.project_id(), &ProjectId::derive(&alice().verifying_key(), "demo").unwrap());
    assert_eq!(decoded.owner(), &alice().verifying_key());
    assert_eq!(decoded.recipients().len(), 2);

    // The vault asks a git host where exactly the setups' keys are installed.
    let host = git_host(&[new]);
    let verified = decoded.verify(params, v.public(0), &v.directory, &host, &mut rng(8)).unwrap();
    assert_eq!(verified.registration_id(), decoded.registration_id());
    assert_eq!(verified.project_id(), decoded.project_id());
    assert_eq!(verified.config().repository(), CONFIG_REF);
    assert_eq!(verified.code().repository(), CODE_REF);
    assert_eq!(verified.verified_for(), v.public(0));

    for vault in &v.keys[..2] {
        let opened = verified.open(params, vault).unwrap();
        for (setup, repo) in new.repositories().iter().zip(opened.repositories()) {
            assert_eq!(setup.role(), repo.role());
            assert_eq!(setup.repository(), repo.repository());
            // The deploy key the vault holds is the one installed on the host.
            let signature = repo.deploy_key().sign(b"git-upload-pack challenge");
            setup.deploy_public_key().verify(b"git-upload-pack challenge", &signature).unwrap();
            assert_eq!(repo.deploy_key().public_key(), setup.deploy_public_key());
            // The webhook secret is the one the user configured.
            assert_eq!(repo.webhook_secret(), setup.webhook_secret());
            let body = br#"{"ref":"refs/heads/main"}"#;
            let header = github_header(&setup.webhook_secret_hex(), body);
            verify_github_signature(repo.webhook_secret(), body, &header).unwrap();
        }
    }
    // What the user installs: an OpenSSH line and 64 hex characters.
    let setup = new.repository(CODE);
    assert!(setup.deploy_public_key().to_openssh("vaultseal").unwrap().starts_with("ssh-ed25519 "));
    assert_eq!(setup.webhook_secret_hex().len(), 64);
    // Debug output of secrets is redacted.
    let printed = format!("{new:?} {:?}", verified.open(params, &v.keys[0]).unwrap());
    assert!(!printed.contains(&*setup.webhook_secret_hex()));
    assert!(printed.contains("redacted"));
}

#[test]
fn the_builder_is_deterministic_in_its_rng_and_registrations_differ() {
    let v = vaults();
    let a = build(&alice(), "demo", &v.recipients(), CONFIG_REF, CODE_REF, 1);
    assert_eq!(a.registration().to_bytes(), fixtures().demo.registration().to_bytes());
    // Another seed: another nonce, keys and secrets, so another id.
    let b = &fixtures().other_repositories;
    assert_ne!(a.registration().nonce(), b.registration().nonce());
    assert_ne!(a.registration().registration_id(), b.registration().registration_id());
    // Recipients are sorted whatever the order given.
    let reversed = build(&alice(), "demo", &[*v.public(1), *v.public(0)], CONFIG_REF, CODE_REF, 1);
    assert_eq!(reversed.registration().to_bytes(), a.registration().to_bytes());
}

#[test]
fn another_vault_opens_nothing() {
    let params = Params::shared();
    let verified = verify(fixtures().demo.registration()).unwrap();
    assert_eq!(
        verified.open(params, &vaults().keys[2]).unwrap_err(),
        refused(RegistrationFailure::NotARecipient)
    );
}

#[test]
fn tampered_signature() {
    let good = parts(&fixtures().demo);
    // A bit of R, a low bit of S, and a body byte without re-signing.
    for flip in [0usize, 40] {
        let mut p = good.clone();
        p.signature[flip] ^= 1;
        assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::Signature));
    }
    let mut p = good.clone();
    p.timestamp += 1;
    assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::Signature));
    // S + ℓ (a malleated signature) is refused by `verify_strict`.
    let mut p = good.clone();
    let ell: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut carry = 0u16;
    for (byte, l) in p.signature[32..].iter_mut().zip(ell) {
        let [low, high] = (u16::from(*byte) + u16::from(l) + carry).to_le_bytes();
        *byte = low;
        carry = u16::from(high);
    }
    assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::Signature));
    // Signed by someone else under Alice's key.
    let mut p = good.clone();
    p.timestamp += 1;
    p.sign(&mallory());
    assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::Signature));
}

#[test]
fn a_sealed_item_moved_from_another_project_or_repository() {
    let f = fixtures();
    let good = parts(&f.demo);
    for (donor, repo) in
        [(&f.other_project, 0usize), (&f.other_repositories, 0), (&f.other_project, 1)]
    {
        let donor = parts(donor);
        let role = [CONFIG, CODE][repo];
        // The deploy key with its public key (so the key check passes).
        let mut p = good.clone();
        p.repos[repo].deploy_key = donor.repos[repo].deploy_key;
        p.repos[repo].sealed_key = donor.repos[repo].sealed_key.clone();
        p.sign(&alice());
        assert_eq!(
            verify_bytes(&p.encode()).unwrap_err(),
            refused(RegistrationFailure::ItemProof { role, purpose: Purpose::DeployKey })
        );
        // The webhook secret.
        let mut p = good.clone();
        p.repos[repo].sealed_secret = donor.repos[repo].sealed_secret.clone();
        p.sign(&alice());
        assert_eq!(
            verify_bytes(&p.encode()).unwrap_err(),
            refused(RegistrationFailure::ItemProof { role, purpose: Purpose::WebhookSecret })
        );
    }
    // Whole repository entries moved from another project.
    let mut p = good.clone();
    p.repos[1] = parts(&f.other_project).repos[1].clone();
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::ItemProof { role: CODE, purpose: Purpose::DeployKey })
    );
}

#[test]
fn alices_registration_re_signed_by_another_owner() {
    let mut p = parts(&fixtures().demo);
    p.owner = mallory().verifying_key().to_bytes();
    p.sign(&mallory());
    let registration = p.decode();
    // The signature is Mallory's and valid; the project id is now hers…
    assert_eq!(
        registration.project_id(),
        &ProjectId::derive(&mallory().verifying_key(), "demo").unwrap()
    );
    // …and no item was sealed for her project and key.
    assert_eq!(
        verify(&registration).unwrap_err(),
        refused(RegistrationFailure::ItemProof { role: CONFIG, purpose: Purpose::DeployKey })
    );
}

#[test]
fn roles_swapped() {
    let good = parts(&fixtures().demo);
    // Role bytes exchanged in place: Code first.
    let mut p = good.clone();
    p.repos[0].role = 2;
    p.repos[1].role = 1;
    p.sign(&alice());
    assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::Roles));
    // Both Config.
    let mut p = good.clone();
    p.repos[1].role = 1;
    p.sign(&alice());
    assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::Roles));
    // The repositories exchange roles (Config names the code repository):
    // the role is in every item's context.
    let mut p = good.clone();
    p.repos.swap(0, 1);
    p.repos[0].role = 1;
    p.repos[1].role = 2;
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::ItemProof { role: CONFIG, purpose: Purpose::DeployKey })
    );
    // Only the refs exchanged.
    let mut p = good.clone();
    let (a, b) = (p.repos[0].reference.clone(), p.repos[1].reference.clone());
    p.repos[0].reference = b;
    p.repos[1].reference = a;
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::ItemProof { role: CONFIG, purpose: Purpose::DeployKey })
    );
}

#[test]
fn deploy_key_mismatch() {
    for repo in 0..2 {
        let mut p = parts(&fixtures().demo);
        p.repos[repo].deploy_key = DeployKey::generate(&mut rng(50)).public_key().to_bytes();
        p.sign(&alice());
        assert_eq!(
            verify_bytes(&p.encode()).unwrap_err(),
            refused(RegistrationFailure::DeployKeyMismatch { role: [CONFIG, CODE][repo] })
        );
    }
}

#[test]
fn vault_not_a_recipient() {
    let v = vaults();
    let registration = fixtures().demo.registration();
    let result =
        registration.verify(Params::shared(), v.public(2), &v.directory, &yes, &mut rng(9));
    assert_eq!(result.unwrap_err(), refused(RegistrationFailure::NotARecipient));
    // Vault 1 is a recipient.
    assert!(
        registration.verify(Params::shared(), v.public(1), &v.directory, &yes, &mut rng(9)).is_ok()
    );
    // A key with vault 0's Y but another W is not vault 0.
    let mut p = parts(&fixtures().demo);
    let i = p.recipients.iter().position(|r| r[..32] == v.public(0).sealing_key_bytes()).unwrap();
    p.recipients[i][32..].copy_from_slice(&v.public(2).kem_key_bytes());
    p.sign(&alice());
    assert_eq!(verify_bytes(&p.encode()).unwrap_err(), refused(RegistrationFailure::NotARecipient));
}

#[test]
fn a_recipient_without_a_valid_record() {
    let params = Params::shared();
    let v = vaults();
    let registration = fixtures().demo.registration();
    // No record for vault 1.
    let partial = [v.directory[0].clone(), v.directory[2].clone()];
    assert_eq!(
        registration.verify(params, v.public(0), &partial, &yes, &mut rng(10)).unwrap_err(),
        refused(RegistrationFailure::UnknownRecipient)
    );
    // Vault 1's record with other fields than its proof covers (region
    // "eu-west" → "eu-wesu").
    let mut bytes = v.directory[1].to_bytes();
    let region_end = 1 + 64 + 1 + "eu-west".len();
    bytes[region_end - 1] += 1;
    let forged = VaultRecord::from_bytes(&bytes).unwrap();
    assert_eq!(forged.fields().region(), "eu-wesu");
    let directory = [v.directory[0].clone(), forged, v.directory[2].clone()];
    assert_eq!(
        registration.verify(params, v.public(0), &directory, &yes, &mut rng(11)).unwrap_err(),
        refused(RegistrationFailure::RecipientRecordInvalid)
    );
    // A record of another vault's key does not stand for vault 1.
    let impostor = VaultKeypair::from_seed(params, &[0x99; 32]).unwrap();
    let fields = VaultFields::new("eu-west", "vault-1.example", 1, 0).unwrap();
    let directory = [v.directory[0].clone(), VaultRecord::new(&impostor, fields, &mut rng(12))];
    assert_eq!(
        registration.verify(params, v.public(0), &directory, &yes, &mut rng(13)).unwrap_err(),
        refused(RegistrationFailure::UnknownRecipient)
    );
}

#[test]
fn ownership_refused() {
    let params = Params::shared();
    let v = vaults();
    let f = fixtures();
    let registration = f.demo.registration();
    // The git host knows only the other registration's keys.
    let host = git_host(&[&f.other_project]);
    assert_eq!(
        registration.verify(params, v.public(0), &v.directory, &host, &mut rng(14)).unwrap_err(),
        refused(RegistrationFailure::OwnershipRefused { role: CONFIG })
    );
    // Only the code repository's key is missing.
    let config_key = f.demo.repository(CONFIG).deploy_public_key();
    let host =
        |repo: &str, key: &vaultseal::DeployPublicKey| repo == CONFIG_REF && *key == config_key;
    assert_eq!(
        registration.verify(params, v.public(0), &v.directory, &host, &mut rng(15)).unwrap_err(),
        refused(RegistrationFailure::OwnershipRefused { role: CODE })
    );
    // The host is not asked about a registration that fails its proofs.
    let asked = core::cell::Cell::new(0);
    let counting = |_: &str, _: &vaultseal::DeployPublicKey| {
        asked.set(asked.get() + 1);
        true
    };
    let mut p = parts(&f.demo);
    p.repos[0].sealed_secret = parts(&f.other_project).repos[0].sealed_secret.clone();
    p.sign(&alice());
    let moved = p.decode();
    assert!(moved.verify(params, v.public(0), &v.directory, &counting, &mut rng(16)).is_err());
    assert_eq!(asked.get(), 0);
    assert!(
        registration.verify(params, v.public(0), &v.directory, &counting, &mut rng(16)).is_ok()
    );
    assert_eq!(asked.get(), 2);
}

#[test]
fn duplicate_repositories() {
    let good = parts(&fixtures().demo);
    let mut p = good.clone();
    p.repos[1].reference = p.repos[0].reference.clone();
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::DuplicateRepository)
    );
    // The same repository entry twice, roles kept.
    let mut p = good.clone();
    p.repos[1] = p.repos[0].clone();
    p.repos[1].role = 2;
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::DuplicateRepository)
    );
    // The same deploy key on both repositories.
    let mut p = good.clone();
    p.repos[1].deploy_key = p.repos[0].deploy_key;
    p.repos[1].sealed_key = p.repos[0].sealed_key.clone();
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::DuplicateDeployKey)
    );
}

#[test]
fn recipient_lists_must_match() {
    let f = fixtures();
    let v = vaults();
    // The registration lists vault 0 only; its items are sealed to 0 and 1.
    let mut p = parts(&f.demo);
    p.recipients.retain(|r| r[..32] == v.public(0).sealing_key_bytes());
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::RecipientMismatch {
            role: CONFIG,
            purpose: Purpose::DeployKey
        })
    );
    // Only the code webhook secret is sealed to other vaults.
    let mut p = parts(&f.one_vault);
    p.repos[1].sealed_secret = parts(&f.demo).repos[1].sealed_secret.clone();
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::RecipientMismatch {
            role: CODE,
            purpose: Purpose::WebhookSecret
        })
    );
}

#[test]
fn a_webhook_secret_of_another_length() {
    let f = fixtures();
    let v = vaults();
    let registration = f.demo.registration();
    // A 16-byte secret sealed to the same vaults under the right context
    // but purpose Secret: the length is refused before any proof runs.
    let context = Context::new(
        registration.project_id().as_bytes(),
        CODE_REF.as_bytes(),
        Purpose::Secret,
        alice().verifying_key().to_bytes(),
    )
    .unwrap();
    let short =
        seal_secret(Params::shared(), &v.recipients(), &context, &[7; 16], &mut rng(17)).unwrap();
    let mut p = parts(&f.demo);
    p.repos[1].sealed_secret = short.to_bytes();
    p.sign(&alice());
    assert_eq!(
        verify_bytes(&p.encode()).unwrap_err(),
        refused(RegistrationFailure::PayloadLength { role: CODE })
    );
}

/// The contexts are exactly the documented ones: each item verifies under
/// the context built by hand (`docs/PROTOCOL.md` §10.2) and not with
/// another role.
#[test]
fn items_verify_under_the_documented_contexts() {
    let params = Params::shared();
    let registration = fixtures().demo.registration();
    let extra = b"vaultseal-registration-context-v1".to_vec();
    for repo in registration.repositories() {
        let context = |purpose, role: RepositoryRole| {
            let mut extra = extra.clone();
            extra.push(role.to_byte());
            Context::new(
                registration.project_id().as_bytes(),
                repo.repository().as_bytes(),
                purpose,
                registration.owner().to_bytes(),
            )
            .unwrap()
            .with_extra(&extra)
            .unwrap()
        };
        let other = if repo.role() == CONFIG { CODE } else { CONFIG };
        let key = repo.sealed_deploy_key().expect("a version 1 registration");
        key.verify(params, &context(Purpose::DeployKey, repo.role()), &mut rng(18)).unwrap();
        assert!(key.verify(params, &context(Purpose::DeployKey, other), &mut rng(18)).is_err());
        let secret = repo.sealed_webhook_secret();
        secret.verify(params, &context(Purpose::WebhookSecret, repo.role()), &mut rng(19)).unwrap();
        assert!(
            secret.verify(params, &context(Purpose::WebhookSecret, other), &mut rng(19)).is_err()
        );
    }
}

/// Every byte outside the sealed items, and every 61st byte inside them,
/// changed: a decode error or a signature failure, never acceptance.
#[test]
fn tampering_with_any_byte_fails() {
    let good = parts(&fixtures().demo);
    let bytes = good.encode();
    let mut positions: Vec<usize> =
        good.outside_sealed_items().into_iter().flat_map(|(a, b)| a..b).collect();
    positions.extend((0..bytes.len()).step_by(61));
    positions.sort_unstable();
    positions.dedup();
    let mut signature_failures = 0;
    for at in positions {
        let mut tampered = bytes.clone();
        tampered[at] ^= 0x04;
        match verify_bytes(&tampered) {
            Err(Error::Decode { what: Object::ProjectRegistration, .. }) => {}
            Err(e) if e == refused(RegistrationFailure::Signature) => signature_failures += 1,
            other => panic!("byte {at}: {other:?}"),
        }
    }
    assert!(signature_failures > 100);
}

#[test]
fn decoding_errors() {
    let good = parts(&fixtures().demo);
    let bytes = good.encode();
    // Every truncation is `Length`, every extension `TrailingData`.
    for len in [0, 1, 33, 100, bytes.len() / 2, bytes.len() - 1] {
        assert_eq!(
            ProjectRegistration::from_bytes(&bytes[..len]).unwrap_err(),
            decode_error(DecodeFailure::Length),
            "length {len}"
        );
    }
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        ProjectRegistration::from_bytes(&long).unwrap_err(),
        decode_error(DecodeFailure::TrailingData)
    );
    let check = |edit: &dyn Fn(&mut Parts), why: DecodeFailure| {
        let mut p = good.clone();
        edit(&mut p);
        assert_eq!(ProjectRegistration::from_bytes(&p.encode()).unwrap_err(), decode_error(why));
    };
    check(&|p| p.version = 3, DecodeFailure::Tag);
    // Read as version 2, the Config role byte (1) is taken for the threshold.
    check(&|p| p.version = 2, DecodeFailure::Limit);
    check(&|p| p.repos[1].role = 3, DecodeFailure::Tag);
    check(&|p| p.repos[0].role = 0, DecodeFailure::Tag);
    check(&|p| p.recipients.reverse(), DecodeFailure::Unsorted);
    check(&|p| p.recipients[1] = p.recipients[0], DecodeFailure::Unsorted);
    check(&|p| p.recipients.clear(), DecodeFailure::Limit);
    check(&|p| p.recipients = vec![p.recipients[0]; 9], DecodeFailure::Limit);
    check(&|p| p.name.clear(), DecodeFailure::Limit);
    check(&|p| p.name = vec![b'a'; 65], DecodeFailure::Limit);
    check(&|p| p.name = b"de\nmo".to_vec(), DecodeFailure::NonCanonical);
    check(&|p| p.name = vec![0xff, 0xfe], DecodeFailure::NonCanonical);
    check(&|p| p.repos[0].reference.clear(), DecodeFailure::Limit);
    check(&|p| p.repos[0].reference = vec![b'g'; 257], DecodeFailure::Limit);
    check(&|p| p.repos[1].reference.push(b'\t'), DecodeFailure::NonCanonical);
    // Owner keys: the identity, a small-order point, a torsioned key, a
    // non-canonical encoding.
    let torsion = curve25519_dalek::constants::EIGHT_TORSION;
    check(&|p| p.owner = torsion[0].compress().to_bytes(), DecodeFailure::Identity);
    check(&|p| p.owner = torsion[1].compress().to_bytes(), DecodeFailure::Torsion);
    check(
        &|p| {
            let key = curve25519_dalek::edwards::CompressedEdwardsY(p.owner).decompress().unwrap();
            p.owner = (key + torsion[4]).compress().to_bytes();
        },
        DecodeFailure::Torsion,
    );
    check(
        &|p| {
            // y = 1 with the sign bit: a non-canonical identity.
            p.owner = [0; 32];
            p.owner[0] = 1;
            p.owner[31] = 0x80;
        },
        DecodeFailure::NonCanonical,
    );
    // A deploy public key that is not a valid key.
    check(&|p| p.repos[0].deploy_key = torsion[2].compress().to_bytes(), DecodeFailure::Torsion);
    // Sealed items that do not decode: their reason, labelled as the
    // registration's.
    check(&|p| p.repos[0].sealed_key[0] = 9, DecodeFailure::Tag);
    check(&|p| p.repos[1].sealed_secret.push(0), DecodeFailure::TrailingData);
    check(&|p| p.repos[1].sealed_key.truncate(100), DecodeFailure::Length);
    // Exchanged sealed items do not decode as each other (a secret's `L =
    // 32` reads as 32 recipients).
    check(
        &|p| {
            let r = &mut p.repos[0];
            core::mem::swap(&mut r.sealed_key, &mut r.sealed_secret);
        },
        DecodeFailure::Limit,
    );
}

#[test]
fn builder_inputs() {
    let params = Params::shared();
    let v = vaults();
    let owner = alice();
    let base = || {
        ProjectRegistration::builder(&owner, "demo")
            .recipients(&v.recipients())
            .repositories(CONFIG_REF, CODE_REF)
            .timestamp(1)
    };
    let input = |what| Error::InvalidInput { what };
    let err = |b: vaultseal::registration::RegistrationBuilder<'_>| {
        b.build(params, &mut rng(20)).map(|_: NewRegistration| ()).unwrap_err()
    };
    for name in ["", "a\u{7}b", &"x".repeat(65)] {
        let b = ProjectRegistration::builder(&owner, name)
            .recipients(&v.recipients())
            .repositories(CONFIG_REF, CODE_REF)
            .timestamp(1);
        assert_eq!(err(b), input(InvalidInput::ProjectName), "{name:?}");
    }
    let long = "g".repeat(257);
    for (config, code) in
        [("", CODE_REF), (CONFIG_REF, "x\ny"), (CONFIG_REF, CONFIG_REF), (&long, CODE_REF)]
    {
        assert_eq!(err(base().repositories(config, code)), input(InvalidInput::RepositoryRef));
    }
    let no_repositories =
        ProjectRegistration::builder(&owner, "demo").recipients(&v.recipients()).timestamp(1);
    assert_eq!(err(no_repositories), input(InvalidInput::RepositoryRef));
    let no_timestamp = ProjectRegistration::builder(&owner, "demo")
        .recipients(&v.recipients())
        .repositories(CONFIG_REF, CODE_REF);
    assert_eq!(err(no_timestamp), input(InvalidInput::Timestamp));
    assert_eq!(err(base().recipients(&[])), input(InvalidInput::RecipientCount));
    let nine: Vec<_> = (0u8..9)
        .map(|i| *VaultKeypair::from_seed(params, &[i + 1; 32]).unwrap().public())
        .collect();
    assert_eq!(err(base().recipients(&nine)), input(InvalidInput::RecipientCount));
    assert_eq!(
        err(base().recipients(&[*v.public(0), *v.public(0)])),
        input(InvalidInput::DuplicateRecipient)
    );
    // 64-byte names, 256-byte refs and 8 vaults are fine.
    let eight = &nine[..8];
    let max = ProjectRegistration::builder(&owner, &"n".repeat(64))
        .recipients(eight)
        .repositories(&"c".repeat(256), &"d".repeat(256))
        .timestamp(u64::MAX)
        .build(params, &mut rng(21))
        .unwrap();
    let bytes = max.registration().to_bytes();
    assert_eq!(ProjectRegistration::from_bytes(&bytes).unwrap().to_bytes(), bytes);
    assert_eq!(
        ProjectId::derive(&owner.verifying_key(), "").unwrap_err(),
        input(InvalidInput::ProjectName)
    );
}

/// A pool of registrations, valid and invalid in every way, with the error
/// each gives alone.
fn pool() -> Vec<(ProjectRegistration, Result<(), Error>)> {
    let f = fixtures();
    let mut pool = vec![
        (f.demo.registration().clone(), Ok(())),
        (f.other_project.registration().clone(), Ok(())),
        (f.other_repositories.registration().clone(), Ok(())),
        (f.one_vault.registration().clone(), Ok(())),
    ];
    let mut bad = |edit: &dyn Fn(&mut Parts), why| {
        let mut p = parts(&f.demo);
        edit(&mut p);
        p.sign(&alice());
        pool.push((p.decode(), Err(refused(why))));
    };
    bad(
        &|p| p.repos[0].sealed_secret = parts(&f.other_project).repos[0].sealed_secret.clone(),
        RegistrationFailure::ItemProof { role: CONFIG, purpose: Purpose::WebhookSecret },
    );
    bad(
        &|p| {
            p.repos[1].deploy_key = parts(&f.other_project).repos[1].deploy_key;
            p.repos[1].sealed_key = parts(&f.other_project).repos[1].sealed_key.clone();
        },
        RegistrationFailure::ItemProof { role: CODE, purpose: Purpose::DeployKey },
    );
    bad(&|p| p.repos[1].role = 1, RegistrationFailure::Roles);
    let mut p = parts(&f.demo);
    p.timestamp = 5;
    pool.push((p.decode(), Err(refused(RegistrationFailure::Signature))));
    pool
}

/// A batch of registrations gives each exactly what verifying it alone
/// gives; one bad registration among many is named.
#[test]
fn batch_equals_single() {
    let params = Params::shared();
    let v = vaults();
    let pool = pool();
    for (registration, expected) in &pool {
        assert_eq!(&verify(registration).map(|_| ()), expected);
    }
    let registrations: Vec<ProjectRegistration> = pool.iter().map(|(r, _)| r.clone()).collect();
    let results = verify_registrations(
        params,
        registrations.clone(),
        v.public(0),
        &v.directory,
        &yes,
        &mut rng(30),
    );
    assert_eq!(results.len(), pool.len());
    for (result, (registration, expected)) in results.iter().zip(&pool) {
        assert_eq!(&result.as_ref().map(|_| ()).map_err(|e| *e), expected);
        if let Ok(verified) = result {
            assert_eq!(verified.registration(), registration);
        }
    }
    // Bytes in, one of them garbage.
    let mut encoded: Vec<Vec<u8>> =
        registrations.iter().map(ProjectRegistration::to_bytes).collect();
    encoded.insert(2, vec![1, 2, 3]);
    let results =
        verify_registration_bytes(params, &encoded, v.public(0), &v.directory, &yes, &mut rng(31));
    assert_eq!(results[2].as_ref().unwrap_err(), &decode_error(DecodeFailure::Length));
    for (i, (_, expected)) in pool.iter().enumerate() {
        let at = if i < 2 { i } else { i + 1 };
        assert_eq!(&results[at].as_ref().map(|_| ()).map_err(|e| *e), expected, "item {at}");
    }

    // One bad registration at every position among seven good ones, pushed
    // into a BatchVerifier with other kinds of items.
    let good = f_demo_copies(7);
    let (bad, expected) = &pool[4];
    let record = &v.directory[2];
    let fields = record.fields().to_bytes();
    for position in 0..8 {
        let mut items: Vec<&ProjectRegistration> = good.iter().collect();
        items.insert(position, bad);
        let mut batch = BatchVerifier::new(params);
        batch.push_vault_key_proof(record.proof(), record.public_key(), &fields);
        for item in &items {
            batch.push_registration(item, v.public(0), &v.directory);
        }
        let error = batch.verify(&mut rng(40 + position as u64)).unwrap_err();
        assert_eq!(error.invalid(), &[(position + 1, *expected.as_ref().unwrap_err())]);
    }
}

/// Seven valid registrations (copies of the demo and the other project).
fn f_demo_copies(n: usize) -> Vec<ProjectRegistration> {
    let f = fixtures();
    (0..n)
        .map(|i| if i % 2 == 0 { f.demo.registration() } else { f.other_project.registration() })
        .cloned()
        .collect()
}

#[test]
fn pushing_bytes_or_decoded_gives_the_same_errors() {
    let params = Params::shared();
    let v = vaults();
    let pool = pool();
    let encoded: Vec<Vec<u8>> = pool.iter().map(|(r, _)| r.to_bytes()).collect();
    let mut batch = BatchVerifier::new(params);
    for bytes in &encoded {
        batch.push_registration_bytes(bytes, v.public(0), &v.directory);
    }
    let error = batch.verify(&mut rng(50)).unwrap_err();
    for (i, (_, expected)) in pool.iter().enumerate() {
        assert_eq!(error.error_for(i), expected.err(), "item {i}");
    }
}

/// `Error` stays `Copy`; every registration failure prints distinctly and
/// names its repository and item where it has one.
#[test]
fn failures_display_distinctly() {
    fn copy<T: Copy>(_: T) {}
    let every = [
        RegistrationFailure::Signature,
        RegistrationFailure::NotARecipient,
        RegistrationFailure::Roles,
        RegistrationFailure::DuplicateRepository,
        RegistrationFailure::DuplicateDeployKey,
        RegistrationFailure::DeployKeyMismatch { role: CODE },
        RegistrationFailure::RecipientMismatch { role: CONFIG, purpose: Purpose::WebhookSecret },
        RegistrationFailure::PayloadLength { role: CONFIG },
        RegistrationFailure::UnknownRecipient,
        RegistrationFailure::RecipientRecordInvalid,
        RegistrationFailure::ItemProof { role: CODE, purpose: Purpose::DeployKey },
        RegistrationFailure::OwnershipRefused { role: CONFIG },
    ];
    let texts: Vec<String> = every.iter().map(|&why| refused(why).to_string()).collect();
    for (i, text) in texts.iter().enumerate() {
        copy(refused(every[i]));
        assert!(text.starts_with("registration refused: "), "{text}");
        assert!(!texts[..i].contains(text), "{text}");
    }
    assert!(texts[5].contains("code"));
    assert!(texts[6].contains("config") && texts[6].contains("webhook secret"));
    assert!(texts[10].contains("code") && texts[10].contains("deploy key"));
    assert_eq!(
        decode_error(DecodeFailure::Tag).to_string(),
        "invalid project registration encoding: unknown version or tag"
    );
}

/// With `serde`, a registration travels as its canonical encoding (hex in
/// JSON) and comes back through the strict decoder.
#[cfg(feature = "serde")]
#[test]
fn serde_round_trip() {
    let registration = fixtures().demo.registration();
    let json = serde_json::to_string(registration).unwrap();
    assert_eq!(json, format!("\"{}\"", hex::encode(registration.to_bytes())));
    assert_eq!(&serde_json::from_str::<ProjectRegistration>(&json).unwrap(), registration);
    let mut p = parts(&fixtures().demo);
    p.version = 9;
    let bad = format!("\"{}\"", hex::encode(p.encode()));
    assert!(serde_json::from_str::<ProjectRegistration>(&bad).is_err());
}

/// `build_with_progress` reports the five steps, in order, each once, and
/// builds what `build` builds from the same randomness, for both versions.
#[test]
fn build_with_progress_reports_each_step_and_builds_the_same() {
    use vaultseal::registration::{BUILD_STEPS, BuildStep};
    let v = vaults();
    let owner = alice();
    for threshold in [None, Some(2)] {
        let builder = || {
            let builder = ProjectRegistration::builder(&owner, "progress")
                .recipients(&v.recipients())
                .repositories("github:10", "github:11")
                .timestamp(1_700_000_000);
            match threshold {
                Some(t) => builder.threshold(t),
                None => builder,
            }
        };
        let mut steps = Vec::new();
        let reported = builder()
            .build_with_progress(Params::shared(), &mut rng(40), &mut |step| steps.push(step))
            .unwrap();
        assert_eq!(
            steps,
            [
                BuildStep::DeployKey(CONFIG),
                BuildStep::WebhookSecret(CONFIG),
                BuildStep::DeployKey(CODE),
                BuildStep::WebhookSecret(CODE),
                BuildStep::Signature,
            ]
        );
        assert_eq!(steps.len(), BUILD_STEPS);
        let plain = builder().build(Params::shared(), &mut rng(40)).unwrap();
        assert_eq!(reported.registration().to_bytes(), plain.registration().to_bytes());
    }
}
