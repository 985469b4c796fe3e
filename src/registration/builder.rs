//! [`RegistrationBuilder`]: what the project owner does to register a
//! project.
//!
//! From the owner's Ed25519 signing key, the project name, the chosen vaults
//! and the two repository refs, [`RegistrationBuilder::build`] generates a
//! deploy key and a webhook secret per repository, seals each to the vaults
//! under its derived context, draws the nonce, signs, and returns the
//! registration with what the owner installs on the git host
//! ([`RepositorySetup`]: the deploy public key and the webhook secret). The
//! deploy keys' secret scalars are zeroized as soon as they are sealed: only
//! the vaults can recover them.

use alloc::string::String;
use alloc::vec::Vec;

use ed25519_dalek::{Signature, Signer, SigningKey};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::wire::signed_message;
use super::{
    MAX_PROJECT_NAME_LEN, MAX_REPOSITORY_REF_LEN, NONCE_LEN, ProjectId, ProjectRegistration,
    RegisteredDeployKey, RepositoryRegistration, RepositoryRole, is_valid_text, item_context,
    registration_id,
};
use crate::context::Purpose;
use crate::deploy_key::{DeployKey, DeployPublicKey};
use crate::error::{Error, InvalidInput};
use crate::limits::MIN_THRESHOLD;
use crate::params::Params;
use crate::sealed::{seal_deploy_key, seal_secret};
use crate::threshold::seal_new_deploy_key_shares;
use crate::vault::{VaultPublicKey, sorted_recipients};
use crate::webhook::WebhookSecret;

/// Builds and signs a [`ProjectRegistration`] (from
/// [`ProjectRegistration::builder`]). Every setter is required.
#[derive(Debug)]
pub struct RegistrationBuilder<'k> {
    owner: &'k SigningKey,
    project_name: String,
    recipients: Vec<VaultPublicKey>,
    repositories: Option<(String, String)>,
    timestamp: Option<u64>,
    threshold: Option<usize>,
}

impl<'k> RegistrationBuilder<'k> {
    /// A builder for project `project_name` owned by `owner`.
    pub(super) fn new(owner: &'k SigningKey, project_name: &str) -> Self {
        RegistrationBuilder {
            owner,
            project_name: String::from(project_name),
            recipients: Vec::new(),
            repositories: None,
            timestamp: None,
            threshold: None,
        }
    }

    /// The vaults to seal to (1..=8, distinct; e.g. from
    /// [`select_vaults`](crate::select_vaults) with the project's
    /// [`ProjectId`]). Any order: they are sorted.
    #[must_use]
    pub fn recipients(mut self, vaults: &[VaultPublicKey]) -> Self {
        self.recipients = vaults.to_vec();
        self
    }

    /// The configuration and the code repositories' refs (e.g.
    /// `github:123456789`: prefer the host's immutable numeric id to a name
    /// that can be renamed or re-cased).
    #[must_use]
    pub fn repositories(mut self, config: &str, code: &str) -> Self {
        self.repositories = Some((String::from(config), String::from(code)));
        self
    }

    /// The registration time, in Unix seconds.
    #[must_use]
    pub fn timestamp(mut self, unix_seconds: u64) -> Self {
        self.timestamp = Some(unix_seconds);
        self
    }

    /// Deal the deploy keys in shares instead of sealing them whole: any
    /// `t` of the recipients can use a deploy key (sign with FROST, or
    /// recover it), fewer learn nothing about it (a version 2 registration,
    /// `docs/PROTOCOL.md` §10 and §12). `2 ≤ t ≤` the number of recipients.
    /// The deploy keys are made inside the dealing and never exist whole.
    /// Webhook secrets stay sealed whole to every recipient (an HMAC key
    /// cannot be used in shares).
    #[must_use]
    pub fn threshold(mut self, t: usize) -> Self {
        self.threshold = Some(t);
        self
    }

