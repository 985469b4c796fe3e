//! The subcommands. Each returns its exit code, or a [`CliError`] that
//! carries one.

// Loaded with `#[path]` from the binary's root, this file resolves modules
// beside itself; its submodules live in `commands/`.
#[path = "commands/inspect.rs"]
mod inspect;
#[path = "commands/keys.rs"]
mod keys;
#[path = "commands/open.rs"]
mod open;
#[path = "commands/ownership.rs"]
mod ownership;
#[path = "commands/register.rs"]
mod register;
#[path = "commands/seal.rs"]
mod seal;
#[path = "commands/verify.rs"]
mod verify;
#[path = "commands/verify_registration.rs"]
mod verify_registration;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rand_core::UnwrapErr;
use vaultseal::{Params, RepositoryRole};
use zeroize::Zeroizing;

use crate::args::{Command, DeployKeyCommand, OwnerCommand, SealCommand, VaultCommand};
use crate::error::CliError;

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
        Command::Vault(VaultCommand::Keygen(args)) => keys::vault_keygen(params(), &args, &mut rng),
        Command::Vault(VaultCommand::Record(args)) => keys::vault_record(params(), &args, &mut rng),
        Command::DeployKey(DeployKeyCommand::Generate(args)) => {
            keys::deploy_key_generate(&args, &mut rng)
        }
        Command::Seal(SealCommand::DeployKey(args)) => seal::deploy_key(params(), &args, &mut rng),
        Command::Seal(SealCommand::Secret(args)) => seal::secret(params(), &args, &mut rng),
        Command::Seal(SealCommand::Hybrid(args)) => seal::hybrid(params(), &args, &mut rng),
        Command::Verify(args) => verify::run(params(), &args, &mut rng),
        Command::Open(args) => open::run(params(), &args, &mut rng),
        Command::Owner(OwnerCommand::Keygen(args)) => keys::owner_keygen(&args, &mut rng),
        Command::Register(args) => register::run(params(), &args, &mut rng),
        Command::VerifyRegistration(args) => verify_registration::run(params(), &args, &mut rng),
        Command::Inspect(args) => inspect::run(params(), &args),
    }
}

/// Lowercase hex of public bytes.
fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}

/// The reason to print for a refused registration: the failed check's name
/// (the `RegistrationFailure` variant, e.g. `NotARecipient`), then what it
/// means; any other error as it displays.
fn registration_reason(error: vaultseal::Error) -> String {
    match error {
        vaultseal::Error::Registration { why } => {
            let debug = format!("{why:?}");
            let name = debug.split([' ', '{', '(']).next().unwrap_or_default();
            format!("{name}: {why}")
        }
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
