//! PEM-style armor for the crate's binary encodings.
//!
//! ```text
//! -----BEGIN VAULTSEAL SEALED DEPLOY KEY-----
//! AQFGz0…(standard base64, padded, 64 characters a line)
//! -----END VAULTSEAL SEALED DEPLOY KEY-----
//! ```
//!
//! The label after `VAULTSEAL` names the [`Kind`] of the encoded object, and
//! the body is the standard base64 (RFC 4648 §4, padded) of exactly the bytes
//! the library's `to_bytes` writes. Writers emit 64-character lines and a
//! final line break (RFC 7468 §2). Readers are strict about structure and
//! lenient about whitespace: leading and trailing blank space, `\r\n` line
//! ends and any line length are accepted; text before `BEGIN` or after `END`,
//! headers, a mismatched `END` label, an unknown kind or bad base64 are not.
//!
//! Binary inputs start with a version byte (`0x01`), never with `-`, so
//! [`is_armored`] tells the two apart by the `-----BEGIN ` prefix.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

/// What an armored (or binary) file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
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
}

impl Kind {
    /// Every kind, in the order error messages list them.
    pub(crate) const ALL: [Kind; 9] = [
        Kind::VaultSecretKey,
        Kind::VaultPublicKey,
        Kind::VaultRecord,
        Kind::DeployKey,
        Kind::SealedDeployKey,
        Kind::SealedSecret,
        Kind::HybridEnvelope,
        Kind::OwnerKey,
        Kind::ProjectRegistration,
    ];

    /// The armor label (after `VAULTSEAL `).
    pub(crate) const fn label(self) -> &'static str {
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
        }
    }

    /// The kind with armor label `label`.
    pub(crate) fn from_label(label: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.label() == label)
    }

    /// Whether files of this kind hold secret material (written with mode
    /// 0600, never printed).
    pub(crate) const fn is_secret(self) -> bool {
        matches!(self, Kind::VaultSecretKey | Kind::DeployKey | Kind::OwnerKey)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why an armored file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ArmorError {
    /// The text does not start with a `-----BEGIN VAULTSEAL <KIND>-----` line.
    MissingBegin,
    /// The label names no kind this tool knows.
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

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";
const PREFIX: &str = "VAULTSEAL ";
/// Base64 characters per body line (RFC 7468).
const LINE: usize = 64;

/// Whether `data` is armored: it starts, after optional whitespace, with
/// `-----BEGIN `.
pub(crate) fn is_armored(data: &[u8]) -> bool {
    data.trim_ascii_start().starts_with(BEGIN.as_bytes())
}

/// Armor `bytes` as `kind`. For secret kinds the result is as secret as the
/// bytes: the caller keeps it in a zeroizing buffer.
pub(crate) fn encode(kind: Kind, bytes: &[u8]) -> Zeroizing<String> {
    let body = Zeroizing::new(STANDARD.encode(bytes));
    let label = kind.label();
    let mut out = Zeroizing::new(String::with_capacity(
        body.len() + body.len() / LINE + 2 * (BEGIN.len() + PREFIX.len() + label.len() + 6),
    ));
    out.push_str(BEGIN);
    out.push_str(PREFIX);
    out.push_str(label);
    out.push_str(DASHES);
    out.push('\n');
    // Base64 is ASCII, so every 64-byte chunk is a whole `str`.
    for line in body.as_bytes().chunks(LINE) {
        out.push_str(core::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(END);
    out.push_str(PREFIX);
    out.push_str(label);
    out.push_str(DASHES);
    out.push('\n');
    out
}

/// Parse an armored file: its kind and the decoded bytes (in a zeroizing
/// buffer, since some kinds are secret).
pub(crate) fn decode(data: &[u8]) -> Result<(Kind, Zeroizing<Vec<u8>>), ArmorError> {
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
    let bytes = Zeroizing::new(STANDARD.decode(body.as_bytes()).map_err(|_| ArmorError::Base64)?);
    Ok((kind, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(kind: Kind, bytes: &[u8]) {
        let text = encode(kind, bytes);
        assert!(is_armored(text.as_bytes()));
        let decoded = decode(text.as_bytes()).map(|(kind, bytes)| (kind, bytes.to_vec()));
        assert_eq!(decoded, Ok((kind, bytes.to_vec())));
    }

    #[test]
    #[allow(clippy::cast_possible_truncation)] // i % 251 fits a byte
    fn every_kind_and_length_round_trips() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_label(kind.label()), Some(kind));
            for len in [0usize, 1, 2, 3, 47, 48, 49, 64, 1000] {
                let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
                roundtrip(kind, &bytes);
            }
        }
    }

    #[test]
    fn writer_layout() {
        let text = encode(Kind::SealedSecret, &[0xab; 100]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN VAULTSEAL SEALED SECRET-----"));
        assert_eq!(lines.last(), Some(&"-----END VAULTSEAL SEALED SECRET-----"));
        // 100 bytes = 136 base64 characters = 64 + 64 + 8.
        assert_eq!(lines.iter().map(|l| l.len()).collect::<Vec<_>>()[1..4], [64, 64, 8]);
        assert!(text.ends_with("-----\n"));
    }

    #[test]
    fn lenient_whitespace() {
        let text = encode(Kind::VaultPublicKey, &[5; 64]);
        let crlf = format!("\n  {}\n\n", text.replace('\n', "\r\n"));
        assert_eq!(
            decode(crlf.as_bytes()).map(|(k, b)| (k, b.to_vec())),
            Ok((Kind::VaultPublicKey, vec![5; 64]))
        );
        // One long body line.
        let body = STANDARD.encode([5u8; 64]);
        let one_line = format!(
            "-----BEGIN VAULTSEAL VAULT PUBLIC KEY-----\n{body}\n-----END VAULTSEAL VAULT PUBLIC KEY-----"
        );
        assert_eq!(decode(one_line.as_bytes()).map(|(_, b)| b.to_vec()), Ok(vec![5; 64]));
    }

    #[test]
    fn structural_errors_are_typed() {
        let good = encode(Kind::VaultRecord, &[1, 2, 3, 4]).to_string();
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
