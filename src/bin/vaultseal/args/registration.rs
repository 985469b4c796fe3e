//! The command line of project owners and of registration checks: `owner
//! keygen`, `register`, `verify-registration`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{KeygenArgs, OutputArgs, RecipientArgs};

#[derive(Debug, Subcommand)]
pub(crate) enum OwnerCommand {
    /// Generate a project owner's Ed25519 signing key (OWNER KEY, mode
    /// 0600); print its public key (64 hex digits, also written to the
    /// public key file) for `--owner`.
    Keygen(KeygenArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RegisterArgs {
    /// The owner's signing key (from `owner keygen`).
    #[arg(long, value_name = "FILE")]
    pub(crate) owner_key: PathBuf,
    /// Project name (1..=64 bytes, no control characters); the project id is
    /// derived from it and the owner key.
    #[arg(long)]
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) recipients: RecipientArgs,
    /// The configuration repository's ref, as the git host knows it (e.g.
    /// github:123456789).
    #[arg(long, value_name = "REF")]
    pub(crate) config_repo: String,
    /// The code repository's ref.
    #[arg(long, value_name = "REF")]
    pub(crate) code_repo: String,
    /// Registration time, Unix seconds [default: now].
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub(crate) timestamp: Option<u64>,
    /// The registration file ('-' for standard output; then the set-up
    /// summary goes to standard error).
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Where to write what to install on the git host: per repository
    /// (`config`, `code`) `<role>.deploy-key.pub` (the OpenSSH public line)
    /// and `<role>.webhook-secret` (64 hex digits, mode 0600) [default:
    /// <OUT>.setup].
    #[arg(long, value_name = "DIR")]
    pub(crate) setup_dir: Option<PathBuf>,
    /// Also print the webhook secrets on standard output.
    #[arg(long)]
    pub(crate) show_secrets: bool,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyRegistrationArgs {
    /// The project registration.
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// The verifying vault: its public key or record file [default: the
    /// public key of --key].
    #[arg(long, value_name = "FILE", required_unless_present = "key")]
    pub(crate) vault: Option<PathBuf>,
    /// The vault directory: the records of the registration's recipients
    /// (their proofs of possession are verified in the registration's batch).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    pub(crate) records: Vec<PathBuf>,
    /// The deploy keys known to be installed: lines `<repository ref> <key>`,
    /// the key an OpenSSH public line or a `SHA256:` fingerprint ('#'
    /// comments and blank lines ignored).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "assume_installed",
        conflicts_with = "assume_installed"
    )]
    pub(crate) ownership: Option<PathBuf>,
    /// Do not check that the deploy keys are installed (prints a warning):
    /// the registrant's control of the repositories is then unproven.
    #[arg(long)]
    pub(crate) assume_installed: bool,
    /// The vault's secret key: open the verified registration and write each
    /// repository's deploy key and webhook secret into --out.
    #[arg(short, long, value_name = "FILE", requires = "out")]
    pub(crate) key: Option<PathBuf>,
    /// The directory for the opened keys (created if missing): per repository
    /// `<role>.deploy-key` (DEPLOY KEY, mode 0600), `<role>.deploy-key.pub`
    /// and `<role>.webhook-secret` (64 hex digits, mode 0600).
    #[arg(short, long, value_name = "DIR", requires = "key")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}
