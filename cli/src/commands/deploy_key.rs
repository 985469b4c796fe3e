//! `deploy-key generate`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use vaultseal::DeployKey;

use super::Rng;
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{OutputArgs, public_out, write_object, write_public};

#[derive(Debug, Subcommand)]
pub(crate) enum DeployKeyCommand {
    /// Generate a deploy key (mode 0600); print its OpenSSH public line.
    Generate(DeployKeyGenerateArgs),
}

/// `deploy-key generate`.
pub(super) fn run(command: &DeployKeyCommand, rng: &mut Rng) -> Result<ExitCode, CliError> {
    match command {
        DeployKeyCommand::Generate(args) => generate(args, rng),
    }
}

#[derive(Debug, Args)]
pub(crate) struct DeployKeyGenerateArgs {
    /// The deploy key file to create (mode 0600).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// The OpenSSH public key file [default: <OUT>.pub].
    #[arg(long = "pub", value_name = "FILE")]
    pub(crate) public: Option<PathBuf>,
    /// Comment of the OpenSSH public line.
    #[arg(long, default_value = "")]
    pub(crate) comment: String,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `deploy-key generate`: a fresh deploy key (0600); its OpenSSH public line
/// on standard output and in the `.pub` file, its fingerprint on standard
/// error.
fn generate(args: &DeployKeyGenerateArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let public_out = public_out(&args.out, args.public.as_deref())?;
    let key = DeployKey::generate(rng);
    let line = key
        .public_key()
        .to_openssh(&args.comment)
        .map_err(|_| CliError::usage("--comment must not contain control characters"))?;
    write_object(Some(&args.out), Kind::DeployKey, &key.to_bytes()[..], &args.output)?;
    write_public(Some(&public_out), format!("{line}\n").as_bytes())?;
    write_public(None, format!("{line}\n").as_bytes())?;
    eprintln!(
        "deploy key: {} (mode 0600)\npublic key: {}\nfingerprint: {}",
        args.out.display(),
        public_out.display(),
        key.public_key().fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}
