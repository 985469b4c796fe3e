//! A pool of batch items, valid and invalid, sealed once per test binary,
//! with the two ways of pushing them and their single verification.

use std::sync::OnceLock;

use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{
    BatchVerifier, Context, DeployKey, Error, Params, Purpose, SealedDeployKey, SealedSecret,
    VaultKeyProof, VaultKeypair, VaultPublicKey, WebhookSecret, seal_deploy_key, seal_secret,
};

/// Record fields of the vaults' proofs of possession.
pub const RECORD: &[u8] = b"region=eu-west;endpoint=vault.example;epoch=3";

/// The kind of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A vault key proof (`bytes` = proof, `public` = public key).
    Proof,
    /// A sealed deploy key.
    DeployKey,
    /// A sealed secret.
    Secret,
}

/// How an item is pushed into a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `push_*_bytes`: decoded by `verify`.
    Bytes,
    /// `push_*` with the decoded object (falls back to bytes for an item that
    /// does not decode).
    Decoded,
}

/// A decoded item.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Decoded {
    Proof(VaultKeyProof, VaultPublicKey),
    DeployKey(SealedDeployKey),
    Secret(SealedSecret),
}

/// One pool item.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
    /// The item's encoding (the proof's, for `Kind::Proof`).
    pub bytes: Vec<u8>,
    /// The public key's encoding (`Kind::Proof` only).
    pub public: Vec<u8>,
    /// The record (`Kind::Proof` only).
    pub record: Vec<u8>,
    /// The context it is verified under (sealed items only).
    pub context: Context,
    /// The decoded item, if it decodes.
    pub decoded: Option<Decoded>,
}

impl Entry {
    fn new(name: &str, kind: Kind, bytes: Vec<u8>, context: Context) -> Self {
        let mut entry = Entry {
            name: name.to_owned(),
            kind,
            bytes,
            public: Vec::new(),
            record: Vec::new(),
            context,
            decoded: None,
        };
        entry.decoded = entry.decode().ok();
        entry
    }

    fn proof(name: &str, proof: Vec<u8>, public: Vec<u8>, record: &[u8]) -> Self {
        let mut entry = Entry {
            name: name.to_owned(),
            kind: Kind::Proof,
            bytes: proof,
            public,
            record: record.to_vec(),
            context: context(Purpose::Secret, "unused"),
            decoded: None,
        };
        entry.decoded = entry.decode().ok();
        entry
    }

    /// Decode as the single path does.
    pub fn decode(&self) -> Result<Decoded, Error> {
        Ok(match self.kind {
            Kind::Proof => Decoded::Proof(
                VaultKeyProof::from_bytes(&self.bytes)?,
                VaultPublicKey::from_bytes(&self.public)?,
            ),
            Kind::DeployKey => Decoded::DeployKey(SealedDeployKey::from_bytes(&self.bytes)?),
            Kind::Secret => Decoded::Secret(SealedSecret::from_bytes(&self.bytes)?),
        })
    }

    /// Single verification: decode, then the item's own `verify`.
    pub fn single(&self, rng: &mut ChaCha20Rng) -> Result<(), Error> {
        let params = Params::shared();
        match self.decode()? {
            Decoded::Proof(proof, public) => proof.verify(params, &public, &self.record, rng),
            Decoded::DeployKey(sealed) => sealed.verify(params, &self.context, rng),
            Decoded::Secret(sealed) => sealed.verify(params, &self.context, rng),
        }
    }

    /// Push into `batch` in `mode`; returns the index.
    pub fn push<'a>(&'a self, batch: &mut BatchVerifier<'a>, mode: Mode) -> usize {
        match (mode, &self.decoded) {
            (Mode::Decoded, Some(Decoded::Proof(proof, public))) => {
                batch.push_vault_key_proof(proof, public, &self.record)
            }
            (Mode::Decoded, Some(Decoded::DeployKey(sealed))) => {
                batch.push_sealed_deploy_key(sealed, &self.context)
            }
            (Mode::Decoded, Some(Decoded::Secret(sealed))) => {
                batch.push_sealed_secret(sealed, &self.context)
            }
            _ => match self.kind {
                Kind::Proof => {
                    batch.push_vault_key_proof_bytes(&self.bytes, &self.public, &self.record)
                }
                Kind::DeployKey => batch.push_sealed_deploy_key_bytes(&self.bytes, &self.context),
                Kind::Secret => batch.push_sealed_secret_bytes(&self.bytes, &self.context),
            },
        }
    }

    /// A copy with `f` applied to the encoding.
    fn tampered(&self, name: &str, f: impl FnOnce(&mut Vec<u8>)) -> Self {
        let mut bytes = self.bytes.clone();
        f(&mut bytes);
        if self.kind == Kind::Proof {
            Entry::proof(name, bytes, self.public.clone(), &self.record)
        } else {
            Entry::new(name, self.kind, bytes, self.context.clone())
        }
    }
}

