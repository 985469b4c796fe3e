//! The valid items, their structured models and the mutations of
//! `batch_structured` (see that target's documentation).
//!
//! Sealed items are modelled by `sealed_layout::Parts` (the tests' layout
//! parser: keys, ciphertext, range proof, sigma proof as 32-byte elements)
//! plus the header bytes, registrations by their fields with the nested
//! sealed items as models. Every element has a known encoding (ristretto
//! point, Edwards point, scalar), so a mutation replaces a point with a point
//! and a scalar with a scalar unless it asks for a type confusion.

use std::sync::OnceLock;

use curve25519_dalek::constants::{
    ED25519_BASEPOINT_POINT, EIGHT_TORSION, RISTRETTO_BASEPOINT_POINT,
};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{Context, DeployKey, Params, Purpose, VaultKeyProof, seal_deploy_key, seal_secret};

use crate::registration_fixtures::{self, SIGNATURE_LABEL, alice, fixtures, mallory, vaults};
use crate::sealed_layout::{Element, Kind, Parts};

/// At most this many mutations of one item are applied.
const MAX_MUTATIONS: usize = 8;
/// Recipient and chunk lists are not grown past this.
const MAX_LIST: usize = 12;

// ---------------------------------------------------------------- elements

/// How a 32-byte element is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Ristretto,
    Edwards,
    Scalar,
}

/// ℓ, little-endian.
const ELL: Element = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
/// p = 2²⁵⁵ − 19, little-endian.
const P: Element = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// Elements that are not (all) valid: identities, small-order points,
/// non-canonical encodings, out-of-range scalars.
fn specials(encoding: Encoding) -> Vec<Element> {
    let with = |mut x: Element, i: usize, b: u8| {
        x[i] = b;
        x
    };
    match encoding {
        Encoding::Ristretto => vec![
            [0; 32],                                         // identity
            RISTRETTO_BASEPOINT_POINT.compress().to_bytes(), // B
            with([0; 32], 0, 1),                             // s = 1: negative, non-canonical
            P,                                               // s = p: non-canonical 0
            with(P, 0, 0xee),                                // s = p + 1
            [0xff; 32],
            with([0; 32], 31, 0x80), // high bit set
        ],
        Encoding::Edwards => {
            let mut out: Vec<Element> =
                EIGHT_TORSION.iter().map(|t| t.compress().to_bytes()).collect();
            out.push(ED25519_BASEPOINT_POINT.compress().to_bytes());
            out.push(with([0; 32], 0, 1)); // identity
            out.push(with(with([0; 32], 0, 1), 31, 0x80)); // "−0": identity with the sign bit
            out.push(P); // y = p: non-canonical 0
            out.push(with(P, 0, 0xee)); // y = p + 1: non-canonical identity
            out.push([0xff; 32]);
            out.push((ED25519_BASEPOINT_POINT + EIGHT_TORSION[1]).compress().to_bytes());
            out
        }
        Encoding::Scalar => {
            let mut ell_plus_one = ELL;
            ell_plus_one[0] += 1;
            let mut ell_minus_one = ELL;
            ell_minus_one[0] -= 1;
            vec![
                [0; 32],
                with([0; 32], 0, 1),
                ell_minus_one,
                ELL,
                ell_plus_one,
                with([0; 32], 31, 0x10), // 2²⁵²
                P,
                [0xff; 32],
            ]
        }
    }
}

/// An arithmetic neighbour of an element, or a bit flip.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Tweak {
    /// `x + 1`, `P + B`.
    Increment,
    /// `x − 1`, `P − B`.
    Decrement,
    /// `−x`, `−P`.
    Negate,
    /// `2x`, `2P`.
    Double,
    /// `x + ℓ` (non-canonical), `P + T₈[i]` (Edwards), `P + i·B` (ristretto).
    Torsion(u8),
    /// One bit of the encoding.
    FlipBit(u8),
}

impl Tweak {
    /// The tweaked element (unchanged if it does not decode as `encoding`).
    fn apply(self, encoding: Encoding, x: Element) -> Element {
        if let Tweak::FlipBit(bit) = self {
            let mut x = x;
            x[usize::from(bit / 8) % 32] ^= 1 << (bit % 8);
            return x;
        }
        match encoding {
            Encoding::Scalar => {
                let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(x)) else {
                    return x;
                };
                match self {
                    Tweak::Increment => (s + Scalar::ONE).to_bytes(),
                    Tweak::Decrement => (s - Scalar::ONE).to_bytes(),
                    Tweak::Negate => (-s).to_bytes(),
                    Tweak::Double => (s + s).to_bytes(),
                    _ => add_bytes(x, ELL),
                }
            }
            Encoding::Ristretto => {
                let Some(p) = CompressedRistretto(x).decompress() else {
                    return x;
                };
                let b = RISTRETTO_BASEPOINT_POINT;
                let q = match self {
                    Tweak::Increment => p + b,
                    Tweak::Decrement => p - b,
                    Tweak::Negate => -p,
                    Tweak::Double => p + p,
                    Tweak::Torsion(i) => p + Scalar::from(u64::from(i)) * b,
                    Tweak::FlipBit(_) => p,
                };
                q.compress().to_bytes()
            }
            Encoding::Edwards => {
                let Some(p) = CompressedEdwardsY(x).decompress() else {
                    return x;
                };
                let b = ED25519_BASEPOINT_POINT;
                let q = match self {
                    Tweak::Increment => p + b,
                    Tweak::Decrement => p - b,
                    Tweak::Negate => -p,
                    Tweak::Double => p + p,
                    Tweak::Torsion(i) => p + EIGHT_TORSION[usize::from(i % 8)],
                    Tweak::FlipBit(_) => p,
                };
                q.compress().to_bytes()
            }
        }
    }
}

