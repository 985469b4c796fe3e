//! Typed inputs: decoded objects, contexts, owners, recipients, keys; and
//! the argument groups that name them ([`ContextArgs`], [`RecipientArgs`],
//! [`PurposeArg`]).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use rand_core::CryptoRng;
use vaultseal::hybrid::Envelope;
use vaultseal::{
    BatchVerifier, Context, DeployKey, DeployPublicKey, KeyShare, Params, ProjectRegistration,
    Purpose, SealedDeployKey, SealedSecret, SigningKey, ThresholdSealedDeployKey, VaultKeypair,
    VaultPublicKey, VaultRecord, VaultSecretKey,
};
use zeroize::Zeroizing;

use crate::armor::Kind;
use crate::error::{CliError, kind_list, with_article};
use crate::expiry;
use crate::files::{self, Loaded};

/// A decoded file.
pub(crate) enum Decoded {
    VaultSecretKey(VaultSecretKey),
    VaultPublicKey(VaultPublicKey),
    VaultRecord(Box<VaultRecord>),
    DeployKey(DeployKey),
    SealedDeployKey(Box<SealedDeployKey>),
    SealedSecret(Box<SealedSecret>),
    HybridEnvelope(Box<Envelope>),
    /// Zeroized on drop (ed25519-dalek's `zeroize` feature).
    OwnerKey(Box<SigningKey>),
    ProjectRegistration(Box<ProjectRegistration>),
    ThresholdSealedDeployKey(Box<ThresholdSealedDeployKey>),
    /// Zeroized on drop. Not boxed: moving it out of a box (as `combine`
    /// collects the shares) would leave an unwiped copy of the secret in the
    /// freed allocation.
    KeyShare(KeyShare),
}

impl Decoded {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Decoded::VaultSecretKey(_) => Kind::VaultSecretKey,
            Decoded::VaultPublicKey(_) => Kind::VaultPublicKey,
            Decoded::VaultRecord(_) => Kind::VaultRecord,
            Decoded::DeployKey(_) => Kind::DeployKey,
            Decoded::SealedDeployKey(_) => Kind::SealedDeployKey,
            Decoded::SealedSecret(_) => Kind::SealedSecret,
            Decoded::HybridEnvelope(_) => Kind::HybridEnvelope,
            Decoded::OwnerKey(_) => Kind::OwnerKey,
            Decoded::ProjectRegistration(_) => Kind::ProjectRegistration,
            Decoded::ThresholdSealedDeployKey(_) => Kind::ThresholdSealedDeployKey,
            Decoded::KeyShare(_) => Kind::KeyShare,
        }
    }
}

/// Decode `bytes` as `kind` with the library's strict decoder (an owner key
/// is exactly its 32-byte seed). The error is a reason.
pub(crate) fn decode_as(kind: Kind, bytes: &[u8]) -> Result<Decoded, String> {
    let decoded = match kind {
        Kind::VaultSecretKey => VaultSecretKey::from_bytes(bytes).map(Decoded::VaultSecretKey),
        Kind::VaultPublicKey => VaultPublicKey::from_bytes(bytes).map(Decoded::VaultPublicKey),
        Kind::VaultRecord => VaultRecord::from_bytes(bytes).map(|r| Decoded::VaultRecord(r.into())),
        Kind::DeployKey => DeployKey::from_bytes(bytes).map(Decoded::DeployKey),
        Kind::SealedDeployKey => {
            SealedDeployKey::from_bytes(bytes).map(|s| Decoded::SealedDeployKey(s.into()))
        }
        Kind::SealedSecret => {
            SealedSecret::from_bytes(bytes).map(|s| Decoded::SealedSecret(s.into()))
        }
        Kind::HybridEnvelope => {
            Envelope::from_bytes(bytes).map(|e| Decoded::HybridEnvelope(e.into()))
        }
        Kind::ProjectRegistration => {
            ProjectRegistration::from_bytes(bytes).map(|r| Decoded::ProjectRegistration(r.into()))
        }
        Kind::ThresholdSealedDeployKey => ThresholdSealedDeployKey::from_bytes(bytes)
            .map(|d| Decoded::ThresholdSealedDeployKey(d.into())),
        Kind::KeyShare => KeyShare::from_bytes(bytes).map(Decoded::KeyShare),
        Kind::OwnerKey => {
            let seed = Zeroizing::new(<[u8; 32]>::try_from(bytes).map_err(|_| {
                format!("invalid owner key: a 32-byte Ed25519 seed, not {} bytes", bytes.len())
            })?);
            return Ok(Decoded::OwnerKey(Box::new(SigningKey::from_bytes(&seed))));
        }
    };
    decoded.map_err(|error| error.to_string())
}

