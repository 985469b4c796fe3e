//! `combine`: recover a deploy key from the key shares of a threshold
//! dealing (`docs/PROTOCOL.md` §12.7).
//!
//! Each `--share` is a KEY SHARE file (what `open` writes for a dealing, or
//! `verify-registration` for a threshold registration); its decoder checks
//! the share against its public key. The library's `combine_shares` then
//! checks that the shares are of one dealing, distinct and at least its
//! threshold, interpolates the key, and checks it against the dealing's
//! deploy public key: a wrong or foreign share is an error, never a wrong
//! key. The result is written as a DEPLOY KEY file, the same as `open`
//! writes for a sealed deploy key (mode 0600).
//!
//! This is key recovery: whoever runs it then holds the whole key, which
//! the dealing was made to avoid. It is for leaving threshold mode (moving
//! the key, a lost vault), not for everyday use.
//!
//! The shares are the command's items: one that does not decode, or a set
//! the library refuses (too few, mixed dealings, a share given twice), is
//! invalid (exit status 1) with the library's reason; a file that cannot be
//! read or holds another kind is a usage error (exit status 2).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::armor::Kind;
use crate::error::CliError;
use crate::files::{OutputArgs, encode_output, write_requested_secret};
use crate::inputs::read_key_share;

#[derive(Debug, Args)]
pub(crate) struct CombineArgs {
    /// A KEY SHARE file; repeat for each share (at least the dealing's
    /// threshold, all of one dealing).
    #[arg(long = "share", value_name = "FILE", required = true)]
    pub(crate) shares: Vec<PathBuf>,
    /// Where to write the recovered DEPLOY KEY (mode 0600); '-' for standard
    /// output.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `combine --share FILE... --out FILE`: see the [module documentation](self).
pub(super) fn run(args: &CombineArgs) -> Result<ExitCode, CliError> {
    // Allocated once at its final size: a growing vector would move the
    // shares and free the old buffer unwiped.
    let mut shares = Vec::with_capacity(args.shares.len());
    for path in &args.shares {
        shares.push(read_key_share(path)?);
    }
    let key = vaultseal::combine_shares(&shares).map_err(|error| {
        let given = match shares.first() {
            Some(first) => format!(
                "{} given, threshold {} of {}",
                shares.len(),
                first.threshold(),
                first.share_count()
            ),
            None => "none given".to_owned(),
        };
        CliError::Invalid(format!("cannot combine the shares ({given}): {error}"))
    })?;
    let output = encode_output(Kind::DeployKey, &key.to_bytes()[..], &args.output)?;
    write_requested_secret(&args.out, &output, args.output.force)?;
    // `combine_shares` succeeded: there is a first share.
    if let Some(first) = shares.first() {
        eprintln!(
            "recovered deploy key {} from {} shares (threshold {} of {})",
            key.public_key().fingerprint(),
            shares.len(),
            first.threshold(),
            first.share_count()
        );
    }
    Ok(ExitCode::SUCCESS)
}
