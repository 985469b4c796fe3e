//! The envelope header: version, recipient list and key commitment.
//!
//! ```text
//! u8        version (= 1)
//! u8        v, the number of recipients (1..=8)
//! v × [64]  recipient j: its VaultPublicKey Y_j ‖ W_j, sorted by Y_j
//!           strictly increasing; no two W_j equal
//! [32]      commit = HKDF-Expand(prk, "key-commit", 32)
//! ```
//!
//! `34 + 64·v` bytes. The header is the HPKE `aad` of every wrap and the
//! prefix of the payload's associated data, so a wrap cannot be moved to an
//! envelope with another recipient list or another commitment, and the
//! payload cannot be moved to another header.

use alloc::vec::Vec;

use crate::encoding::Reader;
use crate::error::{DecodeFailure, Error, InvalidInput};
use crate::hybrid::kem::WRAP_LEN;
use crate::vault::{VAULT_PUBLIC_KEY_LEN, VaultPublicKey};

/// Wire version of an envelope.
pub(crate) const ENVELOPE_VERSION: u8 = 1;
/// Most recipients an envelope may have.
pub(crate) use crate::limits::MAX_RECIPIENTS;
/// Length of the key commitment.
pub(crate) const COMMIT_LEN: usize = 32;

/// The header of an envelope (public data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// The recipients, in canonical order (see [`canonical_recipients`]).
    pub(crate) recipients: Vec<VaultPublicKey>,
    /// `commit = HKDF-Expand(prk, "key-commit", 32)`.
    pub(crate) commit: [u8; COMMIT_LEN],
}

/// Whether a recipient list is canonical: `Y_j` strictly increasing (so no
/// key and no vault appears twice) and the KEM keys `W_j` pairwise distinct
/// (a wrap is made to `W`; two entries with one `W` would be one recipient).
/// Public data, variable time; at most 28 comparisons.
pub(crate) fn is_canonical(recipients: &[VaultPublicKey]) -> bool {
    let y_increasing = recipients
        .windows(2)
        .all(|pair| matches!(pair, [a, b] if a.sealing_key_bytes() < b.sealing_key_bytes()));
    let w_distinct = recipients.iter().enumerate().all(|(i, a)| {
        recipients.iter().skip(i + 1).all(|b| a.kem_key_bytes() != b.kem_key_bytes())
    });
    y_increasing && w_distinct
}

/// Sort a caller's recipient list into canonical order.
///
/// # Errors
/// [`InvalidInput::RecipientCount`] unless `1 ≤ v ≤ 8`;
/// [`InvalidInput::DuplicateRecipient`] if a `Y` or a `W` appears twice.
pub(crate) fn canonical_recipients(
    recipients: &[VaultPublicKey],
) -> Result<Vec<VaultPublicKey>, Error> {
    if !(1..=MAX_RECIPIENTS).contains(&recipients.len()) {
        return Err(Error::input(InvalidInput::RecipientCount));
    }
    let mut sorted = recipients.to_vec();
    sorted.sort();
    if !is_canonical(&sorted) {
        return Err(Error::input(InvalidInput::DuplicateRecipient));
    }
    Ok(sorted)
}

impl Header {
    /// Encoded length: `34 + 64·v`.
    pub(crate) fn encoded_len(&self) -> usize {
        2 + VAULT_PUBLIC_KEY_LEN * self.recipients.len() + COMMIT_LEN
    }

    /// Append the encoding.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.push(ENVELOPE_VERSION);
        // v ≤ 8 by construction (seal and read both check it).
        out.push(u8::try_from(self.recipients.len()).unwrap_or(u8::MAX));
        for recipient in &self.recipients {
            recipient.write(out);
        }
        out.extend_from_slice(&self.commit);
    }

    /// The encoding (the wraps' HPKE `aad`).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write(&mut out);
        out
    }

    /// Read a header. The recipient count is checked against the bytes left
    /// for `v` keys and `v` wraps before anything is allocated.
    ///
    /// # Errors
    /// [`DecodeFailure::Tag`] for another version, [`DecodeFailure::Limit`]
    /// for `v` outside `1..=8`, [`DecodeFailure::Length`] when short, the
    /// key decoding failures, and [`DecodeFailure::Unsorted`] for a list that
    /// is not canonical.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.u8()? != ENVELOPE_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let claimed = usize::from(r.u8()?);
        let v = r.count(claimed, 1..=MAX_RECIPIENTS, VAULT_PUBLIC_KEY_LEN + WRAP_LEN)?;
        let mut recipients = Vec::with_capacity(v);
        for _ in 0..v {
            recipients.push(VaultPublicKey::read(r)?);
        }
        if !is_canonical(&recipients) {
            return Err(r.error(DecodeFailure::Unsorted));
        }
        let commit = r.array::<COMMIT_LEN>()?;
        Ok(Header { recipients, commit })
    }
}