/// Decode a loaded file. A binary file of a command that takes several kinds
/// is tried as each; it must decode as exactly one. The error is a reason
/// (the caller names the file).
pub(crate) fn decode_loaded(loaded: &Loaded, accepted: &[Kind]) -> Result<Decoded, String> {
    if let Some(kind) = loaded.kind {
        return decode_as(kind, &loaded.bytes);
    }
    let mut found: Vec<Decoded> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for kind in accepted {
        match decode_as(*kind, &loaded.bytes) {
            Ok(decoded) => found.push(decoded),
            Err(error) => errors.push(error),
        }
    }
    match found.len() {
        1 => found.pop().ok_or_else(String::new),
        0 => Err(format!("not armored, and no binary encoding fits: {}", errors.join("; "))),
        _ => {
            let kinds: Vec<Kind> = found.iter().map(Decoded::kind).collect();
            Err(format!("binary input is ambiguous ({}); use the armored form", kind_list(&kinds)))
        }
    }
}

/// Read and decode a file that must hold one of `accepted` (exit 2 on any
/// failure).
pub(crate) fn read_decoded(path: &Path, accepted: &[Kind]) -> Result<Decoded, CliError> {
    let loaded = files::load(path, accepted)?;
    decode_loaded(&loaded, accepted)
        .map_err(|reason| CliError::Decode { path: path.into(), reason })
}

/// A vault keypair from a VAULT SECRET KEY file.
pub(crate) fn read_vault_keypair(params: &Params, path: &Path) -> Result<VaultKeypair, CliError> {
    match read_decoded(path, &[Kind::VaultSecretKey])? {
        Decoded::VaultSecretKey(secret) => Ok(VaultKeypair::from_secret(params, secret)),
        other => Err(unexpected(path, &other, Kind::VaultSecretKey)),
    }
}

/// A deploy key from a DEPLOY KEY file.
pub(crate) fn read_deploy_key(path: &Path) -> Result<DeployKey, CliError> {
    match read_decoded(path, &[Kind::DeployKey])? {
        Decoded::DeployKey(key) => Ok(key),
        other => Err(unexpected(path, &other, Kind::DeployKey)),
    }
}

/// A KEY SHARE file (`combine --share`, `agent --share`): not readable, not
/// armor or another kind is a usage error (exit 2); a share that does not
/// decode or check is invalid (exit 1), as `open` treats its input.
pub(crate) fn read_key_share(path: &Path) -> Result<KeyShare, CliError> {
    let loaded = files::load(path, &[Kind::KeyShare])?;
    match decode_loaded(&loaded, &[Kind::KeyShare]) {
        Ok(Decoded::KeyShare(share)) => Ok(share),
        Ok(other) => Err(unexpected(path, &other, Kind::KeyShare)),
        Err(reason) => Err(CliError::Invalid(format!("{}: {reason}", path.display()))),
    }
}

/// The owner's signing key from an OWNER KEY file.
pub(crate) fn read_owner_key(path: &Path) -> Result<Box<SigningKey>, CliError> {
    match read_decoded(path, &[Kind::OwnerKey])? {
        Decoded::OwnerKey(key) => Ok(key),
        other => Err(unexpected(path, &other, Kind::OwnerKey)),
    }
}

/// The error for a file that decoded as another kind than `expected`.
pub(crate) fn unexpected(path: &Path, found: &Decoded, expected: Kind) -> CliError {
    CliError::WrongKind { path: path.into(), found: found.kind(), expected: vec![expected] }
}

/// Recipient vaults.
#[derive(Debug, Args)]
pub(crate) struct RecipientArgs {
    /// A recipient vault: a VAULT PUBLIC KEY file, or a VAULT RECORD file
    /// (its proof of possession is verified first). Repeat for several
    /// vaults (1..=8).
    #[arg(long = "to", value_name = "FILE", required = true)]
    pub(crate) to: Vec<PathBuf>,
}

