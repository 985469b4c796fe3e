//! `open`: verify, then decrypt, as a vault.
//!
//! A threshold dealing (THRESHOLD SEALED DEPLOY KEY) opens to the vault's
//! share of the deploy key, a KEY SHARE file, never to the key: `combine`
//! recovers the key from enough shares. A share is only as safe as the
//! independence of the other holders, so opening a dealing needs `--to`: its
//! recipients are checked against those vaults (SPEC §13: the vault's
//! expected recipient list).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vaultseal::{Context, Params, Purpose, ThresholdFailure, VaultPublicKey, hybrid};
use zeroize::Zeroizing;

use super::{Rng, wrong_secret_length};
use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{self, OutputArgs, encode_output, write_requested_secret};
use crate::inputs::{
    ContextArgs, Decoded, ExpectedRecipients, NOT_SEALED_TO_EXPECTED, PurposeArg, decode_loaded,
    not_verified, read_recipients, read_vault_keypair,
};

#[derive(Debug, Args)]
pub(crate) struct OpenArgs {
    /// The vault's secret key file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// The sealed deploy key, threshold dealing, sealed secret or hybrid
    /// envelope.
    #[arg(short, long = "in", value_name = "FILE")]
    pub(crate) input: PathBuf,
    /// Require the item to be sealed (a dealing: dealt) to exactly these
    /// vaults, public key or record files; repeat for each vault. Required
    /// for a dealing (a share is only as safe as the other holders: name
    /// them); otherwise, without it, the item's own recipient list is taken
    /// as it is.
    #[arg(long = "to", visible_alias = "recipients", value_name = "FILE")]
    pub(crate) to: Vec<PathBuf>,
    /// Purpose of a sealed secret or an envelope (a sealed deploy key or a
    /// dealing always opens as a deploy key).
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    /// Associated data of a hybrid envelope.
    #[arg(long, default_value = "")]
    pub(crate) ad: String,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
    /// Where to write what was opened (mode 0600): a DEPLOY KEY file, a KEY
    /// SHARE file for a dealing, or the secret's bytes; '-' for standard
    /// output. Required: a secret is written only where asked.
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
const OPEN_KINDS: [Kind; 4] = [
    Kind::SealedDeployKey,
    Kind::ThresholdSealedDeployKey,
    Kind::SealedSecret,
    Kind::HybridEnvelope,
];

/// `open --key vault.key --in FILE --out OUT`: a sealed deploy key opens to a
/// DEPLOY KEY file, a dealing to a KEY SHARE file; a sealed secret or an
/// envelope to its raw bytes (or hex with `--hex`). Sealed items are
/// verified under the context first (the library's `open_*` do it), so
/// nothing unverified is ever decrypted.
pub(super) fn run(params: &Params, args: &OpenArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    let keypair = read_vault_keypair(params, &args.key)?;
    // `--to` files are options: any problem reading them is a usage error.
    let expected = ExpectedRecipients::new(&read_recipients(&args.to)?);
    let not_to =
        || CliError::Invalid(format!("{}: {NOT_SEALED_TO_EXPECTED}", args.input.display()));
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
    // A sealed item (or dealing) listing the sealing keys `listed`: this
    // vault among them, and exactly the `--to` vaults if any.
    let check_recipients = |listed: Vec<[u8; 32]>| {
        if !listed.contains(&own_key) {
            return Err(not_recipient());
        }
        if !expected.admits(listed.into_iter()) {
            return Err(not_to());
        }
        Ok(())
    };
    let failed = |error: vaultseal::Error, context: &Context| match error {
        // A purpose that does not fit the item: the command line is wrong.
        vaultseal::Error::InvalidInput { .. } => {
            CliError::usage(format!("{}: cannot open: {error}", args.input.display()))
        }
        vaultseal::Error::Verification => {
            CliError::Invalid(format!("{}: {}", args.input.display(), not_verified(context)))
        }
        // A dealing's proofs: the library names the first share that fails.
        vaultseal::Error::Threshold { why: why @ ThresholdFailure::ShareProof { .. } } => {
            CliError::Invalid(format!(
                "{}: {} ({why})",
                args.input.display(),
                not_verified(context)
            ))
        }
        other => CliError::Invalid(format!("{}: cannot open: {other}", args.input.display())),
    };
    let output: Zeroizing<Vec<u8>> = match item {
        Decoded::SealedDeployKey(sealed) => {
            if args.hex {
                return Err(CliError::usage("--hex applies to secrets, not to deploy keys"));
            }
            check_recipients(sealed.recipients().collect())?;
            let context = args.context.build(Purpose::DeployKey)?;
            let key = keypair
                .open_deploy_key(params, &sealed, &context, rng)
                .map_err(|error| failed(error, &context))?;
            eprintln!("opened deploy key {}", key.public_key().fingerprint());
            encode_output(Kind::DeployKey, &key.to_bytes()[..], &args.output)?
        }
        Decoded::ThresholdSealedDeployKey(dealing) => {
            if args.hex {
                return Err(CliError::usage("--hex applies to secrets, not to key shares"));
            }
            check_recipients(dealing.recipients().collect())?;
            let context = args.context.build(Purpose::DeployKey)?;
            // A share is only as safe as the independence of the other
            // holders: the vault says which vaults the dealing must be to.
            if expected.is_empty() {
                return Err(CliError::usage(
                    "opening a key share needs --to: the vaults the dealing must be dealt to",
                ));
            }
            let share = keypair
                .open_deploy_key_share(params, &dealing, &context, expected.vaults(), rng)
                .map_err(|error| failed(error, &context))?;
            eprintln!(
                "opened key share {} (threshold {} of {}) of deploy key {}",
                share.index(),
                share.threshold(),
                share.share_count(),
                share.deploy_public_key().fingerprint()
            );
            encode_output(Kind::KeyShare, &share.to_bytes(), &args.output)?
        }
        Decoded::SealedSecret(sealed) => {
            check_recipients(sealed.recipients().collect())?;
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
            if !expected.admits(envelope.recipients().iter().map(VaultPublicKey::sealing_key_bytes))
            {
                return Err(not_to());
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
