//! `verify`: any number of sealed items (threshold dealings included), vault
//! records and project registrations, in ONE batch.
//!
//! Every file gets one line on standard output, in the order given:
//!
//! - `OK <file>`: it verifies;
//! - `INVALID <file>: <reason>`: it does not decode, is not sealed to exactly
//!   the `--to` vaults, its proofs fail, or it is a vault record that has
//!   expired (`expired at <time>`, the rule of [`expiry`](crate::expiry))
//!   (exit status 1);
//! - `ERROR <file>: <reason>`: it cannot be read, is not armor, or holds a
//!   kind `verify` does not take (exit status 2).
//!
//! `--to` records are verified in the same batch and get their own lines
//! first. A threshold dealing verifies like a sealed deploy key (purpose
//! deploy-key, every share's proofs); when it fails, the reason names the
//! first share whose proofs fail.
//!
//! # Registrations
//! A registration is one batch item (its owner signature, structure, its
//! recipients' records and its four sealed items, under the contexts it
//! derives: it needs no command-line context). Its vault directory is every
//! record given, `--to` and files alike. It is verified for the `--vault`
//! vault when given (`NotARecipient` unless that vault is a recipient), and
//! otherwise for its own first recipient: every check of
//! `ProjectRegistration::verify` but "the verifying vault is a recipient"
//! (true by definition), i.e. whether its recipients would accept it. The
//! git-host ownership check is not made (`verify-registration` makes it).
//! With `--to`, a registration must be sealed to exactly those vaults.
//!
//! # Adding an input kind
//! A kind is an [`Item`] variant, an entry in [`VERIFY_KINDS`], an arm in
//! [`Item::from_decoded`] and one in [`Item::push`] (and in
//! [`Item::recipients`] if it lists recipients), and a reason in
//! [`Item::reason`].

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use vaultseal::{
    BatchVerifier, Context, Params, ProjectRegistration, Purpose, SealedDeployKey, SealedSecret,
    ThresholdFailure, ThresholdSealedDeployKey, VaultPublicKey, VaultRecord,
};

use super::{Rng, registration_reason, wrong_secret_length};
use crate::armor::Kind;
use crate::error::{CliError, files_exit_status};
use crate::expiry;
use crate::files;
use crate::inputs::{
    ContextArgs, Decoded, ExpectedRecipients, NOT_SEALED_TO_EXPECTED, PurposeArg, decode_loaded,
    not_verified, read_recipients,
};

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Sealed deploy keys, threshold dealings, sealed secrets, vault records
    /// and project registrations, armored or binary.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Verify registrations for this vault (public key or record file)
    /// [default: each as its own recipients verify it].
    #[arg(long, value_name = "FILE")]
    pub(crate) vault: Option<PathBuf>,
    /// Purpose of the sealed secrets (sealed deploy keys and dealings always
    /// verify as deploy keys).
    #[arg(long, value_enum, default_value_t = PurposeArg::Secret)]
    pub(crate) purpose: PurposeArg,
    /// Require every sealed item and registration to be sealed to exactly
    /// these vaults (public key or record files; records are verified in the
    /// same batch and are the vault directory of registrations).
    #[arg(long = "to", value_name = "FILE")]
    pub(crate) to: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) context: ContextArgs,
}

/// The kinds `verify` takes.
pub(crate) const VERIFY_KINDS: [Kind; 5] = [
    Kind::SealedDeployKey,
    Kind::ThresholdSealedDeployKey,
    Kind::SealedSecret,
    Kind::VaultRecord,
    Kind::ProjectRegistration,
];

/// A decoded item to verify, owning what the batch borrows.
enum Item {
    SealedDeployKey(Box<SealedDeployKey>),
    ThresholdSealedDeployKey(Box<ThresholdSealedDeployKey>),
    SealedSecret(Box<SealedSecret>),
    VaultRecord(Box<VaultRecord>),
    ProjectRegistration(Box<ProjectRegistration>),
}

/// What registrations verify against: the vault directory (every record
/// given) and the `--vault` vault, if any.
struct Directory {
    records: Vec<VaultRecord>,
    vault: Option<VaultPublicKey>,
}

