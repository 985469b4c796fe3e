//! The armor through `pem-rfc7468` (constant-time base64) against the
//! tool's previous armor, kept here as the oracle: the hand-written reader
//! and writer over the `base64` crate's (not constant-time) decoder.
//!
//! - the writer's output is byte for byte the previous writer's;
//! - the reader accepts exactly what the previous reader accepted, with the
//!   same bytes, and refuses the rest with the same [`ArmorError`]: armor
//!   re-wrapped at any width, with `\r\n`, blank lines and blank space, and
//!   armor with characters replaced, inserted or removed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use vaultseal_cli::armor::{self, ArmorError, Kind};

/// The previous armor (`src/bin/vaultseal/armor.rs` before the move to
/// `pem-rfc7468`), unchanged but for the names.
mod previous {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use vaultseal_cli::armor::{ArmorError, Kind};

    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
    const DASHES: &str = "-----";
    const PREFIX: &str = "VAULTSEAL ";
    const LINE: usize = 64;

    pub fn encode(kind: Kind, bytes: &[u8]) -> String {
        let body = STANDARD.encode(bytes);
        let label = kind.label();
        let mut out = String::new();
        out.push_str(BEGIN);
        out.push_str(PREFIX);
        out.push_str(label);
        out.push_str(DASHES);
        out.push('\n');
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

    pub fn decode(data: &[u8]) -> Result<(Kind, Vec<u8>), ArmorError> {
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
        let mut body = String::with_capacity(text.len());
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
        if lines.next().is_some() {
            return Err(ArmorError::TrailingData);
        }
        let bytes = STANDARD.decode(body.as_bytes()).map_err(|_| ArmorError::Base64)?;
        Ok((kind, bytes))
    }
}

/// The new reader's result, comparable with the previous one's.
fn decode_now(data: &[u8]) -> Result<(Kind, Vec<u8>), ArmorError> {
    armor::decode(data).map(|(kind, bytes)| (kind, bytes.to_vec()))
}

fn kind() -> impl Strategy<Value = Kind> {
    proptest::sample::select(Kind::ALL.to_vec())
}

/// Armor of `bytes` with its body re-wrapped: line widths taken in turn from
/// `widths`, each line indented by `indent` and followed by `trail`, a blank
/// line after every `blank_every` lines, `eol` line breaks, and blank space
/// around the whole.
fn rewrapped(
    kind: Kind,
    bytes: &[u8],
    widths: &[usize],
    (indent, trail, eol): (&str, &str, &str),
    blank_every: usize,
    around: (&str, &str),
) -> String {
    use base64ct::Encoding as _;
    let body = base64ct::Base64::encode_string(bytes);
    let label = kind.pem_label();
    let mut out = format!("{}-----BEGIN {label}-----{eol}", around.0);
    let mut rest = body.as_str();
    let mut n = 0;
    while !rest.is_empty() {
        let width = widths[n % widths.len()].min(rest.len());
        let (line, tail) = rest.split_at(width);
        out.push_str(&format!("{indent}{line}{trail}{eol}"));
        rest = tail;
        n += 1;
        if n % blank_every == 0 {
            out.push_str(eol);
        }
    }
    out.push_str(&format!("-----END {label}-----{eol}{}", around.1));
    out
}

/// One edit of armored text.
#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, char),
    Insert(usize, char),
    Remove(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let chars = proptest::sample::select(vec![
        'A', 'Q', 'g', '0', '+', '/', '=', '-', ':', ' ', '\t', '\r', '\n', '*', 'é', '\u{a0}',
        '\0',
    ]);
    prop_oneof![
        (any::<usize>(), chars.clone()).prop_map(|(at, c)| Edit::Replace(at, c)),
        (any::<usize>(), chars).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<usize>().prop_map(Edit::Remove),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len();
        match *edit {
            Edit::Replace(at, c) if len > 0 => chars[at % len] = c,
            Edit::Insert(at, c) => chars.insert(at % (len + 1), c),
            Edit::Remove(at) if len > 0 => {
                chars.remove(at % len);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn writer_is_byte_for_byte_the_previous_one(
        kind in kind(),
        bytes in proptest::collection::vec(any::<u8>(), 1..400),
    ) {
        let now = armor::encode(kind, &bytes).unwrap();
        prop_assert_eq!(now.as_str(), previous::encode(kind, &bytes));
    }

    #[test]
    fn rewrapped_armor_reads_as_before(
        kind in kind(),
        bytes in proptest::collection::vec(any::<u8>(), 0..300),
        widths in proptest::collection::vec(1usize..130, 1..4),
        indent in proptest::sample::select(vec!["", " ", "\t", "  \t"]),
        trail in proptest::sample::select(vec!["", " ", "\t ", "\u{a0}"]),
        eol in proptest::sample::select(vec!["\n", "\r\n"]),
        blank_every in 1usize..8,
        before in proptest::sample::select(vec!["", "\n", " \n\t", "\r\n\r\n"]),
        after in proptest::sample::select(vec!["", "\n", " \n\t ", "\r\n"]),
    ) {
        let text = rewrapped(kind, &bytes, &widths, (indent, trail, eol), blank_every, (before, after));
        let expected = previous::decode(text.as_bytes());
        prop_assert_eq!(&decode_now(text.as_bytes()), &expected, "{:?}", text);
        // Every such layout holds the bytes.
        prop_assert_eq!(expected, Ok((kind, bytes)));
    }

    #[test]
    fn edited_armor_reads_as_before(
        kind in kind(),
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        widths in proptest::collection::vec(1usize..100, 1..3),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let text = rewrapped(kind, &bytes, &widths, ("", "", "\n"), usize::MAX, ("", ""));
        let edited = apply(&text, &edits);
        prop_assert_eq!(decode_now(edited.as_bytes()), previous::decode(edited.as_bytes()), "{:?}", edited);
    }

    #[test]
    fn any_bytes_read_as_before(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        prop_assert_eq!(decode_now(&data), previous::decode(&data));
    }
}

/// The refusals `edited_armor_reads_as_before` must reach, each checked to
/// be refused the same way by both readers (so that the comparison above is
/// not only ever between two successes).
#[test]
fn refusals_match_the_previous_reader() {
    let good = armor::encode(Kind::DeployKey, &[9; 32]).unwrap().to_string();
    let cases = [
        (good.replacen('J', "-", 1), ArmorError::Base64),
        (good.replacen('=', "", 1), ArmorError::Base64),
        (good.replacen("\n-----END", "=\n-----END", 1), ArmorError::Base64),
        (good.replacen("KEY-----\n", "KEY-----\nA: b\n", 1), ArmorError::Base64),
        (format!("x{good}"), ArmorError::MissingBegin),
        (format!("{good}x"), ArmorError::TrailingData),
        (
            good.replacen("END VAULTSEAL DEPLOY", "END VAULTSEAL OWNER", 1),
            ArmorError::MismatchedEnd,
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(previous::decode(text.as_bytes()).map(|(k, _)| k), Err(expected.clone()));
        assert_eq!(decode_now(text.as_bytes()).map(|(k, _)| k), Err(expected), "{text}");
    }
}
