//! Offline verification of any armored items in one batch, as
//! `vaultseal verify` does: sealed deploy keys, threshold dealings, sealed
//! secrets, vault records and project registrations.
//!
//! Sealed items verify under the context the options give (`project` or
//! `projectName` with `owner`, `repository`, `purpose`, `extra`); deploy keys
//! and dealings always as deploy keys. A registration derives its own
//! contexts and is checked for `vault` (a record or public key) when given,
//! otherwise for its own first recipient, against every record among the
//! items and `vault`.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use rand_core::CryptoRng;
use serde::Serialize;
use vaultseal::{
    BatchVerifier, Context, Params, ProjectId, ProjectRegistration, Purpose, SealedDeployKey,
    SealedSecret, ThresholdSealedDeployKey, VaultPublicKey, VaultRecord, VerifyingKey,
};
use vaultseal_armor::Kind;
use zeroize::Zeroizing;

use crate::armored;
use crate::failure::{Failure, kinds};
use crate::options::Options;
use crate::records;

/// The options `verify` knows.
pub const KNOWN: [&str; 8] =
    ["items", "projectName", "project", "owner", "repository", "purpose", "extra", "vault"];

/// One item's verdict.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemReport {
    /// The armor's kind (`SEALED DEPLOY KEY`, `VAULT RECORD`, …), or
    /// `unknown` when the text is not armor.
    pub kind: String,
    /// Whether it verifies.
    pub ok: bool,
    /// Why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The stable kind of `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<&'static str>,
}

/// A decoded item.
enum Item {
    SealedDeployKey(Box<SealedDeployKey>),
    ThresholdSealedDeployKey(Box<ThresholdSealedDeployKey>),
    SealedSecret(Box<SealedSecret>),
    VaultRecord(Box<VaultRecord>),
    ProjectRegistration(Box<ProjectRegistration>),
}

/// Decode one armored item (of a kind `verify` takes).
fn decode(text: &str) -> (String, Result<Item, Failure>) {
    let (kind, bytes) = match armored::decode_armored(text) {
        Ok(decoded) => decoded,
        Err(failure) => return ("unknown".into(), Err(failure)),
    };
    let crate_failure = |error| Failure::from_crate(error, "");
    let item = match kind {
        Kind::SealedDeployKey => {
            SealedDeployKey::from_bytes(&bytes).map(|item| Item::SealedDeployKey(Box::new(item)))
        }
        Kind::ThresholdSealedDeployKey => ThresholdSealedDeployKey::from_bytes(&bytes)
            .map(|item| Item::ThresholdSealedDeployKey(Box::new(item))),
        Kind::SealedSecret => {
            SealedSecret::from_bytes(&bytes).map(|item| Item::SealedSecret(Box::new(item)))
        }
        Kind::VaultRecord => {
            VaultRecord::from_bytes(&bytes).map(|item| Item::VaultRecord(Box::new(item)))
        }
        Kind::ProjectRegistration => ProjectRegistration::from_bytes(&bytes)
            .map(|item| Item::ProjectRegistration(Box::new(item))),
        other => {
            return (
                other.label().into(),
                Err(Failure::new(
                    kinds::WRONG_KIND,
                    format!("VAULTSEAL {other} is not a kind verify takes"),
                )),
            );
        }
    };
    (kind.label().into(), item.map_err(crate_failure))
}

/// The contexts sealed items verify under.
struct Contexts {
    deploy_key: Context,
    secret: Context,
}

/// The purpose as the CLI's `--purpose` spells it.
fn purpose(name: &str) -> Result<Purpose, Failure> {
    match name {
        "secret" => Ok(Purpose::Secret),
        "webhook-secret" => Ok(Purpose::WebhookSecret),
        "deploy-key" => Ok(Purpose::DeployKey),
        _ => Err(Failure::options(format!(
            "'purpose' must be 'secret', 'webhook-secret' or 'deploy-key', not '{name}'"
        ))),
    }
}

