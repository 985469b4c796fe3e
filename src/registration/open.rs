//! What verification alone produces: a [`VerifiedRegistration`], and the
//! project a recipient vault opens from it ([`OpenedProject`], one
//! [`OpenedRepository`] per role), without verifying anything again.

use alloc::string::String;

use super::{
    ProjectId, ProjectRegistration, RegisteredDeployKey, RepositoryRegistration, RepositoryRole,
};
use crate::context::Purpose;
use crate::deploy_key::DeployKey;
use crate::error::{Error, RegistrationFailure};
use crate::params::Params;
use crate::sealed::Verified;
use crate::threshold::KeyShare;
use crate::vault::{VaultKeypair, VaultPublicKey};
use crate::webhook::WebhookSecret;

/// A registration that passed every check of [`ProjectRegistration::verify`]
/// for the vault [`verified_for`](Self::verified_for). Only verification
/// makes one.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{DeployPublicKey, Params, ProjectRegistration, VaultFields, VaultKeypair, VaultRecord};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
/// let directory = [VaultRecord::new(&vault, VaultFields::new("eu-west", "vault.example", 1, 0)?, &mut rng)];
/// let owner = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
/// let new = ProjectRegistration::builder(&owner, "hello-world")
///     .recipients(&[*vault.public()])
///     .repositories("github:1001", "github:1002")
///     .timestamp(1_700_000_000) // now, in Unix seconds
///     .build(params, &mut rng)?;
///
/// // Only verification makes a VerifiedRegistration; only it opens.
/// let installed = |_repo: &str, _key: &DeployPublicKey| true; // ask the git host
/// let verified = new.registration().verify(params, vault.public(), &directory, &installed, &mut rng)?;
/// let opened = verified.open(params, &vault)?;
/// assert_eq!(opened.config().repository(), "github:1001");
/// assert_eq!(opened.code().webhook_secret(), new.repositories()[1].webhook_secret());
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct VerifiedRegistration {
    registration: ProjectRegistration,
    vault: VaultPublicKey,
}

impl VerifiedRegistration {
    /// The verified registration (only verification calls this, after
    /// every check).
    pub(super) fn new(registration: ProjectRegistration, vault: &VaultPublicKey) -> Self {
        VerifiedRegistration { registration, vault: *vault }
    }

    /// The registration.
    pub fn registration(&self) -> &ProjectRegistration {
        &self.registration
    }

    /// The vault it was verified for.
    pub fn verified_for(&self) -> &VaultPublicKey {
        &self.vault
    }

    /// The project id.
    pub fn project_id(&self) -> &ProjectId {
        &self.registration.project_id
    }

    /// The registration id (for replay detection).
    pub fn registration_id(&self) -> [u8; 32] {
        self.registration.id
    }

    /// The configuration repository.
    pub fn config(&self) -> &RepositoryRegistration {
        &self.registration.repositories[0]
    }

    /// The code repository.
    pub fn code(&self) -> &RepositoryRegistration {
        &self.registration.repositories[1]
    }

    /// Decrypt every repository's deploy key and webhook secret as `vault`
    /// (any recipient; the items are verified, so every recipient decrypts
    /// the same keys).
    ///
    /// # Errors
    /// [`RegistrationFailure::NotARecipient`] if `vault` is not a recipient;
    /// [`RegistrationFailure::OpeningMode`] for a threshold registration
    /// (no vault can open its deploy keys whole: [`open_shares`](Self::open_shares));
    /// [`Error::Decryption`] if decryption fails (it cannot for a verified
    /// item and the right key).
    pub fn open(&self, params: &Params, vault: &VaultKeypair) -> Result<OpenedProject, Error> {
        self.check_recipient(vault)?;
        let open = |repository: &RepositoryRegistration| {
            let RegisteredDeployKey::Sealed(sealed) = &repository.deploy_key else {
                return Err(Error::registration(RegistrationFailure::OpeningMode));
            };
            let deploy_key = sealed.open_verified(params, vault)?;
            Ok::<_, Error>(OpenedRepository {
                role: repository.role,
                repository: repository.repository.clone(),
                deploy_key,
                webhook_secret: open_webhook_secret(params, repository, vault)?,
            })
        };
        let [config, code] = &self.registration.repositories;
        Ok(OpenedProject { repositories: [open(config)?, open(code)?] })
    }

    /// The threshold `t` of a threshold registration (a vault may refuse one
    /// below its policy); `None` for version 1, whose recipients each hold
    /// the whole keys.
    pub fn threshold(&self) -> Option<usize> {
        self.registration.threshold()
    }

