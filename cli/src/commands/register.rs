//! `register`: build and sign a project registration (the project owner's
//! side of `docs/PROTOCOL.md` §10).
//!
//! The recipients are checked first, as for `seal` (every record's proof of
//! possession in one batch, and its expiry). The library then generates a
//! deploy key and a webhook secret per repository, seals each to the vaults
//! under the context it derives, and signs with the owner key. With
//! `--threshold T` the registration is version 2: each deploy key is made
//! inside a dealing of shares to every vault, `T` of which are needed to use
//! it, and never exists whole (the webhook secrets are still sealed whole to
//! every vault). The deploy keys' secrets never leave the library (only the
//! vaults can open them); the owner gets what to install on the git host:
//!
//! - `<setup dir>/<role>.deploy-key.pub`: the deploy key's OpenSSH public
//!   line (install it as a deploy key of the repository);
//! - `<setup dir>/<role>.webhook-secret`: the webhook secret, 64 lowercase hex
//!   digits and a line break, mode 0600 (configure it as the repository
//!   webhook's secret);
//!
//! and, on standard output (standard error when the registration goes to
//! standard output), a summary: project id, registration id, the threshold
//! (`threshold: T of N`, version 2 only), and per repository its ref, public
//! line and fingerprint — the webhook secrets
//! only with `--show-secrets`. Existing set-up files are replaced only with
//! `--force`; they are written before the registration, so a registration
//! file always has its set-up beside it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use vaultseal::registration::RepositorySetup;
use vaultseal::{Error, InvalidInput, Params, ProjectRegistration};
use zeroize::Zeroizing;

use super::{Rng, create_private_dir, hex, role_file, webhook_secret_line, write_deploy_key_line};
use crate::armor::Kind;
use crate::error::CliError;
use crate::expiry::unix_now;
use crate::files::{self, OutputArgs, write_object, write_secret};
use crate::inputs::{RecipientArgs, check_recipients, read_owner_key, read_recipients};

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
    /// Deal each deploy key in shares to the vaults, T of them needed to use
    /// it (2..=number of vaults): a version 2 registration, in which no
    /// single vault holds a deploy key whole [default: seal each key whole
    /// to every vault].
    #[arg(long, value_name = "T")]
    pub(crate) threshold: Option<usize>,
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

/// Room for the whole summary (at most ~3 KiB).
const SUMMARY_CAPACITY: usize = 8 << 10;

/// `register`: see the [module documentation](self).
pub(super) fn run(
    params: &Params,
    args: &RegisterArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let to_stdout = files::is_stdio(&args.out);
    let setup_dir = match (&args.setup_dir, to_stdout) {
        (Some(dir), _) => dir.clone(),
        (None, false) => setup_path(&args.out),
        (None, true) => {
            return Err(CliError::usage(
                "a registration written to standard output needs --setup-dir",
            ));
        }
    };
    let owner = read_owner_key(&args.owner_key)?;
    let recipients = check_recipients(params, &read_recipients(&args.recipients.to)?, rng)?;
    let timestamp = args.timestamp.unwrap_or_else(unix_now);
    let mut builder = ProjectRegistration::builder(&owner, &args.name)
        .recipients(&recipients)
        .repositories(&args.config_repo, &args.code_repo)
        .timestamp(timestamp);
    if let Some(t) = args.threshold {
        builder = builder.threshold(t);
    }
    let new = builder.build(params, rng).map_err(|error| match (error, args.threshold) {
        (Error::InvalidInput { what: InvalidInput::Threshold }, Some(t)) => CliError::usage(
            format!("cannot register: --threshold {t} with {} vaults: {error}", recipients.len()),
        ),
        _ => CliError::usage(format!("cannot register: {error}")),
    })?;
    drop(owner);
    let registration = new.registration();

    create_private_dir(&setup_dir)?;
    // Holds the webhook secrets with `--show-secrets`: allocated once, at a
    // size no summary reaches (names ≤ 64 bytes, refs ≤ 256, ≤ 8
    // recipients), so that growing never leaves an unwiped copy.
    let mut summary = Zeroizing::new(String::with_capacity(SUMMARY_CAPACITY));
    let _ = writeln!(summary, "project: {}", registration.project_name());
    let _ = writeln!(summary, "project id: {}", registration.project_id());
    let _ = writeln!(summary, "owner: {}", hex(registration.owner().as_bytes()));
    let _ = writeln!(summary, "registration id: {}", hex(&registration.registration_id()));
    let _ = writeln!(summary, "timestamp: {}", registration.timestamp());
    if let Some(t) = registration.threshold() {
        let _ = writeln!(summary, "threshold: {t} of {}", registration.recipients().len());
    }
    for key in registration.recipients() {
        let _ = writeln!(summary, "recipient Y: {}", hex(&key.sealing_key_bytes()));
    }
    for setup in new.repositories() {
        write_setup(&setup_dir, registration.project_name(), setup, args, &mut summary)?;
    }

    write_object(
        Some(&args.out),
        Kind::ProjectRegistration,
        &registration.to_bytes(),
        &args.output,
    )?;
    if to_stdout {
        eprint!("{}", summary.as_str());
    } else {
        let _ = writeln!(summary, "registration: {}", args.out.display());
        files::write_stdout(summary.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `<out>.setup`.
fn setup_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".setup");
    name.into()
}

/// Write one repository's set-up files; describe them in `summary`.
fn write_setup(
    dir: &Path,
    project_name: &str,
    setup: &RepositorySetup,
    args: &RegisterArgs,
    summary: &mut String,
) -> Result<(), CliError> {
    let role = setup.role();
    let public = setup.deploy_public_key();
    let public_file = role_file(dir, role, "deploy-key.pub");
    let secret_file = role_file(dir, role, "webhook-secret");
    let secret_line = webhook_secret_line(setup.webhook_secret());
    write_secret(&secret_file, secret_line.as_bytes(), args.output.force)?;
    let line = write_deploy_key_line(dir, project_name, role, &public)?;

    let _ = writeln!(summary, "{role} repository: {}", setup.repository());
    let _ = writeln!(summary, "  deploy key: {line}");
    let _ = writeln!(summary, "  fingerprint: {}", public.fingerprint());
    let _ = writeln!(summary, "  deploy key file: {}", public_file.display());
    let _ = writeln!(summary, "  webhook secret file: {} (mode 0600)", secret_file.display());
    if args.show_secrets {
        let _ = write!(summary, "  webhook secret: {}", secret_line.as_str());
    }
    Ok(())
}
