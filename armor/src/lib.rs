//! PEM armor (RFC 7468) for `vaultseal`'s binary encodings: the one armor
//! of the command-line tool (`vaultseal-cli`) and of the WebAssembly package
//! (`vaultseal-wasm`), so that a file written by either is read by the other.
//!
//! ```text
//! -----BEGIN VAULTSEAL SEALED DEPLOY KEY-----
//! AQFGz0…(standard base64, padded, 64 characters a line)
//! -----END VAULTSEAL SEALED DEPLOY KEY-----
//! ```
//!
//! The label after `VAULTSEAL` names the [`Kind`] of the encoded object, and
//! the body is the standard base64 (RFC 4648 §4, padded) of exactly the bytes
//! the library's `to_bytes` writes.
//!
//! # Base64 through `pem-rfc7468`, in constant time
//! Every kind, the secret key files above all, is encoded and decoded by
//! RustCrypto's `pem-rfc7468`, whose base64 is `base64ct`'s constant-time
//! codec: no table lookup indexed by a secret character, no branch on its
//! value. This module never decodes base64 itself.
//!
//! # What the reader accepts
//! The writer ([`encode`]) emits RFC 7468's strict form: 64-character lines,
//! `\n` line breaks, a final line break. The reader ([`decode`]) is strict
//! about structure and lenient about blank space, exactly as the tool's
//! reader always was, so that hand-wrapped or re-wrapped files keep working:
//!
//! - accepted: leading and trailing blank space around the armor, `\r\n`
//!   line ends, blank space at either end of a body line, blank body lines,
//!   and body lines of **any length** (a body re-wrapped at 76 columns, or on
//!   one line);
//! - refused: text before the `BEGIN` line or after the `END` line, headers
//!   (`Key: value` lines), an `END` label other than the `BEGIN` label, an
//!   unknown kind, anything but padded canonical base64 in the body, text
//!   that is not UTF-8.
//!
//! `pem-rfc7468` alone is stricter about layout (every body line but the
//! last exactly 64 characters, no blank space, one line break after `END`)
//! and more lenient about structure (it skips text before `BEGIN`). So
//! [`decode`] first checks the structure itself, as before, and normalises
//! the layout: it joins the body lines with their blank space removed and
//! re-wraps them into RFC 7468's form, which `pem-rfc7468` then decodes. The
//! normalisation looks at each character only to tell line breaks and blank
//! space apart from the rest (a base64 character is never either) and copies
//! the rest unchanged, into wiped buffers; the values of the base64
//! characters matter only inside `base64ct`.
//!
//! Binary inputs start with a version byte (`0x01`), never with `-`, so
//! [`is_armored`] tells the two apart by the `-----BEGIN ` prefix.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use pem_rfc7468::{BASE64_WRAP_WIDTH, Decoder, LineEnding};
use zeroize::Zeroizing;

/// What an armored (or binary) file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `VaultSecretKey::to_bytes` (secret).
    VaultSecretKey,
    /// `VaultPublicKey::to_bytes`.
    VaultPublicKey,
    /// `VaultRecord::to_bytes` (key, fields, proof of possession).
    VaultRecord,
    /// `DeployKey::to_bytes` (secret).
    DeployKey,
    /// `SealedDeployKey::to_bytes`.
    SealedDeployKey,
    /// `SealedSecret::to_bytes`.
    SealedSecret,
    /// `hybrid::Envelope::to_bytes`.
    HybridEnvelope,
    /// A project owner's Ed25519 signing key: its 32-byte seed (secret).
    OwnerKey,
    /// `ProjectRegistration::to_bytes`.
    ProjectRegistration,
    /// `ThresholdSealedDeployKey::to_bytes`: a deploy key dealt in shares
    /// to several vaults.
    ThresholdSealedDeployKey,
    /// `KeyShare::to_bytes`: one vault's opened share of a dealing (secret).
    KeyShare,
}

impl Kind {
    /// Every kind, in the order error messages list them.
    pub const ALL: [Kind; 11] = [
        Kind::VaultSecretKey,
        Kind::VaultPublicKey,
        Kind::VaultRecord,
        Kind::DeployKey,
        Kind::SealedDeployKey,
        Kind::SealedSecret,
        Kind::HybridEnvelope,
        Kind::OwnerKey,
        Kind::ProjectRegistration,
        Kind::ThresholdSealedDeployKey,
        Kind::KeyShare,
    ];

