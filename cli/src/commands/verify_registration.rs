//! `verify-registration`: a vault's check of a project registration
//! (`docs/PROTOCOL.md` §10.5), and optionally its opening.
//!
//! The library's [`ProjectRegistration::verify`] runs every check — owner
//! signature, the vault among the recipients, structure, every recipient's
//! record in the directory (`--records`), all proofs (records and the four
//! sealed items) in one batch — and last the ownership check: each
//! repository's deploy key must be listed as installed in the `--ownership`
//! file (see [`ownership`](super::ownership) for its format), or
//! `--assume-installed` skips it with a warning. `--ownership ssh` asks the
//! git host itself instead, after opening: each repository's key must let
//! `git ls-remote` of its `--git-url` succeed against the pinned
//! `--known-hosts`: the library's [`GitSshProbe`](vaultseal::agent::GitSshProbe),
//! whose documentation says how it asks the host and why opening comes first
//! there and why that is safe.
//!
//! Output: `OK <file>` and a summary (exit status 0), or `INVALID <file>:
//! <Check>: <reason>` naming the failed check (the `RegistrationFailure`
//! variant, or the decoding error; exit status 1). With `--key` and `--out`,
//! a verified registration is opened and each repository's keys are written
//! into the directory: `<role>.deploy-key` (DEPLOY KEY, mode 0600),
//! `<role>.deploy-key.pub` (the same line `register` wrote) and
//! `<role>.webhook-secret` (64 hex digits and a line break, mode 0600).
//!
//! # Threshold registrations
//! A version 2 registration (`register --threshold T`) deals each deploy key
//! in shares: the summary says `threshold: T of N`, and opening writes the
//! vault's share, `<role>.key-share` (KEY SHARE, mode 0600), instead of
//! `<role>.deploy-key` — no vault can open the key whole; `combine` recovers
//! it from `T` shares. `--ownership ssh` authenticates to the git host with
//! the whole keys, so it is refused for such a registration (a usage error,
//! before anything is verified or opened): list the installed keys in an
//! `--ownership` file instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use vaultseal::registration::{OpenedRepository, OpenedShare};
use vaultseal::{
    DeployPublicKey, Params, ProjectRegistration, VaultKeypair, VaultPublicKey, VaultRecord,
};

use super::ownership::Installed;
use super::{
    Rng, create_private_dir, hex, registration_reason, role_file, webhook_secret_line,
    write_deploy_key_line,
};
use crate::armor::Kind;
use crate::error::{CliError, EXIT_INVALID};
use crate::expiry;
use crate::files::{self, OutputArgs, encode_output, write_secret};
use crate::inputs::{Decoded, decode_loaded, read_decoded, read_recipients, read_vault_keypair};
#[cfg(unix)]
use vaultseal::agent::{GitSshProbe, ProbeSetupError};

/// The command's synopsis, as `--help` and the README show it: which flags
/// go together. The vault is named by `--vault` (to verify only) or by its
/// secret key with the directory to open into (`-k` and `-o` always
/// together; `--vault` may be given too, for the same vault); the installed
/// keys by `--ownership`, or their check skipped with `--assume-installed`.
pub(crate) const SYNOPSIS: &str = "vaultseal verify-registration -i reg.pem --records RECORD... \
     (--vault VAULT | -k vault.key -o DIR) (--ownership FILE | --assume-installed) \
     [--binary] [--force]";

