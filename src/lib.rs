#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

// ---- foundation: transcript, errors, generators, encodings, context, MSM ----
mod encoding;
mod error;
mod generators;
mod kinds;
mod limits;
mod msm;
mod transcript;

pub mod context;
pub mod params;

pub use context::{Context, Purpose};
pub use error::{DecodeFailure, Error, InvalidInput, Object};
pub use params::Params;

// ---- vault keys and chunked twisted ElGamal ----
mod elgamal;
pub mod vault;
pub use vault::{VaultKeyProof, VaultKeypair, VaultPublicKey, VaultSecretKey};

// ---- hybrid encryption ----
pub mod hybrid;

// ---- deploy keys and webhook secrets ----
pub mod deploy_key;
pub mod webhook;
pub use deploy_key::{DeployKey, DeployPublicKey};
pub use webhook::{Secret, WebhookSecret, verify_github_signature, verify_gitlab_token};

// ---- proofs and sealed items ----
mod range_proof;
pub mod sealed;
mod sigma;
pub use sealed::{
    SealedDeployKey, SealedSecret, Verified, VerifiedSealedDeployKey, VerifiedSealedSecret,
    seal_deploy_key, seal_secret,
};

// ---- batch verification ----
pub mod batch;
pub use batch::{BatchError, BatchVerifier, verify_sealed_deploy_keys, verify_sealed_secrets};

// ---- vault directory and selection ----
pub mod selection;
pub use selection::{SelectionPolicy, VaultFields, VaultRecord, select_vaults};

// ---- registration ----
pub mod registration;
pub use error::RegistrationFailure;
pub use registration::{
    OwnershipCheck, ProjectId, ProjectRegistration, RepositoryRegistration, RepositoryRole,
    VerifiedRegistration, verify_registration_bytes, verify_registrations,
};

/// The Ed25519 types of the API (owner keys, signatures), re-exported so
/// that callers use the same `ed25519-dalek` version as the crate.
pub use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

#[cfg(feature = "serde")]
mod serde_impls;

/// Secret-taint (ctgrind) hooks; not part of the API.
#[cfg(feature = "__ctgrind")]
#[doc(hidden)]
#[path = "ctgrind.rs"]
pub mod __ctgrind;

/// Mathematical notes, rendered as documentation only.
#[cfg(doc)]
pub mod notes;