/// `a + b` modulo 2²⁵⁶.
fn add_bytes(a: Element, b: Element) -> Element {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = v.to_le_bytes()[0];
        carry = v >> 8;
    }
    out
}

/// What replaces an element.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Value {
    /// An element of the same encoding taken from the valid items.
    Valid(u16),
    /// An identity, small-order, non-canonical or out-of-range element.
    Special(u8),
    /// A neighbour of the current value.
    Tweak(Tweak),
    /// A valid element of another encoding (type confusion).
    Confused(u16),
}

impl Value {
    fn resolve(self, pool: &Pool, encoding: Encoding, current: Element) -> Element {
        let pick = |list: &[Element], i: usize| list[i % list.len()];
        match self {
            Value::Valid(i) => pick(pool.elements(encoding), usize::from(i)),
            Value::Special(i) => pick(&specials(encoding), usize::from(i)),
            Value::Tweak(tweak) => tweak.apply(encoding, current),
            Value::Confused(i) => {
                let other = match encoding {
                    Encoding::Ristretto => Encoding::Scalar,
                    Encoding::Edwards => Encoding::Ristretto,
                    Encoding::Scalar => Encoding::Edwards,
                };
                pick(pool.elements(other), usize::from(i))
            }
        }
    }
}

// ---------------------------------------------------------------- sealed items

/// A sealed item: its parts, the recipient-count byte, the encoding's tail.
#[derive(Clone, Debug)]
pub struct Sealed {
    pub parts: Parts,
    /// The recipient-count byte (the parser's `v`, kept when recipients are
    /// dropped or added unless a mutation fixes it).
    pub v: u8,
}

impl Sealed {
    pub fn parse(kind: Kind, bytes: &[u8]) -> Self {
        let parts = Parts::parse(kind, bytes);
        let v = u8::try_from(parts.Y.len()).unwrap_or(u8::MAX);
        Sealed { parts, v }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.parts.encode();
        // `Parts::encode` writes `v = |Y|`; ours may differ.
        let at = if self.parts.len.is_some() { 2 } else { 1 };
        out[at] = self.v;
        out
    }

    /// Every element with its encoding, in wire order.
    fn elements_mut(&mut self) -> Vec<(Encoding, &mut Element)> {
        use Encoding::*;
        let p = &mut self.parts;
        let mut out: Vec<(Encoding, &mut Element)> = Vec::new();
        out.extend(p.Y.iter_mut().map(|e| (Ristretto, e)));
        if let Some((a, a_prime)) = &mut p.key {
            out.push((Edwards, a));
            out.push((Edwards, a_prime));
        }
        out.extend(p.C.iter_mut().map(|e| (Ristretto, e)));
        out.extend(p.D.iter_mut().flatten().map(|e| (Ristretto, e)));
        let n = p.range_proof.len();
        for (i, e) in p.range_proof.iter_mut().enumerate() {
            // A S T1 T2 | τx μ t̂ | L R … | a b
            let scalar = (4..7).contains(&i) || i + 2 >= n;
            out.push((if scalar { Scalar } else { Ristretto }, e));
        }
        out.push((Ristretto, &mut p.T0));
        out.extend(p.Tj.iter_mut().map(|e| (Ristretto, e)));
        for (i, e) in p.binding.iter_mut().enumerate() {
            out.push((if i == 1 { Edwards } else { Ristretto }, e));
        }
        out.extend(p.z.iter_mut().map(|e| (Scalar, e)));
        out
    }

    /// Every element with its encoding (copies).
    fn elements(&self) -> Vec<(Encoding, Element)> {
        let mut copy = self.clone();
        copy.elements_mut().into_iter().map(|(e, x)| (e, *x)).collect()
    }

