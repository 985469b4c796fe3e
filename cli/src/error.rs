//! The tool's failures and their exit codes.

use core::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::armor::{ArmorError, Kind};

/// Exit status of a successful run.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit status when an item is invalid or does not open.
pub(crate) const EXIT_INVALID: u8 = 1;
/// Exit status for a usage or I/O error.
pub(crate) const EXIT_USAGE: u8 = 2;

/// The exit status of a command that reports file by file (`verify`,
/// `inspect`): 2 if any file could not be read, else 1 if any is invalid,
/// else 0.
pub(crate) fn files_exit_status(errors: usize, invalid: usize) -> ExitCode {
    ExitCode::from(if errors > 0 {
        EXIT_USAGE
    } else if invalid > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum CliError {
    /// An argument is missing or unusable (exit 2).
    Usage(String),
    /// A file could not be read or written (exit 2).
    Io { path: PathBuf, error: io::Error },
    /// A file's armor is malformed (exit 2).
    Armor { path: PathBuf, error: ArmorError },
    /// A file holds another kind than the command takes (exit 2).
    WrongKind { path: PathBuf, found: Kind, expected: Vec<Kind> },
    /// A file does not decode as what the command takes (exit 2).
    Decode { path: PathBuf, reason: String },
    /// A proof does not verify, or an item does not open (exit 1).
    Invalid(String),
}

impl CliError {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    pub(crate) fn io(path: &Path, error: io::Error) -> Self {
        CliError::Io { path: path.to_path_buf(), error }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Invalid(_) => EXIT_INVALID,
            _ => EXIT_USAGE,
        })
    }
}

/// `noun` with its indefinite article: "an OWNER KEY", "a VAULT RECORD"
/// (`an` before a vowel; every kind name, and every word the tool puts
/// after an article, is spelt as it sounds).
pub(crate) fn with_article(noun: &str) -> String {
    let vowel = noun.chars().next().is_some_and(|c| "AEIOUaeiou".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// `A, B or C`.
pub(crate) fn kind_list(kinds: &[Kind]) -> String {
    let names: Vec<String> = kinds.iter().map(|k| k.label().to_owned()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

impl CliError {
    /// The reason, without the file name (for `verify`'s per-file lines).
    pub(crate) fn reason(&self) -> String {
        match self {
            CliError::Usage(message) | CliError::Invalid(message) => message.clone(),
            CliError::Io { error, .. } => error.to_string(),
            CliError::Armor { error, .. } => error.to_string(),
            CliError::WrongKind { found, expected, .. } => {
                format!(
                    "holds {}, expected {}",
                    with_article(found.label()),
                    with_article(&kind_list(expected))
                )
            }
            CliError::Decode { reason, .. } => reason.clone(),
        }
    }

    /// The file the error is about, if any.
    fn path(&self) -> Option<&Path> {
        match self {
            CliError::Usage(_) | CliError::Invalid(_) => None,
            CliError::Io { path, .. }
            | CliError::Armor { path, .. }
            | CliError::WrongKind { path, .. }
            | CliError::Decode { path, .. } => Some(path),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = self.path() {
            write!(f, "{}: ", path.display())?;
        }
        f.write_str(&self.reason())
    }
}
