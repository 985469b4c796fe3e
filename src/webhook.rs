//! Webhook secrets and the git hosts' webhook checks: [`WebhookSecret`],
//! [`Secret`], [`verify_github_signature`], [`verify_gitlab_token`].
//!
//! A [`WebhookSecret`] is 32 uniformly random bytes; the secret *string* the
//! git host is configured with is their lowercase hex (64 characters,
//! [`WebhookSecret::to_hex`]). A sealed webhook secret carries the 32 bytes
//! (`L = 32`); the vault re-derives the string.
//!
//! # GitHub
//!
//! GitHub sends `X-Hub-Signature-256: sha256=<64 lowercase hex>`, the
//! HMAC-SHA-256 of the raw request body keyed by the secret string.
//! [`verify_github_signature`] parses the header (typed
//! [`Error::Decode`] errors with [`Object::WebhookSignature`] for a malformed
//! one), recomputes the MAC and compares it in constant time
//! ([`Error::Verification`] on mismatch). For a secret string that is not a
//! [`WebhookSecret`] (an existing hook), use
//! [`verify_github_signature_with_key`].
//!
//! # GitLab
//!
//! GitLab sends the secret string itself as `X-Gitlab-Token`.
//! [`verify_gitlab_token`] compares it with the expected string in constant
//! time: both are hashed with SHA-256 and the digests compared with `subtle`,
//! so neither the position of the first difference nor the secret's length
//! leaks.
//!
//! # Security
//!
//! - Header parsing looks only at public data; the secret enters only the MAC
//!   and the digest comparison.
//! - An empty key is refused ([`InvalidInput::EmptyWebhookKey`]): with it
//!   anyone could sign a body, and an absent GitLab header would match.
//! - Headers are taken exactly as received: no trimming, no case folding
//!   (GitHub sends lowercase), so one value has one meaning.
//!
//! # Constant time
//!
//! MAC verification is hmac's `verify_slice` (a `subtle` comparison); token
//! comparison is a `subtle` comparison of SHA-256 digests; hex encoding of the
//! secret is `base16ct` (constant time). [`Secret`] and [`WebhookSecret`]
//! compare in constant time (a [`Secret`]'s length is not secret).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::encoding::{Decode, Reader};
use crate::error::{DecodeFailure, Error, InvalidInput, Object};

/// Length of a [`WebhookSecret`] in bytes.
pub use crate::limits::WEBHOOK_SECRET_LEN;

/// Length of a [`WebhookSecret`]'s hex string.
pub const WEBHOOK_SECRET_HEX_LEN: usize = 2 * WEBHOOK_SECRET_LEN;

/// Largest [`Secret`], in bytes (the sealed payload limit, `docs/PROTOCOL.md`
/// §8.3).
pub const SECRET_MAX_LEN: usize = 128;

/// The prefix of GitHub's `X-Hub-Signature-256` header value.
pub const GITHUB_SIGNATURE_PREFIX: &str = "sha256=";

/// Length of the hex MAC after [`GITHUB_SIGNATURE_PREFIX`].
const GITHUB_SIGNATURE_HEX_LEN: usize = 64;

/// A generic sealed secret: 1 to 128 bytes (an API token, a password).
///
/// Zeroized on drop, not `Copy` or `Clone` (copy explicitly with
/// `Secret::new(s.as_bytes())`), printed redacted, compared in constant time
/// (for secrets of equal length; lengths are not secret).
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    bytes: Vec<u8>,
}

impl Secret {
    /// A secret holding a copy of `bytes`.
    ///
    /// # Errors
    /// [`InvalidInput::PayloadLength`] unless `1 ≤ len ≤ 128`.
    pub fn new(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.is_empty() || bytes.len() > SECRET_MAX_LEN {
            return Err(Error::input(InvalidInput::PayloadLength));
        }
        // `to_vec` allocates exactly `len` bytes: no reallocation leaves a
        // copy behind.
        Ok(Secret { bytes: bytes.to_vec() })
    }

