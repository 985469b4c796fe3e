//! `inspect`: what a file holds, without verifying anything or printing a
//! secret.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vaultseal::{Params, ProjectRegistration, VaultKeypair};

use super::hex;
use crate::armor::Kind;
use crate::error::CliError;
use crate::expiry;
use crate::files;
use crate::inputs::{Decoded, read_decoded};

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// Files of any kind, armored (binary is accepted when it decodes as
    /// exactly one kind).
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
}

/// `inspect FILE...`: one block of `key: value` lines per file.
pub(super) fn run(params: &Params, args: &InspectArgs) -> Result<ExitCode, CliError> {
    let mut out = String::new();
    for path in &args.files {
        let decoded = read_decoded(path, &Kind::ALL)?;
        let _ = writeln!(out, "{}: {}", path.display(), decoded.kind());
        describe(params, &decoded, &mut out);
    }
    files::write_stdout(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
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
        }
        Decoded::VaultPublicKey(key) => {
            let _ = writeln!(out, "  Y: {}", hex(&key.sealing_key_bytes()));
            let _ = writeln!(out, "  W: {}", hex(&key.kem_key_bytes()));
        }
        Decoded::VaultRecord(record) => {
            let fields = record.fields();
            let _ = writeln!(out, "  Y: {}", hex(&record.public_key().sealing_key_bytes()));
            let _ = writeln!(out, "  W: {}", hex(&record.public_key().kem_key_bytes()));
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