    /// Open `vault`'s share of each repository's deploy key, and the webhook
    /// secrets (sealed whole to every recipient), from a threshold
    /// registration: nothing is verified again.
    ///
    /// # Errors
    /// [`RegistrationFailure::NotARecipient`] if `vault` is not a recipient;
    /// [`RegistrationFailure::OpeningMode`] for a version 1 registration;
    /// [`Error::Decryption`] if decryption fails (it cannot for a verified
    /// item and the right key).
    pub fn open_shares(
        &self,
        params: &Params,
        vault: &VaultKeypair,
    ) -> Result<OpenedShares, Error> {
        self.check_recipient(vault)?;
        let open = |repository: &RepositoryRegistration| {
            let RegisteredDeployKey::Dealt(dealing) = &repository.deploy_key else {
                return Err(Error::registration(RegistrationFailure::OpeningMode));
            };
            // The context it was verified under, derived again.
            let context = self.registration.item_context(repository, Purpose::DeployKey)?;
            let verified = Verified::after_verification(dealing.as_ref(), &context);
            Ok::<_, Error>(OpenedShare {
                role: repository.role,
                repository: repository.repository.clone(),
                key_share: vault.open_verified_deploy_key_share(params, &verified)?,
                webhook_secret: open_webhook_secret(params, repository, vault)?,
            })
        };
        let [config, code] = &self.registration.repositories;
        Ok(OpenedShares { repositories: [open(config)?, open(code)?] })
    }

    /// `vault` is a recipient.
    fn check_recipient(&self, vault: &VaultKeypair) -> Result<(), Error> {
        if self.registration.recipients.contains(vault.public()) {
            Ok(())
        } else {
            Err(Error::registration(RegistrationFailure::NotARecipient))
        }
    }
}

/// Decrypt a verified repository's webhook secret as `vault`.
fn open_webhook_secret(
    params: &Params,
    repository: &RepositoryRegistration,
    vault: &VaultKeypair,
) -> Result<WebhookSecret, Error> {
    let secret = repository.sealed_webhook_secret.open_verified(params, vault)?;
    WebhookSecret::from_bytes(secret.as_bytes()).map_err(|_| Error::Decryption)
}

/// A verified threshold registration as one vault opens it: its share of
/// each deploy key and the webhook secrets. Zeroized on drop, printed
/// redacted.
#[derive(Debug)]
pub struct OpenedShares {
    repositories: [OpenedShare; 2],
}

impl OpenedShares {
    /// The config repository's.
    pub fn config(&self) -> &OpenedShare {
        &self.repositories[0]
    }

    /// The code repository's.
    pub fn code(&self) -> &OpenedShare {
        &self.repositories[1]
    }

    /// Both, config first.
    pub fn repositories(&self) -> &[OpenedShare; 2] {
        &self.repositories
    }
}

/// One repository of a threshold registration as one vault opens it.
#[derive(Debug)]
pub struct OpenedShare {
    role: RepositoryRole,
    repository: String,
    key_share: KeyShare,
    webhook_secret: WebhookSecret,
}

impl OpenedShare {
    /// The repository's role.
    pub fn role(&self) -> RepositoryRole {
        self.role
    }

    /// The repository ref.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// This vault's share of the deploy key.
    pub fn key_share(&self) -> &KeyShare {
        &self.key_share
    }

    /// Take the share (to sign with, or to store).
    pub fn into_key_share(self) -> KeyShare {
        self.key_share
    }

    /// The webhook secret.
    pub fn webhook_secret(&self) -> &WebhookSecret {
        &self.webhook_secret
    }
}

/// A verified registration's secrets, opened by a vault. Zeroized on drop,
/// printed redacted.
#[derive(Debug)]
pub struct OpenedProject {
    repositories: [OpenedRepository; 2],
}

impl OpenedProject {
    /// The configuration repository's keys.
    pub fn config(&self) -> &OpenedRepository {
        &self.repositories[0]
    }

    /// The code repository's keys.
    pub fn code(&self) -> &OpenedRepository {
        &self.repositories[1]
    }

    /// Both, `Config` then `Code`.
    pub fn repositories(&self) -> &[OpenedRepository; 2] {
        &self.repositories
    }
}

/// One repository's opened deploy key and webhook secret.
#[derive(Debug)]
pub struct OpenedRepository {
    role: RepositoryRole,
    repository: String,
    deploy_key: DeployKey,
    webhook_secret: WebhookSecret,
}

impl OpenedRepository {
    /// The repository's role.
    pub fn role(&self) -> RepositoryRole {
        self.role
    }

    /// The repository ref.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The deploy key (clone and fetch with it).
    pub fn deploy_key(&self) -> &DeployKey {
        &self.deploy_key
    }

    /// The webhook secret (check the git host's webhook signatures with it).
    pub fn webhook_secret(&self) -> &WebhookSecret {
        &self.webhook_secret
    }
}
