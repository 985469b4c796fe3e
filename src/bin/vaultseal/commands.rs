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
#[path = "commands/seal.rs"]
mod seal;
#[path = "commands/verify.rs"]
mod verify;

use std::process::ExitCode;

use rand_core::UnwrapErr;
use vaultseal::Params;

use crate::args::{Command, DeployKeyCommand, SealCommand, VaultCommand};
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
        Command::Inspect(args) => inspect::run(params(), &args),
    }
}

/// Lowercase hex of public bytes.
fn hex(bytes: &[u8]) -> String {
    base16ct::lower::encode_string(bytes)
}
