//! Project registration (`docs/PROTOCOL.md` §10): [`ProjectRegistration`],
//! [`RepositoryRegistration`], [`VerifiedRegistration`], [`OwnershipCheck`].
//!
//! A project is two repositories — `Config` (the YAML resources) and `Code`
//! (inline code) — each with a deploy key the vault will clone with and a
//! webhook secret the git host signs its pushes with. The owner (an Ed25519
//! key) generates both for each repository, installs the public halves on the
//! git host, seals the secrets to the chosen vaults and signs the whole
//! registration ([`RegistrationBuilder`]). A vault that receives it runs
//! [`ProjectRegistration::verify`]; only that produces a
//! [`VerifiedRegistration`], and only a verified registration is opened
//! ([`VerifiedRegistration::open`]).
//!
//! ```
//! # use vaultseal::*;
//! # use rand_core::UnwrapErr;
//! let mut rng = UnwrapErr(getrandom::SysRng); // the operating system's CSPRNG
//! let params = Params::shared();
//! // A vault publishes a record; the directory is the network's list of them.
//! let vault = VaultKeypair::generate(params, &mut rng);
//! let fields = VaultFields::new("eu-west", "vault.example:4242", 1, 0)?;
//! let directory = [VaultRecord::new(&vault, fields, &mut rng).with_network_metrics(900, 1 << 20)?];
//!
//! // The owner builds, installs (not shown) and sends the registration.
//! let owner = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
//! let new = ProjectRegistration::builder(&owner, "hello-world")
//!     .recipients(&[*vault.public()])
//!     .repositories("github:1001", "github:1002")
//!     .timestamp(1_700_000_000)
//!     .build(params, &mut rng)?;
//! for setup in new.repositories() {
//!     let _line = setup.deploy_public_key().to_openssh("vaultseal")?; // deploy key to install
//!     let _hex = setup.webhook_secret().to_hex(); // webhook secret to configure
//! }
//! let wire = new.registration().to_bytes();
//!
//! // The vault decodes, verifies (asking the git host about ownership), opens.
//! let installed = |_repo: &str, key: &DeployPublicKey| {
//!     new.repositories().iter().any(|s| s.deploy_public_key() == *key)
//! };
//! let registration = ProjectRegistration::from_bytes(&wire)?;
//! let verified = registration.verify(params, vault.public(), &directory, &installed, &mut rng)?;
//! let opened = verified.open(params, &vault)?;
//! assert_eq!(opened.code().deploy_key().public_key(), new.repositories()[1].deploy_public_key());
//! assert_eq!(opened.config().webhook_secret(), new.repositories()[0].webhook_secret());
//! # Ok::<(), vaultseal::Error>(())
//! ```
//!
//! # Project id
//! The project id is derived, never chosen, so that no other owner can claim
//! it:
//! $$
//! \mathrm{id} = \mathrm{hex}(\mathrm{SHA512/256}(\texttt{\"vaultseal-project-id-v1\"}
//! \\| A_o \\| \mathrm{u8}(|\mathrm{name}|) \\| \mathrm{name}))
//! $$
//! with \\(A_o\\) the owner's 32-byte Ed25519 key: 64 lowercase hex
//! characters ([`ProjectId`]), the bytes every context and
//! [`select_vaults`](crate::select_vaults) use.
//!
//! # Contexts
//! Sealed item `(role, purpose)` of repository `ref` is sealed and verified
//! under
//! ```text
//! Context::new(project id, ref, purpose, A_o).with_extra("vaultseal-registration-context-v1" ‖ u8(role))
//! ```
//! (role 1 = `Config`, 2 = `Code`), derived from the registration inside
//! verification, never taken from the caller. An item therefore fails in any
//! other project, repository, role, purpose or owner's registration, or with
//! any other recipient list (`docs/PROTOCOL.md` §2.1).
//!
//! # Encoding
//! ```text
//! u8   version (= 1)
//! [32] owner key A_o (canonical Ed25519 point, not the identity, torsion-free)
//! u8   name length (1..=64) ‖ project name (UTF-8, no control characters)
//! [16] nonce
//! u64  timestamp (Unix seconds)
//! u8   v (1..=8) ‖ v recipients, VaultPublicKey Y ‖ W (64 each), strictly increasing by Y
//! two repositories, each:
//!   u8   role (1 = Config, 2 = Code)
//!   u16  ref length (1..=256) ‖ repository ref (UTF-8, no control characters)
//!   [32] deploy public key A
//!   u16  length ‖ SealedDeployKey
//!   u16  length ‖ SealedSecret (the webhook secret)
//! [64] owner signature R ‖ S over "vaultseal-registration-v1" ‖ every byte above
//! ```
//! A **threshold registration** (version 2, [`RegistrationBuilder::threshold`])
//! has `u8 t` (2 ≤ t ≤ v) after the recipients, and each repository's deploy
//! key is a [`ThresholdSealedDeployKey`] to all recipients in their order
//! instead of a `SealedDeployKey`; it is signed under
//! `"vaultseal-registration-v2"`. Its deploy keys never exist whole: each
//! recipient opens a share ([`VerifiedRegistration::open_shares`]), `t` of
//! them sign with FROST or recover the key. Webhook secrets stay sealed whole
//! to every recipient (an HMAC key cannot be used in shares), so one
//! compromised vault can forge webhook deliveries but cannot use a deploy
//! key.
//!
//! Integers are little-endian. The registration id
//! ([`ProjectRegistration::registration_id`]) is
//! `SHA512/256("vaultseal-registration-id-v1" ‖ encoding)`, signature
//! included.
//!
//! # Verification
//! [`ProjectRegistration::verify`] runs, in this order, each check failing
//! with its own [`RegistrationFailure`](crate::RegistrationFailure):
//! 1. the owner's signature, with ed25519-dalek's `verify_strict`
//!    (`Signature`);
//! 2. the verifying vault is a recipient (`NotARecipient`);
//! 3. the roles are `Config` then `Code` (`Roles`); the two refs differ
//!    (`DuplicateRepository`), and so do the two deploy keys
//!    (`DuplicateDeployKey`);
//! 4. per repository: its deploy public key is the `A` its sealed deploy key
//!    (or dealing) binds (`DeployKeyMismatch`); each sealed item's recipients
//!    are the registration's (`RecipientMismatch`); a dealing's threshold is
//!    the registration's (`ThresholdMismatch`); the webhook secret is 32
//!    bytes (`PayloadLength`);
//! 5. every recipient has a record in the directory (`UnknownRecipient`);
//! 6. one batch: every recipient record's proof of possession
//!    (`RecipientRecordInvalid`) and every proof of the four sealed items
//!    under their derived contexts (`ItemProof`, naming the item);
//! 7. the vault's [`OwnershipCheck`] for each repository
//!    (`OwnershipRefused`) — last, so that only a registration that passed
//!    every cryptographic check makes the vault call the git host.
//!
//! Steps 1–6 are one [`BatchVerifier`](crate::BatchVerifier) item
//! ([`BatchVerifier::push_registration`](crate::BatchVerifier::push_registration));
//! `verify` is a batch of one, and [`verify_registrations`] checks any number
//! in one batch.
//!
//! # Replay
//! A registration verifies forever. The vault keeps the ids of the
//! registrations it accepted and refuses an id it has seen; the timestamp
//! lets it bound that memory (accept only timestamps within its window, and
//! forget ids older than the window). The nonce makes two registrations of
//! the same project at the same second distinct.
//!
//! # Security
//! - Only the owner can register a project id: the id hashes the owner key,
//!   the signature covers every byte, and every sealed item's context holds
//!   both. Re-signing Alice's registration with another key changes the
//!   project id and the owner in every context, so every item fails.
//! - The vault can decrypt: every item is sealed to the registration's
//!   recipients, each recipient holds a key whose possession is proven in the
//!   vault's directory, and a verified deploy key item guarantees that the
//!   decrypted scalar is the secret of the installed key.
//! - Ownership of the repositories rests on the git host: only a repository
//!   admin can install a deploy key, and the vault asks the host whether
//!   exactly the registered key is installed.
//! - Errors tell the registrant which check failed. Everything they name is
//!   public (the registration, the directory, what the git host shows the
//!   repository's admin); nothing depends on a vault secret.
//!
//! # Constant time
//! Building seals with the constant-time sealing code and signs with
//! ed25519-dalek. Verification handles public data only and is variable time.
//! Opening decrypts in constant time (see [`sealed`](crate::sealed)).

