//! `agent`: serve opened deploy keys to OpenSSH and git over a Unix socket
//! (the library's `vaultseal::agent`), until SIGINT, SIGTERM or SIGHUP.
//!
//! With `--registration` and `--share`, it also serves a threshold
//! registration's deploy keys, which no process holds whole: each signature
//! runs both FROST rounds with the given shares' holders in this process,
//! each signing only an SSH `publickey` request for `--ssh-user` with that
//! key. (The shares of `t` vaults in one process are the key to whoever can
//! read its memory: this serves real git with a threshold key, it does not
//! protect the key from this process.)

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use vaultseal::agent::Agent;
use vaultseal::threshold::GitUserauthPolicy;
use vaultseal::threshold::frost::{InProcessThresholdKey, SigningCoordinator, ThresholdSigner};
use vaultseal::{DeployPublicKey, KeyShare, Params, Purpose};

use super::Rng;
use crate::armor::Kind;
use crate::error::CliError;
use crate::inputs::{Decoded, read_decoded, read_deploy_key, read_key_share, unexpected};

#[derive(Debug, Args)]
pub(crate) struct AgentArgs {
    /// The socket to create. Its directory is created mode 0700 if missing;
    /// an existing one must not be accessible to group or others. The socket
    /// is mode 0600 and removed on exit.
    #[arg(long, value_name = "PATH")]
    pub(crate) socket: PathBuf,
    /// Forget the keys (zeroized) after SECS seconds, as `ssh-add -t`.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) lifetime: Option<u64>,
    /// DEPLOY KEY files, as `open` and `verify-registration -o` write them.
    /// Each is listed with the comment of its `KEYFILE.pub` when that file
    /// holds the same key, else with the file's name.
    #[arg(value_name = "KEYFILE", required_unless_present = "registration")]
    pub(crate) keys: Vec<PathBuf>,
    /// A threshold registration whose deploy keys to serve from `--share`
    /// files: each of its dealings given shares is verified under its
    /// derived context and served; fewer than `t` shares of a dealing is an
    /// error.
    #[arg(long, value_name = "FILE", requires = "shares")]
    pub(crate) registration: Option<PathBuf>,
    /// KEY SHARE files (as `verify-registration -o` writes them for a
    /// threshold registration) of `--registration`'s deploy keys; repeat for
    /// each share. Their holders sign in this process.
    #[arg(long = "share", value_name = "FILE", requires = "registration")]
    pub(crate) shares: Vec<PathBuf>,
    /// The SSH user the threshold keys' holders sign authentication for
    /// (`git` on git hosts; the user of the repository URL otherwise).
    #[arg(long, value_name = "USER", default_value = "git")]
    pub(crate) ssh_user: String,
}

/// `agent --socket PATH [--lifetime SECS] [KEYFILE...] [--registration FILE
/// --share FILE... [--ssh-user USER]]`: print
/// `SSH_AUTH_SOCK=PATH; export SSH_AUTH_SOCK;` (for `eval`), serve until a
/// termination signal, then remove the socket, zeroize the keys and exit 0.
/// One line per signature on standard error.
pub(super) fn run(params: &Params, args: &AgentArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let socket = std::path::absolute(&args.socket).map_err(|e| CliError::io(&args.socket, e))?;
    let quoted = shell_word(&socket)?;
    let lifetime = args.lifetime.map(Duration::from_secs);
    let mut agent = Agent::new();
    for path in &args.keys {
        let key = read_deploy_key(path)?;
        let comment = comment(path, &key.public_key());
        agent.add(key, comment, lifetime);
    }
    let mut served = args.keys.len();
    if let Some(registration) = &args.registration {
        for (key, comment) in threshold_keys(params, registration, args, rng)? {
            agent.add_threshold(key, Rng::default(), comment, lifetime);
            served += 1;
        }
    }

    // Installed before the socket exists: a signal from then on is handled.
    let (stop_tx, stop_rx) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .map_err(|error| CliError::usage(format!("cannot handle termination signals: {error}")))?;

    let running = agent.bind(&socket).map_err(|error| CliError::io(&socket, error))?;
    eprintln!(
        "vaultseal agent: serving {} deploy key(s) on {} (pid {}); stop with SIGINT or SIGTERM",
        served,
        socket.display(),
        std::process::id()
    );
    let mut stdout = std::io::stdout().lock();
    // A closed standard output does not stop the agent.
    let _ = writeln!(stdout, "SSH_AUTH_SOCK={quoted}; export SSH_AUTH_SOCK;");
    let _ = stdout.flush();
    drop(stdout);

    // Until a signal (or, should the handler's sender be dropped, now).
    let _ = stop_rx.recv();
    running.shutdown();
    eprintln!("vaultseal agent: stopped; {} removed", socket.display());
    Ok(ExitCode::SUCCESS)
}