/// A recipient vault named by `--to`.
pub(crate) struct Recipient {
    pub(crate) path: PathBuf,
    pub(crate) key: VaultPublicKey,
    /// The record, when the file was one (its proof must verify).
    pub(crate) record: Option<Box<VaultRecord>>,
}

/// The kinds `--to` takes.
pub(crate) const RECIPIENT_KINDS: [Kind; 2] = [Kind::VaultPublicKey, Kind::VaultRecord];

/// Read the `--to` files.
pub(crate) fn read_recipients(paths: &[PathBuf]) -> Result<Vec<Recipient>, CliError> {
    paths
        .iter()
        .map(|path| match read_decoded(path, &RECIPIENT_KINDS)? {
            Decoded::VaultPublicKey(key) => Ok(Recipient { path: path.clone(), key, record: None }),
            Decoded::VaultRecord(record) => Ok(Recipient {
                path: path.clone(),
                key: *record.public_key(),
                record: Some(record),
            }),
            other => Err(CliError::WrongKind {
                path: path.clone(),
                found: other.kind(),
                expected: RECIPIENT_KINDS.to_vec(),
            }),
        })
        .collect()
}

/// The vaults an item must be sealed to exactly (`verify --to`, `open
/// --to`): each vault once, however often it is named.
pub(crate) struct ExpectedRecipients {
    /// Sorted sealing keys `Y`, each once.
    keys: Vec<[u8; 32]>,
    /// The vaults, each once, in the order first named.
    vaults: Vec<VaultPublicKey>,
}

/// Why an item is refused for `--to`.
pub(crate) const NOT_SEALED_TO_EXPECTED: &str = "not sealed to exactly the --to vaults";

impl ExpectedRecipients {
    /// The distinct vaults of `recipients`.
    pub(crate) fn new(recipients: &[Recipient]) -> Self {
        let mut vaults: Vec<VaultPublicKey> = Vec::with_capacity(recipients.len());
        for recipient in recipients {
            if !vaults.contains(&recipient.key) {
                vaults.push(recipient.key);
            }
        }
        let mut keys: Vec<[u8; 32]> =
            vaults.iter().map(VaultPublicKey::sealing_key_bytes).collect();
        keys.sort_unstable();
        ExpectedRecipients { keys, vaults }
    }

    /// Whether no vault was named (then every item is admitted).
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The distinct vaults.
    pub(crate) fn vaults(&self) -> &[VaultPublicKey] {
        &self.vaults
    }

    /// Whether an item listing the sealing keys `listed` is sealed to
    /// exactly these vaults (any order); true when none were named.
    pub(crate) fn admits(&self, listed: impl Iterator<Item = [u8; 32]>) -> bool {
        let mut listed: Vec<[u8; 32]> = listed.collect();
        listed.sort_unstable();
        self.is_empty() || listed == self.keys
    }
}

/// Check the recipients before sealing to them: every record's proof of
/// possession (one batch) and expiry. A vault key whose proof does not verify,
/// or whose record has expired, is never used as a recipient (exit 1: an
/// invalid item, as `verify` reports it).
pub(crate) fn check_recipients<R: CryptoRng + ?Sized>(
    params: &Params,
    recipients: &[Recipient],
    rng: &mut R,
) -> Result<Vec<VaultPublicKey>, CliError> {
    let mut batch = BatchVerifier::new(params);
    let mut pushed = Vec::new();
    for recipient in recipients {
        if let Some(record) = &recipient.record {
            batch.push_vault_record(record);
            pushed.push(recipient);
        }
    }
    if let Err(error) = batch.verify(rng) {
        let names: Vec<String> = error
            .invalid_indices()
            .filter_map(|at| pushed.get(at))
            .map(|r| r.path.display().to_string())
            .collect();
        return Err(CliError::Invalid(format!(
            "refusing to seal: the proof of possession of {} does not verify",
            names.join(", ")
        )));
    }
    let now = expiry::unix_now();
    for recipient in recipients {
        if let Some(record) = &recipient.record {
            let expires = record.fields().expires_at();
            if expiry::has_expired(expires, now) {
                return Err(CliError::Invalid(format!(
                    "refusing to seal: the vault record {} expired at {}",
                    recipient.path.display(),
                    expiry::describe(expires)
                )));
            }
        }
    }
    Ok(recipients.iter().map(|r| r.key).collect())
}

