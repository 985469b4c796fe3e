//! `inspect`: what files hold, file by file, without verifying anything or
//! printing a secret.
//!
//! It reads every kind of file the tool writes: armored or binary objects,
//! and the `.pub` files that are not armor — a deploy key's OpenSSH line
//! (`deploy-key generate`, `register`'s set-up) and an owner's public key in
//! hex (`owner keygen`). For each file, in order, standard output gets
//!
//! - `<file>: <KIND>` and its facts, indented (public keys, recipients,
//!   fingerprints, fields);
//! - `INVALID <file>: <reason>`: it does not decode (exit status 1);
//! - `ERROR <file>: <reason>`: it cannot be read, is empty, or is not armor
//!   this tool knows (exit status 2);
//!
//! and standard error a count, as `verify` does. A bad file never stops the
//! others. 64 hex digits are an owner public key in a `*.pub` file and are
//! not shown otherwise: `register` writes webhook secrets in the same form.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use vaultseal::{DeployPublicKey, Params, ProjectRegistration, VaultKeypair, VerifyingKey};

use super::hex;
use crate::armor::{self, Kind};
use crate::error::{CliError, files_exit_status};
use crate::expiry;
use crate::files;
use crate::inputs::{Decoded, decode_loaded, hex32};

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// Files of any kind the tool writes: armored, binary (when it decodes
    /// as exactly one kind), an OpenSSH `.pub` line, an owner's hex `.pub`.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
}

/// What became of one file.
enum Report {
    /// Its kind and facts: `<KIND>\n` and indented `key: value` lines.
    Shown(String),
    /// It does not decode.
    Invalid(String),
    /// It cannot be read, or is not anything this tool writes.
    Error(String),
}

/// `inspect FILE...`: one block per file, in order; see the
/// [module documentation](self).
pub(super) fn run(params: &Params, args: &InspectArgs) -> Result<ExitCode, CliError> {
    let mut out = String::new();
    let (mut shown, mut invalid, mut errors) = (0usize, 0usize, 0usize);
    for path in &args.files {
        let name = path.display();
        match inspect(params, path) {
            Report::Shown(facts) => {
                shown += 1;
                let _ = write!(out, "{name}: {facts}");
            }
            Report::Invalid(reason) => {
                invalid += 1;
                let _ = writeln!(out, "INVALID {name}: {reason}");
            }
            Report::Error(reason) => {
                errors += 1;
                let _ = writeln!(out, "ERROR {name}: {reason}");
            }
        }
    }
    files::write_stdout(out.as_bytes())?;
    eprintln!("{shown} shown, {invalid} invalid, {errors} unreadable");
    Ok(files_exit_status(errors, invalid))
}

/// Read one file and say what it holds.
fn inspect(params: &Params, path: &Path) -> Report {
    let data = match files::read_bytes(path) {
        Ok(data) => data,
        Err(error) => return Report::Error(error.reason()),
    };
    if !armor::is_armored(&data) {
        if let Some(report) = public_line(path, &data) {
            return report;
        }
    }
    let loaded = match files::classify(path, data, &Kind::ALL) {
        Ok(loaded) => loaded,
        Err(error) => return Report::Error(error.reason()),
    };
    match decode_loaded(&loaded, &Kind::ALL) {
        Ok(decoded) => {
            let mut out = format!("{}\n", decoded.kind());
            describe(params, &decoded, &mut out);
            Report::Shown(out)
        }
        Err(reason) => Report::Invalid(reason),
    }
}

