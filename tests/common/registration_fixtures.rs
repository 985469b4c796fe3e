//! Registrations for the tests: vaults with their directory, owners, a few
//! registrations built once per test binary, and an independent parser of
//! the documented wire layout (`docs/PROTOCOL.md` §10.3) that edits fields
//! and re-signs them as an owner (or an attacker with their own key) would.

use std::sync::OnceLock;

use ed25519_dalek::{Signer, SigningKey};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::registration::NewRegistration;
use vaultseal::{
    DeployPublicKey, Params, ProjectRegistration, VaultFields, VaultKeypair, VaultPublicKey,
    VaultRecord,
};

/// The signed-message prefix (`docs/PROTOCOL.md` §10.3).
pub const SIGNATURE_LABEL: &[u8] = b"vaultseal-registration-v1";

/// A deterministic RNG.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Three vaults (the first two are the registrations' recipients; the
/// third is in the directory but never a recipient) and their records.
pub struct Vaults {
    pub keys: Vec<VaultKeypair>,
    pub directory: Vec<VaultRecord>,
}

impl Vaults {
    pub fn public(&self, i: usize) -> &VaultPublicKey {
        self.keys[i].public()
    }

    /// The two recipients.
    pub fn recipients(&self) -> [VaultPublicKey; 2] {
        [*self.public(0), *self.public(1)]
    }
}

pub fn vaults() -> &'static Vaults {
    static VAULTS: OnceLock<Vaults> = OnceLock::new();
    VAULTS.get_or_init(|| {
        let params = Params::shared();
        let mut rng = rng(100);
        let keys: Vec<VaultKeypair> = [0x61u8, 0x62, 0x63]
            .iter()
            .map(|s| VaultKeypair::from_seed(params, &[*s; 32]).unwrap())
            .collect();
        let directory = keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let fields =
                    VaultFields::new("eu-west", &format!("vault-{i}.example"), 1, 0).unwrap();
                VaultRecord::new(key, fields, &mut rng).with_network_metrics(800, 1 << 20).unwrap()
            })
            .collect();
        Vaults { keys, directory }
    })
}

/// Alice, the owner.
pub fn alice() -> SigningKey {
    SigningKey::from_bytes(&[0xa1; 32])
}

/// Mallory, another owner.
pub fn mallory() -> SigningKey {
    SigningKey::from_bytes(&[0x3a; 32])
}

pub const CONFIG_REF: &str = "github:1001";
pub const CODE_REF: &str = "github:1002";

/// A registration built with the builder.
pub fn build(
    owner: &SigningKey,
    name: &str,
    recipients: &[VaultPublicKey],
    config: &str,
    code: &str,
    seed: u64,
) -> NewRegistration {
    ProjectRegistration::builder(owner, name)
        .recipients(recipients)
        .repositories(config, code)
        .timestamp(1_750_000_000 + seed)
        .build(Params::shared(), &mut rng(seed))
        .unwrap()
}

/// The registrations the tests share.
pub struct Fixtures {
    /// Alice's "demo" to vaults 0 and 1: the valid registration.
    pub demo: NewRegistration,
    /// Alice's "other" project, same vaults and repositories.
    pub other_project: NewRegistration,
    /// Alice's "demo" with other repositories.
    pub other_repositories: NewRegistration,
    /// Alice's "demo" to vault 0 only.
    pub one_vault: NewRegistration,
}

pub fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let v = vaults();
        let both = v.recipients();
        Fixtures {
            demo: build(&alice(), "demo", &both, CONFIG_REF, CODE_REF, 1),
            other_project: build(&alice(), "other", &both, CONFIG_REF, CODE_REF, 2),
            other_repositories: build(&alice(), "demo", &both, "github:2001", "github:2002", 3),
            one_vault: build(&alice(), "demo", &[*v.public(0)], CONFIG_REF, CODE_REF, 4),
        }
    })
}

/// The ownership check of a git host where exactly the keys of the given
/// registrations are installed, each on its own repository.
pub fn git_host(
    registrations: &[&NewRegistration],
) -> impl Fn(&str, &DeployPublicKey) -> bool + use<> {
    let installed: Vec<(String, DeployPublicKey)> = registrations
        .iter()
        .flat_map(|r| r.repositories().iter())
        .map(|s| (s.repository().to_owned(), s.deploy_public_key()))
        .collect();
    move |repository: &str, key: &DeployPublicKey| {
        installed.iter().any(|(r, k)| r == repository && k == key)
    }
}