    /// Generate, seal and sign (all randomness from `rng`).
    ///
    /// # Errors
    /// [`Error::InvalidInput`]: [`InvalidInput::ProjectName`] for a name
    /// that is empty, longer than 64 bytes or holds a control character;
    /// [`InvalidInput::RepositoryRef`] for missing repositories, a ref that
    /// is empty, longer than 256 bytes or holds a control character, or two
    /// equal refs; [`InvalidInput::Timestamp`] if no timestamp was set;
    /// [`InvalidInput::RecipientCount`] unless 1..=8 recipients;
    /// [`InvalidInput::DuplicateRecipient`] for a vault listed twice.
    pub fn build<R: CryptoRng + ?Sized>(
        self,
        params: &Params,
        rng: &mut R,
    ) -> Result<NewRegistration, Error> {
        self.build_with_progress(params, rng, &mut |_| {})
    }

    /// [`build`](Self::build), calling `progress` as each of its
    /// [`BUILD_STEPS`] steps is done, in this order: the configuration
    /// repository's deploy key then webhook secret, the code repository's,
    /// then the owner's signature. For a progress indicator: the work and
    /// the result are those of `build`.
    ///
    /// # Errors
    /// As [`build`](Self::build).
    pub fn build_with_progress<R: CryptoRng + ?Sized>(
        self,
        params: &Params,
        rng: &mut R,
        progress: &mut dyn FnMut(BuildStep),
    ) -> Result<NewRegistration, Error> {
        if !is_valid_text(&self.project_name, MAX_PROJECT_NAME_LEN) {
            return Err(Error::input(InvalidInput::ProjectName));
        }
        let (config, code) = self.repositories.ok_or(Error::input(InvalidInput::RepositoryRef))?;
        if !is_valid_text(&config, MAX_REPOSITORY_REF_LEN)
            || !is_valid_text(&code, MAX_REPOSITORY_REF_LEN)
            || config == code
        {
            return Err(Error::input(InvalidInput::RepositoryRef));
        }
        let timestamp = self.timestamp.ok_or(Error::input(InvalidInput::Timestamp))?;
        let recipients = sorted_recipients(&self.recipients)?;
        let threshold = match self.threshold {
            None => None,
            Some(t) if (MIN_THRESHOLD..=recipients.len()).contains(&t) => {
                Some(u8::try_from(t).map_err(|_| Error::input(InvalidInput::Threshold))?)
            }
            Some(_) => return Err(Error::input(InvalidInput::Threshold)),
        };

        let owner = self.owner.verifying_key();
        let project_id = ProjectId::derive_checked(&owner, &self.project_name);
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);

        let mut seal_repository = |role: RepositoryRole, repository: String| {
            let context = |purpose| item_context(&project_id, &repository, role, purpose, &owner);
            // A whole key is drawn before the webhook secret (the order the
            // known-answer vectors pin); a dealt one is made inside the dealing.
            let whole = match threshold {
                None => Ok(DeployKey::generate(rng)),
                Some(t) => Err(t),
            };
            let webhook_secret = WebhookSecret::generate(rng);
            let deploy_context = context(Purpose::DeployKey)?;
            let (deploy_public_key, deploy_key) = match whole {
                Ok(key) => {
                    let sealed = seal_deploy_key(params, &recipients, &deploy_context, &key, rng)?;
                    // The deploy key is dropped (zeroized) here: only the vaults hold it.
                    (key.public_key(), RegisteredDeployKey::Sealed(alloc::boxed::Box::new(sealed)))
                }
                Err(t) => {
                    // It never exists whole.
                    let (public, dealing) = seal_new_deploy_key_shares(
                        params,
                        &recipients,
                        usize::from(t),
                        &deploy_context,
                        rng,
                    )?;
                    (public, RegisteredDeployKey::Dealt(alloc::boxed::Box::new(dealing)))
                }
            };
            progress(BuildStep::DeployKey(role));
            let sealed_webhook_secret = seal_secret(
                params,
                &recipients,
                &context(Purpose::WebhookSecret)?,
                webhook_secret.as_bytes(),
                rng,
            )?;
            progress(BuildStep::WebhookSecret(role));
            let setup = RepositorySetup {
                role,
                repository: repository.clone(),
                deploy_public_key,
                webhook_secret,
            };
            let entry = RepositoryRegistration {
                role,
                repository,
                deploy_public_key,
                deploy_key,
                sealed_webhook_secret,
            };
            Ok::<_, Error>((entry, setup))
        };
        let (config_entry, config_setup) = seal_repository(RepositoryRole::Config, config)?;
        let (code_entry, code_setup) = seal_repository(RepositoryRole::Code, code)?;