/// The pool: valid items first (`valid` of them), then invalid ones.
#[derive(Debug)]
pub struct Pool {
    pub vaults: Vec<VaultKeypair>,
    pub entries: Vec<Entry>,
    pub valid: usize,
}

impl Pool {
    /// The entry named `name`.
    pub fn get(&self, name: &str) -> &Entry {
        self.entries.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no entry {name}"))
    }
}

/// A context for `purpose` and repository `repo`.
pub fn context(purpose: Purpose, repo: &str) -> Context {
    Context::new(b"batch-tests", repo.as_bytes(), purpose, [5; 32]).unwrap()
}

/// `bytes[at..at + 32]` as a scalar, plus `delta`, written back.
pub fn add_to_scalar(bytes: &mut [u8], at: usize, delta: Scalar) {
    let z = Scalar::from_canonical_bytes(bytes[at..at + 32].try_into().unwrap()).unwrap();
    bytes[at..at + 32].copy_from_slice((z + delta).as_bytes());
}

/// Offsets in a sealed deploy key to `v` vaults: (A, C_0, D_00, range proof,
/// sigma proof).
pub fn deploy_key_offsets(v: usize) -> (usize, usize, usize, usize, usize) {
    let a = 2 + 32 * v;
    let c = a + 64;
    let d = c + 32 * 16;
    let range = d + 32 * 16 * v;
    let sigma = range + 32 * (2 * 8 + 9);
    (a, c, d, range, sigma)
}

/// The shared pool.
pub fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(build_pool)
}