mod builder;
mod open;
#[cfg(all(test, feature = "std"))]
mod threshold_tests;
mod verify;
mod wire;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha512_256};

use crate::context::{Context, Purpose};
use crate::deploy_key::DeployPublicKey;
use crate::error::{Error, InvalidInput};
use crate::sealed::{SealedDeployKey, SealedSecret};
use crate::threshold::ThresholdSealedDeployKey;
use crate::transcript::labels;
use crate::vault::VaultPublicKey;

pub use crate::kinds::RepositoryRole;

pub use builder::{BUILD_STEPS, BuildStep, NewRegistration, RegistrationBuilder, RepositorySetup};
pub use open::{OpenedProject, OpenedRepository, OpenedShare, OpenedShares, VerifiedRegistration};
pub use verify::{OwnershipCheck, verify_registration_bytes, verify_registrations};

/// Wire version of a registration whose deploy keys are sealed whole to
/// every recipient.
pub const REGISTRATION_VERSION: u8 = 1;

/// Wire version of a threshold registration: its deploy keys are dealt in
/// shares to the recipients ([`ThresholdSealedDeployKey`]).
pub const THRESHOLD_REGISTRATION_VERSION: u8 = 2;
/// Longest project name, in bytes.
pub const MAX_PROJECT_NAME_LEN: usize = 64;
/// Longest repository ref, in bytes (a [`Context`] repository id).
pub const MAX_REPOSITORY_REF_LEN: usize = crate::context::MAX_REPOSITORY_ID_LEN;
/// Length of a registration nonce.
pub const NONCE_LEN: usize = 16;
/// Length of a [`ProjectId`] (lowercase hex of a 32-byte digest).
pub const PROJECT_ID_LEN: usize = 64;