/// The context fields as given, each of a valid form (`owner` 64 hex
/// digits, `purpose` a name `verify` knows, not both `project` and
/// `projectName`, a `projectName` that derives an id with `owner`); a
/// field may still be missing.
struct ContextFields {
    owner: Option<[u8; 32]>,
    /// The project id, or the name whose id needs the missing `owner`.
    project: Option<Project>,
    repository: Option<String>,
    secret_purpose: Purpose,
    extra: Option<String>,
}

/// `project`, or `projectName` before `owner` is known.
enum Project {
    Id(String),
    Name,
}

impl ContextFields {
    /// Read the fields: a malformed one is an options failure.
    fn parse(options: &Options) -> Result<Self, Failure> {
        let owner = match options.string("owner")? {
            Some(hex) => Some(
                base16ct::mixed::decode_vec(hex.trim())
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                    .ok_or_else(|| Failure::options("'owner' must be 64 hex digits"))?,
            ),
            None => None,
        };
        let project = match (options.string("project")?, options.string("projectName")?) {
            (Some(_), Some(_)) => {
                return Err(Failure::options("give 'project' or 'projectName', not both"));
            }
            (Some(project), None) => Some(Project::Id(project)),
            (None, Some(name)) => Some(match &owner {
                Some(owner_bytes) => {
                    let owner = VerifyingKey::from_bytes(owner_bytes)
                        .map_err(|_| Failure::options("'owner' is not an Ed25519 public key"))?;
                    let id = ProjectId::derive(&owner, &name)
                        .map_err(|error| Failure::from_crate(error, "projectName"))?;
                    Project::Id(id.as_str().into())
                }
                None => Project::Name,
            }),
            (None, None) => None,
        };
        let secret_purpose = purpose(options.string("purpose")?.as_deref().unwrap_or("secret"))?;
        Ok(ContextFields {
            owner,
            project,
            repository: options.string("repository")?,
            secret_purpose,
            extra: options.string("extra")?,
        })
    }

    /// Whether every field a context needs is given.
    fn is_complete(&self) -> bool {
        self.owner.is_some()
            && matches!(self.project, Some(Project::Id(_)))
            && self.repository.is_some()
    }

    /// The contexts, or the field that is missing or refused.
    fn contexts(&self) -> Result<Contexts, Failure> {
        let missing = |what: &str| Failure::options(format!("sealed items need '{what}'"));
        let owner = self.owner.ok_or_else(|| missing("owner"))?;
        let project = match &self.project {
            Some(Project::Id(project)) => project,
            Some(Project::Name) => return Err(missing("owner")),
            None => return Err(missing("project' or 'projectName")),
        };
        let repository = self.repository.as_ref().ok_or_else(|| missing("repository"))?;
        let context = |purpose| {
            let context = Context::new(project.as_bytes(), repository.as_bytes(), purpose, owner)
                .map_err(|error| Failure::from_crate(error, "context"))?;
            match &self.extra {
                Some(extra) => context
                    .with_extra(extra.as_bytes())
                    .map_err(|error| Failure::from_crate(error, "extra")),
                None => Ok(context),
            }
        };
        Ok(Contexts {
            deploy_key: context(Purpose::DeployKey)?,
            secret: context(self.secret_purpose)?,
        })
    }
}

/// The contexts sealed items verify under, if any item needs them (a
/// missing or malformed field is then each such item's failure). Without
/// such an item, a malformed field, or a complete set of fields that makes
/// no context, is the options' failure: given fields are never ignored.
fn contexts(options: &Options, needed: bool) -> Result<Option<Result<Contexts, Failure>>, Failure> {
    let fields = ContextFields::parse(options);
    if needed {
        return Ok(Some(fields.and_then(|fields| fields.contexts())));
    }
    let fields = fields?;
    if fields.is_complete() {
        fields.contexts()?;
    }
    Ok(None)
}

