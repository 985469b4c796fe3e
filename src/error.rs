//! The crate's one error type.
//!
//! Decoding failures are typed ([`Error::Decode`] names the object and the
//! reason), so that a caller can tell a malformed input from a forged one.
//! Verification and decryption failures are deliberately opaque
//! ([`Error::Verification`], [`Error::Decryption`]): which equation failed, or
//! at which step an envelope was refused, is information an attacker could use
//! and an honest caller does not need.

use core::fmt;

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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode { what, why } => write!(f, "invalid {what} encoding: {why}"),
            Error::InvalidInput { what } => write!(f, "invalid input: {what}"),
            Error::Verification => f.write_str("verification failed"),
            Error::Decryption => f.write_str("decryption failed"),
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
        })
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
}
