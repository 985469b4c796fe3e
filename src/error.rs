//! The crate's one error type.
//!
//! Decoding failures are typed ([`Error::Decode`] names the object and the
//! reason), so that a caller can tell a malformed input from a forged one.
//! Verification and decryption failures are deliberately opaque
//! ([`Error::Verification`], [`Error::Decryption`]): which equation failed, or
//! at which step an envelope was refused, is information an attacker could use
//! and an honest caller does not need.

use core::fmt;

use crate::kinds::{Purpose, RepositoryRole};

/// Every way an operation of this crate can fail.
///
/// `Error` is `Copy` and carries no secret data. New variants may be added in
/// minor releases (`#[non_exhaustive]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// Bytes that are not the canonical encoding of a `what`.
    Decode {
        /// The object being decoded.
        what: Object,
        /// Why the bytes were refused.
        why: DecodeFailure,
    },
    /// A caller-supplied argument is outside what the operation accepts.
    InvalidInput {
        /// Which argument, and what is wrong with it.
        what: InvalidInput,
    },
    /// A proof, signature or sealed item did not verify.
    ///
    /// Opaque on purpose: the failing equation is not reported.
    Verification,
    /// Decryption or opening failed.
    ///
    /// Opaque on purpose: one error for a wrong key, a tampered envelope, a
    /// failed key commitment or a payload that does not decode.
    Decryption,
    /// A [`ProjectRegistration`](crate::ProjectRegistration) was refused.
    ///
    /// Every check names itself: everything it reports (which sealed item
    /// failed, which repository the git host refused) is public data of the
    /// registration or of the vault's directory.
    Registration {
        /// The check that failed.
        why: RegistrationFailure,
    },
}

/// The kinds of object this crate decodes, as named in [`Error::Decode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Object {
    /// A canonical 32-byte scalar.
    Scalar,
    /// A compressed ristretto255 point.
    RistrettoPoint,
    /// A compressed edwards25519 point.
    EdwardsPoint,
    /// A [`Context`](crate::Context).
    Context,
    /// A [`VaultPublicKey`](crate::VaultPublicKey).
    VaultPublicKey,
    /// A [`VaultSecretKey`](crate::VaultSecretKey).
    VaultSecretKey,
    /// A [`VaultKeyProof`](crate::VaultKeyProof).
    VaultKeyProof,
    /// A hybrid envelope ([`hybrid`](crate::hybrid)).
    HybridEnvelope,
    /// An aggregated range proof.
    RangeProof,
    /// A deploy public key (`A`, an Ed25519 public key).
    DeployPublicKey,
    /// A sealed deploy key.
    SealedDeployKey,
    /// A sealed secret.
    SealedSecret,
    /// A vault directory record.
    VaultRecord,
    /// A deploy key's secret scalar ([`DeployKey`](crate::DeployKey)).
    DeployKey,
    /// An OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
    OpensshPublicKey,
    /// A [`WebhookSecret`](crate::WebhookSecret).
    WebhookSecret,
    /// A webhook signature header (`X-Hub-Signature-256: sha256=…`).
    WebhookSignature,
    /// A [`ProjectRegistration`](crate::ProjectRegistration).
    ProjectRegistration,
}

/// Why bytes were refused by a decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeFailure {
    /// The input ended before the object did.
    Length,
    /// Bytes remained after the object ended.
    TrailingData,
    /// A scalar `≥ ℓ`, or a point encoding that is not the canonical one.
    NonCanonical,
    /// A point encoding that does not decompress.
    NotOnCurve,
    /// The identity where it is not allowed (a key, a commitment, a handle, a
    /// prover message).
    Identity,
    /// An Edwards point with a small-order (torsion) component.
    Torsion,
    /// A point of small order (its order divides the cofactor 8) where a
    /// key must have a large order: an X25519 KEM key `W` that is
    /// `u = 0`, `u = 1` or one of the two points of order 8.
    SmallOrder,
    /// A count or length outside the range the format allows.
    Limit,
    /// An unknown version, tag or enum byte.
    Tag,
    /// A list that must be strictly increasing is not (duplicates included).
    Unsorted,
}

