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
    /// A threshold dealing, a key share or a threshold signing session was
    /// refused ([`threshold`](crate::threshold)).
    ///
    /// Names the share: share indices, like everything else it reports, are
    /// public data of the dealing.
    Threshold {
        /// The check that failed.
        why: ThresholdFailure,
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
    /// A [`ThresholdSealedDeployKey`](crate::ThresholdSealedDeployKey).
    ThresholdSealedDeployKey,
    /// A [`KeyShare`](crate::KeyShare).
    KeyShare,
    /// A [`SealedKeyShare`](crate::threshold::SealedKeyShare).
    SealedKeyShare,
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
    /// A threshold `t` must satisfy 2 ≤ t ≤ n, and a dealing needs
    /// 2 ≤ n ≤ 8 recipients.
    Threshold,
}

/// Why a threshold dealing, key share or signing session was refused, as
/// named in [`Error::Threshold`]. Share indices are the evaluation points
/// `j = 1..=n` of the dealing (its recipients' sorted positions plus one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ThresholdFailure {
    /// A share's proofs (range, validity, binding to `A_j`) do not verify
    /// under the dealing and context.
    ShareProof {
        /// The share's index `j`.
        index: u8,
    },
    /// A share's public key `A_j` is the identity (`s_j = 0`).
    ZeroShare {
        /// The share's index `j`.
        index: u8,
    },
    /// A share's public key `A_j` equals `A` (`s_j = s`: the mark of a
    /// polynomial evaluated at 0).
    ShareIsTheKey {
        /// The share's index `j`.
        index: u8,
    },
    /// Two shares have the same public key (`A_j = A_m`, so `s_j = s_m`):
    /// their holders together hold one point of the polynomial, and fewer
    /// than `t` others would recover the key with them.
    EqualShares {
        /// The smaller index.
        index: u8,
        /// The larger index.
        other: u8,
    },
    /// The dealing's recipients or threshold differ from the ones expected.
    RecipientMismatch,
    /// The opening vault is not one of the dealing's recipients.
    NotARecipient,
    /// Fewer shares than the threshold.
    TooFewShares,
    /// Two shares with the same index.
    DuplicateShare {
        /// The index given twice.
        index: u8,
    },
    /// Shares of different dealings (ids), of different keys.
    MixedDealings,
    /// Shares of different dealings of the same key `A`: never combined
    /// (their polynomials differ).
    OtherDealingOfTheKey,
    /// A share's secret `s_j` does not match its public key: `s_j·B ≠ A_j`.
    ShareKey {
        /// The share's index `j`.
        index: u8,
    },
    /// The interpolated key does not match `A`.
    Recovered,
    /// A signing session names another dealing than the signer's share.
    SessionDealing,
    /// The signer's policy refused the message.
    Policy,
    /// A threshold signing round failed (FROST; a commitment or signature
    /// share that is missing, malformed or invalid).
    Signing,
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
    /// A threshold registration's deploy-key dealing has another threshold
    /// than the registration.
    ThresholdMismatch {
        /// The repository.
        role: RepositoryRole,
    },
    /// Opened the wrong way: a threshold registration's deploy keys are
    /// opened as shares ([`VerifiedRegistration::open_shares`](crate::VerifiedRegistration::open_shares)),
    /// a version 1 registration's whole ([`VerifiedRegistration::open`](crate::VerifiedRegistration::open)).
    OpeningMode,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode { what, why } => write!(f, "invalid {what} encoding: {why}"),
            Error::InvalidInput { what } => write!(f, "invalid input: {what}"),
            Error::Verification => f.write_str("verification failed"),
            Error::Decryption => f.write_str("decryption failed"),
            Error::Registration { why } => write!(f, "registration refused: {why}"),
            Error::Threshold { why } => write!(f, "threshold dealing refused: {why}"),
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
            Object::ThresholdSealedDeployKey => "threshold-sealed deploy key",
            Object::KeyShare => "key share",
            Object::SealedKeyShare => "sealed key share",
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
            InvalidInput::Threshold => "threshold or share count out of range (2 ≤ t ≤ n ≤ 8)",
        })
    }
}

impl RegistrationFailure {
    /// The check's name: the variant's name without its fields, e.g.
    /// `"NotARecipient"` or `"ItemProof"` (for `ItemProof { role, purpose }`).
    ///
    /// Stable identifiers for tools and logs: the `vaultseal` command-line
    /// tool prints `INVALID <file>: <name>: <reason>` (the reason is the
    /// [`Display`](fmt::Display) text, which carries the fields). Each
    /// variant has its own name.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            RegistrationFailure::Signature => "Signature",
            RegistrationFailure::NotARecipient => "NotARecipient",
            RegistrationFailure::Roles => "Roles",
            RegistrationFailure::DuplicateRepository => "DuplicateRepository",
            RegistrationFailure::DuplicateDeployKey => "DuplicateDeployKey",
            RegistrationFailure::DeployKeyMismatch { .. } => "DeployKeyMismatch",
            RegistrationFailure::RecipientMismatch { .. } => "RecipientMismatch",
            RegistrationFailure::PayloadLength { .. } => "PayloadLength",
            RegistrationFailure::UnknownRecipient => "UnknownRecipient",
            RegistrationFailure::RecipientRecordInvalid => "RecipientRecordInvalid",
            RegistrationFailure::ItemProof { .. } => "ItemProof",
            RegistrationFailure::OwnershipRefused { .. } => "OwnershipRefused",
            RegistrationFailure::ThresholdMismatch { .. } => "ThresholdMismatch",
            RegistrationFailure::OpeningMode => "OpeningMode",
        }
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
            RegistrationFailure::ThresholdMismatch { role } => {
                write!(f, "{role} repository: deploy key dealt with another threshold")
            }
            RegistrationFailure::OpeningMode => f.write_str(
                "deploy keys are dealt in shares (open shares) or sealed whole (open keys), \
                 not as asked",
            ),
        }
    }
}

