//! The command line, as clap derive types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use vaultseal::Purpose;

// Beside this file (loaded with `#[path]`), in `args/`.
#[path = "args/registration.rs"]
mod registration;
pub(crate) use registration::{OwnerCommand, RegisterArgs, VerifyRegistrationArgs};

/// Seal deploy keys and secrets to vault nodes with zero-knowledge proofs,
/// verify sealed items offline, open them as a vault.
///
/// Files are read armored (`-----BEGIN VAULTSEAL <KIND>-----`) or as the
/// crate's raw binary encodings, and written armored unless `--binary`.
/// Exit status: 0 success; 1 an item is invalid or does not open; 2 usage or
/// I/O error.
#[derive(Debug, Parser)]
#[command(name = "vaultseal", version, propagate_version = true, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Vault keys and records.
    #[command(subcommand)]
    Vault(VaultCommand),
    /// Deploy keys (Ed25519, the key a git host installs on a repository).
    #[command(subcommand, name = "deploy-key")]
    DeployKey(DeployKeyCommand),
    /// Seal a deploy key or a secret to vaults (with proofs), or any file
    /// (hybrid envelope, no proof).
    #[command(subcommand)]
    Seal(SealCommand),
    /// Verify sealed items, vault records and project registrations, all in
    /// one batch; no secret key needed.
    ///
    /// Prints `OK <file>` or `INVALID <file>: <reason>` for each file (and
    /// `ERROR <file>: <reason>` for a file that cannot be read or is not a
    /// verifiable kind). Exit status 0 only if every file is valid.
    /// Registrations are checked against the records given (`--to` and
    /// files), for `--vault` or else as their own recipients verify them; the
    /// git-host ownership check is `verify-registration`'s.
    Verify(VerifyArgs),
    /// Verify and open a sealed item or a hybrid envelope as a vault.
    Open(OpenArgs),
    /// Project owner keys (Ed25519; they sign registrations).
    #[command(subcommand)]
    Owner(OwnerCommand),
    /// Build and sign a project registration: a deploy key and a webhook
    /// secret per repository, sealed to the vaults; write what to install on
    /// the git host.
    Register(RegisterArgs),
    /// Verify a project registration as a vault (owner signature, every
    /// proof in one batch, recipients, records, installed deploy keys), and
    /// optionally open it.
    ///
    /// Prints `OK <file>` and a summary, or `INVALID <file>: <Check>:
    /// <reason>` (exit status 1).
    VerifyRegistration(VerifyRegistrationArgs),
    /// Show what a file holds (kind, recipients, fingerprints); verifies
    /// nothing and prints no secret.
    Inspect(InspectArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum VaultCommand {
    /// Generate a vault keypair: the secret key (mode 0600) and the public key.
    Keygen(KeygenArgs),
    /// Make the vault's directory record: public key, stable fields and a
    /// proof of possession over them.
    Record(RecordArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum DeployKeyCommand {
    /// Generate a deploy key (mode 0600); print its OpenSSH public line.
    Generate(DeployKeyGenerateArgs),
}

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

/// Where and how to write an output file.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Write the crate's raw binary encoding instead of armor.
    #[arg(long)]
    pub(crate) binary: bool,
    /// Overwrite an existing secret key file.
    #[arg(long)]
    pub(crate) force: bool,
}

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
    /// Expiry, Unix seconds (0 = never).
    #[arg(long, default_value_t = 0, value_name = "UNIX_SECONDS")]
    pub(crate) expires: u64,
    /// The record file [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
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

/// The purpose of a sealed secret or a hybrid envelope's context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PurposeArg {
    /// Any secret of 1..=128 bytes.
    Secret,
    /// A webhook secret: exactly 32 bytes (input may be its 64-hex-digit form).
    WebhookSecret,
    /// A deploy key (for hybrid envelopes; sealed deploy keys always use it).
    DeployKey,
}

impl PurposeArg {
    pub(crate) fn purpose(self) -> Purpose {
        match self {
            PurposeArg::Secret => Purpose::Secret,
            PurposeArg::WebhookSecret => Purpose::WebhookSecret,
            PurposeArg::DeployKey => Purpose::DeployKey,
        }
    }
}

/// The context every sealed item is bound to (the purpose comes from the
/// command or `--purpose`).
#[derive(Debug, Args)]
pub(crate) struct ContextArgs {
    /// Project id (1..=128 bytes).
    #[arg(long)]
    pub(crate) project: Option<String>,
    /// Repository id (1..=256 bytes), e.g. github:123456789.
    #[arg(long)]
    pub(crate) repository: Option<String>,
    /// Owner's Ed25519 public key: 64 hex digits, or a file holding an
    /// OpenSSH `ssh-ed25519` line, 64 hex digits or 32 raw bytes.
    #[arg(long, value_name = "HEX|FILE")]
    pub(crate) owner: Option<String>,
    /// Extra context bytes, as UTF-8 text (absent and empty differ).
    #[arg(long, conflicts_with = "extra_hex")]
    pub(crate) extra: Option<String>,
    /// Extra context bytes, in hex.
    #[arg(long, value_name = "HEX")]
    pub(crate) extra_hex: Option<String>,
}

/// Recipient vaults.
#[derive(Debug, Args)]
pub(crate) struct RecipientArgs {
    /// A recipient vault: a VAULT PUBLIC KEY file, or a VAULT RECORD file
    /// (its proof of possession is verified first). Repeat for several
    /// vaults (1..=8).
    #[arg(long = "to", value_name = "FILE", required = true)]
    pub(crate) to: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct SealDeployKeyArgs {
    /// The deploy key file (from `deploy-key generate`).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    #[command(flatten)]
    pub(crate) recipients: RecipientArgs,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// The sealed file [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SealSecretArgs {
    /// The secret file ('-' for standard input).
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// The secret's purpose.
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    #[command(flatten)]
    pub(crate) recipients: RecipientArgs,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// The sealed file [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
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
    pub(crate) recipients: RecipientArgs,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// The envelope file [default: standard output].
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Sealed deploy keys, sealed secrets, vault records and project
    /// registrations, armored or binary.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Verify registrations for this vault (public key or record file)
    /// [default: each as its own recipients verify it].
    #[arg(long, value_name = "FILE")]
    pub(crate) vault: Option<PathBuf>,
    /// Purpose of the sealed secrets (sealed deploy keys always verify as
    /// deploy keys).
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    /// Require every sealed item and registration to be sealed to exactly
    /// these vaults (public key or record files; records are verified in the
    /// same batch and are the vault directory of registrations).
    #[arg(long = "to", value_name = "FILE")]
    pub(crate) to: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
}

#[derive(Debug, Args)]
pub(crate) struct OpenArgs {
    /// The vault's secret key file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// The sealed deploy key, sealed secret or hybrid envelope.
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// Purpose of a sealed secret or an envelope (a sealed deploy key always
    /// opens as a deploy key).
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    /// Associated data of a hybrid envelope.
    #[arg(long, default_value = "")]
    pub(crate) ad: String,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// Where to write what was opened (mode 0600); '-' for standard output.
    /// Required: a secret is written only where asked.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Write a secret as lowercase hex and a line break (the form a git host
    /// takes a webhook secret in).
    #[arg(long)]
    pub(crate) hex: bool,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// Files of any kind, armored (binary is accepted when it decodes as
    /// exactly one kind).
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
}
