//! [`Context`]: where a sealed item belongs, bound into every proof.
//!
//! A context names the project, the repository, the purpose of the payload,
//! the owner's Ed25519 public key and an optional extra byte string. Each
//! field is absorbed into the transcript under its own label, and merlin
//! frames every message with its length, so two distinct contexts never
//! absorb the same bytes (SPEC §4). An absent extra field and an empty one
//! absorb differently. The owner key is part of the context so that a sealed
//! item copied into a registration signed by someone else fails to verify.
//!
//! The payload kind and length `L` follow from the [`Purpose`], never from a
//! byte on the wire: `DeployKey` and `WebhookSecret` fix `L = 32`.
//!
//! # Encoding
//! ```text
//! u8   version (= 1)
//! u8   project id length (1..=128)    ‖ project id
//! u16  repository id length (1..=256) ‖ repository id
//! u8   purpose (1 = DeployKey, 2 = WebhookSecret, 3 = Secret)
//! [32] owner Ed25519 public key
//! u8   extra present (0 or 1)
//! [u16 extra length (0..=1024) ‖ extra]   only when present
//! ```

use alloc::vec::Vec;
use merlin::Transcript;

use crate::encoding::Reader;
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::transcript::{TranscriptProtocol, labels};

pub use crate::kinds::Purpose;

/// Longest project id, in bytes.
pub const MAX_PROJECT_ID_LEN: usize = 128;
/// Longest repository id, in bytes.
pub const MAX_REPOSITORY_ID_LEN: usize = 256;
/// Longest extra field, in bytes.
pub const MAX_EXTRA_LEN: usize = 1024;

const CONTEXT_VERSION: u8 = 1;

impl Purpose {
    /// The purpose encoded by `byte`.
    ///
    /// # Errors
    /// [`Error::Decode`] with [`DecodeFailure::Tag`] for an unknown byte.
    pub const fn from_byte(byte: u8) -> Result<Self, Error> {
        match byte {
            1 => Ok(Purpose::DeployKey),
            2 => Ok(Purpose::WebhookSecret),
            3 => Ok(Purpose::Secret),
            _ => Err(Error::decode(Object::Context, DecodeFailure::Tag)),
        }
    }
}

/// Where a sealed item belongs: project, repository, purpose, owner, extra.
///
/// ```
/// use vaultseal::{Context, Purpose};
/// let owner = [7u8; 32];
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::DeployKey, owner)?;
/// assert_eq!(Context::from_bytes(&ctx.to_bytes())?, ctx);
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Context {
    project_id: Vec<u8>,
    repository_id: Vec<u8>,
    purpose: Purpose,
    owner: [u8; 32],
    extra: Option<Vec<u8>>,
}

impl Context {
    /// A context without the extra field.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with [`InvalidInput::ContextField`] when the
    /// project id is not 1..=128 bytes or the repository id not 1..=256 bytes.
    pub fn new(
        project_id: &[u8],
        repository_id: &[u8],
        purpose: Purpose,
        owner: [u8; 32],
    ) -> Result<Self, Error> {
        let field_ok = |bytes: &[u8], max: usize| (1..=max).contains(&bytes.len());
        if !field_ok(project_id, MAX_PROJECT_ID_LEN)
            || !field_ok(repository_id, MAX_REPOSITORY_ID_LEN)
        {
            return Err(Error::input(InvalidInput::ContextField));
        }
        Ok(Context {
            project_id: project_id.to_vec(),
            repository_id: repository_id.to_vec(),
            purpose,
            owner,
            extra: None,
        })
    }

    /// This context with the extra field set (it may be empty, which differs
    /// from absent).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] with [`InvalidInput::ContextField`] when
    /// `extra` is longer than 1024 bytes.
    pub fn with_extra(mut self, extra: &[u8]) -> Result<Self, Error> {
        if extra.len() > MAX_EXTRA_LEN {
            return Err(Error::input(InvalidInput::ContextField));
        }
        self.extra = Some(extra.to_vec());
        Ok(self)
    }

    /// The same context with another purpose.
    #[must_use]
    pub fn with_purpose(&self, purpose: Purpose) -> Self {
        Context { purpose, ..self.clone() }
    }

    /// The project id.
    pub fn project_id(&self) -> &[u8] {
        &self.project_id
    }

    /// The repository id.
    pub fn repository_id(&self) -> &[u8] {
        &self.repository_id
    }