    /// The secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The length in bytes (1..=128).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// `false`: a secret holds at least one byte (until it is zeroized).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl ConstantTimeEq for Secret {
    fn ct_eq(&self, other: &Self) -> Choice {
        // `subtle` returns 0 at once for different lengths; the contents are
        // compared in constant time.
        self.bytes.as_slice().ct_eq(other.bytes.as_slice())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted>, {} bytes)", self.bytes.len())
    }
}

/// A webhook secret: 32 random bytes. The git host is configured with their
/// lowercase hex string ([`WebhookSecret::to_hex`]).
///
/// Zeroized on drop, not `Copy` or `Clone` (copy explicitly with
/// [`WebhookSecret::from_bytes`]), printed redacted, compared in constant
/// time.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{WebhookSecret, verify_github_signature};
///
/// let secret = WebhookSecret::generate(&mut UnwrapErr(getrandom::SysRng));
/// // Configure the git host with its hex form; it signs each delivery with it.
/// let configured: &str = &secret.to_hex();
/// assert_eq!(WebhookSecret::from_hex(configured)?, secret);
/// // A delivery whose X-Hub-Signature-256 header does not match is refused.
/// let body = br#"{"ref":"refs/heads/main"}"#;
/// assert!(verify_github_signature(&secret, body, "sha256=00").is_err());
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct WebhookSecret {
    bytes: [u8; WEBHOOK_SECRET_LEN],
}

impl WebhookSecret {
    /// A fresh secret from the caller's CSPRNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = [0u8; WEBHOOK_SECRET_LEN];
        rng.fill_bytes(&mut bytes);
        WebhookSecret { bytes }
    }

    /// The secret of 32 raw bytes (a stored or opened secret).
    ///
    /// # Errors
    /// [`Error::Decode`] with [`Object::WebhookSecret`]:
    /// [`DecodeFailure::Length`] (fewer than 32 bytes) or
    /// [`DecodeFailure::TrailingData`] (more).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(bytes)
    }

    /// The secret of a 64-character lowercase hex string (the form the git
    /// host shows).
    ///
    /// # Errors
    /// [`Error::Decode`] with [`Object::WebhookSecret`]:
    /// [`DecodeFailure::Length`] unless 64 characters,
    /// [`DecodeFailure::NonCanonical`] for a character outside `0-9a-f`.
    pub fn from_hex(hex: &str) -> Result<Self, Error> {
        if hex.len() != WEBHOOK_SECRET_HEX_LEN {
            return Err(Error::decode(Object::WebhookSecret, DecodeFailure::Length));
        }
        let mut bytes = [0u8; WEBHOOK_SECRET_LEN];
        if base16ct::lower::decode(hex, &mut bytes).is_err() {
            bytes.zeroize();
            return Err(Error::decode(Object::WebhookSecret, DecodeFailure::NonCanonical));
        }
        Ok(WebhookSecret { bytes })
    }

    /// The 32 secret bytes.
    pub fn as_bytes(&self) -> &[u8; WEBHOOK_SECRET_LEN] {
        &self.bytes
    }

    /// The git-host secret string: 64 lowercase hex characters, encoded in
    /// constant time.
    pub fn to_hex(&self) -> Zeroizing<String> {
        let mut buf = Zeroizing::new([0u8; WEBHOOK_SECRET_HEX_LEN]);
        let mut out = Zeroizing::new(String::with_capacity(WEBHOOK_SECRET_HEX_LEN));
        // The buffer is exactly `2 · 32` bytes, so encoding cannot fail.
        if let Ok(hex) = base16ct::lower::encode_str(&self.bytes, &mut buf[..]) {
            out.push_str(hex);
        }
        debug_assert_eq!(out.len(), WEBHOOK_SECRET_HEX_LEN);
        out
    }
}

impl Decode for WebhookSecret {
    const OBJECT: Object = Object::WebhookSecret;

    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        // A copy on the stack, wiped (the secret is wiped on drop).
        let secret = Zeroizing::new(r.array::<WEBHOOK_SECRET_LEN>()?);
        Ok(WebhookSecret { bytes: *secret })
    }
}

