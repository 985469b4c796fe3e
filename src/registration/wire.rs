//! The registration's canonical encoding (layout in the module documentation
//! of [`registration`](super)).
//!
//! The decoder is total: every length is checked against the bytes left
//! before anything is allocated, nested sealed items are decoded by their own
//! total decoders (their errors are re-labelled
//! [`Object::ProjectRegistration`], keeping the reason), trailing data is
//! refused, and an accepted input re-encodes to exactly the same bytes.

use alloc::string::String;
use alloc::vec::Vec;

use ed25519_dalek::Signature;

use super::{
    MAX_PROJECT_NAME_LEN, MAX_REPOSITORY_REF_LEN, NONCE_LEN, ProjectId, ProjectRegistration,
    REGISTRATION_VERSION, RegisteredDeployKey, RepositoryRegistration, RepositoryRole,
    THRESHOLD_REGISTRATION_VERSION, is_valid_text, registration_id,
};
use crate::deploy_key::{DEPLOY_KEY_LEN, DeployPublicKey};
use crate::encoding::RecipientCache;
use crate::encoding::{Decode, Reader, WriteLen};
use crate::error::{DecodeFailure, Error, Object};
use crate::limits::MIN_THRESHOLD;
use crate::sealed::{SealedDeployKey, SealedSecret};
use crate::threshold::ThresholdSealedDeployKey;
use crate::transcript::labels;
use crate::vault::{MAX_RECIPIENTS, VAULT_PUBLIC_KEY_LEN, VaultPublicKey};

/// Length of the owner's signature `R ‖ S`.
pub(crate) const SIGNATURE_LEN: usize = 64;

impl ProjectRegistration {
    /// The canonical encoding (see the [module documentation](super)):
    /// `body ‖ signature`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len_hint());
        self.write_body(&mut out);
        out.extend_from_slice(&self.signature.to_bytes());
        out
    }

    /// About the encoded length (a capacity hint): the fixed fields, and
    /// per repository two 32-byte payloads sealed to `v` vaults (16 chunks:
    /// `512·(1 + v)` bytes of ciphertext, 800 of range proof, `32·(7 + v)` of
    /// sigma proof at most, and the keys).
    fn encoded_len_hint(&self) -> usize {
        let v = self.recipients.len();
        let sealed = 2 * (512 * (1 + v) + 800 + 32 * (9 + 2 * v));
        384 + VAULT_PUBLIC_KEY_LEN * v + 2 * sealed
    }

    /// Append everything the signature covers (the encoding without the
    /// signature).
    pub(crate) fn write_body(&self, out: &mut Vec<u8>) {
        out.push(self.version());
        out.extend_from_slice(self.owner.as_bytes());
        // 1..=64 bytes, by construction and decoding.
        out.put_bytes_u8(self.project_name.as_bytes());
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        // 1..=8 recipients, by construction and decoding.
        out.put_len_u8(self.recipients.len());
        for recipient in &self.recipients {
            recipient.write(out);
        }
        if let Some(t) = self.threshold {
            out.push(t);
        }
        for repository in &self.repositories {
            repository.write(out);
        }
    }

    /// Decode, checking every length before allocating. The owner's
    /// signature and everything else [`verify`](Self::verify) checks are not
    /// checked here.
    ///
    /// # Errors
    /// [`Error::Decode`] with [`Object::ProjectRegistration`]: another
    /// version or role byte ([`DecodeFailure::Tag`]); an owner key that is
    /// not canonical ([`DecodeFailure::NonCanonical`]), the identity
    /// ([`DecodeFailure::Identity`]) or not torsion-free
    /// ([`DecodeFailure::Torsion`]); a name or ref out of range
    /// ([`DecodeFailure::Limit`]) or not UTF-8 without control characters
    /// ([`DecodeFailure::NonCanonical`]); 0 or more than 8 recipients
    /// ([`DecodeFailure::Limit`]), not strictly increasing
    /// ([`DecodeFailure::Unsorted`]) or invalid; an invalid deploy public key;
    /// a sealed item that does not decode (its reason, re-labelled); short
    /// input ([`DecodeFailure::Length`]); trailing data
    /// ([`DecodeFailure::TrailingData`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_cached(bytes, &mut RecipientCache::default())
    }

    /// [`ProjectRegistration::from_bytes`], with the sealed items' recipient
    /// keys from `cache`.
    pub(crate) fn from_bytes_cached(
        bytes: &[u8],
        cache: &mut RecipientCache,
    ) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::ProjectRegistration);
        let dealt = match r.u8()? {
            REGISTRATION_VERSION => false,
            THRESHOLD_REGISTRATION_VERSION => true,
            _ => return Err(r.error(DecodeFailure::Tag)),
        };
        let owner = DeployPublicKey::read(&mut r)?.to_verifying_key();
        let project_name = read_text(&mut r, false, MAX_PROJECT_NAME_LEN)?;
        let nonce = r.array::<NONCE_LEN>()?;
        let timestamp = u64::from_le_bytes(r.array()?);
        let claimed = usize::from(r.u8()?);
        let v = r.count(claimed, 1..=MAX_RECIPIENTS, VAULT_PUBLIC_KEY_LEN)?;
        let recipients =
            (0..v).map(|_| VaultPublicKey::read(&mut r)).collect::<Result<Vec<_>, _>>()?;
        if recipients.windows(2).any(|w| w[0].sealing_key_bytes() >= w[1].sealing_key_bytes()) {
            return Err(r.error(DecodeFailure::Unsorted));
        }
        let threshold = if dealt {
            let t = r.u8()?;
            if !(MIN_THRESHOLD..=v).contains(&usize::from(t)) {
                return Err(r.error(DecodeFailure::Limit));
            }
            Some(t)
        } else {
            None
        };
        let config = RepositoryRegistration::read(&mut r, cache, dealt)?;
        let code = RepositoryRegistration::read(&mut r, cache, dealt)?;
        let signature = Signature::from_bytes(&r.array::<SIGNATURE_LEN>()?);
        r.finish()?;
        let project_id = ProjectId::derive_checked(&owner, &project_name);
        Ok(ProjectRegistration {
            owner,
            project_name,
            project_id,
            nonce,
            timestamp,
            recipients,
            threshold,
            repositories: [config, code],
            signature,
            id: registration_id(bytes),
        })
    }
}