    fn apply(&mut self, mutation: &SealedMutation, pool: &Pool) {
        match *mutation {
            SealedMutation::Replace { element, value } => {
                let mut elements = self.elements_mut();
                let n = elements.len();
                if n > 0 {
                    let (encoding, x) = &mut elements[usize::from(element) % n];
                    **x = value.resolve(pool, *encoding, **x);
                }
            }
            SealedMutation::Swap { a, b } => {
                let list = self.elements();
                let n = list.len();
                if n == 0 {
                    return;
                }
                let a = usize::from(a) % n;
                let same: Vec<usize> =
                    (0..n).filter(|&i| list[i].0 == list[a].0 && i != a).collect();
                if same.is_empty() {
                    return;
                }
                let b = same[usize::from(b) % same.len()];
                let mut elements = self.elements_mut();
                let (xa, xb) = (*elements[a].1, *elements[b].1);
                *elements[a].1 = xb;
                *elements[b].1 = xa;
            }
            SealedMutation::CopyElement { element, donor } => {
                let donor = pool.donor(donor);
                let theirs = donor.elements();
                let mut elements = self.elements_mut();
                let n = elements.len();
                if n == 0 {
                    return;
                }
                let i = usize::from(element) % n;
                // The donor's element at the same position if it has the
                // same encoding, else its first of that encoding.
                let encoding = elements[i].0;
                let found = theirs
                    .get(i)
                    .filter(|(e, _)| *e == encoding)
                    .or_else(|| theirs.iter().find(|(e, _)| *e == encoding));
                if let Some((_, x)) = found {
                    *elements[i].1 = *x;
                }
            }
            SealedMutation::Section { section, donor } => {
                let d = &pool.donor(donor).parts;
                let p = &mut self.parts;
                match section {
                    Section::Keys => p.Y = d.Y.clone(),
                    Section::DeployKey => p.key = d.key.or(p.key),
                    Section::Ciphertext => {
                        p.C = d.C.clone();
                        p.D = d.D.clone();
                    }
                    Section::RangeProof => p.range_proof = d.range_proof.clone(),
                    Section::Sigma => {
                        p.T0 = d.T0;
                        p.Tj = d.Tj.clone();
                        p.binding = d.binding.clone();
                        p.z = d.z.clone();
                    }
                }
            }
            SealedMutation::Recipients(op) => self.recipients(op, pool),
            SealedMutation::SwapChunks(a, b) => {
                let k = self.parts.C.len();
                if k > 0 {
                    let (a, b) = (usize::from(a) % k, usize::from(b) % k);
                    self.parts.C.swap(a, b);
                    for row in &mut self.parts.D {
                        if a < row.len() && b < row.len() {
                            row.swap(a, b);
                        }
                    }
                }
            }
            SealedMutation::Header(header) => match header {
                Header::Version(b) => self.parts.version = b,
                Header::PayloadLen(b) => {
                    if self.parts.len.is_some() {
                        self.parts.len = Some(b);
                    }
                }
                Header::PayloadLenDelta(d) => {
                    self.parts.len = self.parts.len.map(|l| l.wrapping_add_signed(d));
                }
                Header::Recipients(b) => self.v = b,
                Header::FixRecipients => self.v = u8::try_from(self.parts.Y.len()).unwrap_or(0),
            },
            SealedMutation::Resize { list, op } => {
                let p = &mut self.parts;
                match list {
                    List::C => resize(&mut p.C, op),
                    List::D(j) => {
                        let n = p.D.len();
                        if n > 0 {
                            resize(&mut p.D[usize::from(j) % n], op);
                        }
                    }
                    List::RangeProof => resize(&mut p.range_proof, op),
                    List::Tj => resize(&mut p.Tj, op),
                    List::Binding => resize(&mut p.binding, op),
                    List::Z => resize(&mut p.z, op),
                }
            }
        }
    }

    fn recipients(&mut self, op: RecipientOp, pool: &Pool) {
        let p = &mut self.parts;
        let v = p.Y.len();
        match op {
            RecipientOp::Drop(j) if v > 0 => {
                let j = usize::from(j) % v;
                p.Y.remove(j);
                if j < p.D.len() {
                    p.D.remove(j);
                }
                if j < p.Tj.len() {
                    p.Tj.remove(j);
                }
            }
            RecipientOp::Duplicate(j) if v > 0 && v < MAX_LIST => {
                let j = usize::from(j) % v;
                p.Y.insert(j, p.Y[j]);
                if j < p.D.len() {
                    p.D.insert(j, p.D[j].clone());
                }
                if j < p.Tj.len() {
                    p.Tj.insert(j, p.Tj[j]);
                }
            }
            RecipientOp::Swap(a, b) if v > 0 => {
                let (a, b) = (usize::from(a) % v, usize::from(b) % v);
                if a < p.D.len() && b < p.D.len() && a < p.Tj.len() && b < p.Tj.len() {
                    p.swap_recipients(a, b);
                } else {
                    p.Y.swap(a, b);
                }
            }
            RecipientOp::Insert { at, donor, j } if v < MAX_LIST => {
                // Another item's recipient: key, handles and T_j.
                let d = &pool.donor(donor).parts;
                let dv = d.Y.len();
                if dv == 0 {
                    return;
                }
                let j = usize::from(j) % dv;
                let at = usize::from(at) % (v + 1);
                p.Y.insert(at, d.Y[j]);
                if at <= p.D.len() {
                    p.D.insert(at, d.D[j].clone());
                }
                if at <= p.Tj.len() {
                    p.Tj.insert(at, d.Tj[j]);
                }
            }
            RecipientOp::KeyOnly { j, vault } if v > 0 => {
                // Replace a recipient's key by another vault's, keeping its
                // handles and T_j.
                let keys = &vaults().keys;
                let y = keys[usize::from(vault) % keys.len()].public().sealing_key_bytes();
                p.Y[usize::from(j) % v] = y;
            }
            _ => {}
        }
    }
}