impl ConstantTimeEq for WebhookSecret {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.bytes.ct_eq(&other.bytes)
    }
}

impl PartialEq for WebhookSecret {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for WebhookSecret {}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

/// Check GitHub's `X-Hub-Signature-256` header for `body`, with the secret
/// string `secret.to_hex()`.
///
/// `header` is the header value, `sha256=` followed by 64 lowercase hex
/// characters; `body` is the raw request body, byte for byte.
///
/// # Errors
/// As [`verify_github_signature_with_key`].
pub fn verify_github_signature(
    secret: &WebhookSecret,
    body: &[u8],
    header: &str,
) -> Result<(), Error> {
    let key = secret.to_hex();
    verify_github_signature_with_key(key.as_bytes(), body, header)
}

/// Check GitHub's `X-Hub-Signature-256` header for `body`, keyed by the raw
/// secret string `key` (for hooks whose secret is not a [`WebhookSecret`]).
///
/// # Errors
/// - [`Error::Decode`] with [`Object::WebhookSignature`] for a malformed
///   header: [`DecodeFailure::Tag`] without the exact `sha256=` prefix,
///   [`DecodeFailure::Length`] unless 64 characters follow it,
///   [`DecodeFailure::NonCanonical`] for a character outside `0-9a-f`;
/// - [`InvalidInput::EmptyWebhookKey`] for an empty key;
/// - [`Error::Verification`] if the MAC does not match.
pub fn verify_github_signature_with_key(
    key: &[u8],
    body: &[u8],
    header: &str,
) -> Result<(), Error> {
    let expected = parse_github_signature(header)?;
    if key.is_empty() {
        return Err(Error::input(InvalidInput::EmptyWebhookKey));
    }
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| Error::Verification)?;
    mac.update(body);
    // Constant-time comparison (`subtle`).
    mac.verify_slice(&expected).map_err(|_| Error::Verification)
}

/// Parse `sha256=<64 lowercase hex>` into the 32-byte MAC. Public data:
/// variable time is fine.
fn parse_github_signature(header: &str) -> Result<[u8; 32], Error> {
    let err = |why| Error::decode(Object::WebhookSignature, why);
    let hex = header.strip_prefix(GITHUB_SIGNATURE_PREFIX).ok_or(err(DecodeFailure::Tag))?;
    if hex.len() != GITHUB_SIGNATURE_HEX_LEN {
        return Err(err(DecodeFailure::Length));
    }
    let mut mac = [0u8; 32];
    base16ct::lower::decode(hex, &mut mac).map_err(|_| err(DecodeFailure::NonCanonical))?;
    Ok(mac)
}

/// Check GitLab's `X-Gitlab-Token` header value against `secret.to_hex()`,
/// in constant time.
///
/// # Errors
/// [`Error::Verification`] if the token differs.
pub fn verify_gitlab_token(secret: &WebhookSecret, token: &str) -> Result<(), Error> {
    let key = secret.to_hex();
    verify_gitlab_token_with_key(key.as_bytes(), token)
}

/// Check GitLab's `X-Gitlab-Token` header value against the raw secret string
/// `key`, in constant time (SHA-256 digests of both compared with `subtle`,
/// so the key's length does not leak either).
///
/// # Errors
/// [`InvalidInput::EmptyWebhookKey`] for an empty key;
/// [`Error::Verification`] if the token differs.
pub fn verify_gitlab_token_with_key(key: &[u8], token: &str) -> Result<(), Error> {
    if key.is_empty() {
        return Err(Error::input(InvalidInput::EmptyWebhookKey));
    }
    let mut expected = Zeroizing::new([0u8; 32]);
    expected.copy_from_slice(&Sha256::digest(key));
    let received = Sha256::digest(token.as_bytes());
    if bool::from(expected.as_slice().ct_eq(received.as_slice())) {
        Ok(())
    } else {
        Err(Error::Verification)
    }
}