/// The purpose of a sealed secret or a hybrid envelope's context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PurposeArg {
    /// Any secret of 1..=128 bytes.
    Secret,
    /// A webhook secret: exactly 32 bytes (input may be its 64-hex-digit form).
    WebhookSecret,
    /// A deploy key (for hybrid envelopes; sealed deploy keys always use it).
    DeployKey,
}

impl PurposeArg {
    pub(crate) fn purpose(self) -> Purpose {
        match self {
            PurposeArg::Secret => Purpose::Secret,
            PurposeArg::WebhookSecret => Purpose::WebhookSecret,
            PurposeArg::DeployKey => Purpose::DeployKey,
        }
    }

    /// The purpose as `--purpose` spells it.
    pub(crate) fn name(self) -> &'static str {
        purpose_name(self.purpose())
    }
}

/// The context every sealed item is bound to (the purpose comes from the
/// command or `--purpose`).
#[derive(Debug, Args)]
pub(crate) struct ContextArgs {
    /// Project id (1..=128 bytes).
    #[arg(long)]
    pub(crate) project: Option<String>,
    /// Repository id (1..=256 bytes), e.g. github:123456789.
    #[arg(long)]
    pub(crate) repository: Option<String>,
    /// Owner's Ed25519 public key: 64 hex digits, or a file holding an
    /// OpenSSH `ssh-ed25519` line, 64 hex digits or 32 raw bytes.
    #[arg(long, value_name = "HEX|FILE")]
    pub(crate) owner: Option<String>,
    /// Extra context bytes, as UTF-8 text (absent and empty differ).
    #[arg(long, conflicts_with = "extra_hex")]
    pub(crate) extra: Option<String>,
    /// Extra context bytes, in hex.
    #[arg(long, value_name = "HEX")]
    pub(crate) extra_hex: Option<String>,
}

impl ContextArgs {
    /// The context with `purpose`; `--project`, `--repository` and `--owner`
    /// are required.
    pub(crate) fn build(&self, purpose: Purpose) -> Result<Context, CliError> {
        let missing = |flag: &str| CliError::usage(format!("the context needs {flag}"));
        let project = self.project.as_deref().ok_or_else(|| missing("--project"))?;
        let repository = self.repository.as_deref().ok_or_else(|| missing("--repository"))?;
        let owner = parse_owner(self.owner.as_deref().ok_or_else(|| missing("--owner"))?)?;
        let context = Context::new(project.as_bytes(), repository.as_bytes(), purpose, owner)
            .map_err(|_| {
                CliError::usage("--project must be 1..=128 bytes and --repository 1..=256 bytes")
            })?;
        let extra = match (&self.extra, &self.extra_hex) {
            (Some(text), _) => Some(text.as_bytes().to_vec()),
            (None, Some(hex)) => Some(
                base16ct::mixed::decode_vec(hex.trim())
                    .map_err(|_| CliError::usage("--extra-hex is not hex"))?,
            ),
            (None, None) => None,
        };
        match extra {
            Some(extra) => context
                .with_extra(&extra)
                .map_err(|_| CliError::usage("--extra must be at most 1024 bytes")),
            None => Ok(context),
        }
    }
}

/// A purpose as `--purpose` spells it.
pub(crate) fn purpose_name(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::DeployKey => "deploy-key",
        Purpose::WebhookSecret => "webhook-secret",
        Purpose::Secret => "secret",
        // `Purpose` is non-exhaustive: a purpose this tool does not know.
        _ => "(unknown)",
    }
}

/// Why sealed items' proofs fail, naming every field of the context they
/// were checked under (what the user most often got wrong: the purpose, a
/// misspelt project or repository, another owner key or extra).
pub(crate) fn not_verified(context: &Context) -> String {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let owner = base16ct::lower::encode_string(context.owner());
    let extra = match context.extra() {
        None => "no extra".to_owned(),
        Some(extra) => format!("extra of {} bytes", extra.len()),
    };
    format!(
        "the proofs do not verify under this context (project {:?}, repository {:?}, \
         owner {}…, purpose {}, {extra}) and these recipients, or the file was altered",
        text(context.project_id()),
        text(context.repository_id()),
        &owner[..16],
        purpose_name(context.purpose()),
    )
}