fn build_pool() -> Pool {
    let params = Params::shared();
    let mut rng = ChaCha20Rng::seed_from_u64(2024);
    let vaults: Vec<VaultKeypair> =
        (0u8..8).map(|i| VaultKeypair::from_seed(params, &[i + 40; 32]).unwrap()).collect();
    let publics: Vec<VaultPublicKey> = vaults.iter().map(|k| *k.public()).collect();
    let mut entries = Vec::new();

    // ---- valid ----
    for (i, vault) in vaults.iter().take(3).enumerate() {
        let proof = VaultKeyProof::prove(vault, RECORD, &mut rng);
        entries.push(Entry::proof(
            &format!("proof{i}"),
            proof.to_bytes().to_vec(),
            vault.public().to_bytes().to_vec(),
            RECORD,
        ));
    }
    for v in [1usize, 3, 8] {
        let ctx = context(Purpose::DeployKey, &format!("github:{v}"));
        let key = DeployKey::generate(&mut rng);
        let sealed = seal_deploy_key(params, &publics[..v], &ctx, &key, &mut rng).unwrap();
        entries.push(Entry::new(&format!("deploy{v}"), Kind::DeployKey, sealed.to_bytes(), ctx));
    }
    let webhook_ctx = context(Purpose::WebhookSecret, "github:hook");
    let secret = WebhookSecret::generate(&mut rng);
    let sealed =
        seal_secret(params, &publics[..1], &webhook_ctx, secret.as_bytes(), &mut rng).unwrap();
    entries.push(Entry::new("webhook1", Kind::Secret, sealed.to_bytes(), webhook_ctx));
    for (len, v) in [(5usize, 2usize), (17, 4)] {
        let ctx = context(Purpose::Secret, &format!("gitlab:{len}"));
        let payload: Vec<u8> = (0..len).map(|i| u8::try_from((i * 7 + 1) % 256).unwrap()).collect();
        let sealed = seal_secret(params, &publics[2..2 + v], &ctx, &payload, &mut rng).unwrap();
        entries.push(Entry::new(&format!("secret{len}"), Kind::Secret, sealed.to_bytes(), ctx));
    }
    let valid = entries.len();

    // ---- invalid ----
    let find =
        |entries: &[Entry], name: &str| entries.iter().find(|e| e.name == name).unwrap().clone();
    let deploy1 = find(&entries, "deploy1");
    let deploy3 = find(&entries, "deploy3");
    let deploy8 = find(&entries, "deploy8");
    let webhook1 = find(&entries, "webhook1");
    let secret5 = find(&entries, "secret5");
    let proof0 = find(&entries, "proof0");
    let proof1 = find(&entries, "proof1");
    let proof2 = find(&entries, "proof2");
    let mut invalid = Vec::new();

    // Verification failures.
    let mut moved = deploy1.clone();
    moved.name = "deploy1_other_context".into();
    moved.context = context(Purpose::DeployKey, "github:elsewhere");
    invalid.push(moved);
    invalid.push(deploy3.tampered("deploy3_z_m", |b| {
        let at = b.len() - 128;
        add_to_scalar(b, at, Scalar::ONE);
    }));
    invalid.push(webhook1.tampered("webhook1_z_r", |b| {
        let at = b.len() - 32;
        add_to_scalar(b, at, Scalar::ONE);
    }));
    invalid.push(proof1.tampered("proof1_z", |b| add_to_scalar(b, 32, Scalar::ONE)));
    let mut other_record = proof0.clone();
    other_record.name = "proof0_other_record".into();
    other_record.record = b"region=elsewhere".to_vec();
    invalid.push(other_record);
    invalid.push(deploy1.tampered("deploy1_a_prime_torsion", |b| {
        // [8](A′ + T) = [8]A′ = A: decodes, but A′ is absorbed.
        let (a, ..) = deploy_key_offsets(1);
        let a_prime =
            CompressedEdwardsY(b[a + 32..a + 64].try_into().unwrap()).decompress().unwrap();
        b[a + 32..a + 64].copy_from_slice((a_prime + EIGHT_TORSION[1]).compress().as_bytes());
    }));

    // Refusals: a context of the wrong purpose.
    let mut wrong_purpose = secret5.clone();
    wrong_purpose.name = "secret5_deploy_key_context".into();
    wrong_purpose.context = context(Purpose::DeployKey, "gitlab:5");
    invalid.push(wrong_purpose);

    // Decoding failures.
    invalid.push(deploy1.tampered("deploy1_identity_vault_key", |b| b[2..34].fill(0)));
    invalid.push(deploy3.tampered("deploy3_identity_handle", |b| {
        let (_, _, d, ..) = deploy_key_offsets(3);
        b[d + 32..d + 64].fill(0);
    }));
    invalid.push(deploy1.tampered("deploy1_torsion_a", |b| {
        let (a, ..) = deploy_key_offsets(1);
        let point = CompressedEdwardsY(b[a..a + 32].try_into().unwrap()).decompress().unwrap();
        b[a..a + 32].copy_from_slice((point + EIGHT_TORSION[1]).compress().as_bytes());
    }));
    invalid.push(deploy1.tampered("deploy1_noncanonical_u1", |b| {
        // The identity with the sign bit set: decompresses, not canonical.
        let (.., sigma) = deploy_key_offsets(1);
        let at = sigma + 32 * 3;
        b[at..at + 32].fill(0);
        b[at] = 1;
        b[at + 31] = 0x80;
    }));
    invalid.push(deploy8.tampered("deploy8_noncanonical_z_m", |b| {
        // z_m + ℓ: same value mod ℓ, not canonical.
        let at = b.len() - 128;
        let mut wide = [0u8; 33];
        wide[..32].copy_from_slice(&b[at..at + 32]);
        let mut carry = 0u16;
        for (byte, l) in wide.iter_mut().zip(ELL) {
            let sum = u16::from(*byte) + u16::from(l) + carry;
            *byte = sum.to_le_bytes()[0];
            carry = sum >> 8;
        }
        b[at..at + 32].copy_from_slice(&wide[..32]);
    }));
    invalid.push(deploy1.tampered("deploy1_identity_range_a", |b| {
        let (.., range, _) = deploy_key_offsets(1);
        b[range..range + 32].fill(0);
    }));
    invalid.push(webhook1.tampered("webhook1_truncated", |b| {
        b.pop();
    }));
    invalid.push(webhook1.tampered("webhook1_trailing", |b| b.push(0)));
    let mut identity_key = proof2.clone();
    identity_key.name = "proof2_identity_vault_key".into();
    identity_key.public[..32].fill(0);
    identity_key.decoded = None;
    invalid.push(identity_key);
    invalid.push(Entry::new(
        "garbage",
        Kind::DeployKey,
        vec![1, 2, 3],
        context(Purpose::DeployKey, "x"),
    ));

    entries.extend(invalid);
    Pool { vaults, entries, valid }
}

/// ℓ, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
