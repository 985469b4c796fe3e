//! `open`: verify, then decrypt, as a vault.

use std::process::ExitCode;

use vaultseal::{Params, Purpose, hybrid};
use zeroize::Zeroizing;

use super::{Rng, wrong_secret_length};
use crate::args::OpenArgs;
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{encode_output, write_requested_secret};
use crate::inputs::{Decoded, read_decoded, read_vault_keypair};

/// The kinds `open` takes.
const OPEN_KINDS: [Kind; 3] = [Kind::SealedDeployKey, Kind::SealedSecret, Kind::HybridEnvelope];

/// `open --key vault.key --in FILE --out OUT`: a sealed deploy key opens to a
/// DEPLOY KEY file; a sealed secret or an envelope to its raw bytes (or hex
/// with `--hex`). Sealed items are verified under the context first (the
/// library's `open_*` do it), so nothing unverified is ever decrypted.
pub(super) fn run(params: &Params, args: &OpenArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let keypair = read_vault_keypair(params, &args.key)?;
    let item = read_decoded(&args.input, &OPEN_KINDS)?;
    let own_key = keypair.public().sealing_key_bytes();
    let not_recipient = || {
        CliError::Invalid(format!(
            "{}: {} is not one of its recipients",
            args.input.display(),
            args.key.display()
        ))
    };
    let failed = |error: vaultseal::Error| match error {
        // A purpose that does not fit the item: the command line is wrong.
        vaultseal::Error::InvalidInput { .. } => {
            CliError::usage(format!("{}: cannot open: {error}", args.input.display()))
        }
        vaultseal::Error::Verification => CliError::Invalid(format!(
            "{}: the proofs do not verify under this context and recipient list",
            args.input.display()
        )),
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
            let key = keypair.open_deploy_key(params, &sealed, &context, rng).map_err(failed)?;
            eprintln!("opened deploy key {}", key.public_key().fingerprint());
            encode_output(Kind::DeployKey, &key.to_bytes()[..], &args.output)
        }
        Decoded::SealedSecret(sealed) => {
            if !sealed.recipients().any(|y| y == own_key) {
                return Err(not_recipient());
            }
            if let Some(reason) = wrong_secret_length(&sealed, args.purpose.purpose()) {
                return Err(CliError::Invalid(format!("{}: {reason}", args.input.display())));
            }
            let context = args.context.build(args.purpose.purpose())?;
            let secret = keypair.open_secret(params, &sealed, &context, rng).map_err(failed)?;
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
