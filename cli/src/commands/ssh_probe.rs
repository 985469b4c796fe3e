//! `verify-registration --ownership ssh`: the git host itself says whether a
//! deploy key is installed, by letting that key authenticate.
//!
//! For each repository of a verified and opened registration, the tool
//! serves that repository's deploy key alone from an in-process agent
//! (`vaultseal::agent`, a socket in a fresh mode-0700 directory) and runs
//!
//! ```text
//! git ls-remote ssh://git@HOST:PORT/<repository ref>.git
//! ```
//!
//! (the `--git-url` template with `{repository}` replaced) with `ssh -F
//! /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o
//! UserKnownHostsFile=<--known-hosts> -o IdentitiesOnly=yes -o
//! IdentityFile=<that key's .pub> -o IdentityAgent=<the socket>`: the host
//! key must be the pinned one, nothing is asked interactively, and no other
//! key (the user's agent, `~/.ssh`) is offered. The repository is
//! "installed" exactly when git lists its refs, i.e. the host accepted the
//! key for that repository. Each probe is bounded (60 s, then the git
//! process is killed) and counts as a refusal when it does not finish.
//!
//! # Why the keys are opened before the probe, and why that is safe
//!
//! The library's [`OwnershipCheck`](vaultseal::OwnershipCheck) runs inside
//! `verify`, before anything is opened, and sees only the public key; a
//! probe that authenticates needs the secret key, so here the order is:
//! verify everything else (owner signature, recipients, records, every proof
//! in one batch), open, probe, and only then write the keys to `--out` and
//! print `OK`. Opening first is safe because the vault is a recipient of
//! every item (it can open them whenever it likes; opening grants it
//! nothing it did not have), the items are verified (each decrypted scalar
//! is the secret of the public key the registration names), and nothing of
//! a registration the probe refuses is written or kept: the keys live in
//! memory only, are zeroized when dropped, and are used for nothing but
//! the probe's authentication to the URL the vault operator configured.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use vaultseal::DeployKey;
use vaultseal::agent::Agent;

use crate::error::CliError;

/// How long one probe may take before it is stopped (and refused).
const PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// The `--ownership ssh` settings: where the repositories are and the git
/// host's pinned key.
#[derive(Debug)]
pub(super) struct SshProbe {
    /// `ssh://…{repository}…`.
    git_url: String,
    /// The pinned `known_hosts` file (absolute).
    known_hosts: PathBuf,
}

/// A fresh private directory, removed (with its socket) when dropped.
struct ProbeDir(PathBuf);

impl Drop for ProbeDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl SshProbe {
    /// Check the settings: an `ssh://` URL template holding `{repository}`,
    /// a readable `known_hosts` file.
    pub(super) fn new(git_url: &str, known_hosts: &Path) -> Result<Self, CliError> {
        if !git_url.starts_with("ssh://") || !git_url.contains("{repository}") {
            return Err(CliError::usage(format!(
                "--git-url {git_url}: expected an ssh:// URL with {{repository}}, \
                 e.g. 'ssh://git@git.example:22/{{repository}}.git'"
            )));
        }
        if git_url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(CliError::usage("--git-url must not contain spaces or control characters"));
        }
        std::fs::metadata(known_hosts).map_err(|error| CliError::io(known_hosts, error))?;
        let known_hosts =
            std::path::absolute(known_hosts).map_err(|error| CliError::io(known_hosts, error))?;
        Ok(SshProbe { git_url: git_url.to_owned(), known_hosts })
    }

    /// The URL of `repository`, if its ref can stand in a URL path unquoted.
    fn url(&self, repository: &str) -> Result<String, String> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._-/:~".contains(c);
        if repository.starts_with('-')
            || repository.contains("..")
            || !repository.chars().all(allowed)
        {
            return Err(format!(
                "repository ref {repository:?} cannot be put in a URL (letters, digits and ._-/:~ only)"
            ));
        }
        Ok(self.git_url.replace("{repository}", repository))
    }

    /// Whether the git host lets `key` read `repository`: `Ok` if `git
    /// ls-remote` succeeds with that key alone, else why not.
    pub(super) fn probe(&self, repository: &str, key: DeployKey) -> Result<(), String> {
        let url = self.url(repository)?;
        let public = key.public_key();
        let dir = private_temp_dir().map_err(|error| format!("probe directory: {error}"))?;
        let pub_file = dir.0.join("key.pub");
        let line = public.to_openssh("").map_err(|error| error.to_string())?;
        std::fs::write(&pub_file, format!("{line}\n")).map_err(|error| error.to_string())?;
        let mut agent = Agent::new().with_log(|_| {});
        agent.add(key, "vaultseal ownership probe", None);
        let socket = dir.0.join("agent.sock");
        let running = agent.bind(&socket).map_err(|error| format!("probe agent: {error}"))?;

        let ssh = format!(
            "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
             -o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null \
             -o IdentitiesOnly=yes -o IdentityFile={} -o IdentityAgent={} -o ConnectTimeout=30",
            shell_quote(&self.known_hosts),
            shell_quote(&pub_file),
            shell_quote(&socket),
        );
        let child = Command::new("git")
            .args(["ls-remote", "--quiet", &url])
            .env("GIT_SSH_COMMAND", ssh)
            .env("GIT_TERMINAL_PROMPT", "0")
            // No user or system configuration (an `insteadOf` could send the
            // probe elsewhere).
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("SSH_AUTH_SOCK", &socket)
            .env_remove("GIT_SSH")
            .env_remove("GIT_ASKPASS")
            .env_remove("SSH_ASKPASS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot run git: {error}"))?;
        let outcome = wait_bounded(child);
        running.shutdown();
        drop(dir);
        match outcome {
            Some((true, _)) => Ok(()),
            Some((false, stderr)) => Err(format!(
                "the git host refused deploy key {} for {url}: {}",
                public.fingerprint(),
                reason(&stderr)
            )),
            None => Err(format!("no answer from {url} within {} s", PROBE_TIMEOUT.as_secs())),
        }
    }
}