/// Decode 64 hex digits (either case) into 32 bytes.
pub(crate) fn hex32(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    base16ct::mixed::decode(text, &mut out).ok()?;
    Some(out)
}

/// The owner's Ed25519 public key: 64 hex digits, or a file holding an
/// OpenSSH `ssh-ed25519` line, 64 hex digits or 32 raw bytes.
pub(crate) fn parse_owner(value: &str) -> Result<[u8; 32], CliError> {
    if let Some(key) = hex32(value) {
        return Ok(key);
    }
    let path = Path::new(value);
    if !path.exists() {
        return Err(CliError::usage(format!(
            "--owner {value}: neither an owner public key (64 hex digits) nor a file"
        )));
    }
    let data = files::read_bytes(path)?;
    let text = core::str::from_utf8(&data).map(str::trim);
    if let Ok(text) = text {
        if text.starts_with("-----BEGIN VAULTSEAL OWNER KEY-----") {
            return Err(CliError::Decode {
                path: path.into(),
                reason: format!(
                    "the owner's secret key; --owner takes its public key ({}.pub)",
                    path.display()
                ),
            });
        }
        if let Some(label) = text.strip_prefix("-----BEGIN VAULTSEAL ") {
            let label = label.split("-----").next().unwrap_or_default();
            return Err(CliError::Decode {
                path: path.into(),
                reason: format!("{}, not an owner public key", with_article(label)),
            });
        }
        if let Some(key) = hex32(text) {
            return Ok(key);
        }
        if text.starts_with("ssh-") {
            return DeployPublicKey::from_openssh(text).map(|key| key.to_bytes()).map_err(|e| {
                CliError::Decode { path: path.into(), reason: format!("owner key: {e}") }
            });
        }
    }
    <[u8; 32]>::try_from(&data[..]).map_err(|_| CliError::Decode {
        path: path.into(),
        reason: "owner key: expected 64 hex digits, an ssh-ed25519 line or 32 raw bytes".into(),
    })
}

/// A secret to seal, from `--in`: raw bytes, or for a webhook secret also its
/// 64-hex-digit form (with or without a final line break). Unless `raw`, a
/// plain secret that ends in a line break, or that is 64 hex digits (a
/// webhook secret's form), is refused: it is almost never what was meant,
/// and the sealed bytes would not match what the other side compares.
pub(crate) fn read_secret_payload(
    path: &Path,
    purpose: Purpose,
    raw: bool,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let data = files::read_bytes(path)?;
    let refuse = |reason: String| CliError::Decode { path: path.into(), reason };
    if data.is_empty() {
        return Err(refuse("the file is empty (a secret is 1..=128 bytes)".into()));
    }
    if purpose == Purpose::WebhookSecret {
        if data.len() == 32 {
            return Ok(data);
        }
        let text = core::str::from_utf8(&data).map(str::trim).unwrap_or_default();
        let mut bytes = Zeroizing::new(vec![0u8; 32]);
        if text.len() == 64 && base16ct::mixed::decode(text, &mut bytes[..]).is_ok() {
            return Ok(bytes);
        }
        return Err(refuse(format!(
            "a webhook secret is 32 bytes or 64 hex digits, not {} bytes",
            data.len()
        )));
    }
    if data.len() > vaultseal::sealed::MAX_PAYLOAD_LEN {
        return Err(refuse(format!(
            "{} bytes: a sealed secret holds 1..={} bytes; `seal hybrid` seals longer data \
             (without proofs)",
            data.len(),
            vaultseal::sealed::MAX_PAYLOAD_LEN
        )));
    }
    if raw {
        return Ok(data);
    }
    let text = core::str::from_utf8(&data).map(str::trim_end).unwrap_or_default();
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CliError::usage(format!(
            "{}: 64 hex digits, the form of a webhook secret: seal it with \
             --purpose webhook-secret (32 bytes), or pass --raw to seal the 64 characters",
            path.display()
        )));
    }
    if data.ends_with(b"\n") {
        return Err(CliError::usage(format!(
            "{}: ends in a line break, which would be sealed as part of the secret ({} bytes \
             with it): write the file without one (printf '%s' ...), or pass --raw to seal \
             the bytes as they are",
            path.display(),
            data.len()
        )));
    }
    Ok(data)
}