/// The contexts sealed items verify under: deploy keys always with purpose
/// deploy-key, secrets with `--purpose`.
struct Contexts {
    deploy_key: Context,
    secret: Context,
}

impl Item {
    fn from_decoded(decoded: Decoded) -> Option<Item> {
        match decoded {
            Decoded::SealedDeployKey(sealed) => Some(Item::SealedDeployKey(sealed)),
            Decoded::ThresholdSealedDeployKey(dealing) => {
                Some(Item::ThresholdSealedDeployKey(dealing))
            }
            Decoded::SealedSecret(sealed) => Some(Item::SealedSecret(sealed)),
            Decoded::VaultRecord(record) => Some(Item::VaultRecord(record)),
            Decoded::ProjectRegistration(registration) => {
                Some(Item::ProjectRegistration(registration))
            }
            _ => None,
        }
    }

    /// Whether the item needs the command-line context.
    fn needs_context(&self) -> bool {
        matches!(
            self,
            Item::SealedDeployKey(_) | Item::ThresholdSealedDeployKey(_) | Item::SealedSecret(_)
        )
    }

    /// The sealing keys `Y_j` the item is sealed to, if it is a sealed item
    /// or a registration.
    fn recipients(&self) -> Option<Vec<[u8; 32]>> {
        match self {
            Item::SealedDeployKey(sealed) => Some(sealed.recipients().collect()),
            Item::ThresholdSealedDeployKey(dealing) => Some(dealing.recipients().collect()),
            Item::SealedSecret(sealed) => Some(sealed.recipients().collect()),
            Item::VaultRecord(..) => None,
            Item::ProjectRegistration(registration) => Some(
                registration.recipients().iter().map(VaultPublicKey::sealing_key_bytes).collect(),
            ),
        }
    }

    /// Push the item into the batch; its index.
    fn push<'a>(
        &'a self,
        batch: &mut BatchVerifier<'a>,
        contexts: Option<&'a Contexts>,
        directory: &'a Directory,
    ) -> Option<usize> {
        Some(match self {
            Item::SealedDeployKey(sealed) => {
                batch.push_sealed_deploy_key(sealed, &contexts?.deploy_key)
            }
            Item::ThresholdSealedDeployKey(dealing) => {
                batch.push_threshold_sealed_deploy_key(dealing, &contexts?.deploy_key)
            }
            Item::SealedSecret(sealed) => batch.push_sealed_secret(sealed, &contexts?.secret),
            Item::VaultRecord(record) => batch.push_vault_record(record),
            Item::ProjectRegistration(registration) => {
                let vault = directory.vault.as_ref().or(registration.recipients().first())?;
                batch.push_registration(registration, vault, &directory.records)
            }
        })
    }

    /// Why an item whose proofs verify is still invalid at `now`: a vault
    /// record that has expired.
    fn expired(&self, now: u64) -> Option<String> {
        match self {
            Item::VaultRecord(record) => {
                let expires = record.fields().expires_at();
                expiry::has_expired(expires, now)
                    .then(|| format!("expired at {}", expiry::describe(expires)))
            }
            _ => None,
        }
    }

    /// The reason to print for a verification error.
    fn reason(&self, error: vaultseal::Error, contexts: Option<&Contexts>) -> String {
        match (self, error, contexts) {
            (Item::ProjectRegistration(_), error, _) => registration_reason(error),
            (Item::VaultRecord(..), vaultseal::Error::Verification, _) => {
                "the proof of possession does not verify".into()
            }
            (Item::SealedDeployKey(_), vaultseal::Error::Verification, Some(contexts)) => {
                not_verified(&contexts.deploy_key)
            }
            (
                Item::ThresholdSealedDeployKey(_),
                vaultseal::Error::Threshold { why: why @ ThresholdFailure::ShareProof { .. } },
                Some(contexts),
            ) => format!("{} ({why})", not_verified(&contexts.deploy_key)),
            (Item::SealedSecret(_), vaultseal::Error::Verification, Some(contexts)) => {
                not_verified(&contexts.secret)
            }
            (_, other, _) => other.to_string(),
        }
    }
}

/// What became of one file.
enum Entry {
    /// Decoded, to be verified.
    Item(Item),
    /// Refused before the batch (decode failure, recipients).
    Invalid(String),
    /// Unusable (I/O, armor, kind).
    Error(String),
}