fn resize(list: &mut Vec<Element>, op: ResizeOp) {
    let n = list.len();
    match op {
        ResizeOp::Remove(i) if n > 0 => {
            list.remove(usize::from(i) % n);
        }
        ResizeOp::Duplicate(i) if n > 0 && n < 64 => {
            let i = usize::from(i) % n;
            list.insert(i, list[i]);
        }
        ResizeOp::Truncate(k) => list.truncate(usize::from(k) % (n + 1)),
        _ => {}
    }
}

/// Sections of a sealed item (contiguous on the wire).
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Section {
    Keys,
    DeployKey,
    Ciphertext,
    RangeProof,
    Sigma,
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum RecipientOp {
    Drop(u8),
    Duplicate(u8),
    Swap(u8, u8),
    Insert { at: u8, donor: u16, j: u8 },
    KeyOnly { j: u8, vault: u8 },
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Header {
    Version(u8),
    PayloadLen(u8),
    PayloadLenDelta(i8),
    Recipients(u8),
    /// The recipient-count byte set to the number of keys.
    FixRecipients,
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum List {
    C,
    D(u8),
    RangeProof,
    Tj,
    Binding,
    Z,
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum ResizeOp {
    Remove(u8),
    Duplicate(u8),
    Truncate(u8),
}

/// One structured mutation of a sealed item.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum SealedMutation {
    /// Element `element` (wire order, modulo the count) replaced.
    Replace {
        element: u16,
        value: Value,
    },
    /// Two elements of one encoding swapped.
    Swap {
        a: u16,
        b: u16,
    },
    /// An element taken from another valid item.
    CopyElement {
        element: u16,
        donor: u16,
    },
    /// A whole section taken from another valid item.
    Section {
        section: Section,
        donor: u16,
    },
    Recipients(RecipientOp),
    SwapChunks(u8, u8),
    Header(Header),
    /// An element list shortened or lengthened.
    Resize {
        list: List,
        op: ResizeOp,
    },
}

/// The end of an encoding cut or extended.
#[derive(Arbitrary, Clone, Debug)]
pub enum Tail {
    Keep,
    Truncate(u16),
    Extend(Vec<u8>),
}

impl Tail {
    fn apply(&self, bytes: &mut Vec<u8>) {
        match self {
            Tail::Keep => {}
            Tail::Truncate(n) => {
                let n = usize::from(*n) % (bytes.len() + 1);
                bytes.truncate(bytes.len() - n);
            }
            Tail::Extend(extra) => bytes.extend(extra.iter().take(256)),
        }
    }
}

// ---------------------------------------------------------------- registrations

/// A registration: its fields, the nested sealed items as models.
#[derive(Clone, Debug)]
pub struct Registration {
    pub version: u8,
    pub owner: Element,
    pub name: Vec<u8>,
    pub nonce: [u8; 16],
    pub timestamp: u64,
    pub recipients: Vec<[u8; 64]>,
    pub repos: [Repository; 2],
    pub signature: [u8; 64],
    /// Length prefixes written off by these amounts.
    pub length_deltas: Vec<(LengthField, i8)>,
}

#[derive(Clone, Debug)]
pub struct Repository {
    pub role: u8,
    pub reference: Vec<u8>,
    pub deploy_key: Element,
    pub sealed_key: Sealed,
    pub sealed_secret: Sealed,
}

impl Registration {
    fn parse(bytes: &[u8]) -> Self {
        let p = registration_fixtures::Parts::parse(bytes);
        let repo = |r: &registration_fixtures::RepoParts| Repository {
            role: r.role,
            reference: r.reference.clone(),
            deploy_key: r.deploy_key,
            sealed_key: Sealed::parse(Kind::DeployKey, &r.sealed_key),
            sealed_secret: Sealed::parse(Kind::Secret, &r.sealed_secret),
        };
        Registration {
            version: p.version,
            owner: p.owner,
            name: p.name,
            nonce: p.nonce,
            timestamp: p.timestamp,
            recipients: p.recipients,
            repos: [repo(&p.repos[0]), repo(&p.repos[1])],
            signature: p.signature,
            length_deltas: Vec::new(),
        }
    }

    fn delta(&self, field: LengthField) -> i16 {
        self.length_deltas.iter().filter(|(f, _)| *f == field).map(|(_, d)| i16::from(*d)).sum()
    }

    /// Everything the signature covers.
    fn body(&self) -> Vec<u8> {
        let u8_len = |n: usize, field| (n as i16 + self.delta(field)).to_le_bytes()[0];
        let u16_len =
            |n: usize, field| ((n as i32 + i32::from(self.delta(field))) as u16).to_le_bytes();
        let mut out = vec![self.version];
        out.extend_from_slice(&self.owner);
        out.push(u8_len(self.name.len(), LengthField::Name));
        out.extend_from_slice(&self.name);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.timestamp.to_le_bytes());
        out.push(u8_len(self.recipients.len(), LengthField::Recipients));
        for r in &self.recipients {
            out.extend_from_slice(r);
        }
        for (i, repo) in self.repos.iter().enumerate() {
            let i = i as u8;
            out.push(repo.role);
            out.extend_from_slice(&u16_len(repo.reference.len(), LengthField::Reference(i)));
            out.extend_from_slice(&repo.reference);
            out.extend_from_slice(&repo.deploy_key);
            for (j, item) in [&repo.sealed_key, &repo.sealed_secret].into_iter().enumerate() {
                let item = item.encode();
                out.extend_from_slice(&u16_len(item.len(), LengthField::Item(i, j as u8)));
                out.extend_from_slice(&item);
            }
        }
        out
    }

    fn sign(&mut self, key: &SigningKey) {
        let mut message = SIGNATURE_LABEL.to_vec();
        message.extend_from_slice(&self.body());
        self.signature = key.sign(&message).to_bytes();
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = self.body();
        out.extend_from_slice(&self.signature);
        out
    }

    fn repo(&mut self, r: u8) -> &mut Repository {
        &mut self.repos[usize::from(r % 2)]
    }

    fn apply(&mut self, mutation: &RegistrationMutation, pool: &Pool) {
        match mutation {
            RegistrationMutation::Nested { repo, secret, mutation } => {
                let repo = self.repo(*repo);
                let item = if *secret { &mut repo.sealed_secret } else { &mut repo.sealed_key };
                item.apply(mutation, pool);
            }
            RegistrationMutation::SwapItems { a, b } => {
                let (ra, sa) = (usize::from(a % 4) / 2, a % 2 == 1);
                let (rb, sb) = (usize::from(b % 4) / 2, b % 2 == 1);
                let get = |reg: &Self, r: usize, s: bool| {
                    let repo = &reg.repos[r];
                    if s { repo.sealed_secret.clone() } else { repo.sealed_key.clone() }
                };
                let (x, y) = (get(self, ra, sa), get(self, rb, sb));
                let mut set = |r: usize, s: bool, v: Sealed| {
                    let repo = &mut self.repos[r];
                    if s { repo.sealed_secret = v } else { repo.sealed_key = v }
                };
                set(ra, sa, y);
                set(rb, sb, x);
            }
            RegistrationMutation::ItemFromDonor { repo, secret, donor } => {
                let d = pool.donor(*donor).clone();
                let repo = self.repo(*repo);
                if *secret { repo.sealed_secret = d } else { repo.sealed_key = d }
            }
            RegistrationMutation::RepositoryFromDonor { repo, donor, donor_repo } => {
                let d = pool.registration(*donor).repos[usize::from(donor_repo % 2)].clone();
                *self.repo(*repo) = d;
            }
            RegistrationMutation::SwapRepositories => self.repos.swap(0, 1),
            RegistrationMutation::DeployKey { repo, value } => {
                let repo = self.repo(*repo);
                repo.deploy_key = value.resolve(pool, Encoding::Edwards, repo.deploy_key);
            }
            RegistrationMutation::Role { repo, role } => self.repo(*repo).role = *role,
            RegistrationMutation::Reference { repo, op } => {
                let other = self.repos[usize::from(repo.wrapping_add(1) % 2)].reference.clone();
                let reference = &mut self.repo(*repo).reference;
                text_op(reference, *op, &other);
            }
            RegistrationMutation::Name(op) => {
                let donor = pool.registration(0).name.clone();
                text_op(&mut self.name, *op, &donor);
            }
            RegistrationMutation::Nonce { at, xor } => self.nonce[usize::from(at % 16)] ^= xor,
            RegistrationMutation::Timestamp(t) => self.timestamp = *t,
            RegistrationMutation::Recipients(op) => {
                let n = self.recipients.len();
                let keys = &vaults().keys;
                match *op {
                    RegistrationRecipients::Drop(i) if n > 0 => {
                        self.recipients.remove(usize::from(i) % n);
                    }
                    RegistrationRecipients::Duplicate(i) if n > 0 && n < MAX_LIST => {
                        let i = usize::from(i) % n;
                        self.recipients.insert(i, self.recipients[i]);
                    }
                    RegistrationRecipients::Swap(a, b) if n > 0 => {
                        self.recipients.swap(usize::from(a) % n, usize::from(b) % n)
                    }
                    RegistrationRecipients::Vault { at, vault } if n < MAX_LIST => {
                        let key = keys[usize::from(vault) % keys.len()].public().to_bytes();
                        self.recipients.insert(usize::from(at) % (n + 1), key);
                    }
                    RegistrationRecipients::Element { at, half, value } if n > 0 => {
                        // Y (a ristretto point) or W (an X25519 key).
                        let r = &mut self.recipients[usize::from(at) % n];
                        let range = if half { 32..64 } else { 0..32 };
                        let current: Element = r[range.clone()].try_into().unwrap_or([0; 32]);
                        let new = value.resolve(pool, Encoding::Ristretto, current);
                        r[range].copy_from_slice(&new);
                    }
                    _ => {}
                }
            }
            RegistrationMutation::Owner(value) => {
                self.owner = value.resolve(pool, Encoding::Edwards, self.owner);
            }
            RegistrationMutation::OwnerMallory => {
                self.owner = mallory().verifying_key().to_bytes();
            }
            RegistrationMutation::Signature { s, value } => {
                let (range, encoding) =
                    if *s { (32..64, Encoding::Scalar) } else { (0..32, Encoding::Edwards) };
                let current: Element = self.signature[range.clone()].try_into().unwrap_or([0; 32]);
                let new = value.resolve(pool, encoding, current);
                self.signature[range].copy_from_slice(&new);
            }
            RegistrationMutation::Version(v) => self.version = *v,
            RegistrationMutation::Length { field, delta } => {
                self.length_deltas.push((*field, *delta));
            }
        }
    }
}

fn text_op(text: &mut Vec<u8>, op: TextOp, other: &[u8]) {
    match op {
        TextOp::Other => *text = other.to_vec(),
        TextOp::Push(b) => {
            if text.len() < 300 {
                text.push(b)
            }
        }
        TextOp::Pop => {
            text.pop();
        }
        TextOp::Set { at, byte } => {
            let n = text.len();
            if n > 0 {
                text[usize::from(at) % n] = byte;
            }
        }
        TextOp::Empty => text.clear(),
        TextOp::Long(n) => text.resize(usize::from(n).min(300), b'x'),
    }
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum TextOp {
    /// The other repository's ref, or the first pool registration's name.
    Other,
    Push(u8),
    Pop,
    Set {
        at: u8,
        byte: u8,
    },
    Empty,
    Long(u16),
}

#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LengthField {
    Name,
    Recipients,
    Reference(u8),
    /// Repository, item (0 deploy key, 1 webhook secret).
    Item(u8, u8),
}

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum RegistrationRecipients {
    Drop(u8),
    Duplicate(u8),
    Swap(u8, u8),
    /// One of the three vaults' public keys inserted.
    Vault {
        at: u8,
        vault: u8,
    },
    /// Half of a recipient key replaced.
    Element {
        at: u8,
        half: bool,
        value: Value,
    },
}

/// One structured mutation of a registration.
#[derive(Arbitrary, Clone, Debug)]
pub enum RegistrationMutation {
    /// A mutation inside one of the four sealed items.
    Nested {
        repo: u8,
        secret: bool,
        mutation: SealedMutation,
    },
    /// Two of the four sealed items swapped (`a`, `b` modulo 4).
    SwapItems {
        a: u8,
        b: u8,
    },
    /// A sealed item replaced by another valid one.
    ItemFromDonor {
        repo: u8,
        secret: bool,
        donor: u16,
    },
    /// A repository entry taken from another valid registration.
    RepositoryFromDonor {
        repo: u8,
        donor: u8,
        donor_repo: u8,
    },
    SwapRepositories,
    DeployKey {
        repo: u8,
        value: Value,
    },
    Role {
        repo: u8,
        role: u8,
    },
    Reference {
        repo: u8,
        op: TextOp,
    },
    Name(TextOp),
    Nonce {
        at: u8,
        xor: u8,
    },
    Timestamp(u64),
    Recipients(RegistrationRecipients),
    Owner(Value),
    OwnerMallory,
    Signature {
        s: bool,
        value: Value,
    },
    Version(u8),
    Length {
        field: LengthField,
        delta: i8,
    },
}

/// Who signs a registration after its mutations.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Resign {
    /// The signature stays as it is (the mutations invalidate it).
    Keep,
    /// The owner re-signs: the mutations reach the checks behind the
    /// signature.
    Owner,
    /// Another key signs (without changing the owner field).
    Mallory,
}

// ---------------------------------------------------------------- proofs of possession

#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum ProofMutation {
    T(Value),
    Z(Value),
    Y(Value),
    /// The X25519 key `W`: another vault's, or a special 32-byte value.
    W(Value),
    /// The proof of another vault or record.
    ProofFrom(u8),
    /// The public key of another vault.
    PublicFrom(u8),
    /// Verified against another record.
    Record(u8),
    Truncate(u8),
}

