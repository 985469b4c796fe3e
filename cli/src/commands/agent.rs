//! `agent`: serve opened deploy keys to OpenSSH and git over a Unix socket
//! (the library's `vaultseal::agent`), until SIGINT, SIGTERM or SIGHUP.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use vaultseal::DeployPublicKey;
use vaultseal::agent::Agent;

use crate::error::CliError;
use crate::inputs::read_deploy_key;

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
    #[arg(value_name = "KEYFILE", required = true)]
    pub(crate) keys: Vec<PathBuf>,
}

/// `agent --socket PATH [--lifetime SECS] KEYFILE...`: print
/// `SSH_AUTH_SOCK=PATH; export SSH_AUTH_SOCK;` (for `eval`), serve until a
/// termination signal, then remove the socket, zeroize the keys and exit 0.
/// One line per signature on standard error.
pub(super) fn run(args: &AgentArgs) -> Result<ExitCode, CliError> {
    let socket = std::path::absolute(&args.socket).map_err(|e| CliError::io(&args.socket, e))?;
    let quoted = shell_word(&socket)?;
    let lifetime = args.lifetime.map(Duration::from_secs);
    let mut agent = Agent::new();
    for path in &args.keys {
        let key = read_deploy_key(path)?;
        let comment = comment(path, &key.public_key());
        agent.add(key, comment, lifetime);
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
        args.keys.len(),
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