/// The message the owner signs: `"vaultseal-registration-v1" ‖ body`
/// (version 2: `"vaultseal-registration-v2" ‖ body`), with `body` the
/// encoding without the signature, whose first byte is the version.
pub(crate) fn signed_message(body: &[u8]) -> Vec<u8> {
    let label = signature_label(body.first().copied().unwrap_or(REGISTRATION_VERSION));
    let mut message = Vec::with_capacity(label.len() + body.len());
    message.extend_from_slice(label);
    message.extend_from_slice(body);
    message
}

/// The label the owner's signature of a registration of `version` is made
/// under: each version signs under its own.
pub(crate) fn signature_label(version: u8) -> &'static [u8] {
    if version == THRESHOLD_REGISTRATION_VERSION {
        labels::REGISTRATION_SIGNATURE_V2
    } else {
        labels::REGISTRATION_SIGNATURE
    }
}

impl RepositoryRegistration {
    /// Append `role ‖ u16 |ref| ‖ ref ‖ A ‖ u16 |key| ‖ key ‖ u16 |secret| ‖
    /// secret`.
    fn write(&self, out: &mut Vec<u8>) {
        out.push(self.role.to_byte());
        // 1..=256 bytes, by construction and decoding.
        out.put_bytes_u16(self.repository.as_bytes());
        out.extend_from_slice(&self.deploy_public_key.to_bytes());
        match &self.deploy_key {
            RegisteredDeployKey::Sealed(sealed) => out.put_bytes_u16(&sealed.to_bytes()),
            RegisteredDeployKey::Dealt(dealing) => out.put_bytes_u16(&dealing.to_bytes()),
        }
        out.put_bytes_u16(&self.sealed_webhook_secret.to_bytes());
    }

    /// Read one repository entry (its deploy key dealt in shares when
    /// `dealt`, sealed whole otherwise).
    fn read(r: &mut Reader<'_>, cache: &mut RecipientCache, dealt: bool) -> Result<Self, Error> {
        let role = RepositoryRole::from_byte(r.u8()?).ok_or(r.error(DecodeFailure::Tag))?;
        let repository = read_text(r, true, MAX_REPOSITORY_REF_LEN)?;
        let key_bytes = r.array::<DEPLOY_KEY_LEN>()?;
        let relabel = |e: Error| match e {
            Error::Decode { why, .. } => Error::decode(Object::ProjectRegistration, why),
            other => other,
        };
        let deploy_key_bytes = r.bytes_u16(1..=usize::from(u16::MAX))?;
        let deploy_key = if dealt {
            let dealing = ThresholdSealedDeployKey::from_bytes_cached(deploy_key_bytes, cache);
            RegisteredDeployKey::Dealt(alloc::boxed::Box::new(dealing.map_err(relabel)?))
        } else {
            let sealed = SealedDeployKey::from_bytes_cached(deploy_key_bytes, cache);
            RegisteredDeployKey::Sealed(alloc::boxed::Box::new(sealed.map_err(relabel)?))
        };
        let sealed_webhook_secret =
            SealedSecret::from_bytes_cached(r.bytes_u16(1..=usize::from(u16::MAX))?, cache)
                .map_err(relabel)?;
        // The usual case, the key the sealed item binds (already checked:
        // canonical, not the identity, [8]A′ = A), costs a comparison; any
        // other key gets the full checks (verification refuses it anyway).
        let bound = deploy_key.deploy_public_key();
        let deploy_public_key = if bound.to_bytes() == key_bytes {
            bound
        } else {
            let mut key_reader = Reader::new(&key_bytes, Object::ProjectRegistration);
            DeployPublicKey::read(&mut key_reader)?
        };
        Ok(RepositoryRegistration {
            role,
            repository,
            deploy_public_key,
            deploy_key,
            sealed_webhook_secret,
        })
    }
}

/// Read a length-prefixed (`u16` when `wide`, else `u8`) string of 1..=`max`
/// bytes, UTF-8 without control characters.
fn read_text(r: &mut Reader<'_>, wide: bool, max: usize) -> Result<String, Error> {
    let bytes = if wide { r.bytes_u16(1..=max)? } else { r.bytes_u8(1..=max)? };
    match core::str::from_utf8(bytes) {
        Ok(text) if is_valid_text(text, max) => Ok(String::from(text)),
        _ => Err(r.error(DecodeFailure::NonCanonical)),
    }
}
