//! The command line: [`Cli`], its [`Command`]s, and [`run`], which
//! dispatches each to its handler. Each command (or group of subcommands)
//! has a module of its own holding its `#[derive(Args)]` struct next to its
//! handler; each handler returns its exit code, or a [`CliError`] that
//! carries one.
//!
//! Adding a command: a variant of [`Command`] (its doc comment is its help
//! line), its module, and its arm in [`run`].

#[cfg(unix)]
mod agent;
mod combine;
mod deploy_key;
mod inspect;
mod open;
mod owner;
mod ownership;
mod register;
mod seal;
#[cfg(unix)]
mod vault;
mod verify;
mod verify_registration;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rand_core::UnwrapErr;
use vaultseal::{Params, RepositoryRole};
use zeroize::Zeroizing;

use crate::error::CliError;

/// Seal deploy keys and secrets to vault nodes with zero-knowledge proofs,
/// verify sealed items offline, open them as a vault.
///
/// Files are read armored (`-----BEGIN VAULTSEAL <KIND>-----`) or as the
/// crate's raw binary encodings, and written armored unless `--binary`.
/// Exit status: 0 success; 1 an item is invalid or does not open; 2 usage or
/// I/O error.
#[derive(Debug, Parser)]
#[command(name = "vaultseal", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Vault keys and records.
    #[command(subcommand)]
    Vault(vault::VaultCommand),
    /// Deploy keys (Ed25519, the key a git host installs on a repository).
    #[command(subcommand, name = "deploy-key")]
    DeployKey(deploy_key::DeployKeyCommand),
    /// Seal a deploy key or a secret to vaults (with proofs), or any file
    /// (hybrid envelope, no proof).
    #[command(subcommand)]
    Seal(seal::SealCommand),
    /// Verify sealed items, vault records and project registrations, all in
    /// one batch; no secret key needed.
    ///
    /// Prints `OK <file>` or `INVALID <file>: <reason>` for each file (and
    /// `ERROR <file>: <reason>` for a file that cannot be read or is not a
    /// verifiable kind); an expired vault record is `INVALID <file>: expired
    /// at <time>`. Exit status 0 only if every file is valid.
    /// Registrations are checked against the records given (`--to` and
    /// files), for `--vault` or else as their own recipients verify them; the
    /// git-host ownership check is `verify-registration`'s.
    Verify(verify::VerifyArgs),
    /// Verify and open a sealed item or a hybrid envelope as a vault (a
    /// threshold dealing opens to the vault's KEY SHARE).
    Open(open::OpenArgs),
    /// Recover a deploy key from KEY SHARE files of one threshold dealing
    /// (key recovery: it leaves threshold mode).
    ///
    /// Takes at least the dealing's threshold of shares. Writes the DEPLOY KEY file `open` writes for a sealed deploy key (mode
    /// 0600) and prints its fingerprint on standard error. Too few shares,
    /// shares of different dealings, a share given twice or one that does
    /// not check: the library's reason (exit status 1).
    Combine(combine::CombineArgs),
    /// Project owner keys (Ed25519; they sign registrations).
    #[command(subcommand)]
    Owner(owner::OwnerCommand),
    /// Build and sign a project registration: a deploy key and a webhook
    /// secret per repository, sealed to the vaults (with --threshold, each
    /// deploy key dealt in shares); write what to install on the git host.
    Register(register::RegisterArgs),
    /// Verify a project registration as a vault (owner signature, every
    /// proof in one batch, recipients, records, installed deploy keys), and
    /// optionally open it.
    ///
    /// Prints `OK <file>` and a summary, or `INVALID <file>: <Check>:
    /// <reason>` (exit status 1). The vault is `--vault` (verify only) or
    /// `-k` with `-o` (verify and open); the installed deploy keys are
    /// `--ownership`, or `--assume-installed` skips their check. A threshold
    /// registration (`threshold: T of N`) opens to the vault's key shares,
    /// and refuses `--ownership ssh`, which needs whole keys.
    #[command(override_usage = verify_registration::SYNOPSIS)]
    VerifyRegistration(verify_registration::VerifyRegistrationArgs),
    /// Show what files hold (kind, recipients, fingerprints), file by file;
    /// verifies nothing and prints no secret.
    ///
    /// Reads every file the tool writes, `.pub` files included (OpenSSH
    /// lines, owner keys in hex). A file that does not decode is `INVALID
    /// <file>: <reason>` (exit status 1), one that cannot be read `ERROR
    /// <file>: <reason>` (exit status 2); the others are still shown.
    Inspect(inspect::InspectArgs),
    /// Serve opened deploy keys to OpenSSH and git: an ssh-agent on a Unix
    /// socket.
    ///
    /// Prints `SSH_AUTH_SOCK=PATH; export SSH_AUTH_SOCK;` (for `eval`), then
    /// serves until SIGINT, SIGTERM or SIGHUP: it lists the keys and signs
    /// with them, and refuses everything else (no adding, removing or
    /// exporting keys). One line per signature on standard error (key
    /// fingerprint and comment). On exit the socket is removed and the keys
    /// zeroized; exit status 0.
    #[cfg(unix)]
    Agent(agent::AgentArgs),
}

