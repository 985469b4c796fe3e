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
// The proof modules below (`montgomery`, `msm`, `elgamal`, `range_proof`, `sigma`) are
// public in the rendered documentation only (`cfg(doc)`: `cargo doc` and
// docs.rs), so that their mathematics can be read there; their items stay
// `pub(crate)` and are not rendered. A normal build keeps them private: they
// add no API.
#[cfg(doc)]
pub mod montgomery;
#[cfg(not(doc))]
mod montgomery;
#[cfg(doc)]
pub mod msm;
#[cfg(not(doc))]
mod msm;
mod transcript;

pub mod context;
pub mod params;

pub use context::{Context, Purpose};
pub use error::{DecodeFailure, Error, InvalidInput, Object, ThresholdFailure};
pub use params::Params;

// ---- vault keys and chunked twisted ElGamal ----
#[cfg(doc)]
pub mod elgamal;
#[cfg(not(doc))]
mod elgamal;
pub mod vault;
pub use vault::{VaultKeyProof, VaultKeypair, VaultPublicKey, VaultSecretKey};

// ---- hybrid encryption ----
pub mod hybrid;

// ---- deploy keys and webhook secrets ----
pub mod deploy_key;
pub mod webhook;
pub use deploy_key::{DeployKey, DeployPublicKey};

// ---- an ssh-agent serving deploy keys (std, Unix) ----
#[cfg(all(feature = "agent", unix))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "agent", unix))))]
pub mod agent;
pub use webhook::{Secret, WebhookSecret, verify_github_signature, verify_gitlab_token};

// ---- proofs and sealed items ----
#[cfg(doc)]
pub mod range_proof;
#[cfg(not(doc))]
mod range_proof;
pub mod sealed;
#[cfg(doc)]
pub mod sigma;
#[cfg(not(doc))]
mod sigma;
mod statement;
pub use sealed::{
    SealedDeployKey, SealedSecret, Verified, VerifiedSealedDeployKey, VerifiedSealedSecret,
    seal_deploy_key, seal_secret,
};

// ---- threshold dealings (t-of-n sealing of deploy keys) ----
pub mod threshold;
pub use threshold::{
    DealingId, KeyShare, ThresholdSealedDeployKey, combine_shares, seal_deploy_key_shares,
    seal_new_deploy_key_shares,
};

// ---- batch verification ----
pub mod batch;
pub use batch::{
    BatchError, BatchVerifier, verify_in_chunks, verify_sealed_deploy_keys, verify_sealed_secrets,
};

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
/// that callers use the same `ed25519-dalek` version as the crate. Not
/// inlined: their documentation is ed25519-dalek's own, whose formulas only
/// its own docs render.
#[doc(no_inline)]
pub use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

#[cfg(feature = "serde")]
mod serde_impls;

/// Secret-taint (ctgrind) hooks; not part of the API.
#[cfg(feature = "__ctgrind")]
#[doc(hidden)]
#[path = "ctgrind.rs"]
pub mod __ctgrind;

/// Fuzz-target hooks (crate-internal arithmetic); not part of the API.
#[cfg(feature = "__fuzz")]
#[doc(hidden)]
#[path = "fuzz.rs"]
pub mod __fuzz;

/// Mathematical notes, rendered as documentation only.
#[cfg(doc)]
pub mod notes;

/// The proof modules are public in the rendered documentation only: a
/// normal build, the one other crates link against, does not export them.
/// A public module imports (the control):
///
/// ```
/// #[allow(unused_imports)]
/// use vaultseal::sealed;
/// ```
///
/// and none of the four proof modules does:
///
/// ```compile_fail,E0603
/// #[allow(unused_imports)]
/// use vaultseal::msm;
/// ```
///
/// ```compile_fail,E0603
/// #[allow(unused_imports)]
/// use vaultseal::elgamal;
/// ```
///
/// ```compile_fail,E0603
/// #[allow(unused_imports)]
/// use vaultseal::range_proof;
/// ```
///
/// ```compile_fail,E0603
/// #[allow(unused_imports)]
/// use vaultseal::sigma;
/// ```
#[cfg(doctest)]
struct ProofModulesArePrivate;