#[derive(Debug, Args)]
pub(crate) struct VerifyRegistrationArgs {
    /// The project registration.
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// The verifying vault: its public key or record file (to verify only;
    /// or name it by its secret key, -k with -o) [default: the public key of
    /// --key].
    #[arg(long, value_name = "VAULT")]
    pub(crate) vault: Option<PathBuf>,
    /// The vault directory: the records of the registration's recipients
    /// (their proofs of possession are verified in the registration's batch).
    #[arg(long, value_name = "RECORD", num_args = 1.., required = true)]
    pub(crate) records: Vec<PathBuf>,
    /// The deploy keys known to be installed: lines `<repository ref> <key>`,
    /// the key an OpenSSH public line or a `SHA256:` fingerprint ('#'
    /// comments and blank lines ignored). Or `ssh`: ask the git host (with
    /// --git-url, --known-hosts, -k and -o): after opening, each
    /// repository's key alone must let `git ls-remote` of its URL succeed
    /// (a file named `ssh` is `./ssh`). `ssh` needs whole keys: it is refused
    /// for a threshold registration, whose vaults hold only shares.
    #[arg(long, value_name = "FILE|ssh", conflicts_with = "assume_installed")]
    pub(crate) ownership: Option<PathBuf>,
    /// Do not check that the deploy keys are installed (prints a warning):
    /// the registrant's control of the repositories is then unproven.
    #[arg(long)]
    pub(crate) assume_installed: bool,
    /// With `--ownership ssh`: the repositories' SSH URL, `{repository}`
    /// standing for the registration's repository ref, e.g.
    /// 'ssh://git@HOST:PORT/{repository}.git'.
    #[arg(long, value_name = "URL")]
    pub(crate) git_url: Option<String>,
    /// With `--ownership ssh`: the git host's key, pinned (an OpenSSH
    /// `known_hosts` file; nothing else is trusted).
    #[arg(long, value_name = "FILE")]
    pub(crate) known_hosts: Option<PathBuf>,
    /// The vault's secret key, with --out: verify as this vault, then open
    /// the registration and write each repository's deploy key (or, for a
    /// threshold registration, this vault's key share) and webhook secret
    /// into --out.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) key: Option<PathBuf>,
    /// With --key: the directory for the opened keys (created if missing):
    /// per repository `<role>.deploy-key` (DEPLOY KEY, mode 0600; for a
    /// threshold registration `<role>.key-share`, KEY SHARE, mode 0600),
    /// `<role>.deploy-key.pub` and `<role>.webhook-secret` (64 hex digits,
    /// mode 0600).
    #[arg(short, long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `verify-registration`: see the [module documentation](self).
pub(super) fn run(
    params: &Params,
    args: &VerifyRegistrationArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    check_flags(args)?;
    let keypair = args.key.as_deref().map(|path| read_vault_keypair(params, path)).transpose()?;
    let vault = vault_key(args, keypair.as_ref())?;
    let directory =
        args.records.iter().map(|path| read_record(path)).collect::<Result<Vec<_>, _>>()?;
    warn_expired(&args.records, &directory);
    let ssh_probe = ssh_probe(args, keypair.is_some())?;
    let installed = match (&ssh_probe, args.ownership.as_deref()) {
        (None, Some(path)) => Some(Installed::read(path)?),
        _ => None,
    };

    let name = args.input.display();
    let loaded = files::load(&args.input, &[Kind::ProjectRegistration])?;
    let registration = match decode_loaded(&loaded, &[Kind::ProjectRegistration]) {
        Ok(Decoded::ProjectRegistration(registration)) => registration,
        Ok(other) => {
            return Err(CliError::WrongKind {
                path: args.input.clone(),
                found: other.kind(),
                expected: vec![Kind::ProjectRegistration],
            });
        }
        Err(reason) => return invalid(&format!("INVALID {name}: {reason}\n")),
    };
    if let (Some(_), Some(t)) = (&ssh_probe, registration.threshold()) {
        return Err(CliError::usage(format!(
            "{name}: --ownership ssh needs whole deploy keys, and this registration deals them \
             in shares ({t} of {}): no vault holds a key to probe the git host with; list the \
             installed keys in a file (--ownership FILE)",
            registration.recipients().len()
        )));
    }

    if let (Some(installed), Some(path)) = (&installed, &args.ownership) {
        if installed.is_empty() {
            eprintln!("warning: {} lists no installed deploy key", path.display());
        }
    } else if ssh_probe.is_none() {
        eprintln!(
            "warning: --assume-installed: the deploy keys are NOT checked against the git host; \
             the registrant's control of the repositories is unproven"
        );
    }
    let ownership = |repository: &str, key: &DeployPublicKey| {
        installed.as_ref().is_none_or(|installed| installed.contains(repository, key))
    };
    let verified = match registration.verify(params, &vault, &directory, &ownership, rng) {
        Ok(verified) => verified,
        Err(error) => {
            return invalid(&format!("INVALID {name}: {}\n", registration_reason(error)));
        }
    };

    let mut out = format!("OK {name}\n");
    describe(verified.registration(), args, &mut out);
    if let (Some(keypair), Some(dir)) = (&keypair, &args.out) {
        let does_not_open = |error| {
            CliError::Invalid(format!("{name}: does not open: {}", registration_reason(error)))
        };
        let project_name = verified.registration().project_name();
        if verified.threshold().is_some() {
            let opened = verified.open_shares(params, keypair).map_err(does_not_open)?;
            create_private_dir(dir)?;
            for share in opened.repositories() {
                write_opened_share(dir, project_name, share, args, &mut out)?;
            }
        } else {
            let opened = verified.open(params, keypair).map_err(does_not_open)?;
            // `--ownership ssh`: the git host's answer, before anything is written.
            #[cfg(unix)]
            if let Some(probe) = &ssh_probe
                && let Err(refused) = probe.check(&opened)
            {
                return invalid(&format!("INVALID {name}: OwnershipRefused: {refused}\n"));
            }
            create_private_dir(dir)?;
            for repository in opened.repositories() {
                write_opened(dir, project_name, repository, args)?;
            }
        }
        let _ = writeln!(out, "opened into: {}", dir.display());
    }
    files::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The `--ownership ssh` probe, if asked for (its flags checked: `--git-url`
/// and `--known-hosts` with it and only with it; `-k` and `-o` required).
#[cfg(unix)]
fn ssh_probe(args: &VerifyRegistrationArgs, opens: bool) -> Result<Option<GitSshProbe>, CliError> {
    let is_ssh = args.ownership.as_deref() == Some(Path::new("ssh"));
    match (is_ssh, &args.git_url, &args.known_hosts) {
        (true, Some(url), Some(known_hosts)) => {
            if !opens || args.out.is_none() {
                return Err(CliError::usage(
                    "--ownership ssh needs -k and -o: the probe authenticates with the opened keys",
                ));
            }
            match GitSshProbe::new(url, known_hosts) {
                Ok(probe) => Ok(Some(probe)),
                Err(ProbeSetupError::GitUrl(reason)) => Err(CliError::usage(reason)),
                Err(ProbeSetupError::KnownHosts(path, error)) => Err(CliError::io(&path, error)),
            }
        }
        (true, _, _) => Err(CliError::usage("--ownership ssh needs --git-url and --known-hosts")),
        (false, None, None) => Ok(None),
        (false, _, _) => {
            Err(CliError::usage("--git-url and --known-hosts go with --ownership ssh"))
        }
    }
}

/// `--ownership ssh` needs the agent (Unix).
#[cfg(not(unix))]
fn ssh_probe(args: &VerifyRegistrationArgs, _opens: bool) -> Result<Option<()>, CliError> {
    if args.ownership.as_deref() == Some(Path::new("ssh")) || args.git_url.is_some() {
        return Err(CliError::usage("--ownership ssh is available on Unix only"));
    }
    Ok(None)
}

/// Which flags go together ([`SYNOPSIS`]): a wrong combination is a usage
/// error that says which flag goes with which, and shows the synopsis.
/// (clap's `requires` would only name the missing flag.)
fn check_flags(args: &VerifyRegistrationArgs) -> Result<(), CliError> {
    let usage = |message: &str| CliError::usage(format!("{message}\nusage: {SYNOPSIS}"));
    match (&args.key, &args.out, &args.vault) {
        (Some(_), None, _) => {
            return Err(usage(
                "-k/--key goes with -o/--out: -k vault.key -o DIR verifies as that vault and \
                 opens the registration into DIR; to verify only, name the vault with \
                 --vault VAULT (its public key or record)",
            ));
        }
        (None, Some(_), _) => {
            return Err(usage(
                "-o/--out goes with -k/--key: opening the registration into DIR needs the \
                 vault's secret key (-k vault.key -o DIR)",
            ));
        }
        (None, None, None) => {
            return Err(usage(
                "which vault verifies? --vault VAULT (its public key or record) to verify, \
                 or -k vault.key -o DIR to verify and open",
            ));
        }
        _ => {}
    }
    if args.ownership.is_none() && !args.assume_installed {
        return Err(usage(
            "are the deploy keys installed? --ownership FILE lists the keys the git host shows \
             as installed; --ownership ssh (with --git-url, --known-hosts, -k and -o) asks the \
             git host itself; --assume-installed skips that check (with a warning)",
        ));
    }
    Ok(())
}

/// Print an `INVALID` line; exit status 1.
fn invalid(line: &str) -> Result<ExitCode, CliError> {
    files::write_stdout(line.as_bytes())?;
    Ok(ExitCode::from(EXIT_INVALID))
}

/// The verifying vault: `--vault`, else the public key of `--key` (both
/// given: they must be the same vault).
fn vault_key(
    args: &VerifyRegistrationArgs,
    keypair: Option<&VaultKeypair>,
) -> Result<VaultPublicKey, CliError> {
    let named = match &args.vault {
        Some(path) => read_recipients(core::slice::from_ref(path))?.pop().map(|r| r.key),
        None => None,
    };
    match (named, keypair) {
        (Some(named), Some(keypair)) if named != *keypair.public() => {
            Err(CliError::usage("--vault and --key are different vaults"))
        }
        (Some(key), _) => Ok(key),
        (None, Some(keypair)) => Ok(*keypair.public()),
        // Refused by `check_flags` already.
        (None, None) => Err(CliError::usage("the verifying vault needs --vault or --key")),
    }
}

/// A directory record from a VAULT RECORD file.
fn read_record(path: &Path) -> Result<VaultRecord, CliError> {
    match read_decoded(path, &[Kind::VaultRecord])? {
        Decoded::VaultRecord(record) => Ok(*record),
        other => Err(CliError::WrongKind {
            path: path.into(),
            found: other.kind(),
            expected: vec![Kind::VaultRecord],
        }),
    }
}

/// Say which directory records have expired ([`expiry`]). The registration
/// check (`docs/PROTOCOL.md` §10.5) does not look at expiry, so this is a
/// warning, not a verdict; `verify` reports such a record `INVALID`.
fn warn_expired(paths: &[PathBuf], records: &[VaultRecord]) {
    let now = expiry::unix_now();
    for (path, record) in paths.iter().zip(records) {
        let expires = record.fields().expires_at();
        if expiry::has_expired(expires, now) {
            eprintln!(
                "warning: the vault record {} expired at {} (the registration check does not \
                 look at expiry)",
                path.display(),
                expiry::describe(expires)
            );
        }
    }
}

/// The verified registration's public facts.
fn describe(registration: &ProjectRegistration, args: &VerifyRegistrationArgs, out: &mut String) {
    let _ = writeln!(out, "  project: {}", registration.project_name());
    let _ = writeln!(out, "  project id: {}", registration.project_id());
    let _ = writeln!(out, "  owner: {}", hex(registration.owner().as_bytes()));
    let _ = writeln!(out, "  registration id: {}", hex(&registration.registration_id()));
    let _ = writeln!(out, "  timestamp: {}", registration.timestamp());
    if let Some(t) = registration.threshold() {
        let _ = writeln!(out, "  threshold: {t} of {}", registration.recipients().len());
    }
    let ownership = match (&args.ownership, &args.git_url) {
        (Some(_), Some(url)) => format!("installed (the git host accepted it: {url})"),
        (Some(path), None) => format!("installed (per {})", path.display()),
        (None, _) => "NOT checked (--assume-installed)".into(),
    };
    for repository in registration.repositories() {
        let _ = writeln!(
            out,
            "  {} repository {}: deploy key {} {ownership}",
            repository.role(),
            repository.repository(),
            repository.deploy_public_key().fingerprint()
        );
    }
}

/// Write one repository's files of an opened threshold registration into
/// `dir` (the vault's key share instead of the deploy key); say which share
/// it is in `out`.
fn write_opened_share(
    dir: &Path,
    project_name: &str,
    opened: &OpenedShare,
    args: &VerifyRegistrationArgs,
    out: &mut String,
) -> Result<(), CliError> {
    let role = opened.role();
    let share = opened.key_share();
    let share_file = encode_output(Kind::KeyShare, &share.to_bytes(), &args.output)?;
    write_secret(&role_file(dir, role, "key-share"), &share_file, args.output.force)?;
    write_deploy_key_line(dir, project_name, role, &share.deploy_public_key())?;
    let line = webhook_secret_line(opened.webhook_secret());
    write_secret(&role_file(dir, role, "webhook-secret"), line.as_bytes(), args.output.force)?;
    let _ = writeln!(
        out,
        "  {role} key share: index {} (threshold {} of {})",
        share.index(),
        share.threshold(),
        share.share_count()
    );
    Ok(())
}

/// Write one opened repository's files into `dir`.
fn write_opened(
    dir: &Path,
    project_name: &str,
    repository: &OpenedRepository,
    args: &VerifyRegistrationArgs,
) -> Result<(), CliError> {
    let role = repository.role();
    let key = repository.deploy_key();
    let key_file = encode_output(Kind::DeployKey, &key.to_bytes()[..], &args.output)?;
    write_secret(&role_file(dir, role, "deploy-key"), &key_file, args.output.force)?;
    write_deploy_key_line(dir, project_name, role, &key.public_key())?;
    let line = webhook_secret_line(repository.webhook_secret());
    write_secret(&role_file(dir, role, "webhook-secret"), line.as_bytes(), args.output.force)
}
