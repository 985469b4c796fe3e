//! Opening sealed items (SPEC §5, §11: "opening never decrypts unverified
//! bytes"): a wrong vault key gives an error, never a panic or a wrong
//! payload; a mauled item (a chunk commitment shifted by a multiple of `G`)
//! is refused before any decryption; an opened deploy key signs messages that
//! verify under its `DeployPublicKey` with ed25519-dalek's `verify_strict`;
//! webhook secrets open as such. (The unconstrained padding byte of odd
//! lengths is covered by the crate-internal tests in `src/sealed/tests.rs`,
//! which need a sealer that sets it.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, non_snake_case)]

#[path = "common/sealed_fixtures.rs"]
mod sealed_fixtures;
#[path = "common/sealed_layout.rs"]
mod sealed_layout;

use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signer, Verifier};
use sealed_fixtures::*;
use sealed_layout::{Kind, Parts};
use vaultseal::{
    DeployPublicKey, Error, Purpose, SealedDeployKey, SealedSecret, VaultKeypair, WebhookSecret,
    seal_secret,
};

/// Vaults that are not recipients — fresh keys, and a key whose sealing
/// secret differs from a recipient's by one — get `Decryption` after the
/// item verifies, never a payload.
#[test]
fn wrong_vault_key_is_an_error() {
    let d = deploy_fixture(2, 1);
    let s = secret_fixture(17, 2, Purpose::Secret, 2);
    let mut strangers = vaults(3, 0xf0);
    // A recipient's secret with x + 1 (same KEM half): another sealing key.
    let secret = d.vaults[0].secret().to_bytes();
    let x = Scalar::from_canonical_bytes(secret[..32].try_into().unwrap()).unwrap();
    let mut bytes = [0u8; 64];
    bytes[..32].copy_from_slice((x + Scalar::ONE).as_bytes());
    bytes[32..].copy_from_slice(&secret[32..]);
    strangers.push(VaultKeypair::from_secret(
        params(),
        vaultseal::VaultSecretKey::from_bytes(&bytes).unwrap(),
    ));
    for stranger in &strangers {
        assert_eq!(
            stranger.open_deploy_key(params(), &d.sealed, &d.context, &mut rng(3)).map(|_| ()),
            Err(Error::Decryption)
        );
        assert_eq!(
            stranger.open_secret(params(), &s.sealed, &s.context, &mut rng(4)).map(|_| ()),
            Err(Error::Decryption)
        );
    }
    // The recipients open.
    for vault in &d.vaults {
        assert_eq!(
            vault.open_deploy_key(params(), &d.sealed, &d.context, &mut rng(5)).unwrap(),
            d.key
        );
    }
    for vault in &s.vaults {
        assert_eq!(
            vault.open_secret(params(), &s.sealed, &s.context, &mut rng(6)).unwrap().as_bytes(),
            &s.payload[..]
        );
    }
}

/// A chunk commitment shifted by `δ·G` would decrypt to `m_i + δ` (twisted
/// ElGamal is homomorphic); opening refuses it at verification, for every
/// chunk position and several `δ`, including shifts that keep the chunk in
/// range and `−m_i`-style wrap-arounds.
#[test]
fn mauled_items_are_refused_not_decrypted() {
    let d = deploy_fixture(1, 10);
    let s = secret_fixture(9, 2, Purpose::Secret, 11);
    let G = generator_g();
    for (kind, bytes) in [(Kind::DeployKey, &d.bytes), (Kind::Secret, &s.bytes)] {
        let parts = Parts::parse(kind, bytes);
        for i in [0, parts.C.len() - 1] {
            for delta in [Scalar::ONE, -Scalar::ONE, Scalar::from(256u64), Scalar::from(0xffffu64)]
            {
                let mut p = parts.clone();
                p.C[i] = encode(&(point(&p.C[i]) + delta * G));
                let mauled = p.encode();
                match kind {
                    Kind::DeployKey => {
                        let item = SealedDeployKey::from_bytes(&mauled).unwrap();
                        for vault in &d.vaults {
                            assert_eq!(
                                vault
                                    .open_deploy_key(params(), &item, &d.context, &mut rng(12))
                                    .map(|_| ()),
                                Err(Error::Verification)
                            );
                        }
                    }
                    Kind::Secret => {
                        let item = SealedSecret::from_bytes(&mauled).unwrap();
                        for vault in &s.vaults {
                            assert_eq!(
                                vault
                                    .open_secret(params(), &item, &s.context, &mut rng(13))
                                    .map(|_| ()),
                                Err(Error::Verification)
                            );
                        }
                    }
                }
            }
        }
    }
}