// ---------------------------------------------------------------- the pool

/// The valid items and everything mutations draw from.
pub struct Pool {
    /// `[deploy-a, deploy-b, secret-a, secret-b, webhook-a]`.
    pub contexts: Vec<Context>,
    /// Standalone sealed items: kind, model, context index.
    pub sealed: Vec<(Kind, Sealed, usize)>,
    /// Every valid sealed item (standalone and nested in registrations).
    pub donors: Vec<Sealed>,
    pub registrations: Vec<Registration>,
    /// `(proof, public key, record index)` of valid proofs of possession.
    pub proofs: Vec<([u8; 64], [u8; 64], usize)>,
    pub records: Vec<Vec<u8>>,
    ristretto: Vec<Element>,
    edwards: Vec<Element>,
    scalars: Vec<Element>,
}

impl Pool {
    fn elements(&self, encoding: Encoding) -> &[Element] {
        match encoding {
            Encoding::Ristretto => &self.ristretto,
            Encoding::Edwards => &self.edwards,
            Encoding::Scalar => &self.scalars,
        }
    }

    fn donor(&self, i: u16) -> &Sealed {
        &self.donors[usize::from(i) % self.donors.len()]
    }

    fn registration(&self, i: u8) -> &Registration {
        &self.registrations[usize::from(i) % self.registrations.len()]
    }
}