/// A project id: 64 lowercase hex characters derived from the owner's key
/// and the project name (see the [module documentation](self)).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectId {
    hex: [u8; PROJECT_ID_LEN],
}

impl ProjectId {
    /// The id of project `name` owned by `owner`.
    ///
    /// # Errors
    /// [`InvalidInput::ProjectName`] unless the name is 1..=64 bytes without
    /// control characters.
    pub fn derive(owner: &VerifyingKey, name: &str) -> Result<Self, Error> {
        if !is_valid_text(name, MAX_PROJECT_NAME_LEN) {
            return Err(Error::input(InvalidInput::ProjectName));
        }
        Ok(Self::derive_checked(owner, name))
    }

    /// [`ProjectId::derive`] for a name already checked.
    fn derive_checked(owner: &VerifyingKey, name: &str) -> Self {
        // 1..=64 bytes, checked by the callers.
        let len = u8::try_from(name.len()).unwrap_or(u8::MAX);
        let digest = Sha512_256::new()
            .chain_update(labels::PROJECT_ID)
            .chain_update(owner.as_bytes())
            .chain_update([len])
            .chain_update(name.as_bytes())
            .finalize();
        let mut hex = [0u8; PROJECT_ID_LEN];
        // The buffer is exactly twice the digest: encoding cannot fail.
        let _ = base16ct::lower::encode(&digest, &mut hex);
        ProjectId { hex }
    }

    /// The id as a string (64 lowercase hex characters).
    pub fn as_str(&self) -> &str {
        // Lowercase hex is ASCII.
        core::str::from_utf8(&self.hex).unwrap_or_default()
    }

    /// The id's 64 ASCII bytes: the project field of every context, and the
    /// `project_id` of [`select_vaults`](crate::select_vaults).
    pub fn as_bytes(&self) -> &[u8] {
        &self.hex
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProjectId({})", self.as_str())
    }
}

/// One repository of a registration: its role, ref, deploy public key, its
/// deploy key (sealed whole, or dealt in shares) and its sealed webhook
/// secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryRegistration {
    role: RepositoryRole,
    repository: String,
    deploy_public_key: DeployPublicKey,
    deploy_key: RegisteredDeployKey,
    sealed_webhook_secret: SealedSecret,
}

/// How a registration hands its deploy key to the vaults: version 1 seals it
/// whole to every recipient, version 2 deals it in shares (`t` of them
/// recover or sign).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegisteredDeployKey {
    /// Sealed whole to every recipient (version 1).
    Sealed(alloc::boxed::Box<SealedDeployKey>),
    /// Dealt in shares to the recipients, in their order (version 2).
    Dealt(alloc::boxed::Box<ThresholdSealedDeployKey>),
}

