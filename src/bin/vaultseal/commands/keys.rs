//! `vault keygen`, `vault record`, `deploy-key generate`, `owner keygen`.

use std::process::ExitCode;

use rand_core::Rng as _;
use vaultseal::{DeployKey, Params, SigningKey, VaultFields, VaultKeypair, VaultRecord};
use zeroize::Zeroizing;

use super::{Rng, hex};
use crate::args::{DeployKeyGenerateArgs, KeygenArgs, RecordArgs};
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{self, public_path, write_object, write_public};
use crate::inputs::read_vault_keypair;

/// `vault keygen`: a fresh vault keypair; the secret key file (0600) and the
/// public key file. Prints the public key's two halves on standard error.
pub(super) fn vault_keygen(
    params: &Params,
    args: &KeygenArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let public_out = args.public.clone().unwrap_or_else(|| public_path(&args.out));
    if files::is_stdio(&public_out) || public_out == args.out {
        return Err(CliError::usage("--pub must name a file other than --out"));
    }
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

/// `vault record`: the vault's record with a fresh proof of possession over
/// its stable fields. Reputation and capacity are left at zero: the network
/// sets them, a vault cannot assert them.
pub(super) fn vault_record(
    params: &Params,
    args: &RecordArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let keypair = read_vault_keypair(params, &args.key)?;
    let fields = VaultFields::new(&args.region, &args.endpoint, args.epoch, args.expires)
        .map_err(|_| CliError::usage("--region must be 1..=64 bytes and --endpoint 1..=256"))?;
    let record = VaultRecord::new(&keypair, fields, rng);
    write_object(args.out.as_deref(), Kind::VaultRecord, &record.to_bytes(), &args.output)?;
    Ok(ExitCode::SUCCESS)
}

/// `deploy-key generate`: a fresh deploy key (0600); its OpenSSH public line
/// on standard output and in the `.pub` file, its fingerprint on standard
/// error.
pub(super) fn deploy_key_generate(
    args: &DeployKeyGenerateArgs,
    rng: &mut Rng,
) -> Result<ExitCode, CliError> {
    let public_out = args.public.clone().unwrap_or_else(|| public_path(&args.out));
    if files::is_stdio(&public_out) || public_out == args.out {
        return Err(CliError::usage("--pub must name a file other than --out"));
    }
    let key = DeployKey::generate(rng);
    let line = key
        .public_key()
        .to_openssh(&args.comment)
        .map_err(|_| CliError::usage("--comment must not contain control characters"))?;
    write_object(Some(&args.out), Kind::DeployKey, &key.to_bytes()[..], &args.output)?;
    write_public(Some(&public_out), format!("{line}\n").as_bytes())?;
    write_public(None, format!("{line}\n").as_bytes())?;
    eprintln!(
        "deploy key: {} (mode 0600)\npublic key: {}\nfingerprint: {}",
        args.out.display(),
        public_out.display(),
        key.public_key().fingerprint()
    );
    Ok(ExitCode::SUCCESS)
}

/// `owner keygen`: a fresh project owner's Ed25519 signing key (its 32-byte
/// seed, OWNER KEY, mode 0600); its public key as 64 hex digits and a line
/// break in the public key file (which `--owner` takes) and on standard
/// output.
pub(super) fn owner_keygen(args: &KeygenArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let public_out = args.public.clone().unwrap_or_else(|| public_path(&args.out));
    if files::is_stdio(&public_out) || public_out == args.out {
        return Err(CliError::usage("--pub must name a file other than --out"));
    }
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