/// A git host that answers yes to everything.
pub fn yes(_: &str, _: &DeployPublicKey) -> bool {
    true
}

/// One repository entry, as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoParts {
    pub role: u8,
    pub reference: Vec<u8>,
    pub deploy_key: [u8; 32],
    pub sealed_key: Vec<u8>,
    pub sealed_secret: Vec<u8>,
}

/// A registration's fields, parsed from the documented layout without the
/// crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    pub version: u8,
    pub owner: [u8; 32],
    pub name: Vec<u8>,
    pub nonce: [u8; 16],
    pub timestamp: u64,
    pub recipients: Vec<[u8; 64]>,
    pub repos: [RepoParts; 2],
    pub signature: [u8; 64],
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        head
    }
    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
    fn u16(&mut self) -> usize {
        usize::from(u16::from_le_bytes(self.take(2).try_into().unwrap()))
    }
}

impl Parts {
    pub fn parse(bytes: &[u8]) -> Self {
        let mut c = Cursor(bytes);
        let version = c.u8();
        let owner = c.take(32).try_into().unwrap();
        let name_len = usize::from(c.u8());
        let name = c.take(name_len).to_vec();
        let nonce = c.take(16).try_into().unwrap();
        let timestamp = u64::from_le_bytes(c.take(8).try_into().unwrap());
        let v = usize::from(c.u8());
        let recipients = (0..v).map(|_| c.take(64).try_into().unwrap()).collect();
        let mut repo = || {
            let role = c.u8();
            let len = c.u16();
            let reference = c.take(len).to_vec();
            let deploy_key = c.take(32).try_into().unwrap();
            let len = c.u16();
            let sealed_key = c.take(len).to_vec();
            let len = c.u16();
            let sealed_secret = c.take(len).to_vec();
            RepoParts { role, reference, deploy_key, sealed_key, sealed_secret }
        };
        let repos = [repo(), repo()];
        let signature = c.take(64).try_into().unwrap();
        assert!(c.0.is_empty(), "trailing bytes");
        Parts { version, owner, name, nonce, timestamp, recipients, repos, signature }
    }

    /// Everything the signature covers.
    pub fn body(&self) -> Vec<u8> {
        let mut out = vec![self.version];
        out.extend_from_slice(&self.owner);
        out.push(u8::try_from(self.name.len()).unwrap());
        out.extend_from_slice(&self.name);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        out.push(u8::try_from(self.recipients.len()).unwrap());
        for r in &self.recipients {
            out.extend_from_slice(r);
        }
        for repo in &self.repos {
            out.push(repo.role);
            out.extend_from_slice(&u16::try_from(repo.reference.len()).unwrap().to_le_bytes());
            out.extend_from_slice(&repo.reference);
            out.extend_from_slice(&repo.deploy_key);
            for item in [&repo.sealed_key, &repo.sealed_secret] {
                out.extend_from_slice(&u16::try_from(item.len()).unwrap().to_le_bytes());
                out.extend_from_slice(item);
            }
        }
        out
    }

    /// The encoding with the current signature.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.extend_from_slice(&self.signature);
        out
    }

    /// Sign the body as `key` (the owner field is left as it is).
    pub fn sign(&mut self, key: &SigningKey) -> &mut Self {
        let mut message = SIGNATURE_LABEL.to_vec();
        message.extend_from_slice(&self.body());
        self.signature = key.sign(&message).to_bytes();
        self
    }

    /// The decoded registration.
    pub fn decode(&self) -> ProjectRegistration {
        ProjectRegistration::from_bytes(&self.encode()).unwrap()
    }

    /// Byte offsets of the parts that are not inside a sealed item:
    /// `(start, end)` ranges of the encoding.
    pub fn outside_sealed_items(&self) -> Vec<(usize, usize)> {
        let header = 1 + 32 + 1 + self.name.len() + 16 + 8 + 1 + 64 * self.recipients.len();
        let mut ranges = vec![(0, header)];
        let mut at = header;
        for repo in &self.repos {
            let fixed = 1 + 2 + repo.reference.len() + 32 + 2;
            ranges.push((at, at + fixed));
            at += fixed + repo.sealed_key.len();
            ranges.push((at, at + 2));
            at += 2 + repo.sealed_secret.len();
        }
        ranges.push((at, at + 64));
        ranges
    }
}

/// The parts of a new registration.
pub fn parts(new: &NewRegistration) -> Parts {
    Parts::parse(&new.registration().to_bytes())
}
