//! The ownership file of `verify-registration --ownership`: the deploy keys
//! known to be installed on the git host.
//!
//! A command-line tool cannot ask the git host, so the operator states what
//! the host shows (for GitHub, `GET /repos/{owner}/{repo}/keys` as the
//! repository's admin sees it). One line per installed key:
//!
//! ```text
//! # <repository ref> <OpenSSH public line, or SHA256: fingerprint>
//! github:1001 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… vaultseal demo config
//! github:1002 SHA256:2gkHRGJ2X/xkWvNOEXtyYpYfOw4Ua3VJf1n9CVbmV6s
//! ```
//!
//! The ref is the first whitespace-separated field (refs with whitespace
//! cannot be listed) and is compared exactly with the registration's; the key
//! is an `ssh-ed25519` line (its comment ignored) or the `SHA256:…`
//! fingerprint `ssh-keygen -l` prints. Blank lines and lines starting with
//! `#` are ignored; any other malformed line is a usage error naming its
//! number. A repository may list several keys: the check asks whether the
//! registration's key is among them.

use std::path::Path;

use vaultseal::DeployPublicKey;

use crate::error::CliError;
use crate::files;

/// An installed key, as the file names it.
#[derive(Debug, PartialEq, Eq)]
enum InstalledKey {
    Key(DeployPublicKey),
    Fingerprint(String),
}

/// The parsed ownership file: `(repository ref, key)` pairs.
#[derive(Debug, Default)]
pub(super) struct Installed {
    entries: Vec<(String, InstalledKey)>,
}

/// Length of a `SHA256:` fingerprint: the prefix and 43 base64 characters.
const FINGERPRINT_LEN: usize = 7 + 43;

impl Installed {
    /// Read and parse an ownership file (exit 2 if it cannot be read or a
    /// line is malformed).
    pub(super) fn read(path: &Path) -> Result<Self, CliError> {
        let data = files::read_bytes(path)?;
        let decode_error = |reason: String| CliError::Decode { path: path.into(), reason };
        let text = core::str::from_utf8(&data)
            .map_err(|_| decode_error("ownership file: not UTF-8 text".into()))?;
        Self::parse(text).map_err(decode_error)
    }

    /// Parse the text of an ownership file; the error names the line.
    fn parse(text: &str) -> Result<Self, String> {
        let mut entries = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fail = |why: &str| format!("ownership file, line {}: {why}", number + 1);
            let (repository, key) = line
                .split_once(char::is_whitespace)
                .ok_or_else(|| fail("expected '<repository ref> <key>'"))?;
            let key = key.trim();
            let key = if key.starts_with("SHA256:") {
                if key.len() != FINGERPRINT_LEN || key.contains(char::is_whitespace) {
                    return Err(fail("a fingerprint is 'SHA256:' and 43 base64 characters"));
                }
                InstalledKey::Fingerprint(key.to_owned())
            } else {
                DeployPublicKey::from_openssh(key)
                    .map(InstalledKey::Key)
                    .map_err(|error| fail(&format!("not an ssh-ed25519 line: {error}")))?
            };
            entries.push((repository.to_owned(), key));
        }
        Ok(Installed { entries })
    }

    /// Whether `key` is listed as installed on `repository`.
    pub(super) fn contains(&self, repository: &str, key: &DeployPublicKey) -> bool {
        self.entries.iter().any(|(listed, installed)| {
            listed == repository
                && match installed {
                    InstalledKey::Key(installed) => installed == key,
                    InstalledKey::Fingerprint(fingerprint) => *fingerprint == key.fingerprint(),
                }
        })
    }

    /// Whether no key is listed.
    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use rand_core::UnwrapErr;
    use vaultseal::DeployKey;

    use super::*;

    fn keys() -> (DeployPublicKey, DeployPublicKey) {
        let mut rng = UnwrapErr(getrandom::SysRng);
        (DeployKey::generate(&mut rng).public_key(), DeployKey::generate(&mut rng).public_key())
    }

    #[test]
    fn lines_fingerprints_comments() {
        let (a, b) = keys();
        let text = format!(
            "# installed\n\n  github:1 {}\ngithub:2\t{}\r\n",
            a.to_openssh("a comment").unwrap_or_default(),
            b.fingerprint()
        );
        let installed = Installed::parse(&text).unwrap_or_default();
        assert_eq!(installed.entries.len(), 2);
        assert!(installed.contains("github:1", &a));
        assert!(installed.contains("github:2", &b));
        // Another repository, another key, a ref that only starts alike.
        assert!(!installed.contains("github:2", &a));
        assert!(!installed.contains("github:1", &b));
        assert!(!installed.contains("github:10", &a));
        assert!(!installed.contains("GitHub:1", &a));
    }

    #[test]
    fn malformed_lines_are_named() {
        let (a, _) = keys();
        let good = a.to_openssh("").unwrap_or_default();
        let cases = [
            (format!("github:1 {good}\ngithub:2"), "line 2: expected"),
            (format!("github:1 {}", &good[..good.len() - 4]), "line 1: not an ssh-ed25519"),
            (format!("github:1 ssh-rsa {}", &good[12..]), "line 1: not an ssh-ed25519"),
            ("github:1 SHA256:abc".into(), "line 1: a fingerprint"),
            (format!("github:1 {} x", a.fingerprint()), "line 1: a fingerprint"),
        ];
        for (text, expected) in cases {
            let error = Installed::parse(&text).err().unwrap_or_default();
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }
}