/// The opened deploy key signs messages that verify under the sealed item's
/// `DeployPublicKey` (ed25519-dalek `verify_strict`, and the crate's
/// `verify`), for every recipient.
#[test]
fn opened_deploy_key_signs_for_its_public_key() {
    let d = deploy_fixture(3, 20);
    let public: DeployPublicKey = d.sealed.deploy_public_key();
    assert_eq!(public, d.key.public_key());
    let verifying_key = public.to_verifying_key();
    for (n, vault) in d.vaults.iter().enumerate() {
        let opened = vault.open_deploy_key(params(), &d.sealed, &d.context, &mut rng(21)).unwrap();
        assert_eq!(opened.public_key(), public);
        for message in [&b""[..], b"git-upload-pack 'acme/website.git'", &[0xff; 1000][..]] {
            let signature = opened.sign(message);
            verifying_key.verify_strict(message, &signature).unwrap();
            verifying_key.verify(message, &signature).unwrap();
            public.verify(message, &signature).unwrap();
            // The `Signer` trait gives the same (deterministic) signature,
            // equal to the original key's.
            assert_eq!(opened.try_sign(message).unwrap(), signature);
            assert_eq!(d.key.sign(message), signature, "vault {n}");
            // And not for another message.
            assert!(verifying_key.verify_strict(b"another message", &signature).is_err());
        }
        assert_eq!(*opened.to_bytes(), *d.key.to_bytes());
    }
}

/// Extreme deploy-key scalars (1 and ℓ − 1) open to keys that sign.
#[test]
fn extreme_scalars_open_and_sign() {
    let vaults = vaults(1, 30);
    let ctx = context(Purpose::DeployKey);
    for s in [Scalar::ONE, -Scalar::ONE, Scalar::from(2u64)] {
        let key = vaultseal::DeployKey::from_bytes(s.as_bytes()).unwrap();
        let sealed =
            vaultseal::seal_deploy_key(params(), &publics(&vaults), &ctx, &key, &mut rng(31))
                .unwrap();
        let opened = vaults[0].open_deploy_key(params(), &sealed, &ctx, &mut rng(32)).unwrap();
        let signature = opened.sign(b"m");
        sealed.deploy_public_key().to_verifying_key().verify_strict(b"m", &signature).unwrap();
    }
}

/// Webhook secrets open as `WebhookSecret`s (and as plain secrets) under a
/// `WebhookSecret` context.
#[test]
fn webhook_secrets_open() {
    let vaults = vaults(2, 40);
    let ctx = context(Purpose::WebhookSecret);
    let webhook = WebhookSecret::generate(&mut rng(41));
    let sealed =
        seal_secret(params(), &publics(&vaults), &ctx, webhook.as_bytes(), &mut rng(42)).unwrap();
    let sealed = SealedSecret::from_bytes(&sealed.to_bytes()).unwrap();
    for vault in &vaults {
        let opened = vault.open_webhook_secret(params(), &sealed, &ctx, &mut rng(43)).unwrap();
        assert_eq!(opened.as_bytes(), webhook.as_bytes());
        assert_eq!(*opened.to_hex(), *webhook.to_hex());
        let plain = vault.open_secret(params(), &sealed, &ctx, &mut rng(44)).unwrap();
        assert_eq!(plain.as_bytes(), webhook.as_bytes());
    }
}