/// Built once per process.
pub fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let params = Params::shared();
        let v = vaults();
        let mut rng = ChaCha20Rng::seed_from_u64(0x5eed);
        let ctx = |project: &[u8], purpose| {
            Context::new(project, b"github:1", purpose, [1; 32]).expect("context")
        };
        let contexts = vec![
            ctx(b"fuzz-a", Purpose::DeployKey),
            ctx(b"fuzz-b", Purpose::DeployKey),
            ctx(b"fuzz-a", Purpose::Secret),
            ctx(b"fuzz-b", Purpose::Secret),
            ctx(b"fuzz-a", Purpose::WebhookSecret),
        ];
        let keys = |idx: &[usize]| idx.iter().map(|&i| *v.public(i)).collect::<Vec<_>>();
        let mut sealed = Vec::new();
        for (recipients, context) in [(&[0][..], 0), (&[0, 1], 0), (&[2], 1)] {
            let key = DeployKey::generate(&mut rng);
            let item =
                seal_deploy_key(params, &keys(recipients), &contexts[context], &key, &mut rng)
                    .expect("seal deploy key");
            sealed.push((
                Kind::DeployKey,
                Sealed::parse(Kind::DeployKey, &item.to_bytes()),
                context,
            ));
        }
        for (len, recipients, context) in
            [(1, &[0][..], 2), (3, &[1, 0], 2), (32, &[1], 4), (5, &[2, 0], 3)]
        {
            let payload: Vec<u8> = (0..len).map(|i| i as u8 ^ 0x5a).collect();
            let item =
                seal_secret(params, &keys(recipients), &contexts[context], &payload, &mut rng)
                    .expect("seal secret");
            sealed.push((Kind::Secret, Sealed::parse(Kind::Secret, &item.to_bytes()), context));
        }
        let f = fixtures();
        let registrations: Vec<Registration> =
            [&f.demo, &f.other_project, &f.other_repositories, &f.one_vault]
                .iter()
                .map(|new| Registration::parse(&new.registration().to_bytes()))
                .collect();
        let mut donors: Vec<Sealed> = sealed.iter().map(|(_, s, _)| s.clone()).collect();
        for r in &registrations {
            for repo in &r.repos {
                donors.push(repo.sealed_key.clone());
                donors.push(repo.sealed_secret.clone());
            }
        }
        let records: Vec<Vec<u8>> = vec![b"record-a".to_vec(), b"record-b".to_vec()];
        let mut proofs = Vec::new();
        for (i, key) in v.keys.iter().enumerate() {
            let record = i % records.len();
            let proof = VaultKeyProof::prove(key, &records[record], &mut rng);
            proofs.push((proof.to_bytes(), key.public().to_bytes(), record));
        }

        let (mut ristretto, mut edwards, mut scalars) = (Vec::new(), Vec::new(), Vec::new());
        for item in &donors {
            for (encoding, x) in item.elements() {
                let list = match encoding {
                    Encoding::Ristretto => &mut ristretto,
                    Encoding::Edwards => &mut edwards,
                    Encoding::Scalar => &mut scalars,
                };
                if !list.contains(&x) && list.len() < 256 {
                    list.push(x);
                }
            }
        }
        for (proof, public, _) in &proofs {
            ristretto.push(proof[..32].try_into().expect("T"));
            scalars.push(proof[32..].try_into().expect("z"));
            ristretto.push(public[..32].try_into().expect("Y"));
        }
        for r in &registrations {
            edwards.push(r.owner);
            edwards.push(r.signature[..32].try_into().expect("R"));
            scalars.push(r.signature[32..].try_into().expect("S"));
            for repo in &r.repos {
                edwards.push(repo.deploy_key);
            }
        }
        Pool {
            contexts,
            sealed,
            donors,
            registrations,
            proofs,
            records,
            ristretto,
            edwards,
            scalars,
        }
    })
}