    /// The kind's name: the armor label after `VAULTSEAL `.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Kind::VaultSecretKey => "VAULT SECRET KEY",
            Kind::VaultPublicKey => "VAULT PUBLIC KEY",
            Kind::VaultRecord => "VAULT RECORD",
            Kind::DeployKey => "DEPLOY KEY",
            Kind::SealedDeployKey => "SEALED DEPLOY KEY",
            Kind::SealedSecret => "SEALED SECRET",
            Kind::HybridEnvelope => "HYBRID ENVELOPE",
            Kind::OwnerKey => "OWNER KEY",
            Kind::ProjectRegistration => "PROJECT REGISTRATION",
            Kind::ThresholdSealedDeployKey => "THRESHOLD SEALED DEPLOY KEY",
            Kind::KeyShare => "KEY SHARE",
        }
    }

    /// The whole PEM type label, `VAULTSEAL ` and [`label`](Kind::label).
    #[must_use]
    pub const fn pem_label(self) -> &'static str {
        match self {
            Kind::VaultSecretKey => "VAULTSEAL VAULT SECRET KEY",
            Kind::VaultPublicKey => "VAULTSEAL VAULT PUBLIC KEY",
            Kind::VaultRecord => "VAULTSEAL VAULT RECORD",
            Kind::DeployKey => "VAULTSEAL DEPLOY KEY",
            Kind::SealedDeployKey => "VAULTSEAL SEALED DEPLOY KEY",
            Kind::SealedSecret => "VAULTSEAL SEALED SECRET",
            Kind::HybridEnvelope => "VAULTSEAL HYBRID ENVELOPE",
            Kind::OwnerKey => "VAULTSEAL OWNER KEY",
            Kind::ProjectRegistration => "VAULTSEAL PROJECT REGISTRATION",
            Kind::ThresholdSealedDeployKey => "VAULTSEAL THRESHOLD SEALED DEPLOY KEY",
            Kind::KeyShare => "VAULTSEAL KEY SHARE",
        }
    }

    /// The kind whose [`label`](Kind::label) is `label`.
    #[must_use]
    pub fn from_label(label: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.label() == label)
    }

    /// Whether files of this kind hold secret material (written with mode
    /// 0600, never printed).
    #[must_use]
    pub const fn is_secret(self) -> bool {
        matches!(self, Kind::VaultSecretKey | Kind::DeployKey | Kind::OwnerKey | Kind::KeyShare)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why an armored file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArmorError {
    /// The text does not start with a `-----BEGIN VAULTSEAL <KIND>-----` line.
    MissingBegin,
    /// The label names no kind this tool knows (the label, at most 64
    /// characters of it).
    UnknownKind(String),
    /// No `-----END …-----` line.
    MissingEnd,
    /// The `END` line names another kind than the `BEGIN` line.
    MismatchedEnd,
    /// The body is not standard padded base64.
    Base64,
    /// Something other than whitespace follows the `END` line.
    TrailingData,
    /// The text is not UTF-8.
    NotText,
}

impl fmt::Display for ArmorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArmorError::MissingBegin => {
                f.write_str("armor: expected a '-----BEGIN VAULTSEAL <KIND>-----' line")
            }
            ArmorError::UnknownKind(label) => write!(f, "armor: unknown kind '{label}'"),
            ArmorError::MissingEnd => f.write_str("armor: missing END line"),
            ArmorError::MismatchedEnd => f.write_str("armor: END line does not match BEGIN"),
            ArmorError::Base64 => f.write_str("armor: invalid base64 body"),
            ArmorError::TrailingData => f.write_str("armor: data after the END line"),
            ArmorError::NotText => f.write_str("armor: not UTF-8 text"),
        }
    }
}

impl core::error::Error for ArmorError {}

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";
const PREFIX: &str = "VAULTSEAL ";

/// Whether `data` is armored: it starts, after optional whitespace, with
/// `-----BEGIN `.
#[must_use]
pub fn is_armored(data: &[u8]) -> bool {
    data.trim_ascii_start().starts_with(BEGIN.as_bytes())
}

/// Armor `bytes` as `kind`, in RFC 7468's strict form (64-character lines,
/// `\n` line breaks, a final line break). For secret kinds the result is as
/// secret as the bytes, and is wiped when dropped.
///
/// # Errors
/// `pem-rfc7468`'s, which none of the kinds' labels nor any length the tool
/// reads (at most 32 MiB) can cause.
pub fn encode(kind: Kind, bytes: &[u8]) -> Result<Zeroizing<String>, pem_rfc7468::Error> {
    let label = kind.pem_label();
    let len = pem_rfc7468::encoded_len(label, LineEnding::LF, bytes)?;
    let mut buf = Zeroizing::new(vec![0u8; len]);
    let written = pem_rfc7468::encode(label, LineEnding::LF, bytes, &mut buf)?.len();
    buf.truncate(written);
    // The encoder writes ASCII only, so this moves the buffer without
    // copying it; the error (never met) hands the bytes back to be wiped.
    String::from_utf8(core::mem::take(&mut *buf)).map(Zeroizing::new).map_err(|error| {
        drop(Zeroizing::new(error.into_bytes()));
        pem_rfc7468::Error::CharacterEncoding
    })
}

