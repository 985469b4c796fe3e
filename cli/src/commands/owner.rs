//! `owner keygen`.

use std::process::ExitCode;

use clap::Subcommand;
use rand_core::Rng as _;
use vaultseal::SigningKey;
use zeroize::Zeroizing;

use super::vault::KeygenArgs;
use super::{Rng, hex};
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{public_out, write_object, write_public};

#[derive(Debug, Subcommand)]
pub(crate) enum OwnerCommand {
    /// Generate a project owner's Ed25519 signing key (OWNER KEY, mode
    /// 0600); print its public key (64 hex digits, also written to the
    /// public key file) for `--owner`.
    Keygen(KeygenArgs),
}

/// `owner keygen`.
pub(super) fn run(command: &OwnerCommand, rng: &mut Rng) -> Result<ExitCode, CliError> {
    match command {
        OwnerCommand::Keygen(args) => keygen(args, rng),
    }
}

/// `owner keygen`: a fresh project owner's Ed25519 signing key (its 32-byte
/// seed, OWNER KEY, mode 0600); its public key as 64 hex digits and a line
/// break in the public key file (which `--owner` takes) and on standard
/// output.
fn keygen(args: &KeygenArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let public_out = public_out(&args.out, args.public.as_deref())?;
    let mut seed = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(&mut seed[..]);
    let public = SigningKey::from_bytes(&seed).verifying_key();
    write_object(Some(&args.out), Kind::OwnerKey, &seed[..], &args.output)?;
    let line = format!("{}\n", hex(public.as_bytes()));
    write_public(Some(&public_out), line.as_bytes())?;
    write_public(None, line.as_bytes())?;
    eprintln!(
        "owner key: {} (mode 0600)\nowner public key: {}",
        args.out.display(),
        public_out.display()
    );
    Ok(ExitCode::SUCCESS)
}