impl RegisteredDeployKey {
    /// The deploy public key `A` the item binds.
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        match self {
            RegisteredDeployKey::Sealed(sealed) => sealed.deploy_public_key(),
            RegisteredDeployKey::Dealt(dealing) => dealing.deploy_public_key(),
        }
    }

    /// Whether its recipients' sealing-key encodings are `keys`, in order.
    fn is_sealed_to(&self, keys: &[[u8; 32]]) -> bool {
        match self {
            RegisteredDeployKey::Sealed(sealed) => sealed.recipients().eq(keys.iter().copied()),
            RegisteredDeployKey::Dealt(dealing) => dealing.recipients().eq(keys.iter().copied()),
        }
    }
}

impl RepositoryRegistration {
    /// The repository's role.
    pub fn role(&self) -> RepositoryRole {
        self.role
    }

    /// The repository ref (e.g. `github:123456789`), as the git host knows
    /// the repository.
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// The deploy public key installed on the repository.
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        self.deploy_public_key
    }

    /// The deploy key, sealed whole (version 1) or dealt in shares
    /// (version 2).
    pub fn deploy_key(&self) -> &RegisteredDeployKey {
        &self.deploy_key
    }

    /// The sealed deploy key of a version 1 registration (`None` for a
    /// threshold registration: see [`threshold_deploy_key`](Self::threshold_deploy_key)).
    pub fn sealed_deploy_key(&self) -> Option<&SealedDeployKey> {
        match &self.deploy_key {
            RegisteredDeployKey::Sealed(sealed) => Some(sealed.as_ref()),
            RegisteredDeployKey::Dealt(_) => None,
        }
    }

    /// The dealing of a threshold registration's deploy key (`None` for
    /// version 1).
    pub fn threshold_deploy_key(&self) -> Option<&ThresholdSealedDeployKey> {
        match &self.deploy_key {
            RegisteredDeployKey::Sealed(_) => None,
            RegisteredDeployKey::Dealt(dealing) => Some(dealing.as_ref()),
        }
    }

    /// The sealed webhook secret.
    pub fn sealed_webhook_secret(&self) -> &SealedSecret {
        &self.sealed_webhook_secret
    }
}

/// A signed project registration, as sent to a vault (see the [module
/// documentation](self)). Created by [`RegistrationBuilder::build`] and
/// [`ProjectRegistration::from_bytes`]; not verified until
/// [`ProjectRegistration::verify`] says so.
///
/// # Example
/// The owner's side (the vault's is in the [module documentation](self)):
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Params, ProjectRegistration, VaultKeypair};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng); // in practice: from select_vaults
/// let owner = ed25519_dalek::SigningKey::from_bytes(&[9; 32]); // the owner's Ed25519 key
/// let new = ProjectRegistration::builder(&owner, "hello-world")
///     .recipients(&[*vault.public()])
///     .repositories("github:1001", "github:1002")
///     .timestamp(1_700_000_000) // now, in Unix seconds
///     .build(params, &mut rng)?;
/// for setup in new.repositories() {
///     // Install these on the git host: the deploy key's public line, the webhook secret.
///     let line = setup.deploy_public_key().to_openssh("vaultseal")?;
///     let hex = setup.webhook_secret().to_hex();
///     assert!(line.starts_with("ssh-ed25519 ") && hex.len() == 64);
/// }
/// let wire: Vec<u8> = new.registration().to_bytes(); // send this to the vault
/// assert_eq!(&ProjectRegistration::from_bytes(&wire)?, new.registration());
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRegistration {
    owner: VerifyingKey,
    project_name: String,
    /// Derived from `owner` and `project_name`.
    project_id: ProjectId,
    nonce: [u8; NONCE_LEN],
    timestamp: u64,
    /// 1..=8, strictly increasing by `Y`.
    recipients: Vec<VaultPublicKey>,
    /// The threshold `t` of a version 2 registration (2 ≤ t ≤ recipients);
    /// `None` for version 1.
    threshold: Option<u8>,
    repositories: [RepositoryRegistration; 2],
    signature: Signature,
    /// SHA-512/256 of the encoding.
    id: [u8; 32],
}