// ---------------------------------------------------------------- the input

/// One item of the batch: which valid item, and what to do to it.
#[derive(Arbitrary, Debug)]
pub enum ItemCase {
    Sealed {
        base: u8,
        /// Verified under another context of the pool (else its own).
        context: Option<u8>,
        mutations: Vec<SealedMutation>,
        tail: Tail,
        decoded: bool,
    },
    Registration {
        base: u8,
        /// Verified by vault `vault % 3` (vault 2 is never a recipient).
        vault: u8,
        mutations: Vec<RegistrationMutation>,
        resign: Resign,
        tail: Tail,
        decoded: bool,
    },
    KeyProof {
        base: u8,
        mutations: Vec<ProofMutation>,
        decoded: bool,
    },
}

/// The whole input: the items, and the batch's RNG seed.
#[derive(Arbitrary, Debug)]
pub struct Case {
    pub items: Vec<ItemCase>,
    pub weights: u8,
}

/// A mutated item, encoded, with what it is verified against.
pub enum Built {
    DeployKey { bytes: Vec<u8>, context: usize, pristine: bool, decoded: bool },
    Secret { bytes: Vec<u8>, context: usize, pristine: bool, decoded: bool },
    KeyProof { proof: Vec<u8>, public: Vec<u8>, record: usize, pristine: bool, decoded: bool },
    Registration { bytes: Vec<u8>, vault: usize, pristine: bool, decoded: bool },
}

