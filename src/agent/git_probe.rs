//! Ownership through the git host itself: [`GitSshProbe`] (its
//! documentation says how it asks the host, and why a vault probes after
//! opening).

use alloc::format;
use alloc::string::{String, ToString as _};
use core::fmt;
use core::hash::{BuildHasher as _, Hasher as _};
use core::time::Duration;
use std::io;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::Agent;
use crate::deploy_key::DeployKey;
use crate::kinds::RepositoryRole;
use crate::registration::OpenedProject;

/// How long one probe may take by default before it is stopped (and
/// refused).
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(60);

/// Ownership through the git host itself: the host's answer to whether a
/// deploy key is installed on a repository, given by letting that key
/// authenticate, so that "installed" is the host's word, not a file the
/// operator wrote.
///
/// For one repository and its opened deploy key, the probe serves that key
/// alone from an in-process [`Agent`] (a socket in a fresh mode-0700
/// directory) and runs
///
/// ```text
/// git ls-remote ssh://git@HOST:PORT/<repository ref>.git
/// ```
///
/// (the URL template with `{repository}` replaced) with `ssh -F /dev/null -o
/// BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=<pinned>
/// -o IdentitiesOnly=yes -o IdentityFile=<that key's .pub> -o
/// IdentityAgent=<the socket>`: the host key must be the pinned one, nothing
/// is asked interactively, and no other key (the user's agent, `~/.ssh`) is
/// offered; git reads no user or system configuration (an `insteadOf` could
/// send the probe elsewhere). The repository is installed exactly when git
/// lists its refs, i.e. the host accepted the key for that repository. Each
/// probe is bounded (60 s by default, then git is killed) and counts as a
/// refusal when it does not finish. `git` and `ssh` must be on `PATH`.
///
/// # Why it runs after opening, and why that is safe
///
/// [`OwnershipCheck`](crate::OwnershipCheck) runs inside
/// [`ProjectRegistration::verify`](crate::ProjectRegistration::verify),
/// before anything is opened, and sees only the public key; a probe that
/// authenticates needs the secret key. So a vault verifies everything else
/// (owner signature, recipients, records, every proof), opens, probes with
/// [`GitSshProbe::check`], and only then keeps the keys. Opening first is
/// safe because the vault is a recipient of every item (it can open them
/// whenever it likes: opening grants it nothing it did not have), the items
/// are verified (each opened scalar is the secret of the public key the
/// registration names), and the probe uses the keys for nothing but its
/// authentication to the URL the vault operator configured; a vault drops
/// (and so zeroizes) the [`OpenedProject`] of a refused registration.
///
/// # Example
/// ```no_run
/// # fn demo(opened: &vaultseal::registration::OpenedProject) -> Result<(), Box<dyn std::error::Error>> {
/// use vaultseal::agent::GitSshProbe;
///
/// let probe = GitSshProbe::new("ssh://git@git.example:22/{repository}.git", "/etc/vault/known_hosts")?;
/// // `opened`: `verified.open(&params, &vault)?` of a verified registration.
/// probe.check(opened)?; // both repositories, each with its own key
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct GitSshProbe {
    /// `ssh://…{repository}…`.
    git_url: String,
    /// The pinned `known_hosts` file (absolute).
    known_hosts: PathBuf,
    timeout: Duration,
}

/// Why a probe's settings are refused ([`GitSshProbe::new`]).
#[derive(Debug)]
pub enum ProbeSetupError {
    /// The URL template is not `ssh://` with a `{repository}` placeholder, or
    /// holds spaces or control characters.
    GitUrl(String),
    /// The `known_hosts` file cannot be read.
    KnownHosts(PathBuf, io::Error),
}

impl fmt::Display for ProbeSetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeSetupError::GitUrl(reason) => f.write_str(reason),
            ProbeSetupError::KnownHosts(path, error) => {
                write!(f, "known_hosts {}: {error}", path.display())
            }
        }
    }
}

impl core::error::Error for ProbeSetupError {}