/// A one-line text file that is not armor: an OpenSSH public line, or 64
/// hex digits. `None` for anything else.
fn public_line(path: &Path, data: &[u8]) -> Option<Report> {
    let line = core::str::from_utf8(data).ok()?.trim();
    if line.starts_with("ssh-") {
        return Some(openssh_line(line));
    }
    if line.len() != 64 || !line.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if path.extension().is_none_or(|extension| extension != "pub") {
        return Some(Report::Shown(
            "64 HEX DIGITS\n  what: a webhook secret, or an owner public key (owner keygen \
             writes those to *.pub files)\n  value: not shown (it may be a secret)\n"
                .into(),
        ));
    }
    let bytes = hex32(line)?;
    Some(match VerifyingKey::from_bytes(&bytes) {
        Ok(key) => {
            Report::Shown(format!("OWNER PUBLIC KEY\n  public key: {}\n", hex(key.as_bytes())))
        }
        Err(_) => Report::Invalid(
            "64 hex digits, but not an Ed25519 public key (an owner public key is one)".into(),
        ),
    })
}

/// An OpenSSH public line: a deploy key's (or an owner key given to
/// `--owner` that way).
fn openssh_line(line: &str) -> Report {
    let key = match DeployPublicKey::from_openssh(line) {
        Ok(key) => key,
        Err(error) => return Report::Invalid(error.to_string()),
    };
    // The comment: whatever follows the key type and the key.
    let mut comment = line;
    for _ in 0..2 {
        comment = comment.split_once([' ', '\t']).map_or("", |(_, rest)| rest.trim_start());
    }
    let mut out = String::from("OPENSSH PUBLIC KEY\n");
    let _ = writeln!(out, "  public key: {}", key.to_openssh("").unwrap_or_default());
    if !comment.is_empty() {
        let _ = writeln!(out, "  comment: {}", comment.escape_debug());
    }
    let _ = writeln!(out, "  fingerprint: {}", key.fingerprint());
    Report::Shown(out)
}

fn recipients(out: &mut String, keys: impl Iterator<Item = [u8; 32]>) {
    for key in keys {
        let _ = writeln!(out, "  recipient Y: {}", hex(&key));
    }
}