        let mut registration = ProjectRegistration {
            owner,
            project_name: self.project_name,
            project_id,
            nonce,
            timestamp,
            recipients,
            threshold,
            repositories: [config_entry, code_entry],
            signature: Signature::from_bytes(&[0; 64]),
            id: [0; 32],
        };
        let mut body = Vec::new();
        registration.write_body(&mut body);
        registration.signature = self.owner.sign(&signed_message(&body));
        registration.id = registration_id(&registration.to_bytes());
        progress(BuildStep::Signature);
        Ok(NewRegistration { registration, repositories: [config_setup, code_setup] })
    }
}

/// A step of [`RegistrationBuilder::build_with_progress`], reported when it
/// is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildStep {
    /// The repository's deploy key is made and sealed (or dealt) to the
    /// vaults.
    DeployKey(RepositoryRole),
    /// The repository's webhook secret is made and sealed to the vaults.
    WebhookSecret(RepositoryRole),
    /// The owner has signed the registration.
    Signature,
}

/// How many [`BuildStep`]s a registration takes: a deploy key and a webhook
/// secret per repository, and the signature.
pub const BUILD_STEPS: usize = 5;

/// A new registration and what its owner installs on the git host.
#[derive(Debug)]
pub struct NewRegistration {
    registration: ProjectRegistration,
    repositories: [RepositorySetup; 2],
}

impl NewRegistration {
    /// The signed registration, to send to the vault.
    pub fn registration(&self) -> &ProjectRegistration {
        &self.registration
    }

    /// The setup of each repository, `Config` then `Code`.
    pub fn repositories(&self) -> &[RepositorySetup; 2] {
        &self.repositories
    }

    /// The setup of the repository with `role`.
    pub fn repository(&self, role: RepositoryRole) -> &RepositorySetup {
        match role {
            RepositoryRole::Config => &self.repositories[0],
            RepositoryRole::Code => &self.repositories[1],
        }
    }

    /// The registration and the setups, apart.
    pub fn into_parts(self) -> (ProjectRegistration, [RepositorySetup; 2]) {
        (self.registration, self.repositories)
    }
}

/// What to install on one repository: its deploy public key (as a deploy
/// key) and its webhook secret (as the webhook's secret string). The secret
/// is zeroized on drop and printed redacted.
#[derive(Debug)]
pub struct RepositorySetup {
    role: RepositoryRole,
    repository: String,
    deploy_public_key: DeployPublicKey,
    webhook_secret: WebhookSecret,
}

impl RepositorySetup {
    /// The repository's role.
    pub fn role(&self) -> RepositoryRole {
        self.role
    }

    /// The repository ref.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The deploy public key to install (see
    /// [`DeployPublicKey::to_openssh`] for the line git hosts take).
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        self.deploy_public_key
    }

    /// The webhook secret.
    pub fn webhook_secret(&self) -> &WebhookSecret {
        &self.webhook_secret
    }

    /// The webhook secret string to configure on the git host (64 lowercase
    /// hex characters, zeroized on drop).
    pub fn webhook_secret_hex(&self) -> Zeroizing<String> {
        self.webhook_secret.to_hex()
    }
}