/// Wait for `child` at most [`PROBE_TIMEOUT`]: whether it succeeded and its
/// standard error, or `None` (killed) if it did not finish.
fn wait_bounded(mut child: std::process::Child) -> Option<(bool, String)> {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if waited < PROBE_TIMEOUT => {
                std::thread::sleep(step);
                waited += step;
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
    let output = child.wait_with_output().ok()?;
    Some((output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned()))
}

/// The line of git's (and ssh's) standard error that says why: ssh's
/// refusal (`Permission denied (publickey)`, `Host key verification
/// failed`, a refused or timed-out connection) if there is one, else the
/// first line (the host's own message, e.g. a forced command's).
fn reason(stderr: &str) -> &str {
    let mut lines = stderr.lines().map(str::trim).filter(|line| !line.is_empty());
    let why = ["denied", "verification failed", "refused", "timed out", "Could not resolve"];
    lines
        .clone()
        .find(|line| why.iter().any(|word| line.contains(word)))
        .or_else(|| lines.next())
        .unwrap_or("no message")
}

/// A new directory of mode 0700 under the system's temporary directory.
fn private_temp_dir() -> std::io::Result<ProbeDir> {
    use std::os::unix::fs::DirBuilderExt as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::temp_dir();
    for _ in 0..16 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|_| std::io::Error::other("no randomness"))?;
        let dir = base.join(format!(
            "vaultseal-probe-{}-{n}-{}",
            std::process::id(),
            base16ct::lower::encode_string(&random)
        ));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(ProbeDir(dir)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(std::io::Error::other("could not create a probe directory"))
}

/// `path` single-quoted for the shell git runs `GIT_SSH_COMMAND` with.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe() -> SshProbe {
        SshProbe {
            git_url: "ssh://git@127.0.0.1:2222/{repository}.git".into(),
            known_hosts: "/k".into(),
        }
    }

    #[test]
    fn repository_refs_go_into_the_url_path_only_when_harmless() {
        let probe = probe();
        assert_eq!(
            probe.url("demo/config").as_deref(),
            Ok("ssh://git@127.0.0.1:2222/demo/config.git")
        );
        assert_eq!(
            probe.url("github:1001").as_deref(),
            Ok("ssh://git@127.0.0.1:2222/github:1001.git")
        );
        for bad in ["-oProxyCommand=x", "a b", "a'b", "../etc", "a;b", "a\nb", "a$(x)"] {
            assert!(probe.url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_reason_is_ssh_s_refusal_else_the_first_line() {
        let denied = "root@127.0.0.1: Permission denied (publickey).\r\nfatal: Could not read from \
                      remote repository.\n\nPlease make sure you have the correct access rights\n";
        assert_eq!(reason(denied), "root@127.0.0.1: Permission denied (publickey).");
        let host = "@@@@\nIT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nHost key \
                    verification failed.\nfatal: Could not read from remote repository.\n";
        assert_eq!(reason(host), "Host key verification failed.");
        let forced = "\nthis deploy key reads demo/config.git only\nfatal: Could not read\n";
        assert_eq!(reason(forced), "this deploy key reads demo/config.git only");
        assert_eq!(reason(""), "no message");
    }

    #[test]
    fn url_templates_must_be_ssh_with_a_placeholder() {
        let known_hosts = std::env::temp_dir();
        assert!(SshProbe::new("ssh://git@h/{repository}.git", &known_hosts).is_ok());
        for bad in ["https://h/{repository}.git", "ssh://git@h/fixed.git", "ssh://h/{repository} x"]
        {
            assert!(SshProbe::new(bad, &known_hosts).is_err(), "{bad}");
        }
    }
}