/// What is wrong with a caller-supplied argument, as named in
/// [`Error::InvalidInput`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidInput {
    /// A sealed payload must be 1..=128 bytes (a hybrid payload at most 16 MiB).
    PayloadLength,
    /// The number of recipients must be 1..=8.
    RecipientCount,
    /// The same recipient key appears twice.
    DuplicateRecipient,
    /// A context field is empty or too long.
    ContextField,
    /// The context's purpose does not match the operation.
    Purpose,
    /// A secret scalar was zero.
    ZeroScalar,
    /// An OpenSSH comment contains a control character (a line break would
    /// let it start a new `authorized_keys` line).
    OpensshComment,
    /// A webhook key (the shared secret string) is empty.
    EmptyWebhookKey,
    /// A recipient key cannot be used (an HPKE encapsulation to it failed).
    RecipientKey,
    /// A vault record field is empty, too long or out of range.
    RecordField,
    /// Fewer eligible vaults than requested.
    NotEnoughVaults,
    /// A project name must be 1..=64 bytes of UTF-8 without control
    /// characters.
    ProjectName,
    /// A repository ref must be 1..=256 bytes of UTF-8 without control
    /// characters, and the two repositories of a registration must differ.
    RepositoryRef,
    /// A registration needs a timestamp.
    Timestamp,
}

/// Why a [`ProjectRegistration`](crate::ProjectRegistration) was refused, as
/// named in [`Error::Registration`] (the checks of
/// [`ProjectRegistration::verify`](crate::ProjectRegistration::verify), in
/// the order they run).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegistrationFailure {
    /// The owner's Ed25519 signature does not verify (`verify_strict`) over
    /// the registration's encoding.
    Signature,
    /// The verifying vault is not one of the registration's recipients.
    NotARecipient,
    /// The repositories are not exactly one `Config` then one `Code`.
    Roles,
    /// Both repositories have the same repository ref.
    DuplicateRepository,
    /// Both repositories have the same deploy public key.
    DuplicateDeployKey,
    /// A repository's deploy public key is not the key its sealed deploy key
    /// binds.
    DeployKeyMismatch {
        /// The repository.
        role: RepositoryRole,
    },
    /// A sealed item's recipient list differs from the registration's.
    RecipientMismatch {
        /// The repository of the item.
        role: RepositoryRole,
        /// Which of its items.
        purpose: Purpose,
    },
    /// A sealed webhook secret is not 32 bytes long.
    PayloadLength {
        /// The repository of the item.
        role: RepositoryRole,
    },
    /// A recipient has no record in the vault directory passed to `verify`.
    UnknownRecipient,
    /// A recipient's directory record has a proof of possession that does not
    /// verify.
    RecipientRecordInvalid,
    /// A sealed item's proofs do not verify under the context derived from
    /// the registration (moved from another project, repository, role or
    /// owner, or forged).
    ItemProof {
        /// The repository of the item.
        role: RepositoryRole,
        /// Which of its items.
        purpose: Purpose,
    },
    /// The vault's [`OwnershipCheck`](crate::OwnershipCheck) answered no: the
    /// deploy key is not installed on the repository.
    OwnershipRefused {
        /// The repository.
        role: RepositoryRole,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode { what, why } => write!(f, "invalid {what} encoding: {why}"),
            Error::InvalidInput { what } => write!(f, "invalid input: {what}"),
            Error::Verification => f.write_str("verification failed"),
            Error::Decryption => f.write_str("decryption failed"),
            Error::Registration { why } => write!(f, "registration refused: {why}"),
        }
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Object::Scalar => "scalar",
            Object::RistrettoPoint => "ristretto255 point",
            Object::EdwardsPoint => "edwards25519 point",
            Object::Context => "context",
            Object::VaultPublicKey => "vault public key",
            Object::VaultSecretKey => "vault secret key",
            Object::VaultKeyProof => "vault key proof",
            Object::HybridEnvelope => "hybrid envelope",
            Object::RangeProof => "range proof",
            Object::DeployPublicKey => "deploy public key",
            Object::SealedDeployKey => "sealed deploy key",
            Object::SealedSecret => "sealed secret",
            Object::VaultRecord => "vault record",
            Object::DeployKey => "deploy key",
            Object::OpensshPublicKey => "OpenSSH public key",
            Object::WebhookSecret => "webhook secret",
            Object::WebhookSignature => "webhook signature header",
            Object::ProjectRegistration => "project registration",
        })
    }
}