/// Opening a random valid-looking item — another sealing's proofs on this
/// ciphertext — is an error for every vault, never a payload.
#[test]
fn spliced_items_never_open() {
    let s = secret_fixture(24, 2, Purpose::Secret, 50);
    let other =
        seal_secret(params(), &publics(&s.vaults), &s.context, &[0x55; 24], &mut rng(51)).unwrap();
    let mut parts = Parts::parse(Kind::Secret, &s.bytes);
    let other_parts = Parts::parse(Kind::Secret, &other.to_bytes());
    parts.C = other_parts.C.clone();
    parts.D = other_parts.D.clone();
    let spliced = SealedSecret::from_bytes(&parts.encode()).unwrap();
    for vault in &s.vaults {
        assert_eq!(
            vault.open_secret(params(), &spliced, &s.context, &mut rng(52)).map(|_| ()),
            Err(Error::Verification)
        );
    }
}

/// Verify once, open without verifying again: items a batch accepted come
/// back as tokens that open to exactly what `open_*` (verify, then decrypt)
/// gives; items it refused come back with the error their single
/// verification gives, and have no token to open.
#[test]
fn batch_verified_items_open_without_a_second_verification() {
    let d1 = deploy_fixture(2, 11);
    let d2 = deploy_fixture(2, 12);
    let w = secret_fixture(32, 1, Purpose::WebhookSecret, 13);
    let s = secret_fixture(5, 1, Purpose::Secret, 14);
    // d2 under another project: refused.
    let other_project = vaultseal::Context::new(
        b"another",
        d2.context.repository_id(),
        Purpose::DeployKey,
        *d2.context.owner(),
    )
    .unwrap();
    let items =
        [(&d1.sealed, &d1.context), (&d2.sealed, &other_project), (&d2.sealed, &d2.context)];
    let results = vaultseal::verify_sealed_deploy_keys(params(), &items, &mut rng(20));
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[1].as_ref().map(|_| ()).map_err(|e| *e),
        d2.sealed.verify(params(), &other_project, &mut rng(21))
    );
    assert_eq!(results[1].as_ref().err(), Some(&Error::Verification));
    for (result, fixture) in [(&results[0], &d1), (&results[2], &d2)] {
        let token = result.as_ref().unwrap();
        assert!(core::ptr::eq(token.item(), &fixture.sealed));
        assert_eq!(token.context(), &fixture.context);
        for vault in &fixture.vaults {
            let opened = vault.open_verified_deploy_key(params(), token).unwrap();
            assert_eq!(opened, fixture.key);
            let again =
                vault.open_deploy_key(params(), &fixture.sealed, &fixture.context, &mut rng(22));
            assert_eq!(again.unwrap(), opened);
        }
        // A vault that is not a recipient still gets Decryption.
        let stranger = &vaults(1, 0xee)[0];
        assert_eq!(
            stranger.open_verified_deploy_key(params(), token).map(|_| ()),
            Err(Error::Decryption)
        );
    }

    let secrets = [(&w.sealed, &w.context), (&s.sealed, &s.context)];
    let results = vaultseal::verify_sealed_secrets(params(), &secrets, &mut rng(23));
    let (webhook, secret) = (results[0].as_ref().unwrap(), results[1].as_ref().unwrap());
    let vault = &w.vaults[0];
    let opened = vault.open_verified_webhook_secret(params(), webhook).unwrap();
    assert_eq!(opened.as_bytes()[..], w.payload[..]);
    assert_eq!(vault.open_verified_secret(params(), webhook).unwrap().as_bytes(), &w.payload[..]);
    // A token for a Secret-purpose item is not a webhook secret.
    assert_eq!(
        s.vaults[0].open_verified_webhook_secret(params(), secret).map(|_| ()),
        Err(Error::InvalidInput { what: vaultseal::InvalidInput::Purpose })
    );
    assert_eq!(
        s.vaults[0].open_verified_secret(params(), secret).unwrap().as_bytes(),
        &s.payload[..]
    );
    // Single verification gives the same tokens.
    let token = d1.sealed.verified(params(), &d1.context, &mut rng(24)).unwrap();
    assert_eq!(d1.vaults[0].open_verified_deploy_key(params(), &token).unwrap(), d1.key);
    assert_eq!(
        d2.sealed.verified(params(), &other_project, &mut rng(25)).map(|_| ()),
        Err(Error::Verification)
    );
}