/// Parse an armored file: its kind and the decoded bytes (in a buffer wiped
/// when dropped, since some kinds are secret). What is accepted: see the
/// [module documentation](self).
///
/// Total on any input: it never panics, and allocates at most three buffers
/// of about the input's size.
///
/// # Errors
/// An [`ArmorError`] naming what is wrong: the structure (no `BEGIN` or
/// `END` line, an unknown or mismatched label, data after `END`), the base64
/// body, or text that is not UTF-8.
pub fn decode(data: &[u8]) -> Result<(Kind, Zeroizing<Vec<u8>>), ArmorError> {
    let text = core::str::from_utf8(data).map_err(|_| ArmorError::NotText)?;
    let mut lines = text.trim().lines().map(str::trim_end);
    let first = lines.next().ok_or(ArmorError::MissingBegin)?;
    let label = first
        .strip_prefix(BEGIN)
        .and_then(|rest| rest.strip_suffix(DASHES))
        .ok_or(ArmorError::MissingBegin)?;
    let kind = label
        .strip_prefix(PREFIX)
        .and_then(Kind::from_label)
        .ok_or_else(|| ArmorError::UnknownKind(label.chars().take(64).collect()))?;

    // The body without blank space; never longer than the text, so it never
    // grows (a growing buffer would leave an unwiped copy behind).
    let mut body = Zeroizing::new(String::with_capacity(text.len()));
    let mut ended = false;
    for line in lines.by_ref() {
        if let Some(rest) = line.strip_prefix(END) {
            if rest.strip_suffix(DASHES) != Some(label) {
                return Err(ArmorError::MismatchedEnd);
            }
            ended = true;
            break;
        }
        body.push_str(line.trim_start());
    }
    if !ended {
        return Err(ArmorError::MissingEnd);
    }
    // `text` was trimmed, so anything left is data after the END line.
    if lines.next().is_some() {
        return Err(ArmorError::TrailingData);
    }
    // Nothing to decode (RFC 7468 has no form for an empty body; no kind's
    // encoding is empty, so the library's decoder refuses it).
    if body.is_empty() {
        return Ok((kind, Zeroizing::new(Vec::new())));
    }
    let document = strict_form(kind, body.as_bytes());
    Ok((kind, decode_strict(kind, &document)?))
}

/// The RFC 7468 document of `kind` with body `body` (base64 without blank
/// space) wrapped into 64-character lines.
fn strict_form(kind: Kind, body: &[u8]) -> Zeroizing<Vec<u8>> {
    let label = kind.pem_label();
    let boundaries = BEGIN.len() + END.len() + 2 * (label.len() + DASHES.len() + 1);
    let line_breaks = body.len().div_ceil(BASE64_WRAP_WIDTH);
    let len = boundaries + body.len() + line_breaks;
    // Allocated once at its final size: it never grows, so no unwiped copy.
    let mut document = Zeroizing::new(Vec::with_capacity(len));
    for part in [BEGIN, label, DASHES, "\n"] {
        document.extend_from_slice(part.as_bytes());
    }
    for line in body.chunks(BASE64_WRAP_WIDTH) {
        document.extend_from_slice(line);
        document.push(b'\n');
    }
    for part in [END, label, DASHES, "\n"] {
        document.extend_from_slice(part.as_bytes());
    }
    debug_assert_eq!(document.len(), len);
    document
}