/// The threshold keys of `registration` that `args.shares` can sign for:
/// per dealing, its coordinator from the dealing itself (verified under its
/// derived context) and a signer per share of it. Every share must belong to
/// one of the registration's dealings, and each dealing given shares must
/// get at least `t` of them.
fn threshold_keys(
    params: &Params,
    path: &Path,
    args: &AgentArgs,
    rng: &mut Rng,
) -> Result<Vec<(InProcessThresholdKey, String)>, CliError> {
    let registration = match read_decoded(path, &[Kind::ProjectRegistration])? {
        Decoded::ProjectRegistration(registration) => registration,
        other => return Err(unexpected(path, &other, Kind::ProjectRegistration)),
    };
    // Allocated once at its final size: a growing vector would move the
    // shares and free the old buffer unwiped.
    let mut shares: Vec<KeyShare> = Vec::with_capacity(args.shares.len());
    for share_path in &args.shares {
        shares.push(read_key_share(share_path)?);
    }
    let mut used = vec![false; shares.len()];
    let mut keys = Vec::new();
    for repository in registration.repositories() {
        let Some(dealing) = repository.threshold_deploy_key() else { continue };
        let role = repository.role();
        let context = registration
            .item_context_for(role, Purpose::DeployKey)
            .map_err(|error| CliError::Invalid(format!("{}: {error}", path.display())))?;
        let id = dealing.dealing_id(&context);
        let mut mine: Vec<&KeyShare> = Vec::new();
        for (share, used) in shares.iter().zip(used.iter_mut()) {
            if share.dealing_id() == id {
                mine.push(share);
                *used = true;
            }
        }
        if mine.is_empty() {
            continue;
        }
        let invalid = |error: vaultseal::Error| {
            CliError::Invalid(format!("{}: {role} deploy key: {error}", path.display()))
        };
        let verified = dealing.verified(params, &context, rng).map_err(invalid)?;
        let coordinator = SigningCoordinator::new(&verified).map_err(invalid)?;
        let signers = mine
            .iter()
            .map(|share| ThresholdSigner::new(share, GitUserauthPolicy::new(&args.ssh_user)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid)?;
        let key = InProcessThresholdKey::new(coordinator, signers).map_err(invalid)?;
        let indices: Vec<String> = key.indices().map(|j| j.to_string()).collect();
        let comment = format!(
            "{} ({role} deploy key, threshold {} of {}, shares {})",
            repository.repository(),
            dealing.threshold(),
            dealing.share_count(),
            indices.join(",")
        );
        keys.push((key, comment));
    }
    if let Some(unused) = used.iter().position(|used| !used) {
        return Err(CliError::usage(format!(
            "{}: a share of none of {}'s threshold deploy keys",
            args.shares[unused].display(),
            path.display()
        )));
    }
    Ok(keys)
}

/// The comment of `KEYFILE.pub` if it holds `public`, else the key file's
/// name as given.
fn comment(path: &Path, public: &DeployPublicKey) -> String {
    let mut pub_path = path.as_os_str().to_owned();
    pub_path.push(".pub");
    let from_pub = std::fs::read_to_string(&pub_path).ok().and_then(|text| {
        let line = text.lines().next()?;
        (DeployPublicKey::from_openssh(line).ok()? == *public)
            .then(|| line.splitn(3, [' ', '\t']).nth(2).unwrap_or("").trim().to_owned())
    });
    match from_pub {
        Some(comment) if !comment.is_empty() => comment,
        _ => path.display().to_string(),
    }
}

/// `path` as one POSIX shell word: as is when it holds only characters that
/// need no quoting, else single-quoted.
fn shell_word(path: &Path) -> Result<String, CliError> {
    let text = path
        .to_str()
        .ok_or_else(|| CliError::usage(format!("--socket {}: not valid UTF-8", path.display())))?;
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        Ok(text.to_owned())
    } else {
        Ok(format!("'{}'", text.replace('\'', r"'\''")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_paths_are_quoted_only_when_needed() {
        let word = |p: &str| shell_word(Path::new(p)).unwrap_or_default();
        assert_eq!(
            word("/run/user/1000/vaultseal/agent.sock"),
            "/run/user/1000/vaultseal/agent.sock"
        );
        assert_eq!(word("/tmp/a b/sock"), "'/tmp/a b/sock'");
        assert_eq!(word("/tmp/it's;rm/sock"), r"'/tmp/it'\''s;rm/sock'");
        assert_eq!(word("/tmp/$(x)/sock"), "'/tmp/$(x)/sock'");
    }
}
