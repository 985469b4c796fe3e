//! `vault keygen`, `vault record` and `vault metrics`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use vaultseal::{Params, VaultFields, VaultKeypair, VaultRecord};

use super::{Rng, hex};
use crate::armor::Kind;
use crate::error::CliError;
use crate::expiry;
use crate::files::{OutputArgs, public_out, write_object};
use crate::inputs::{Decoded, read_decoded, read_vault_keypair, unexpected};

#[derive(Debug, Subcommand)]
pub(crate) enum VaultCommand {
    /// Generate a vault keypair: the secret key (mode 0600) and the public key.
    Keygen(KeygenArgs),
    /// Make the vault's directory record: public key, stable fields and a
    /// proof of possession over them.
    Record(RecordArgs),
    /// Set a record's network figures, reputation and free capacity (what
    /// the network's directory publishes, not covered by the proof: a vault
    /// cannot assert them). Vault selection needs both above zero.
    Metrics(MetricsArgs),
}

/// `vault keygen`, `vault record` or `vault metrics`.
pub(super) fn run(
    params: &Params,
    command: &VaultCommand,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    match command {
        VaultCommand::Keygen(args) => keygen(params, args, rng),
        VaultCommand::Record(args) => record(params, args, rng),
        VaultCommand::Metrics(args) => metrics(args),
    }
}

/// The arguments of `vault keygen` and `owner keygen`.
#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// The secret key file to create (mode 0600).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// The public key file [default: <OUT>.pub].
    #[arg(long = "pub", value_name = "FILE")]
    pub(crate) public: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// The vault's secret key file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// Region (1..=64 bytes).
    #[arg(long)]
    pub(crate) region: String,
    /// Endpoint (1..=256 bytes).
    #[arg(long)]
    pub(crate) endpoint: String,
    /// Key epoch.
    #[arg(long, default_value_t = 0)]
    pub(crate) epoch: u64,
    /// Expiry, Unix seconds (0 = never). A time already past is written,
    /// with a warning: `seal` and `register` refuse such a record and
    /// `verify` reports it invalid.
    #[arg(long, default_value_t = 0, value_name = "UNIX_SECONDS")]
    pub(crate) expires: u64,
    /// The record file [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `vault keygen`: a fresh vault keypair; the secret key file (0600) and the
/// public key file. Prints the public key's two halves on standard error.
fn keygen(params: &Params, args: &KeygenArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let public_out = public_out(&args.out, args.public.as_deref())?;
    let keypair = VaultKeypair::generate(params, rng);
    let secret = keypair.secret().to_bytes();
    write_object(Some(&args.out), Kind::VaultSecretKey, &secret[..], &args.output)?;
    let public = keypair.public().to_bytes();
    write_object(Some(&public_out), Kind::VaultPublicKey, &public, &args.output)?;
    eprintln!(
        "vault secret key: {} (mode 0600)\nvault public key: {}\n  Y (sealing) {}\n  W (KEM)     {}",
        args.out.display(),
        public_out.display(),
        hex(&keypair.public().sealing_key_bytes()),
        hex(&keypair.public().kem_key_bytes()),
    );
    Ok(ExitCode::SUCCESS)
}

/// The arguments of `vault metrics`.
#[derive(Debug, Args)]
pub(crate) struct MetricsArgs {
    /// The record file.
    #[arg(long, value_name = "FILE")]
    pub(crate) record: PathBuf,
    /// Reputation (0..=1000).
    #[arg(long)]
    pub(crate) reputation: u16,
    /// Free capacity.
    #[arg(long)]
    pub(crate) capacity: u64,
    /// The new record file [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `vault metrics`: the record with the network's figures set. The proof of
/// possession is not checked here (`verify` does that) and stays valid: it
/// covers the key and the stable fields only.
fn metrics(args: &MetricsArgs) -> Result<ExitCode, CliError> {
    let record = match read_decoded(&args.record, &[Kind::VaultRecord])? {
        Decoded::VaultRecord(record) => record,
        other => return Err(unexpected(&args.record, &other, Kind::VaultRecord)),
    };
    let record = (*record)
        .with_network_metrics(args.reputation, args.capacity)
        .map_err(|_| CliError::usage("--reputation must be 0..=1000"))?;
    write_object(args.out.as_deref(), Kind::VaultRecord, &record.to_bytes(), &args.output)?;
    Ok(ExitCode::SUCCESS)
}

/// `vault record`: the vault's record with a fresh proof of possession over
/// its stable fields. Reputation and capacity are left at zero: the network
/// sets them, a vault cannot assert them. An expiry already past is written
/// (a test may want such a record) with a warning on standard error.
fn record(params: &Params, args: &RecordArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let keypair = read_vault_keypair(params, &args.key)?;
    let fields = VaultFields::new(&args.region, &args.endpoint, args.epoch, args.expires)
        .map_err(|_| CliError::usage("--region must be 1..=64 bytes and --endpoint 1..=256"))?;
    let record = VaultRecord::new(&keypair, fields, rng);
    write_object(args.out.as_deref(), Kind::VaultRecord, &record.to_bytes(), &args.output)?;
    if expiry::has_expired(args.expires, expiry::unix_now()) {
        eprintln!(
            "warning: --expires {} ({}) is in the past: the record is written, but seal and \
             register refuse it and verify reports it INVALID",
            args.expires,
            expiry::utc(args.expires)
        );
    }
    Ok(ExitCode::SUCCESS)
}
