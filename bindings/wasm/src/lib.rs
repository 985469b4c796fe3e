//! `vaultseal` for JavaScript: the web console's create-project step and
//! offline verification, compiled to WebAssembly with `wasm-bindgen` (ES
//! module for the web, CommonJS for Node).
//!
//! Armored strings go in and out exactly as the CLI (`vaultseal`) reads and
//! writes them (the shared `vaultseal-armor` crate), so files move freely
//! between the browser and the command line.
//!
//! | JS | does |
//! |----|------|
//! | `verifyVaultRecords(records)` | each record's proof of possession (one batch) and expiry: `[{ ok, region, endpoint, epoch, fingerprint, reputation, freeCapacity, error?, errorKind? }]` |
//! | `selectVaults({ records, projectName, ownerPublicKey, count, regions?, minReputation?, minCapacity? })` | the chosen records (armored), best first, as `select_vaults` ranks them; invalid or expired records are never chosen |
//! | `generateOwnerKey()` | `{ secretKey, publicKey }`: the `OWNER KEY` armor and 64 hex digits |
//! | `ownerPublicKey(ownerKey)` | the public key (64 hex digits) of an `OWNER KEY` armor |
//! | `createRegistration({ ownerKey, projectName, configRepository, codeRepository, vaults, timestamp?, onProgress? })` | `{ registration, projectId, registrationId, config, code, millis }`, each repository `{ repository, deployKeyOpenssh, fingerprint, webhookSecret }` |
//! | `verify({ items, projectName?, project?, owner?, repository?, purpose?, extra?, vault? })` | `[{ kind, ok, error?, errorKind? }]`, one batch, as `vaultseal verify` |
//!
//! Failures are thrown as JS `Error`s (`name` `VaultsealError`) with the
//! crate's message and a stable `kind`: see [`failure::kinds`].
//!
//! # Secrets in JavaScript
//! Two results hold secrets: `generateOwnerKey().secretKey` and each
//! repository's `webhookSecret`. Rust wipes every copy of its own (the seed,
//! the armor, the hex; its heap buffers, and the stack the call used:
//! [`scrub`]) before the call returns; the JS strings it hands over
//! are the only copies that leave Rust. JavaScript strings are immutable and
//! garbage-collected: **JS cannot wipe them**, only drop every reference and
//! let the collector reclaim the memory at some later time. Keep them in as
//! few places as possible, never in `localStorage`, and hand them to the
//! user (a download, the clipboard) rather than to the network. The deploy
//! keys' secrets never reach JS at all: only the chosen vaults can open them.
//! Inputs JS passes in (an owner key's armor) are copied into Rust, used and
//! wiped there; the caller's string is the caller's to drop.
//!
//! Randomness comes from `crypto.getRandomValues` (`getrandom`'s `wasm_js`
//! backend) in this crate only; the library takes an RNG and draws nothing
//! itself.
#![forbid(unsafe_code)]

extern crate alloc;

pub mod armored;
pub mod failure;
pub mod options;
pub mod records;
pub mod registration;
pub mod scrub;
pub mod verify;

use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use rand_core::UnwrapErr;
use serde::Serialize;
use vaultseal::{Params, ProjectId, SelectionPolicy, VaultPublicKey, VerifyingKey, select_vaults};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::failure::{Failure, kinds};
use crate::options::Options;
use crate::records::CheckedRecords;
use crate::registration::RegistrationInput;
use crate::scrub::StackScrub;

/// The system's CSPRNG: `crypto.getRandomValues` in a browser or Node.
fn rng() -> UnwrapErr<getrandom::SysRng> {
    UnwrapErr(getrandom::SysRng)
}

/// Now, in Unix seconds (the JS clock).
fn now() -> u64 {
    // `Date.now()` is a non-negative integer of milliseconds, far below 2⁵³.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let seconds = (js_sys::Date::now() / 1000.0) as u64;
    seconds
}

/// Milliseconds on the JS clock (`Date.now()`).
fn millis() -> f64 {
    js_sys::Date::now()
}

/// A Rust value as a plain JS value (objects, arrays, strings, numbers).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::new();
    value
        .serialize(&serializer)
        .map_err(|error| Failure::new(kinds::OTHER, alloc::format!("{error}")).into_js())
}

/// `verifyVaultRecords(records: string[])`: each armored `VAULT RECORD`
/// decoded, its proof of possession verified (all in one batch) and its
/// expiry checked against the JS clock. One report per record, in order:
/// `{ ok, region, endpoint, epoch, fingerprint, reputation, freeCapacity,
/// error?, errorKind? }` (all but `ok` and the error whenever the record
/// decodes, valid or not; `reputation` and `freeCapacity` are the network's
/// figures, outside the proof; numbers above 2⁵³ − 1 come as decimal
/// strings).
///
/// # Errors
/// Throws `kind: "options"` if `records` is not an array of strings.
#[wasm_bindgen(js_name = verifyVaultRecords)]
pub fn verify_vault_records(records: JsValue) -> Result<JsValue, JsValue> {
    let texts = options::strings(&records, "records")?;
    let checked = CheckedRecords::check(Params::shared(), &texts, now(), &mut rng());
    to_js(&checked.reports())
}