impl Built {
    /// Unmutated and verified where it was made valid: must verify.
    pub fn pristine(&self) -> bool {
        match self {
            Built::DeployKey { pristine, .. }
            | Built::Secret { pristine, .. }
            | Built::KeyProof { pristine, .. }
            | Built::Registration { pristine, .. } => *pristine,
        }
    }

    /// Pushed decoded (when it decodes) rather than as bytes.
    pub fn push_decoded(&self) -> bool {
        match self {
            Built::DeployKey { decoded, .. }
            | Built::Secret { decoded, .. }
            | Built::KeyProof { decoded, .. }
            | Built::Registration { decoded, .. } => *decoded,
        }
    }
}

impl ItemCase {
    pub fn build(&self, pool: &Pool) -> Built {
        match self {
            ItemCase::Sealed { base, context, mutations, tail, decoded } => {
                let (kind, item, own) = &pool.sealed[usize::from(*base) % pool.sealed.len()];
                let mut item = item.clone();
                let mutations = &mutations[..mutations.len().min(MAX_MUTATIONS)];
                for m in mutations {
                    item.apply(m, pool);
                }
                let mut bytes = item.encode();
                tail.apply(&mut bytes);
                let context = context.map_or(*own, |c| usize::from(c) % pool.contexts.len());
                let pristine =
                    mutations.is_empty() && matches!(tail, Tail::Keep) && context == *own;
                let decoded = *decoded;
                match kind {
                    Kind::DeployKey => Built::DeployKey { bytes, context, pristine, decoded },
                    Kind::Secret => Built::Secret { bytes, context, pristine, decoded },
                }
            }
            ItemCase::Registration { base, vault, mutations, resign, tail, decoded } => {
                let mut r = pool.registration(*base).clone();
                let mutations = &mutations[..mutations.len().min(MAX_MUTATIONS)];
                for m in mutations {
                    r.apply(m, pool);
                }
                match resign {
                    Resign::Keep => {}
                    Resign::Owner => r.sign(&alice()),
                    Resign::Mallory => r.sign(&mallory()),
                }
                let mut bytes = r.encode();
                tail.apply(&mut bytes);
                let vault = usize::from(*vault) % vaults().keys.len();
                // Vault 0 is a recipient of every pool registration.
                let pristine = mutations.is_empty()
                    && !matches!(resign, Resign::Mallory)
                    && matches!(tail, Tail::Keep)
                    && vault == 0;
                Built::Registration { bytes, vault, pristine, decoded: *decoded }
            }
            ItemCase::KeyProof { base, mutations, decoded } => {
                let pick = |i: u8| &pool.proofs[usize::from(i) % pool.proofs.len()];
                let (proof, public, record) = pick(*base);
                let (mut proof, mut public, mut record) =
                    (proof.to_vec(), public.to_vec(), *record);
                let mutations = &mutations[..mutations.len().min(MAX_MUTATIONS)];
                for m in mutations {
                    let element = |bytes: &mut Vec<u8>, at: usize, encoding, value: &Value| {
                        if bytes.len() >= at + 32 {
                            let current: Element = bytes[at..at + 32].try_into().unwrap_or([0; 32]);
                            let new = value.resolve(pool, encoding, current);
                            bytes[at..at + 32].copy_from_slice(&new);
                        }
                    };
                    match m {
                        ProofMutation::T(value) => {
                            element(&mut proof, 0, Encoding::Ristretto, value)
                        }
                        ProofMutation::Z(value) => element(&mut proof, 32, Encoding::Scalar, value),
                        ProofMutation::Y(value) => {
                            element(&mut public, 0, Encoding::Ristretto, value)
                        }
                        ProofMutation::W(value) => {
                            element(&mut public, 32, Encoding::Ristretto, value)
                        }
                        ProofMutation::ProofFrom(i) => proof = pick(*i).0.to_vec(),
                        ProofMutation::PublicFrom(i) => public = pick(*i).1.to_vec(),
                        ProofMutation::Record(i) => record = usize::from(*i) % pool.records.len(),
                        ProofMutation::Truncate(n) => {
                            let n = usize::from(*n) % (proof.len() + 1);
                            proof.truncate(proof.len() - n);
                        }
                    }
                }
                let pristine = mutations.is_empty();
                Built::KeyProof { proof, public, record, pristine, decoded: *decoded }
            }
        }
    }
}
