//! `open`: verify, then decrypt, as a vault.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vaultseal::{Context, Params, Purpose, hybrid};
use zeroize::Zeroizing;

use super::{Rng, wrong_secret_length};
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{self, OutputArgs, encode_output, write_requested_secret};
use crate::inputs::{
    ContextArgs, Decoded, PurposeArg, decode_loaded, not_verified, read_vault_keypair,
};

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

/// The kinds `open` takes.
const OPEN_KINDS: [Kind; 3] = [Kind::SealedDeployKey, Kind::SealedSecret, Kind::HybridEnvelope];

/// `open --key vault.key --in FILE --out OUT`: a sealed deploy key opens to a
/// DEPLOY KEY file; a sealed secret or an envelope to its raw bytes (or hex
/// with `--hex`). Sealed items are verified under the context first (the
/// library's `open_*` do it), so nothing unverified is ever decrypted.
pub(super) fn run(params: &Params, args: &OpenArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let keypair = read_vault_keypair(params, &args.key)?;
    // A file that cannot be read, is not armor or holds another kind is a
    // usage error (exit 2); an item that does not decode is invalid (exit 1),
    // as `verify` reports it.
    let loaded = files::load(&args.input, &OPEN_KINDS)?;
    let item = decode_loaded(&loaded, &OPEN_KINDS)
        .map_err(|reason| CliError::Invalid(format!("{}: {reason}", args.input.display())))?;
    let own_key = keypair.public().sealing_key_bytes();
    let not_recipient = || {
        CliError::Invalid(format!(
            "{}: {} is not one of its recipients",
            args.input.display(),
            args.key.display()
        ))
    };
    let failed = |error: vaultseal::Error, context: &Context| match error {
        // A purpose that does not fit the item: the command line is wrong.
        vaultseal::Error::InvalidInput { .. } => {
            CliError::usage(format!("{}: cannot open: {error}", args.input.display()))
        }
        vaultseal::Error::Verification => {
            CliError::Invalid(format!("{}: {}", args.input.display(), not_verified(context)))
        }
        other => CliError::Invalid(format!("{}: cannot open: {other}", args.input.display())),
    };
    let output: Zeroizing<Vec<u8>> = match item {
        Decoded::SealedDeployKey(sealed) => {
            if args.hex {
                return Err(CliError::usage("--hex applies to secrets, not to deploy keys"));
            }
            if !sealed.recipients().any(|y| y == own_key) {
                return Err(not_recipient());
            }
            let context = args.context.build(Purpose::DeployKey)?;
            let key = keypair
                .open_deploy_key(params, &sealed, &context, rng)
                .map_err(|error| failed(error, &context))?;
            eprintln!("opened deploy key {}", key.public_key().fingerprint());
            encode_output(Kind::DeployKey, &key.to_bytes()[..], &args.output)?
        }
        Decoded::SealedSecret(sealed) => {
            if !sealed.recipients().any(|y| y == own_key) {
                return Err(not_recipient());
            }
            if let Some(reason) = wrong_secret_length(&sealed, args.purpose.purpose()) {
                return Err(CliError::Invalid(format!("{}: {reason}", args.input.display())));
            }
            let context = args.context.build(args.purpose.purpose())?;
            let secret = keypair
                .open_secret(params, &sealed, &context, rng)
                .map_err(|error| failed(error, &context))?;
            payload(secret.as_bytes(), args.hex)
        }
        Decoded::HybridEnvelope(envelope) => {
            if !envelope.recipients().contains(keypair.public()) {
                return Err(not_recipient());
            }
            let context = args.context.build(args.purpose.purpose())?;
            let plaintext = hybrid::open(&keypair, &envelope, &context, args.ad.as_bytes())
                .map_err(|_| {
                    CliError::Invalid(format!(
                        "{}: does not open (another context or --ad, or tampered)",
                        args.input.display()
                    ))
                })?;
            payload(&plaintext, args.hex)
        }
        other => {
            return Err(CliError::WrongKind {
                path: args.input.clone(),
                found: other.kind(),
                expected: OPEN_KINDS.to_vec(),
            });
        }
    };
    write_requested_secret(&args.out, &output, args.output.force)?;
    Ok(ExitCode::SUCCESS)
}

/// The bytes to write for an opened payload: raw, or lowercase hex and a
/// line break.
fn payload(bytes: &[u8], hex: bool) -> Zeroizing<Vec<u8>> {
    if !hex {
        return Zeroizing::new(bytes.to_vec());
    }
    let mut out = Zeroizing::new(vec![0u8; 2 * bytes.len() + 1]);
    // The buffer is exactly two characters a byte plus the line break.
    let encoded = base16ct::lower::encode(bytes, &mut out[..2 * bytes.len()]).map(<[u8]>::len);
    debug_assert_eq!(encoded, Ok(2 * bytes.len()));
    if let Some(last) = out.last_mut() {
        *last = b'\n';
    }
    out
}
