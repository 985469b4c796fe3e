//! Armored strings in, the crate's types out: the armor the CLI writes
//! (`vaultseal-armor`), so that files move freely between the browser and
//! the command line.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use vaultseal::{SigningKey, VaultPublicKey, VaultRecord};
use vaultseal_armor::{Kind, decode};
use zeroize::Zeroizing;

use crate::failure::{Failure, kinds};

/// Decode armored `text`: its kind and bytes (wiped when dropped: some kinds
/// are secret).
///
/// # Errors
/// [`kinds::ARMOR`] with the armor's reason.
pub fn decode_armored(text: &str) -> Result<(Kind, Zeroizing<Vec<u8>>), Failure> {
    decode(text.as_bytes()).map_err(|error| Failure::new(kinds::ARMOR, format!("{error}")))
}

/// Decode armored `text` that must be of `kind`.
///
/// # Errors
/// [`kinds::ARMOR`], or [`kinds::WRONG_KIND`] naming both kinds.
pub fn decode_kind(text: &str, kind: Kind) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let (found, bytes) = decode_armored(text)?;
    if found != kind {
        return Err(Failure::new(
            kinds::WRONG_KIND,
            format!("expected VAULTSEAL {}, found VAULTSEAL {found}", kind.label()),
        ));
    }
    Ok(bytes)
}

/// A `VAULT RECORD`.
///
/// # Errors
/// As [`decode_kind`], or [`kinds::DECODE`].
pub fn vault_record(text: &str) -> Result<VaultRecord, Failure> {
    let bytes = decode_kind(text, Kind::VaultRecord)?;
    VaultRecord::from_bytes(&bytes).map_err(|error| Failure::from_crate(error, ""))
}

/// A vault's public key from a `VAULT RECORD` or a `VAULT PUBLIC KEY`; the
/// record too when it is one.
///
/// # Errors
/// As [`decode_armored`], [`kinds::WRONG_KIND`] for any other kind, or
/// [`kinds::DECODE`].
pub fn vault_key(text: &str) -> Result<(VaultPublicKey, Option<Box<VaultRecord>>), Failure> {
    let (kind, bytes) = decode_armored(text)?;
    let decode_failure = |error| Failure::from_crate(error, "");
    match kind {
        Kind::VaultRecord => {
            let record = VaultRecord::from_bytes(&bytes).map_err(decode_failure)?;
            Ok((*record.public_key(), Some(Box::new(record))))
        }
        Kind::VaultPublicKey => {
            Ok((VaultPublicKey::from_bytes(&bytes).map_err(decode_failure)?, None))
        }
        other => Err(Failure::new(
            kinds::WRONG_KIND,
            format!(
                "expected a VAULTSEAL VAULT RECORD or VAULT PUBLIC KEY, found VAULTSEAL {other}"
            ),
        )),
    }
}

/// An `OWNER KEY`: the Ed25519 seed of the project owner's signing key.
///
/// # Errors
/// As [`decode_kind`], or [`kinds::DECODE`] for a body that is not 32 bytes.
pub fn owner_key(text: &str) -> Result<Box<SigningKey>, Failure> {
    let bytes = decode_kind(text, Kind::OwnerKey)?;
    if bytes.len() != 32 {
        return Err(Failure::new(
            kinds::DECODE,
            format!("invalid owner key: a 32-byte Ed25519 seed, not {} bytes", bytes.len()),
        ));
    }
    // Copied into a wiped buffer (no unwiped temporary), the key built in
    // place on the heap.
    let mut seed = Zeroizing::new([0u8; 32]);
    seed.copy_from_slice(&bytes);
    Ok(Box::new(SigningKey::from_bytes(&seed)))
}

/// Armor `bytes` as `kind` (a secret kind's text is wiped when dropped).
pub fn armor(kind: Kind, bytes: &[u8]) -> Zeroizing<String> {
    // `encode` fails only for labels or lengths the crate never produces.
    vaultseal_armor::encode(kind, bytes).unwrap_or_default()
}
