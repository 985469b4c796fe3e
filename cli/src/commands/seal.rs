//! `seal deploy-key`, `seal secret`, `seal hybrid`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use vaultseal::{Params, Purpose, VaultPublicKey, hybrid, seal_deploy_key, seal_secret};

use super::Rng;
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{OutputArgs, read_bytes, write_object};
use crate::inputs::{
    ContextArgs, PurposeArg, RecipientArgs, check_recipients, read_deploy_key, read_recipients,
    read_secret_payload,
};

#[derive(Debug, Subcommand)]
pub(crate) enum SealCommand {
    /// Seal a deploy key (purpose deploy-key), with its proofs.
    DeployKey(SealDeployKeyArgs),
    /// Seal a secret of 1..=128 bytes (purpose secret or webhook-secret),
    /// with its proofs.
    Secret(SealSecretArgs),
    /// Seal a file of any size (up to 16 MiB) in a hybrid envelope to the
    /// vaults' KEM keys; no proof of well-formedness.
    Hybrid(SealHybridArgs),
}

/// `seal deploy-key`, `seal secret` or `seal hybrid`.
pub(super) fn run(
    params: &Params,
    command: &SealCommand,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    match command {
        SealCommand::DeployKey(args) => deploy_key(params, args, rng),
        SealCommand::Secret(args) => secret(params, args, rng),
        SealCommand::Hybrid(args) => hybrid(params, args, rng),
    }
}

#[derive(Debug, Args)]
pub(crate) struct SealDeployKeyArgs {
    /// The deploy key file (from `deploy-key generate`).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    #[command(flatten)]
    pub(crate) to: SealTo,
}

#[derive(Debug, Args)]
pub(crate) struct SealSecretArgs {
    /// The secret file ('-' for standard input).
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// The secret's purpose.
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    /// Seal the file's bytes as they are, even when they end in a line break
    /// or are 64 hex digits (both refused otherwise, as almost never meant).
    #[arg(long)]
    pub(crate) raw: bool,
    #[command(flatten)]
    pub(crate) to: SealTo,
}

#[derive(Debug, Args)]
pub(crate) struct SealHybridArgs {
    /// The file to seal ('-' for standard input).
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// The context's purpose.
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    /// Associated data, authenticated but not stored (`open` needs it again).
    #[arg(long, default_value = "")]
    pub(crate) ad: String,
    #[command(flatten)]
    pub(crate) to: SealTo,
}

/// What every `seal` subcommand takes besides its input: the recipients, the
/// context, and where the sealed file goes.
#[derive(Debug, Args)]
pub(crate) struct SealTo {
    #[command(flatten)]
    pub(crate) recipients: RecipientArgs,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// The sealed file (or envelope) [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

impl SealTo {
    /// The recipients' keys, after checking every record among them.
    fn recipients(&self, params: &Params, rng: &mut Rng) -> Result<Vec<VaultPublicKey>, CliError> {
        check_recipients(params, &read_recipients(&self.recipients.to)?, rng)
    }

    /// Write the sealed object, armored as `kind` unless `--binary`, and
    /// say on standard error what was sealed to how many vaults, and where
    /// it went.
    fn write(
        &self,
        kind: Kind,
        bytes: &[u8],
        what: &str,
        recipients: usize,
    ) -> Result<ExitCode, CliError> {
        write_object(self.out.as_deref(), kind, bytes, &self.output)?;
        let vaults = if recipients == 1 { "vault" } else { "vaults" };
        let place = match self.out.as_deref() {
            Some(path) if path != std::path::Path::new("-") => path.display().to_string(),
            _ => "standard output".to_owned(),
        };
        eprintln!("sealed {what} to {recipients} {vaults}: {place}");
        Ok(ExitCode::SUCCESS)
    }
}

/// Map a sealing refusal (bad recipients, length, purpose) to a usage error.
fn refused(error: vaultseal::Error) -> CliError {
    CliError::usage(format!("cannot seal: {error}"))
}

/// `seal deploy-key`: seal a DEPLOY KEY to the `--to` vaults under the
/// context with purpose deploy-key.
fn deploy_key(
    params: &Params,
    args: &SealDeployKeyArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let context = args.to.context.build(Purpose::DeployKey)?;
    let key = read_deploy_key(&args.key)?;
    let recipients = args.to.recipients(params, rng)?;
    let sealed = seal_deploy_key(params, &recipients, &context, &key, rng).map_err(refused)?;
    let what = format!("deploy key {}", key.public_key().fingerprint());
    args.to.write(Kind::SealedDeployKey, &sealed.to_bytes(), &what, recipients.len())
}

/// `seal secret`: seal 1..=128 bytes (32 for a webhook secret) to the `--to`
/// vaults.
fn secret(params: &Params, args: &SealSecretArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let purpose = args.purpose.purpose();
    let context = args.to.context.build(purpose)?;
    let payload = read_secret_payload(&args.input, purpose, args.raw)?;
    let recipients = args.to.recipients(params, rng)?;
    let sealed = seal_secret(params, &recipients, &context, &payload, rng).map_err(refused)?;
    let what = format!("{} ({} bytes)", args.purpose.name(), payload.len());
    args.to.write(Kind::SealedSecret, &sealed.to_bytes(), &what, recipients.len())
}

/// `seal hybrid`: seal a file of up to 16 MiB in a hybrid envelope.
fn hybrid(params: &Params, args: &SealHybridArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let context = args.to.context.build(args.purpose.purpose())?;
    let payload = read_bytes(&args.input)?;
    let recipients = args.to.recipients(params, rng)?;
    let envelope =
        hybrid::seal(&recipients, &context, args.ad.as_bytes(), &payload, rng).map_err(refused)?;
    let what = format!("{} bytes in a hybrid envelope", payload.len());
    args.to.write(Kind::HybridEnvelope, &envelope.to_bytes(), &what, recipients.len())
}