impl fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeFailure::Length => "input too short",
            DecodeFailure::TrailingData => "trailing bytes",
            DecodeFailure::NonCanonical => "non-canonical encoding",
            DecodeFailure::NotOnCurve => "not a valid point",
            DecodeFailure::Identity => "identity point not allowed",
            DecodeFailure::Torsion => "point has a torsion component",
            DecodeFailure::SmallOrder => "point of small order",
            DecodeFailure::Limit => "count or length out of range",
            DecodeFailure::Tag => "unknown version or tag",
            DecodeFailure::Unsorted => "list not strictly increasing",
        })
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidInput::PayloadLength => "payload length out of range",
            InvalidInput::RecipientCount => "number of recipients out of range (1..=8)",
            InvalidInput::DuplicateRecipient => "duplicate recipient",
            InvalidInput::ContextField => "context field empty or too long",
            InvalidInput::Purpose => "context purpose does not match the operation",
            InvalidInput::ZeroScalar => "secret scalar is zero",
            InvalidInput::OpensshComment => "OpenSSH comment contains a control character",
            InvalidInput::EmptyWebhookKey => "webhook key is empty",
            InvalidInput::RecipientKey => "recipient key cannot be used",
            InvalidInput::RecordField => "vault record field empty, too long or out of range",
            InvalidInput::NotEnoughVaults => "fewer eligible vaults than requested",
            InvalidInput::ProjectName => {
                "project name empty, longer than 64 bytes or with a control character"
            }
            InvalidInput::RepositoryRef => {
                "repository ref missing, empty, longer than 256 bytes, with a control character, \
                 or the same for both repositories"
            }
            InvalidInput::Timestamp => "registration timestamp not set",
        })
    }
}

impl fmt::Display for RegistrationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistrationFailure::Signature => f.write_str("owner signature does not verify"),
            RegistrationFailure::NotARecipient => {
                f.write_str("the verifying vault is not a recipient")
            }
            RegistrationFailure::Roles => {
                f.write_str("repositories are not one Config then one Code")
            }
            RegistrationFailure::DuplicateRepository => {
                f.write_str("both repositories have the same ref")
            }
            RegistrationFailure::DuplicateDeployKey => {
                f.write_str("both repositories have the same deploy key")
            }
            RegistrationFailure::DeployKeyMismatch { role } => {
                write!(f, "{role} repository: deploy key differs from the sealed key's")
            }
            RegistrationFailure::RecipientMismatch { role, purpose } => write!(
                f,
                "{role} repository: sealed {} recipients differ from the registration's",
                purpose_name(*purpose)
            ),
            RegistrationFailure::PayloadLength { role } => {
                write!(f, "{role} repository: sealed webhook secret is not 32 bytes")
            }
            RegistrationFailure::UnknownRecipient => {
                f.write_str("a recipient has no record in the vault directory")
            }
            RegistrationFailure::RecipientRecordInvalid => {
                f.write_str("a recipient's record has an invalid proof of possession")
            }
            RegistrationFailure::ItemProof { role, purpose } => write!(
                f,
                "{role} repository: sealed {} does not verify under its context",
                purpose_name(*purpose)
            ),
            RegistrationFailure::OwnershipRefused { role } => {
                write!(f, "{role} repository: deploy key not installed on the repository")
            }
        }
    }
}

/// A purpose, as a registration error names it.
fn purpose_name(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::DeployKey => "deploy key",
        Purpose::WebhookSecret => "webhook secret",
        Purpose::Secret => "secret",
    }
}

impl core::error::Error for Error {}

impl Error {
    /// Shorthand for [`Error::Decode`].
    pub(crate) const fn decode(what: Object, why: DecodeFailure) -> Self {
        Error::Decode { what, why }
    }

    /// Shorthand for [`Error::InvalidInput`].
    pub(crate) const fn input(what: InvalidInput) -> Self {
        Error::InvalidInput { what }
    }

    /// Shorthand for [`Error::Registration`].
    pub(crate) const fn registration(why: RegistrationFailure) -> Self {
        Error::Registration { why }
    }
}