/// `selectVaults({ records, projectName, ownerPublicKey, count, regions?,
/// minReputation?, minCapacity? })`: the `count` records chosen for the
/// project (its id derived from `ownerPublicKey`, 64 hex digits, and
/// `projectName`), best first, as `select_vaults` ranks them, returned as
/// the armored strings given. Records that do not decode, whose proof fails
/// or that have expired are never chosen, and a vault key given in several
/// records counts once (its first valid record).
///
/// # Errors
/// Throws `kind: "options"` for a malformed options object, and
/// `kind: "invalid-input"` when fewer than `count` records are eligible
/// (`count` must be 1..=8) or the project name is refused.
#[wasm_bindgen(js_name = selectVaults)]
pub fn select_vaults_js(options: JsValue) -> Result<JsValue, JsValue> {
    let options = Options::new(
        &options,
        &[
            "records",
            "projectName",
            "ownerPublicKey",
            "count",
            "regions",
            "minReputation",
            "minCapacity",
        ],
    )?;
    let texts = options.required_strings("records")?;
    let project_name = options.required_string("projectName")?;
    let owner = owner_public_key(&options.required_string("ownerPublicKey")?)?;
    let count =
        options.integer("count", 1, 8)?.ok_or_else(|| Failure::options("'count' is required"))?;
    let policy = SelectionPolicy {
        allowed_regions: options.strings("regions")?.unwrap_or_default(),
        min_reputation: u16::try_from(options.integer("minReputation", 0, 1000)?.unwrap_or(0))
            .unwrap_or(u16::MAX),
        min_capacity: options.integer("minCapacity", 0, u64::MAX)?.unwrap_or(0),
        now: Some(now()),
    };
    let project_id = ProjectId::derive(&owner, &project_name)
        .map_err(|error| Failure::from_crate(error, "projectName"))?;

    let params = Params::shared();
    let mut rng = rng();
    let checked = CheckedRecords::check(params, &texts, now(), &mut rng);
    let (positions, valid): (Vec<usize>, Vec<_>) =
        checked.valid().into_iter().map(|(i, record)| (i, record.clone())).unzip();
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let chosen = select_vaults(params, &valid, &policy, project_id.as_bytes(), count, &mut rng)
        .map_err(|error| Failure::from_crate(error, "cannot select vaults"))?;
    // Each chosen record is one of `valid`: its position there names its
    // input string.
    let chosen: Vec<&String> = chosen
        .iter()
        .filter_map(|record| {
            let at = valid.iter().position(|candidate| core::ptr::eq(candidate, *record))?;
            texts.get(*positions.get(at)?)
        })
        .collect();
    to_js(&chosen)
}