impl fmt::Display for ThresholdFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThresholdFailure::ShareProof { index } => {
                write!(f, "share {index}: proofs do not verify")
            }
            ThresholdFailure::ZeroShare { index } => write!(f, "share {index} is zero"),
            ThresholdFailure::ShareIsTheKey { index } => {
                write!(f, "share {index} equals the key (evaluation at 0)")
            }
            ThresholdFailure::EqualShares { index, other } => {
                write!(f, "shares {index} and {other} are equal")
            }
            ThresholdFailure::RecipientMismatch => {
                f.write_str("recipients or threshold differ from the expected ones")
            }
            ThresholdFailure::NotARecipient => f.write_str("this vault is not a recipient"),
            ThresholdFailure::TooFewShares => f.write_str("fewer shares than the threshold"),
            ThresholdFailure::DuplicateShare { index } => {
                write!(f, "share {index} given twice")
            }
            ThresholdFailure::MixedDealings => f.write_str("shares of different dealings"),
            ThresholdFailure::OtherDealingOfTheKey => {
                f.write_str("shares of two dealings of the same key")
            }
            ThresholdFailure::ShareKey { index } => {
                write!(f, "share {index}: secret does not match its public key")
            }
            ThresholdFailure::Recovered => f.write_str("recovered key does not match"),
            ThresholdFailure::SessionDealing => {
                f.write_str("signing session is for another dealing")
            }
            ThresholdFailure::Policy => f.write_str("the signer's policy refused the message"),
            ThresholdFailure::Signing => f.write_str("threshold signing round failed"),
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

    /// Shorthand for [`Error::Threshold`].
    pub(crate) const fn threshold(why: ThresholdFailure) -> Self {
        Error::Threshold { why }
    }

    /// Shorthand for [`Error::Registration`].
    pub(crate) const fn registration(why: RegistrationFailure) -> Self {
        Error::Registration { why }
    }
}

#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::vec::Vec;

    use super::*;

    /// Every variant, with every value of its fields.
    fn every_registration_failure() -> Vec<RegistrationFailure> {
        use RegistrationFailure as F;
        let roles = [RepositoryRole::Config, RepositoryRole::Code];
        let purposes = [Purpose::DeployKey, Purpose::WebhookSecret, Purpose::Secret];
        let mut all = Vec::from([
            F::Signature,
            F::NotARecipient,
            F::Roles,
            F::DuplicateRepository,
            F::DuplicateDeployKey,
            F::UnknownRecipient,
            F::RecipientRecordInvalid,
            F::OpeningMode,
        ]);
        for role in roles {
            all.extend([
                F::DeployKeyMismatch { role },
                F::PayloadLength { role },
                F::OwnershipRefused { role },
                F::ThresholdMismatch { role },
            ]);
            for purpose in purposes {
                all.extend([
                    F::RecipientMismatch { role, purpose },
                    F::ItemProof { role, purpose },
                ]);
            }
        }
        // A new variant fails to compile here until it is listed above.
        for failure in &all {
            match failure {
                F::Signature
                | F::NotARecipient
                | F::Roles
                | F::DuplicateRepository
                | F::DuplicateDeployKey
                | F::DeployKeyMismatch { .. }
                | F::RecipientMismatch { .. }
                | F::PayloadLength { .. }
                | F::UnknownRecipient
                | F::RecipientRecordInvalid
                | F::ItemProof { .. }
                | F::OwnershipRefused { .. }
                | F::ThresholdMismatch { .. }
                | F::OpeningMode => {}
            }
        }
        all
    }

    /// `name` is what the command-line tool printed before it existed (the
    /// `Debug` output up to the first space, brace or parenthesis), and no
    /// two variants share a name.
    #[test]
    fn registration_failure_names_are_the_variant_names() {
        let all = every_registration_failure();
        for failure in &all {
            let debug = format!("{failure:?}");
            let from_debug = debug.split([' ', '{', '(']).next().unwrap_or_default();
            assert_eq!(failure.name(), from_debug, "{failure:?}");
        }
        let mut names: Vec<&str> = all.iter().map(RegistrationFailure::name).collect();
        names.sort_unstable();
        names.dedup();
        let expected = [
            "DeployKeyMismatch",
            "DuplicateDeployKey",
            "DuplicateRepository",
            "ItemProof",
            "NotARecipient",
            "OpeningMode",
            "OwnershipRefused",
            "PayloadLength",
            "RecipientMismatch",
            "RecipientRecordInvalid",
            "Roles",
            "Signature",
            "ThresholdMismatch",
            "UnknownRecipient",
        ];
        assert_eq!(names, expected);
    }
}
