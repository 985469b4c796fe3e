//! The owner's side: an owner key, and a project registration made and
//! signed in the caller's process (the browser's), so that the deploy keys
//! and webhook secrets are born where only the chosen vaults can open them.

use alloc::string::String;

use js_sys::Function;
use rand_core::CryptoRng;
use serde::Serialize;
use vaultseal::registration::{BUILD_STEPS, BuildStep, RepositorySetup};
use vaultseal::{Params, ProjectRegistration, RepositoryRole, SigningKey, VaultPublicKey};
use vaultseal_armor::Kind;
use wasm_bindgen::JsValue;
use zeroize::Zeroizing;

use crate::armored;
use crate::failure::Failure;

/// What `generateOwnerKey` returns.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerKeyOut {
    /// The `OWNER KEY` armor (secret), as `vaultseal owner keygen` writes it.
    pub secret_key: Zeroizing<String>,
    /// The Ed25519 public key, 64 lowercase hex digits.
    pub public_key: String,
}

/// A fresh owner key from `rng`.
pub fn generate_owner_key<R: CryptoRng + ?Sized>(rng: &mut R) -> OwnerKeyOut {
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(&mut seed[..]);
    let key = SigningKey::from_bytes(&seed);
    OwnerKeyOut {
        secret_key: armored::armor(Kind::OwnerKey, &seed[..]),
        public_key: base16ct::lower::encode_string(key.verifying_key().as_bytes()),
    }
}

/// One repository's set-up, as `createRegistration` returns it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryOut {
    /// The repository's ref.
    pub repository: String,
    /// The deploy key's OpenSSH public line, `ssh-ed25519 … vaultseal
    /// <project> <role>` (the CLI's comment).
    pub deploy_key_openssh: String,
    /// Its OpenSSH fingerprint, `SHA256:…`.
    pub fingerprint: String,
    /// The webhook secret, 64 lowercase hex digits (secret).
    pub webhook_secret: Zeroizing<String>,
}

/// What `createRegistration` returns.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationOut {
    /// The `PROJECT REGISTRATION` armor, as `vaultseal register` writes it.
    pub registration: String,
    /// The project id.
    pub project_id: String,
    /// The registration id, 64 hex digits.
    pub registration_id: String,
    /// The configuration repository.
    pub config: RepositoryOut,
    /// The code repository.
    pub code: RepositoryOut,
    /// Milliseconds the work took (set by the caller).
    pub millis: f64,
}

/// What a registration is made from.
#[derive(Debug)]
pub struct RegistrationInput<'a> {
    /// The owner's signing key.
    pub owner: &'a SigningKey,
    /// The project name.
    pub project_name: &'a str,
    /// The configuration repository's ref.
    pub config_repository: &'a str,
    /// The code repository's ref.
    pub code_repository: &'a str,
    /// The vaults (checked by the caller).
    pub vaults: &'a [VaultPublicKey],
    /// Unix seconds.
    pub timestamp: u64,
}

/// A progress event for `onProgress`: `{ step, role?, done, total }`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProgressOut {
    /// `deploy-key`, `webhook-secret` or `signature`.
    pub step: &'static str,
    /// `config` or `code` (not for the signature).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    /// Steps done so far, this one included (1..=total).
    pub done: usize,
    /// Steps in all.
    pub total: usize,
}

fn role_name(role: RepositoryRole) -> &'static str {
    match role {
        RepositoryRole::Config => "config",
        RepositoryRole::Code => "code",
    }
}

/// Make, seal and sign a registration, calling `on_progress` (if any) with
/// a [`ProgressOut`] as each step is done. A throwing `on_progress` is
/// ignored: progress is a display, not a control.
///
/// # Errors
/// The builder's refusals ([`kinds::INVALID_INPUT`](crate::failure::kinds)).
pub fn create<R: CryptoRng + ?Sized>(
    params: &Params,
    input: &RegistrationInput<'_>,
    on_progress: Option<&Function>,
    rng: &mut R,
) -> Result<RegistrationOut, Failure> {
    let mut done = 0;
    let mut progress = |step: BuildStep| {
        done += 1;
        let (step, role) = match step {
            BuildStep::DeployKey(role) => ("deploy-key", Some(role_name(role))),
            BuildStep::WebhookSecret(role) => ("webhook-secret", Some(role_name(role))),
            BuildStep::Signature => ("signature", None),
            // `BuildStep` is non-exhaustive: a step this package does not know.
            _ => ("step", None),
        };
        if let Some(callback) = on_progress {
            let event = ProgressOut { step, role, done, total: BUILD_STEPS };
            if let Ok(event) = serde_wasm_bindgen::to_value(&event) {
                let _ = callback.call1(&JsValue::UNDEFINED, &event);
            }
        }
    };
    let new = ProjectRegistration::builder(input.owner, input.project_name)
        .recipients(input.vaults)
        .repositories(input.config_repository, input.code_repository)
        .timestamp(input.timestamp)
        .build_with_progress(params, rng, &mut progress)
        .map_err(|error| Failure::from_crate(error, "cannot register"))?;
    let registration = new.registration();
    let project_name = registration.project_name();
    let repository = |setup: &RepositorySetup| {
        let public = setup.deploy_public_key();
        // The builder refused names with control characters: the comment is
        // accepted.
        let comment = alloc::format!("vaultseal {project_name} {}", setup.role());
        RepositoryOut {
            repository: setup.repository().into(),
            deploy_key_openssh: public.to_openssh(&comment).unwrap_or_default(),
            fingerprint: public.fingerprint(),
            webhook_secret: setup.webhook_secret_hex(),
        }
    };
    let [config, code] = new.repositories();
    Ok(RegistrationOut {
        registration: String::from(
            armored::armor(Kind::ProjectRegistration, &registration.to_bytes()).as_str(),
        ),
        project_id: registration.project_id().as_str().into(),
        registration_id: base16ct::lower::encode_string(&registration.registration_id()),
        config: repository(config),
        code: repository(code),
        millis: 0.0,
    })
}