/// The git host did not let a deploy key read its repository (or could not
/// be asked): which repository, and why, in git's or ssh's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeRefused {
    /// The repository's role, when the probe was of an opened registration.
    pub role: Option<RepositoryRole>,
    /// The repository ref.
    pub repository: String,
    /// Why: ssh's refusal (`Permission denied (publickey)`, `Host key
    /// verification failed`, …), the host's own message, a ref that cannot
    /// stand in a URL, or a timeout.
    pub reason: String,
}

impl fmt::Display for ProbeRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(role) = self.role {
            write!(f, "{role} ")?;
        }
        write!(f, "repository {}: {}", self.repository, self.reason)
    }
}

impl core::error::Error for ProbeRefused {}

/// A fresh private directory, removed (with its socket) when dropped.
struct ProbeDir(PathBuf);

impl Drop for ProbeDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl GitSshProbe {
    /// A probe of the repositories at `git_url` (an `ssh://` URL template
    /// holding `{repository}`, e.g. `ssh://git@git.example:22/{repository}.git`),
    /// whose host key must be in the `known_hosts` file.
    ///
    /// # Errors
    /// [`ProbeSetupError::GitUrl`] for another scheme, no placeholder, or
    /// spaces and control characters; [`ProbeSetupError::KnownHosts`] if the
    /// file cannot be read.
    pub fn new(git_url: &str, known_hosts: impl AsRef<Path>) -> Result<Self, ProbeSetupError> {
        if !git_url.starts_with("ssh://") || !git_url.contains("{repository}") {
            return Err(ProbeSetupError::GitUrl(format!(
                "git URL template {git_url}: expected an ssh:// URL with {{repository}}, \
                 e.g. 'ssh://git@git.example:22/{{repository}}.git'"
            )));
        }
        if git_url.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(ProbeSetupError::GitUrl(
                "the git URL template must not contain spaces or control characters".to_string(),
            ));
        }
        let known_hosts = known_hosts.as_ref();
        let setup = |error| ProbeSetupError::KnownHosts(known_hosts.to_path_buf(), error);
        std::fs::File::open(known_hosts).map_err(setup)?;
        let known_hosts = std::path::absolute(known_hosts).map_err(setup)?;
        Ok(GitSshProbe {
            git_url: git_url.to_string(),
            known_hosts,
            timeout: DEFAULT_PROBE_TIMEOUT,
        })
    }

    /// The same probe, each run bounded by `timeout` instead of
    /// [`DEFAULT_PROBE_TIMEOUT`].
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The URL of `repository`, if its ref can stand in a URL path unquoted
    /// (letters, digits and `._-/:~`, no `..`, not starting with `-`).
    ///
    /// # Errors
    /// The reason, for any other ref.
    pub fn url(&self, repository: &str) -> Result<String, String> {
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

    /// Both repositories of an opened registration, each with its own deploy
    /// key: `Ok` only if the host accepts both.
    ///
    /// # Errors
    /// The first repository the host refused (with its role).
    pub fn check(&self, opened: &OpenedProject) -> Result<(), ProbeRefused> {
        for repository in opened.repositories() {
            self.probe(repository.repository(), repository.deploy_key())
                .map_err(|refused| ProbeRefused { role: Some(repository.role()), ..refused })?;
        }
        Ok(())
    }

    /// Whether the git host lets `key` read `repository`: `Ok` if `git
    /// ls-remote` succeeds with that key alone.
    ///
    /// # Errors
    /// [`ProbeRefused`] with git's or ssh's reason, or the setup failure
    /// (git missing, no private directory) that kept the probe from running.
    pub fn probe(&self, repository: &str, key: &DeployKey) -> Result<(), ProbeRefused> {
        let refused = |reason: String| ProbeRefused {
            role: None,
            repository: repository.to_string(),
            reason,
        };
        let url = self.url(repository).map_err(refused)?;
        let public = key.public_key();
        let dir =
            private_temp_dir().map_err(|error| refused(format!("probe directory: {error}")))?;
        let pub_file = dir.0.join("key.pub");
        let line = public.to_openssh("").map_err(|error| refused(error.to_string()))?;
        std::fs::write(&pub_file, format!("{line}\n"))
            .map_err(|error| refused(format!("probe directory: {error}")))?;
        let mut agent = Agent::new().with_log(|_| {});
        // The agent keeps its own copy, zeroized when it stops.
        let copy =
            DeployKey::from_bytes(&key.to_bytes()[..]).map_err(|e| refused(e.to_string()))?;
        agent.add(copy, "vaultseal ownership probe", None);
        let socket = dir.0.join("agent.sock");
        let running =
            agent.bind(&socket).map_err(|error| refused(format!("probe agent: {error}")))?;

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
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("SSH_AUTH_SOCK", &socket)
            .env_remove("GIT_SSH")
            .env_remove("GIT_ASKPASS")
            .env_remove("SSH_ASKPASS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn();
        let outcome = match child {
            Ok(child) => wait_bounded(child, self.timeout),
            Err(error) => {
                running.shutdown();
                return Err(refused(format!("cannot run git: {error}")));
            }
        };
        running.shutdown();
        drop(dir);
        match outcome {
            Some((true, _)) => Ok(()),
            Some((false, stderr)) => Err(refused(format!(
                "the git host refused deploy key {} for {url}: {}",
                public.fingerprint(),
                reason(&stderr)
            ))),
            None => Err(refused(format!(
                "no answer from {url} within {} s",
                self.timeout.as_secs_f64()
            ))),
        }
    }
}

/// Wait for `child` at most `timeout`: whether it succeeded and its standard
/// error, or `None` (killed) if it did not finish.
fn wait_bounded(mut child: std::process::Child, timeout: Duration) -> Option<(bool, String)> {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if waited < timeout => {
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

/// A new directory of mode 0700 under the system's temporary directory. Its
/// name is unpredictable (std's per-process random hash keys), and an
/// existing path is never reused: `create` fails on it and the next name is
/// tried.
fn private_temp_dir() -> io::Result<ProbeDir> {
    let base = std::env::temp_dir();
    for _ in 0..16 {
        let mut hasher = std::hash::RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        let dir = base.join(format!("vaultseal-probe-{:016x}", hasher.finish()));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(ProbeDir(dir)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other("could not create a probe directory"))
}

/// `path` single-quoted for the shell git runs `GIT_SSH_COMMAND` with.
fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe() -> GitSshProbe {
        GitSshProbe {
            git_url: "ssh://git@127.0.0.1:2222/{repository}.git".into(),
            known_hosts: "/k".into(),
            timeout: DEFAULT_PROBE_TIMEOUT,
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
    fn a_ref_that_cannot_be_a_url_is_refused_before_anything_runs() {
        let key = DeployKey::from_bytes(&[7u8; 32]).unwrap_or_else(|_| unreachable!());
        let refused = probe().probe("../etc", &key).err();
        assert!(refused.is_some_and(|r| r.repository == "../etc" && r.reason.contains("URL")));
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
        assert!(GitSshProbe::new("ssh://git@h/{repository}.git", &known_hosts).is_ok());
        for bad in ["https://h/{repository}.git", "ssh://git@h/fixed.git", "ssh://h/{repository} x"]
        {
            assert!(
                matches!(GitSshProbe::new(bad, &known_hosts), Err(ProbeSetupError::GitUrl(_))),
                "{bad}"
            );
        }
        let missing = known_hosts.join("vaultseal-no-such-known-hosts");
        assert!(matches!(
            GitSshProbe::new("ssh://git@h/{repository}.git", &missing),
            Err(ProbeSetupError::KnownHosts(path, _)) if path == missing
        ));
    }

    #[test]
    fn probe_directories_are_private_distinct_and_removed() {
        use std::os::unix::fs::MetadataExt as _;
        let a = private_temp_dir().unwrap_or_else(|_| unreachable!());
        let b = private_temp_dir().unwrap_or_else(|_| unreachable!());
        assert_ne!(a.0, b.0);
        let mode = std::fs::metadata(&a.0).map(|m| m.mode() & 0o777).ok();
        assert_eq!(mode, Some(0o700));
        let path = a.0.clone();
        drop(a);
        assert!(!path.exists());
    }
}