/// Decode a document [`strict_form`] wrote with `pem-rfc7468` (constant-time
/// base64). Its boundaries and label are well formed by construction, so any
/// refusal is the body's.
fn decode_strict(kind: Kind, document: &[u8]) -> Result<Zeroizing<Vec<u8>>, ArmorError> {
    let mut decoder = Decoder::new(document).map_err(|_| ArmorError::Base64)?;
    debug_assert_eq!(decoder.type_label(), kind.pem_label());
    let mut bytes = Zeroizing::new(vec![0u8; decoder.remaining_len()]);
    decoder.decode(&mut bytes).map_err(|_| ArmorError::Base64)?;
    if !decoder.is_finished() {
        return Err(ArmorError::Base64);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::borrow::ToOwned;
    use alloc::format;
    use alloc::string::ToString;

    fn roundtrip(kind: Kind, bytes: &[u8]) {
        let text = encode(kind, bytes).unwrap_or_default();
        assert!(is_armored(text.as_bytes()));
        let decoded = decode(text.as_bytes()).map(|(kind, bytes)| (kind, bytes.to_vec()));
        assert_eq!(decoded, Ok((kind, bytes.to_vec())));
    }

    #[test]
    #[allow(clippy::cast_possible_truncation)] // i % 251 fits a byte
    fn every_kind_and_length_round_trips() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_label(kind.label()), Some(kind));
            assert_eq!(kind.pem_label(), format!("{PREFIX}{}", kind.label()));
            for len in [0usize, 1, 2, 3, 47, 48, 49, 64, 1000] {
                let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
                roundtrip(kind, &bytes);
            }
        }
    }

    #[test]
    fn writer_layout() {
        let text = encode(Kind::SealedSecret, &[0xab; 100]).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN VAULTSEAL SEALED SECRET-----"));
        assert_eq!(lines.last(), Some(&"-----END VAULTSEAL SEALED SECRET-----"));
        // 100 bytes = 136 base64 characters = 64 + 64 + 8.
        assert_eq!(lines.iter().map(|l| l.len()).collect::<Vec<_>>()[1..4], [64, 64, 8]);
        assert!(text.ends_with("-----\n"));
        assert!(!text.contains('\r'));
    }

    /// The base64 of 64 bytes of 5s (88 characters, one line).
    const FIVES: &str =
        "BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQ==";

    #[test]
    fn lenient_whitespace() {
        let text = encode(Kind::VaultPublicKey, &[5; 64]).unwrap_or_default();
        let crlf = format!("\n  {}\n\n", text.replace('\n', "\r\n"));
        assert_eq!(
            decode(crlf.as_bytes()).map(|(k, b)| (k, b.to_vec())),
            Ok((Kind::VaultPublicKey, vec![5; 64]))
        );
        // One long body line; lines of 4, 76 and 8 characters, indented, with
        // a blank line and trailing tabs.
        let wrappings = [
            FIVES.to_owned(),
            [&FIVES[..4], &FIVES[4..80], &FIVES[80..]].join("\n"),
            format!("  {}\t\n\n {} \r\n", &FIVES[..30], &FIVES[30..]),
        ];
        for body in wrappings {
            let text = format!(
                "-----BEGIN VAULTSEAL VAULT PUBLIC KEY-----\n{body}\n-----END VAULTSEAL VAULT PUBLIC KEY-----"
            );
            assert_eq!(decode(text.as_bytes()).map(|(_, b)| b.to_vec()), Ok(vec![5; 64]), "{text}");
        }
    }

    #[test]
    fn structural_errors_are_typed() {
        let good = encode(Kind::VaultRecord, &[1, 2, 3, 4]).unwrap_or_default().to_string();
        let cases: Vec<(String, ArmorError)> = vec![
            (String::from("hello"), ArmorError::MissingBegin),
            (
                good.replace("VAULTSEAL VAULT RECORD", "VAULTSEAL WHATEVER"),
                ArmorError::UnknownKind("VAULTSEAL WHATEVER".into()),
            ),
            (
                good.replace("BEGIN VAULTSEAL VAULT RECORD", "BEGIN OTHER THING"),
                ArmorError::UnknownKind("OTHER THING".into()),
            ),
            (
                good.replace("END VAULTSEAL VAULT RECORD", "END VAULTSEAL SEALED SECRET"),
                ArmorError::MismatchedEnd,
            ),
            (good.replace("-----END VAULTSEAL VAULT RECORD-----\n", ""), ArmorError::MissingEnd),
            (format!("{good}more"), ArmorError::TrailingData),
            (good.replace("AQIDBA==", "AQIDBA"), ArmorError::Base64),
            (good.replace("AQIDBA==", "AQ*DBA=="), ArmorError::Base64),
            // Non-canonical: the last character's unused bits are not zero.
            (good.replace("AQIDBA==", "AQIDBB=="), ArmorError::Base64),
            (good.replace("AQIDBA==", "AQ==AQ=="), ArmorError::Base64),
            (good.replace("AQIDBA==", "AQ ID BA=="), ArmorError::Base64),
            (good.replace("AQIDBA==", "Key: value\nAQIDBA=="), ArmorError::Base64),
            (format!("Comment: x\n{good}"), ArmorError::MissingBegin),
        ];
        for (text, expected) in cases {
            assert_eq!(decode(text.as_bytes()).map(|(k, _)| k), Err(expected), "{text}");
        }
        assert_eq!(decode(&[0xff, 0xfe]).map(|(k, _)| k), Err(ArmorError::NotText));
    }

    #[test]
    fn binary_encodings_are_not_armored() {
        assert!(!is_armored(&[1, 0, 45, 45]));
        assert!(!is_armored(b"-----BEGIN"));
        assert!(is_armored(b"  \n-----BEGIN VAULTSEAL X-----"));
    }
}