/// Public facts about a decoded object (for secret keys, their public keys).
fn describe(params: &Params, decoded: &Decoded, out: &mut String) {
    match decoded {
        Decoded::VaultSecretKey(secret) => {
            let keypair = VaultKeypair::from_secret(params, secret.clone());
            let _ = writeln!(out, "  public Y: {}", hex(&keypair.public().sealing_key_bytes()));
            let _ = writeln!(out, "  public W: {}", hex(&keypair.public().kem_key_bytes()));
            let _ = writeln!(out, "  fingerprint: {}", keypair.public().fingerprint());
        }
        Decoded::VaultPublicKey(key) => {
            let _ = writeln!(out, "  Y: {}", hex(&key.sealing_key_bytes()));
            let _ = writeln!(out, "  W: {}", hex(&key.kem_key_bytes()));
            let _ = writeln!(out, "  fingerprint: {}", key.fingerprint());
        }
        Decoded::VaultRecord(record) => {
            let fields = record.fields();
            let _ = writeln!(out, "  Y: {}", hex(&record.public_key().sealing_key_bytes()));
            let _ = writeln!(out, "  W: {}", hex(&record.public_key().kem_key_bytes()));
            let _ = writeln!(out, "  fingerprint: {}", record.public_key().fingerprint());
            let _ = writeln!(out, "  region: {}", fields.region().escape_debug());
            let _ = writeln!(out, "  endpoint: {}", fields.endpoint().escape_debug());
            let _ = writeln!(out, "  key epoch: {}", fields.key_epoch());
            let expires = fields.expires_at();
            let passed =
                if expiry::has_expired(expires, expiry::unix_now()) { ", expired" } else { "" };
            let _ = writeln!(out, "  expires: {}{passed}", expiry::describe(expires));
            let _ = writeln!(out, "  reputation: {}", record.reputation());
            let _ = writeln!(out, "  free capacity: {}", record.free_capacity());
            let _ = writeln!(out, "  proof of possession: not checked (use verify)");
        }
        Decoded::DeployKey(key) => {
            let public = key.public_key();
            let _ = writeln!(out, "  public key: {}", public.to_openssh("").unwrap_or_default());
            let _ = writeln!(out, "  fingerprint: {}", public.fingerprint());
        }
        Decoded::SealedDeployKey(sealed) => {
            let public = sealed.deploy_public_key();
            let _ = writeln!(out, "  deploy key: {}", public.to_openssh("").unwrap_or_default());
            let _ = writeln!(out, "  fingerprint: {}", public.fingerprint());
            recipients(out, sealed.recipients());
            let _ = writeln!(out, "  proofs: not checked (use verify)");
        }
        Decoded::SealedSecret(sealed) => {
            let _ = writeln!(out, "  payload length: {}", sealed.payload_len());
            recipients(out, sealed.recipients());
            let _ = writeln!(out, "  proofs: not checked (use verify)");
        }
        Decoded::HybridEnvelope(envelope) => {
            let _ = writeln!(out, "  payload length: {}", envelope.payload_len());
            recipients(out, envelope.recipients().iter().map(|k| k.sealing_key_bytes()));
        }
        Decoded::OwnerKey(key) => {
            let _ = writeln!(out, "  public key: {}", hex(key.verifying_key().as_bytes()));
        }
        Decoded::ProjectRegistration(registration) => registration_facts(registration, out),
        Decoded::ThresholdSealedDeployKey(dealing) => {
            let public = dealing.deploy_public_key();
            let (t, n) = (dealing.threshold(), dealing.share_count());
            let _ = writeln!(out, "  threshold: {t} of {n}");
            let _ = writeln!(out, "  deploy key: {}", public.to_openssh("").unwrap_or_default());
            let _ = writeln!(out, "  fingerprint: {}", public.fingerprint());
            // In share order: the j-th line is share j's vault.
            recipients(out, dealing.recipients());
            let _ = writeln!(out, "  proofs: not checked (use verify)");
        }
        Decoded::KeyShare(share) => {
            let public = share.deploy_public_key();
            let (t, n) = (share.threshold(), share.share_count());
            let _ = writeln!(out, "  dealing id: {}", share.dealing_id());
            let _ = writeln!(out, "  threshold: {t} of {n}");
            let _ = writeln!(out, "  share index: {}", share.index());
            let _ = writeln!(out, "  deploy key: {}", public.to_openssh("").unwrap_or_default());
            let _ = writeln!(out, "  fingerprint: {}", public.fingerprint());
            let _ = writeln!(out, "  public share: {}", share.public_share().fingerprint());
        }
    }
}

/// A registration's public facts (the fields of `docs/PROTOCOL.md` §10.3;
/// nothing is checked).
fn registration_facts(registration: &ProjectRegistration, out: &mut String) {
    let _ = writeln!(out, "  project: {}", registration.project_name().escape_debug());
    let _ = writeln!(out, "  project id: {}", registration.project_id());
    let _ = writeln!(out, "  owner: {}", hex(registration.owner().as_bytes()));
    let _ = writeln!(out, "  registration id: {}", hex(&registration.registration_id()));
    let _ = writeln!(out, "  timestamp: {}", registration.timestamp());
    if let Some(t) = registration.threshold() {
        let _ = writeln!(out, "  threshold: {t} of {}", registration.recipients().len());
    }
    let _ = writeln!(out, "  nonce: {}", hex(registration.nonce()));
    recipients(out, registration.recipients().iter().map(|k| k.sealing_key_bytes()));
    for repository in registration.repositories() {
        let public = repository.deploy_public_key();
        let _ = writeln!(
            out,
            "  {} repository: {}",
            repository.role(),
            repository.repository().escape_debug()
        );
        let _ = writeln!(out, "    deploy key: {}", public.to_openssh("").unwrap_or_default());
        let _ = writeln!(out, "    fingerprint: {}", public.fingerprint());
    }
    let _ = writeln!(out, "  signature and proofs: not checked (use verify-registration)");
}