impl ProjectRegistration {
    /// A builder for a new registration (deploy keys and webhook secrets
    /// generated, sealed with their proofs), signed by `owner`.
    pub fn builder<'k>(
        owner: &'k ed25519_dalek::SigningKey,
        project_name: &str,
    ) -> RegistrationBuilder<'k> {
        RegistrationBuilder::new(owner, project_name)
    }

    /// The wire version: [`REGISTRATION_VERSION`] (deploy keys sealed
    /// whole), or [`THRESHOLD_REGISTRATION_VERSION`] (dealt in shares).
    pub fn version(&self) -> u8 {
        match self.threshold {
            None => REGISTRATION_VERSION,
            Some(_) => THRESHOLD_REGISTRATION_VERSION,
        }
    }

    /// The threshold `t` of a threshold registration (how many of its
    /// recipients recover or sign with a deploy key); `None` when every
    /// recipient holds the whole key (version 1).
    pub fn threshold(&self) -> Option<usize> {
        self.threshold.map(usize::from)
    }

    /// The owner's Ed25519 public key.
    pub fn owner(&self) -> &VerifyingKey {
        &self.owner
    }

    /// The project name.
    pub fn project_name(&self) -> &str {
        &self.project_name
    }

    /// The project id, derived from the owner key and the name.
    pub fn project_id(&self) -> &ProjectId {
        &self.project_id
    }

    /// The nonce.
    pub fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    /// The timestamp (Unix seconds, as the owner stated it).
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The vaults the items are sealed to, by increasing `Y` encoding.
    pub fn recipients(&self) -> &[VaultPublicKey] {
        &self.recipients
    }

    /// The two repositories, in wire order (`Config` then `Code` in a valid
    /// registration).
    pub fn repositories(&self) -> &[RepositoryRegistration; 2] {
        &self.repositories
    }

    /// The owner's signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The registration id:
    /// `SHA512/256("vaultseal-registration-id-v1" ‖ encoding)`, signature
    /// included. A vault refuses an id it has already accepted.
    pub fn registration_id(&self) -> [u8; 32] {
        self.id
    }

    /// The context the `purpose` item of the `role` repository is sealed (or
    /// dealt) and verified under (`docs/PROTOCOL.md` §10.2): what a vault
    /// needs to check or use one item on its own, e.g. to verify a dealing
    /// before threshold signing with it.
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] for a purpose a registration has no item of
    /// ([`Purpose::Secret`]).
    pub fn item_context_for(
        &self,
        role: RepositoryRole,
        purpose: Purpose,
    ) -> Result<Context, Error> {
        if purpose == Purpose::Secret {
            return Err(Error::input(InvalidInput::Purpose));
        }
        let repository = match role {
            RepositoryRole::Config => &self.repositories[0],
            RepositoryRole::Code => &self.repositories[1],
        };
        self.item_context(repository, purpose)
    }

    /// The context of the item `purpose` of `repository` (see the [module
    /// documentation](self)): the sealer's and the verifier's, one function.
    fn item_context(
        &self,
        repository: &RepositoryRegistration,
        purpose: Purpose,
    ) -> Result<Context, Error> {
        item_context(
            &self.project_id,
            &repository.repository,
            repository.role,
            purpose,
            &self.owner,
        )
    }
}

/// `Context::new(project id, ref, purpose, owner).with_extra(label ‖ role)`.
fn item_context(
    project_id: &ProjectId,
    repository: &str,
    role: RepositoryRole,
    purpose: Purpose,
    owner: &VerifyingKey,
) -> Result<Context, Error> {
    let mut extra = [0u8; labels::REGISTRATION_CONTEXT.len() + 1];
    extra[..labels::REGISTRATION_CONTEXT.len()].copy_from_slice(labels::REGISTRATION_CONTEXT);
    extra[labels::REGISTRATION_CONTEXT.len()] = role.to_byte();
    Context::new(project_id.as_bytes(), repository.as_bytes(), purpose, owner.to_bytes())?
        .with_extra(&extra)
}

/// `SHA512/256("vaultseal-registration-id-v1" ‖ encoding)`.
pub(crate) fn registration_id(encoding: &[u8]) -> [u8; 32] {
    let digest =
        Sha512_256::new().chain_update(labels::REGISTRATION_ID).chain_update(encoding).finalize();
    let mut id = [0u8; 32];
    id.copy_from_slice(&digest);
    id
}

/// Whether `text` is 1..=`max` bytes with no control character (names and
/// refs are printed and sent to git host APIs).
fn is_valid_text(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len()) && !text.chars().any(char::is_control)
}
