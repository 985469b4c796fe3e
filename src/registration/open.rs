//! What verification alone produces: a [`VerifiedRegistration`], and the
//! project a recipient vault opens from it ([`OpenedProject`], one
//! [`OpenedRepository`] per role), without verifying anything again.

use alloc::string::String;

use super::{ProjectId, ProjectRegistration, RepositoryRegistration, RepositoryRole};
use crate::deploy_key::DeployKey;
use crate::error::{Error, RegistrationFailure};
use crate::params::Params;
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
    /// [`Error::Decryption`] if decryption fails (it cannot for a verified
    /// item and the right key).
    pub fn open(&self, params: &Params, vault: &VaultKeypair) -> Result<OpenedProject, Error> {
        if !self.registration.recipients.contains(vault.public()) {
            return Err(Error::registration(RegistrationFailure::NotARecipient));
        }
        let open = |repository: &RepositoryRegistration| {
            let deploy_key = repository.sealed_deploy_key.open_verified(params, vault)?;
            let secret = repository.sealed_webhook_secret.open_verified(params, vault)?;
            let webhook_secret =
                WebhookSecret::from_bytes(secret.as_bytes()).map_err(|_| Error::Decryption)?;
            Ok::<_, Error>(OpenedRepository {
                role: repository.role,
                repository: repository.repository.clone(),
                deploy_key,
                webhook_secret,
            })
        };
        let [config, code] = &self.registration.repositories;
        Ok(OpenedProject { repositories: [open(config)?, open(code)?] })
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