/// Verify `options.items` in one batch.
///
/// # Errors
/// Options failures (an unknown or malformed field, `vault` that is not a
/// vault record or key); each item's own failure is in its report.
pub fn verify<R: CryptoRng + ?Sized>(
    params: &Params,
    options: &Options,
    now: u64,
    rng: &mut R,
) -> Result<Vec<ItemReport>, Failure> {
    // Wiped when done: an item may be a secret kind given by mistake.
    let texts: Vec<Zeroizing<String>> =
        options.required_strings("items")?.into_iter().map(Zeroizing::new).collect();
    let vault = match options.string("vault")? {
        Some(text) => Some(armored::vault_key(&text).map_err(|failure| {
            Failure::new(failure.kind(), format!("vault: {}", failure.message()))
        })?),
        None => None,
    };
    let decoded: Vec<(String, Result<Item, Failure>)> =
        texts.iter().map(|text| decode(text)).collect();
    let needs_context = decoded.iter().any(|(_, item)| {
        matches!(
            item,
            Ok(Item::SealedDeployKey(_)
                | Item::ThresholdSealedDeployKey(_)
                | Item::SealedSecret(_))
        )
    });
    let contexts = contexts(options, needs_context)?;
    let mut directory: Vec<VaultRecord> = decoded
        .iter()
        .filter_map(|(_, item)| match item {
            Ok(Item::VaultRecord(record)) => Some(VaultRecord::clone(record)),
            _ => None,
        })
        .collect();
    let vault_key: Option<VaultPublicKey> = vault.as_ref().map(|(key, _)| *key);
    if let Some((_, Some(record))) = vault {
        directory.push(*record);
    }

    let mut batch = BatchVerifier::with_capacity(params, decoded.len());
    let mut pushed: Vec<Result<usize, Failure>> = Vec::with_capacity(decoded.len());
    for (_, item) in &decoded {
        let context_of = |pick: fn(&Contexts) -> &Context| match &contexts {
            Some(Ok(contexts)) => Ok(pick(contexts)),
            Some(Err(failure)) => Err(failure.clone()),
            None => Err(Failure::options("no context")),
        };
        pushed.push(match item {
            Err(failure) => Err(failure.clone()),
            Ok(Item::SealedDeployKey(sealed)) => context_of(|c| &c.deploy_key)
                .map(|context| batch.push_sealed_deploy_key(sealed, context)),
            Ok(Item::ThresholdSealedDeployKey(dealing)) => context_of(|c| &c.deploy_key)
                .map(|context| batch.push_threshold_sealed_deploy_key(dealing, context)),
            Ok(Item::SealedSecret(sealed)) => {
                context_of(|c| &c.secret).map(|context| batch.push_sealed_secret(sealed, context))
            }
            Ok(Item::VaultRecord(record)) => Ok(batch.push_vault_record(record)),
            Ok(Item::ProjectRegistration(registration)) => {
                let vault = vault_key.as_ref().or(registration.recipients().first());
                vault
                    .map(|vault| batch.push_registration(registration, vault, &directory))
                    .ok_or_else(|| Failure::new(kinds::REGISTRATION, "no recipient"))
            }
        });
    }
    let failures = batch.verify(rng).err();

    Ok(decoded
        .iter()
        .zip(pushed)
        .map(|((kind, item), pushed)| {
            let verdict = pushed.and_then(|index| {
                match failures.as_ref().and_then(|failures| failures.error_for(index)) {
                    Some(error) => Err(Failure::from_crate(error, "")),
                    None => match item {
                        Ok(Item::VaultRecord(record)) => records::expiry(record, now),
                        _ => Ok(()),
                    },
                }
            });
            ItemReport {
                kind: kind.clone(),
                ok: verdict.is_ok(),
                error: verdict.as_ref().err().map(|f| f.message().into()),
                error_kind: verdict.as_ref().err().map(Failure::kind),
            }
        })
        .collect())
}
