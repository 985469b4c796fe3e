//! `seal deploy-key`, `seal secret`, `seal hybrid`.

use std::process::ExitCode;

use vaultseal::{Params, Purpose, VaultPublicKey, hybrid, seal_deploy_key, seal_secret};

use super::Rng;
use crate::args::{OutputArgs, RecipientArgs, SealDeployKeyArgs, SealHybridArgs, SealSecretArgs};
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{read_bytes, write_object};
use crate::inputs::{check_recipients, read_deploy_key, read_recipients, read_secret_payload};

/// The recipients' keys, after checking every record among them.
fn recipients(
    params: &Params,
    args: &RecipientArgs,
    rng: &mut Rng,
) -> Result<Vec<VaultPublicKey>, CliError> {
    check_recipients(params, &read_recipients(&args.to)?, rng)
}

/// Map a sealing refusal (bad recipients, length, purpose) to a usage error.
fn refused(error: vaultseal::Error) -> CliError {
    CliError::usage(format!("cannot seal: {error}"))
}

fn write(
    out: Option<&std::path::Path>,
    kind: Kind,
    bytes: &[u8],
    output: &OutputArgs,
) -> Result<ExitCode, CliError> {
    write_object(out, kind, bytes, output)?;
    Ok(ExitCode::SUCCESS)
}

/// `seal deploy-key`: seal a DEPLOY KEY to the `--to` vaults under the
/// context with purpose deploy-key.
pub(super) fn deploy_key(
    params: &Params,
    args: &SealDeployKeyArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let context = args.context.build(Purpose::DeployKey)?;
    let key = read_deploy_key(&args.key)?;
    let recipients = recipients(params, &args.recipients, rng)?;
    let sealed = seal_deploy_key(params, &recipients, &context, &key, rng).map_err(refused)?;
    eprintln!("sealed deploy key {}", key.public_key().fingerprint());
    write(args.out.as_deref(), Kind::SealedDeployKey, &sealed.to_bytes(), &args.output)
}

/// `seal secret`: seal 1..=128 bytes (32 for a webhook secret) to the `--to`
/// vaults.
pub(super) fn secret(
    params: &Params,
    args: &SealSecretArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let purpose = args.purpose.purpose();
    let context = args.context.build(purpose)?;
    let payload = read_secret_payload(&args.input, purpose)?;
    let recipients = recipients(params, &args.recipients, rng)?;
    let sealed = seal_secret(params, &recipients, &context, &payload, rng).map_err(refused)?;
    write(args.out.as_deref(), Kind::SealedSecret, &sealed.to_bytes(), &args.output)
}

/// `seal hybrid`: seal a file of up to 16 MiB in a hybrid envelope.
pub(super) fn hybrid(
    params: &Params,
    args: &SealHybridArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let context = args.context.build(args.purpose.purpose())?;
    let payload = read_bytes(&args.input)?;
    let recipients = recipients(params, &args.recipients, rng)?;
    let envelope =
        hybrid::seal(&recipients, &context, args.ad.as_bytes(), &payload, rng).map_err(refused)?;
    write(args.out.as_deref(), Kind::HybridEnvelope, &envelope.to_bytes(), &args.output)
}