/// `verify FILE...`.
pub(super) fn run(params: &Params, args: &VerifyArgs, rng: &mut Rng) -> Result<ExitCode, CliError> {
    // `--to` files are options: any problem reading them is a usage error.
    let recipients = read_recipients(&args.to)?;
    let expected = ExpectedRecipients::new(&recipients);

    // Every `--to` record, then every file.
    let mut names: Vec<PathBuf> = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    for recipient in &recipients {
        if let Some(record) = &recipient.record {
            names.push(recipient.path.clone());
            entries.push(Entry::Item(Item::VaultRecord(record.clone())));
        }
    }
    for path in &args.files {
        names.push(path.clone());
        entries.push(load(path, &expected, args.purpose.purpose()));
    }

    let needs_context =
        entries.iter().any(|e| matches!(e, Entry::Item(item) if item.needs_context()));
    let contexts = if needs_context {
        Some(Contexts {
            deploy_key: args.context.build(Purpose::DeployKey)?,
            secret: args.context.build(args.purpose.purpose())?,
        })
    } else {
        None
    };

    // Every record given is in the registrations' directory.
    let vault = match &args.vault {
        Some(path) => read_recipients(core::slice::from_ref(path))?.pop().map(|r| r.key),
        None => None,
    };
    let records = entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Item(Item::VaultRecord(record)) => Some(VaultRecord::clone(record)),
            _ => None,
        })
        .collect();
    let directory = Directory { records, vault };

    // One batch for every item.
    let mut batch = BatchVerifier::with_capacity(params, entries.len());
    let mut index_of: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    for entry in &entries {
        index_of.push(match entry {
            Entry::Item(item) => item.push(&mut batch, contexts.as_ref(), &directory),
            _ => None,
        });
    }
    let failures = batch.verify(rng).err();
    let now = expiry::unix_now();

    let mut out = String::new();
    let (mut ok, mut invalid, mut errors) = (0usize, 0usize, 0usize);
    for ((name, entry), index) in names.iter().zip(&entries).zip(&index_of) {
        let name = name.display();
        match entry {
            Entry::Item(item) => {
                let failure = index.and_then(|i| failures.as_ref().and_then(|f| f.error_for(i)));
                let reason = match failure {
                    Some(error) => Some(item.reason(error, contexts.as_ref())),
                    None => item.expired(now),
                };
                match reason {
                    None => {
                        ok += 1;
                        out.push_str(&format!("OK {name}\n"));
                    }
                    Some(reason) => {
                        invalid += 1;
                        out.push_str(&format!("INVALID {name}: {reason}\n"));
                    }
                }
            }
            Entry::Invalid(reason) => {
                invalid += 1;
                out.push_str(&format!("INVALID {name}: {reason}\n"));
            }
            Entry::Error(reason) => {
                errors += 1;
                out.push_str(&format!("ERROR {name}: {reason}\n"));
            }
        }
    }
    files::write_stdout(out.as_bytes())?;
    eprintln!("{ok} valid, {invalid} invalid, {errors} unreadable");
    Ok(files_exit_status(errors, invalid))
}

/// Load and decode one file; with `--to`, check its recipient list; a
/// sealed secret must have the length `purpose` fixes.
fn load(path: &std::path::Path, expected: &ExpectedRecipients, purpose: Purpose) -> Entry {
    let loaded = match files::load(path, &VERIFY_KINDS) {
        Ok(loaded) => loaded,
        Err(error) => return Entry::Error(error.reason()),
    };
    let item = match decode_loaded(&loaded, &VERIFY_KINDS).map(Item::from_decoded) {
        Ok(Some(item)) => item,
        Ok(None) => return Entry::Error("not a kind verify takes".into()),
        Err(reason) => return Entry::Invalid(reason),
    };
    if let Item::SealedSecret(sealed) = &item {
        if let Some(reason) = wrong_secret_length(sealed, purpose) {
            return Entry::Invalid(reason);
        }
    }
    if let Some(listed) = item.recipients() {
        if !expected.admits(listed.into_iter()) {
            return Entry::Invalid(NOT_SEALED_TO_EXPECTED.into());
        }
    }
    Entry::Item(item)
}