/// The owner's Ed25519 public key from 64 hex digits.
fn owner_public_key(hex: &str) -> Result<VerifyingKey, Failure> {
    base16ct::mixed::decode_vec(hex.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
        .ok_or_else(|| {
            Failure::options("'ownerPublicKey' must be an Ed25519 public key, 64 hex digits")
        })
}

/// `generateOwnerKey()`: a fresh project owner's key, `{ secretKey,
/// publicKey }`: the `OWNER KEY` armor (as `vaultseal owner keygen` writes
/// it; secret, see [Secrets in JavaScript](crate#secrets-in-javascript))
/// and the public key as 64 hex digits (what the CLI's `--owner` takes).
///
/// # Errors
/// Never in practice (the conversion to JS values).
#[wasm_bindgen(js_name = generateOwnerKey)]
pub fn generate_owner_key() -> Result<JsValue, JsValue> {
    let _scrub = StackScrub;
    to_js(&registration::generate_owner_key(&mut rng()))
}

/// `ownerPublicKey(ownerKey: string)`: the public key (64 hex digits) of
/// an `OWNER KEY` armor, for a page that loads an existing key.
///
/// # Errors
/// Throws `kind: "armor"`, `"wrong-kind"` or `"decode"` for text that is not
/// an owner key.
#[wasm_bindgen(js_name = ownerPublicKey)]
pub fn owner_public_key_js(owner_key: JsValue) -> Result<String, JsValue> {
    let _scrub = StackScrub;
    // Taken as a value, not `&str`: the glue's copy of a `&str` argument is
    // freed unwiped, this `String` is ours to wipe.
    let text = Zeroizing::new(
        owner_key.as_string().ok_or_else(|| Failure::options("'ownerKey' must be a string"))?,
    );
    let key = armored::owner_key(&text)?;
    Ok(base16ct::lower::encode_string(key.verifying_key().as_bytes()))
}

/// `createRegistration({ ownerKey, projectName, configRepository,
/// codeRepository, vaults, timestamp?, onProgress? })`: check the vaults
/// (armored records: proofs in one batch, expiry), then make a deploy key
/// and a webhook secret per repository, seal each to the vaults, and sign
/// with the owner key: what `vaultseal register` does. `timestamp` is Unix
/// seconds (default: now). `onProgress`, if given, is called as each of the
/// five steps is done with `{ step, role?, done, total }` (`step`:
/// `deploy-key`, `webhook-secret` or `signature`; `role`: `config` or
/// `code`).
///
/// Returns `{ registration, projectId, registrationId, config, code,
/// millis }`: the `PROJECT REGISTRATION` armor (for `vaultseal
/// verify-registration`), and per repository `{ repository,
/// deployKeyOpenssh, fingerprint, webhookSecret }` (the webhook secret is
/// secret: see [Secrets in JavaScript](crate#secrets-in-javascript));
/// `millis` is the time the work took.
///
/// # Errors
/// Throws `kind: "options"`, `"armor"`, `"wrong-kind"` or `"decode"` for
/// malformed inputs, `"verification"` or `"expired"` for a vault record
/// that is not valid (naming `vaults[i]`), `"invalid-input"` for a project
/// name, refs or vault list the crate refuses.
#[wasm_bindgen(js_name = createRegistration)]
pub fn create_registration(options: JsValue) -> Result<JsValue, JsValue> {
    let _scrub = StackScrub;
    // `onProgress` runs inside the call: calling back in would nest without
    // bound (and blow the stack).
    let _running = Running::enter()?;
    let started = millis();
    let options = Options::new(
        &options,
        &[
            "ownerKey",
            "projectName",
            "configRepository",
            "codeRepository",
            "vaults",
            "timestamp",
            "onProgress",
        ],
    )?;
    let owner_text = Zeroizing::new(options.required_string("ownerKey")?);
    let owner = armored::owner_key(&owner_text).map_err(|failure| {
        Failure::new(failure.kind(), alloc::format!("ownerKey: {}", failure.message()))
    })?;
    let project_name = options.required_string("projectName")?;
    let config_repository = options.required_string("configRepository")?;
    let code_repository = options.required_string("codeRepository")?;
    let vault_texts = options.required_strings("vaults")?;
    let timestamp = options.integer("timestamp", 0, u64::MAX)?.unwrap_or_else(now);
    let on_progress = options.function("onProgress")?;

    let params = Params::shared();
    let mut rng = rng();
    let records =
        CheckedRecords::check(params, &vault_texts, now(), &mut rng).all_valid("vaults")?;
    let vaults: Vec<VaultPublicKey> = records.iter().map(|record| *record.public_key()).collect();
    let input = RegistrationInput {
        owner: &owner,
        project_name: &project_name,
        config_repository: &config_repository,
        code_repository: &code_repository,
        vaults: &vaults,
        timestamp,
    };
    let mut out = registration::create(params, &input, on_progress.as_ref(), &mut rng)?;
    out.millis = millis() - started;
    to_js(&out)
}

/// `createRegistration` is running (set and cleared by [`Running`]).
static CREATING: AtomicBool = AtomicBool::new(false);

/// Marks `createRegistration` as running until dropped.
struct Running;

impl Running {
    /// Enter, unless a call is already running.
    fn enter() -> Result<Running, Failure> {
        if CREATING.swap(true, Ordering::Acquire) {
            return Err(Failure::options(
                "createRegistration cannot be called from its own onProgress",
            ));
        }
        Ok(Running)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        CREATING.store(false, Ordering::Release);
    }
}

/// `verify({ items, projectName?, project?, owner?, repository?, purpose?,
/// extra?, vault? })`: every armored item (sealed deploy keys, threshold
/// dealings, sealed secrets, vault records, project registrations) checked
/// offline in one batch, as `vaultseal verify` does. One report per item,
/// in order: `{ kind, ok, error?, errorKind? }`.
///
/// Sealed items verify under the context of `project` (or the id derived
/// from `projectName` and `owner`), `repository`, `owner` (64 hex digits),
/// `purpose` (`secret`, the default, `webhook-secret` or `deploy-key`: for
/// sealed secrets; deploy keys always verify as deploy keys) and `extra`.
/// Registrations derive their own contexts and are checked for `vault` (an
/// armored record or public key) or their first recipient, against every
/// record among the items.
///
/// # Errors
/// Throws `kind: "options"` for a malformed options object or `vault`;
/// an item's own failure (including a missing or malformed context) is in
/// its report. Context fields given with no sealed item among `items` are
/// still checked: a malformed one is thrown (`options`, or
/// `invalid-input` for a complete context the crate refuses), never
/// ignored.
#[wasm_bindgen]
pub fn verify(options: JsValue) -> Result<JsValue, JsValue> {
    // An item may be a secret kind given by mistake.
    let _scrub = StackScrub;
    let options = Options::new(&options, &verify::KNOWN)?;
    let reports = verify::verify(Params::shared(), &options, now(), &mut rng())?;
    to_js(&reports)
}