    /// The purpose.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// The owner's Ed25519 public key.
    pub fn owner(&self) -> &[u8; 32] {
        &self.owner
    }

    /// The extra field, if present.
    pub fn extra(&self) -> Option<&[u8]> {
        self.extra.as_deref()
    }

    /// Absorb every field, each under its own label.
    pub(crate) fn append_to(&self, transcript: &mut Transcript) {
        transcript.append_bytes(labels::CTX_PROJECT, &self.project_id);
        transcript.append_bytes(labels::CTX_REPOSITORY, &self.repository_id);
        transcript.append_u64_value(labels::CTX_PURPOSE, u64::from(self.purpose.to_byte()));
        transcript.append_bytes(labels::CTX_OWNER, &self.owner);
        match &self.extra {
            None => transcript.append_u64_value(labels::CTX_EXTRA_PRESENT, 0),
            Some(extra) => {
                transcript.append_u64_value(labels::CTX_EXTRA_PRESENT, 1);
                transcript.append_bytes(labels::CTX_EXTRA, extra);
            }
        }
    }

    /// The canonical encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(40 + self.project_id.len() + self.repository_id.len());
        out.push(CONTEXT_VERSION);
        // Lengths are bounded by the constructors (≤ 128, ≤ 256, ≤ 1024).
        out.push(u8::try_from(self.project_id.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(&self.project_id);
        out.extend_from_slice(
            &u16::try_from(self.repository_id.len()).unwrap_or(u16::MAX).to_le_bytes(),
        );
        out.extend_from_slice(&self.repository_id);
        out.push(self.purpose.to_byte());
        out.extend_from_slice(&self.owner);
        match &self.extra {
            None => out.push(0),
            Some(extra) => {
                out.push(1);
                out.extend_from_slice(
                    &u16::try_from(extra.len()).unwrap_or(u16::MAX).to_le_bytes(),
                );
                out.extend_from_slice(extra);
            }
        }
        out
    }

    /// Decode the canonical encoding.
    ///
    /// # Errors
    /// [`Error::Decode`] with `what = Object::Context` for any other input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::Context);
        let context = Self::read(&mut r)?;
        r.finish()?;
        Ok(context)
    }

    /// Read a context from a larger encoding.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.u8()? != CONTEXT_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let project_id = r.bytes_u8(1..=MAX_PROJECT_ID_LEN)?.to_vec();
        let repository_id = r.bytes_u16(1..=MAX_REPOSITORY_ID_LEN)?.to_vec();
        let purpose = Purpose::from_byte(r.u8()?).map_err(|_| r.error(DecodeFailure::Tag))?;
        let owner = r.array::<32>()?;
        let extra = match r.u8()? {
            0 => None,
            1 => Some(r.bytes_u16(0..=MAX_EXTRA_LEN)?.to_vec()),
            _ => return Err(r.error(DecodeFailure::Tag)),
        };
        Ok(Context { project_id, repository_id, purpose, owner, extra })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::new_transcript;

    fn challenge(ctx: &Context) -> curve25519_dalek::Scalar {
        let mut t = new_transcript(labels::PROTOCOL_SEALED);
        ctx.append_to(&mut t);
        t.challenge_scalar(b"test")
    }

    #[test]
    fn field_boundaries_do_not_collide() {
        let owner = [1u8; 32];
        let a =
            Context::new(b"ab", b"c", Purpose::Secret, owner).unwrap_or_else(|_| unreachable!());
        let b =
            Context::new(b"a", b"bc", Purpose::Secret, owner).unwrap_or_else(|_| unreachable!());
        assert_ne!(challenge(&a), challenge(&b));
        let absent = a.clone();
        let empty = a.clone().with_extra(b"").unwrap_or_else(|_| unreachable!());
        assert_ne!(challenge(&absent), challenge(&empty));
        assert_ne!(absent.to_bytes(), empty.to_bytes());
    }

    #[test]
    fn field_limits() {
        let owner = [0u8; 32];
        let bad = Error::input(InvalidInput::ContextField);
        assert_eq!(Context::new(b"", b"r", Purpose::Secret, owner), Err(bad));
        assert_eq!(Context::new(&[0; 129], b"r", Purpose::Secret, owner), Err(bad));
        assert_eq!(Context::new(b"p", &[0; 257], Purpose::Secret, owner), Err(bad));
        assert!(Context::new(&[0; 128], &[0; 256], Purpose::Secret, owner).is_ok());
    }
}