/// The OS CSPRNG (the only randomness source of the tool). A failure of the
/// operating system's generator aborts the process: nothing can be done
/// safely without it.
type Rng = UnwrapErr<getrandom::SysRng>;

/// Run one command.
pub(crate) fn run(command: Command) -> Result<ExitCode, CliError> {
    let mut rng = UnwrapErr(getrandom::SysRng);
    // Built on first use (generators and tables), only by commands that need it.
    let params = Params::shared;
    match command {
        Command::Vault(command) => vault::run(params(), &command, &mut rng),
        Command::DeployKey(command) => deploy_key::run(&command, &mut rng),
        Command::Seal(command) => seal::run(params(), &command, &mut rng),
        Command::Verify(args) => verify::run(params(), &args, &mut rng),
        Command::Open(args) => open::run(params(), &args, &mut rng),
        Command::Combine(args) => combine::run(&args),
        Command::Owner(command) => owner::run(&command, &mut rng),
        Command::Register(args) => register::run(params(), &args, &mut rng),
        Command::VerifyRegistration(args) => verify_registration::run(params(), &args, &mut rng),
        Command::Inspect(args) => inspect::run(params(), &args),
        #[cfg(unix)]
        Command::Agent(args) => agent::run(params(), &args, &mut rng),
    }
}

/// Lowercase hex of public bytes.
fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// The reason to print for a refused registration: the failed check's name
/// ([`RegistrationFailure::name`](vaultseal::RegistrationFailure::name), e.g.
/// `NotARecipient`), then what it means; any other error as it displays.
fn registration_reason(error: vaultseal::Error) -> String {
    match error {
        vaultseal::Error::Registration { why } => format!("{}: {why}", why.name()),
        other => other.to_string(),
    }
}

/// Why a sealed secret cannot be a secret of `purpose`, if its length is
/// not the one the purpose fixes: "sealed webhook secret is not 32 bytes
/// (L = 31)", the words of the registration check `PayloadLength` and of
/// `docs/PROTOCOL.md` §8.2. The library refuses such an item as a failed
/// verification; the tool says why.
fn wrong_secret_length(
    sealed: &vaultseal::SealedSecret,
    purpose: vaultseal::Purpose,
) -> Option<String> {
    let fixed = purpose.fixed_payload_len()?;
    let len = sealed.payload_len();
    (purpose == vaultseal::Purpose::WebhookSecret && len != fixed)
        .then(|| format!("sealed webhook secret is not {fixed} bytes (L = {len})"))
}

/// A webhook secret's file line: its 64 lowercase hex digits and a line
/// break, in one allocation of the final size (a string that grows leaves
/// its old buffer unwiped).
fn webhook_secret_line(secret: &vaultseal::WebhookSecret) -> Zeroizing<String> {
    let hex = secret.to_hex();
    let mut line = Zeroizing::new(String::with_capacity(hex.len() + 1));
    line.push_str(&hex);
    line.push('\n');
    line
}

/// `<dir>/<role>.<suffix>`: the per-repository files of `register --setup-dir`
/// and `verify-registration --out`.
fn role_file(dir: &Path, role: RepositoryRole, suffix: &str) -> PathBuf {
    dir.join(format!("{role}.{suffix}"))
}

/// The comment of a registration's deploy key lines (both commands write the
/// same line).
fn deploy_key_comment(project_name: &str, role: RepositoryRole) -> String {
    format!("vaultseal {project_name} {role}")
}

/// Write `<dir>/<role>.deploy-key.pub`, the deploy key's OpenSSH line with
/// [`deploy_key_comment`] (`register` and `verify-registration -o` write the
/// same file); the line.
fn write_deploy_key_line(
    dir: &Path,
    project_name: &str,
    role: RepositoryRole,
    public: &vaultseal::DeployPublicKey,
) -> Result<String, CliError> {
    // Names have no control characters (the builder and the decoder
    // checked), so the comment is accepted.
    let line = public
        .to_openssh(&deploy_key_comment(project_name, role))
        .map_err(|error| CliError::usage(format!("cannot write the deploy key line: {error}")))?;
    crate::files::write_public(
        Some(&role_file(dir, role, "deploy-key.pub")),
        format!("{line}\n").as_bytes(),
    )?;
    Ok(line)
}

/// Create `dir` (and its parents) if missing, mode 0700 on Unix: it receives
/// secrets.
fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|error| CliError::io(dir, error))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::Cli;

    /// clap's own consistency checks of the command line (conflicting or
    /// duplicate flags, `requires` naming no argument, ...).
    #[test]
    fn command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
