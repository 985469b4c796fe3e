//! Byte layout of sealed items (`src/sealed.rs` module doc, `docs/PROTOCOL.md`
//! §7–8), for byte-level mutations in the tamper and binding tests:
//!
//! ```text
//! SealedSecret:    u8 version ‖ u8 L ‖ u8 v ‖ Y_j (32·v) ‖ C_i (32·k) ‖ D_ij (32·v·k)
//!                  ‖ range proof ‖ sigma proof
//! SealedDeployKey: u8 version ‖ u8 v ‖ Y_j (32·v) ‖ A ‖ A′ ‖ C_i (32·16) ‖ D_ij (32·v·16)
//!                  ‖ range proof ‖ sigma proof
//! range proof:     A ‖ S ‖ T_1 ‖ T_2 ‖ τx ‖ μ ‖ t̂ ‖ (L_j ‖ R_j)_{j<K} ‖ a ‖ b,
//!                  K = log₂(16·M), M = k rounded up to a power of two
//! sigma proof:     T_0 ‖ T_j (v) ‖ [U_0 ‖ U_1] ‖ z_m ‖ z_r ‖ [z_s ‖ z_rs]
//! ```
//! `k = ⌈L/2⌉` (16 for a deploy key); `D_ij` recipient-major (the `k`
//! handles of recipient `j` are contiguous).
//!
//! This module only locates fields: it checks nothing a decoder checks.
#![allow(dead_code, non_snake_case)]

use core::ops::Range;

use vaultseal::{DecodeFailure, Object};

/// Size of a scalar or a compressed point.
pub const ELEMENT: usize = 32;

/// A 32-byte field value.
pub type Element = [u8; ELEMENT];

/// The two sealed types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Secret,
    DeployKey,
}

impl Kind {
    /// The decode-error object of the item.
    pub fn object(self) -> Object {
        match self {
            Kind::Secret => Object::SealedSecret,
            Kind::DeployKey => Object::SealedDeployKey,
        }
    }
}

/// How a field is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// One header byte.
    Byte,
    /// A ristretto255 point.
    Ristretto,
    /// A canonical edwards25519 point.
    Edwards,
    /// A canonical scalar.
    Scalar,
}

/// Every field of a sealed item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Version,
    PayloadLen,
    RecipientCount,
    Y(usize),
    A,
    APrime,
    C(usize),
    /// `D_ij`, chunk `i`, recipient `j`.
    D {
        i: usize,
        j: usize,
    },
    RpA,
    RpS,
    RpT1,
    RpT2,
    RpTauX,
    RpMu,
    RpTHat,
    IppL(usize),
    IppR(usize),
    IppA,
    IppB,
    T0,
    Tj(usize),
    U0,
    U1,
    Zm,
    Zr,
    Zs,
    Zrs,
}

impl Field {
    /// The field's encoding.
    pub fn encoding(self) -> Encoding {
        use Field::*;
        match self {
            Version | PayloadLen | RecipientCount => Encoding::Byte,
            A | APrime | U1 => Encoding::Edwards,
            RpTauX | RpMu | RpTHat | IppA | IppB | Zm | Zr | Zs | Zrs => Encoding::Scalar,
            Y(_)
            | C(_)
            | D { .. }
            | RpA
            | RpS
            | RpT1
            | RpT2
            | IppL(_)
            | IppR(_)
            | T0
            | Tj(_)
            | U0 => Encoding::Ristretto,
        }
    }

    /// Whether the decoder refuses the identity in this (ristretto) field:
    /// keys, commitments, handles and the range proof's `A, S, T_1, T_2`.
    pub fn refuses_identity(self) -> bool {
        use Field::*;
        matches!(self, Y(_) | C(_) | D { .. } | RpA | RpS | RpT1 | RpT2)
    }

    /// Whether the field belongs to the range proof (whose decode errors name
    /// [`Object::RangeProof`]).
    pub fn in_range_proof(self) -> bool {
        use Field::*;
        matches!(
            self,
            RpA | RpS | RpT1 | RpT2 | RpTauX | RpMu | RpTHat | IppL(_) | IppR(_) | IppA | IppB
        )
    }

    /// The object a decode error in this field names.
    pub fn object(self, kind: Kind) -> Object {
        if self.in_range_proof() { Object::RangeProof } else { kind.object() }
    }
}

/// The number of chunks of an `L`-byte payload.
pub fn chunk_count(len: usize) -> usize {
    len.div_ceil(2)
}

/// `K = log₂(16·M)` inner-product rounds for `k` chunks.
pub fn rounds(k: usize) -> usize {
    (16 * k.next_power_of_two()).trailing_zeros() as usize
}

/// Field offsets of one item shape.
#[derive(Clone, Debug)]
pub struct Layout {
    pub kind: Kind,
    /// Payload length `L`.
    pub len: usize,
    /// Recipients `v`.
    pub v: usize,
    /// Chunks `k`.
    pub k: usize,
    /// Inner-product rounds `K`.
    pub rounds: usize,
    fields: Vec<(Field, Range<usize>)>,
}

impl Layout {
    /// The layout of a sealed secret of `len` bytes to `v` vaults.
    pub fn secret(len: usize, v: usize) -> Self {
        Self::new(Kind::Secret, len, v)
    }

    /// The layout of a sealed deploy key to `v` vaults.
    pub fn deploy_key(v: usize) -> Self {
        Self::new(Kind::DeployKey, 32, v)
    }

    /// The layout a valid encoding of `kind` claims in its header.
    pub fn of(kind: Kind, bytes: &[u8]) -> Self {
        match kind {
            Kind::Secret => Self::secret(usize::from(bytes[1]), usize::from(bytes[2])),
            Kind::DeployKey => Self::deploy_key(usize::from(bytes[1])),
        }
    }

    fn new(kind: Kind, len: usize, v: usize) -> Self {
        let k = chunk_count(len);
        let rounds = rounds(k);
        let mut fields = Vec::new();
        let mut at = 0;
        let mut push = |field: Field, size: usize| {
            fields.push((field, at..at + size));
            at += size;
        };
        push(Field::Version, 1);
        if kind == Kind::Secret {
            push(Field::PayloadLen, 1);
        }
        push(Field::RecipientCount, 1);
        for j in 0..v {
            push(Field::Y(j), ELEMENT);
        }
        if kind == Kind::DeployKey {
            push(Field::A, ELEMENT);
            push(Field::APrime, ELEMENT);
        }
        for i in 0..k {
            push(Field::C(i), ELEMENT);
        }
        for j in 0..v {
            for i in 0..k {
                push(Field::D { i, j }, ELEMENT);
            }
        }
        for field in [Field::RpA, Field::RpS, Field::RpT1, Field::RpT2] {
            push(field, ELEMENT);
        }
        for field in [Field::RpTauX, Field::RpMu, Field::RpTHat] {
            push(field, ELEMENT);
        }
        for j in 0..rounds {
            push(Field::IppL(j), ELEMENT);
            push(Field::IppR(j), ELEMENT);
        }
        push(Field::IppA, ELEMENT);
        push(Field::IppB, ELEMENT);
        push(Field::T0, ELEMENT);
        for j in 0..v {
            push(Field::Tj(j), ELEMENT);
        }
        if kind == Kind::DeployKey {
            push(Field::U0, ELEMENT);
            push(Field::U1, ELEMENT);
        }
        push(Field::Zm, ELEMENT);
        push(Field::Zr, ELEMENT);
        if kind == Kind::DeployKey {
            push(Field::Zs, ELEMENT);
            push(Field::Zrs, ELEMENT);
        }
        Layout { kind, len, v, k, rounds, fields }
    }

    /// Every field with its byte range, in wire order.
    pub fn fields(&self) -> &[(Field, Range<usize>)] {
        &self.fields
    }

    /// The total encoded length.
    pub fn total(&self) -> usize {
        self.fields.last().map_or(0, |(_, r)| r.end)
    }

    /// The byte range of `field`.
    pub fn range(&self, field: Field) -> Range<usize> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{field:?} is not in this layout"))
    }

    /// The field containing byte `offset`, with its range.
    pub fn field_at(&self, offset: usize) -> (Field, Range<usize>) {
        self.fields
            .iter()
            .find(|(_, r)| r.contains(&offset))
            .cloned()
            .unwrap_or_else(|| panic!("offset {offset} is past the end"))
    }

    /// The 32 bytes of `field` in `bytes`.
    pub fn get(&self, bytes: &[u8], field: Field) -> Element {
        bytes[self.range(field)].try_into().expect("an element field")
    }

    /// Overwrite `field` in `bytes`.
    pub fn set(&self, bytes: &mut [u8], field: Field, value: &Element) {
        bytes[self.range(field)].copy_from_slice(value);
    }
}

/// A sealed item split into its fields (by offset only, nothing checked), to
/// rebuild with recipients or chunks added, dropped or reordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    pub kind: Kind,
    pub version: u8,
    /// The `L` byte (secrets only).
    pub len: Option<u8>,
    pub Y: Vec<Element>,
    /// `A`, `A′` (deploy keys only).
    pub key: Option<(Element, Element)>,
    pub C: Vec<Element>,
    /// `D[j][i]` = `D_ij`.
    pub D: Vec<Vec<Element>>,
    /// `A ‖ S ‖ T_1 ‖ T_2 ‖ τx ‖ μ ‖ t̂ ‖ (L_j ‖ R_j) ‖ a ‖ b`.
    pub range_proof: Vec<Element>,
    pub T0: Element,
    pub Tj: Vec<Element>,
    /// `U_0 ‖ U_1` (deploy keys only).
    pub binding: Vec<Element>,
    /// `z_m ‖ z_r ‖ [z_s ‖ z_rs]`.
    pub z: Vec<Element>,
}

impl Parts {
    /// Split a valid encoding of `kind`.
    pub fn parse(kind: Kind, bytes: &[u8]) -> Self {
        let layout = Layout::of(kind, bytes);
        assert_eq!(layout.total(), bytes.len(), "not a valid encoding");
        let get = |field| layout.get(bytes, field);
        let (v, k, rounds) = (layout.v, layout.k, layout.rounds);
        let mut range_proof: Vec<Element> = [
            Field::RpA,
            Field::RpS,
            Field::RpT1,
            Field::RpT2,
            Field::RpTauX,
            Field::RpMu,
            Field::RpTHat,
        ]
        .into_iter()
        .map(get)
        .collect();
        for j in 0..rounds {
            range_proof.push(get(Field::IppL(j)));
            range_proof.push(get(Field::IppR(j)));
        }
        range_proof.push(get(Field::IppA));
        range_proof.push(get(Field::IppB));
        let deploy = kind == Kind::DeployKey;
        Parts {
            kind,
            version: bytes[0],
            len: (!deploy).then(|| bytes[1]),
            Y: (0..v).map(|j| get(Field::Y(j))).collect(),
            key: deploy.then(|| (get(Field::A), get(Field::APrime))),
            C: (0..k).map(|i| get(Field::C(i))).collect(),
            D: (0..v).map(|j| (0..k).map(|i| get(Field::D { i, j })).collect()).collect(),
            range_proof,
            T0: get(Field::T0),
            Tj: (0..v).map(|j| get(Field::Tj(j))).collect(),
            binding: if deploy { vec![get(Field::U0), get(Field::U1)] } else { Vec::new() },
            z: if deploy {
                vec![get(Field::Zm), get(Field::Zr), get(Field::Zs), get(Field::Zrs)]
            } else {
                vec![get(Field::Zm), get(Field::Zr)]
            },
        }
    }

    /// The encoding; `v` is the number of `Y`s.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![self.version];
        if let Some(len) = self.len {
            out.push(len);
        }
        out.push(u8::try_from(self.Y.len()).expect("v fits a byte"));
        let elements = self
            .Y
            .iter()
            .chain(self.key.iter().flat_map(|(a, b)| [a, b]))
            .chain(&self.C)
            .chain(self.D.iter().flatten())
            .chain(&self.range_proof)
            .chain(core::iter::once(&self.T0))
            .chain(&self.Tj)
            .chain(&self.binding)
            .chain(&self.z);
        for element in elements {
            out.extend_from_slice(element);
        }
        out
    }

    /// Drop recipient `j`: its key, its row of handles and its `T_j`.
    pub fn drop_recipient(&mut self, j: usize) {
        self.Y.remove(j);
        self.D.remove(j);
        self.Tj.remove(j);
    }

    /// Insert a recipient with its handles and `T_j` at position `j`.
    pub fn insert_recipient(&mut self, j: usize, Y: Element, D: Vec<Element>, T: Element) {
        assert_eq!(D.len(), self.C.len());
        self.Y.insert(j, Y);
        self.D.insert(j, D);
        self.Tj.insert(j, T);
    }

    /// Swap recipients `a` and `b` (keys, handle rows, `T_j`).
    pub fn swap_recipients(&mut self, a: usize, b: usize) {
        self.Y.swap(a, b);
        self.D.swap(a, b);
        self.Tj.swap(a, b);
    }

    /// Swap chunks `a` and `b` (commitments and every recipient's handles).
    pub fn swap_chunks(&mut self, a: usize, b: usize) {
        self.C.swap(a, b);
        for row in &mut self.D {
            row.swap(a, b);
        }
    }
}

/// The expected outcome of decoding, then verifying, an encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// This exact decode error.
    Decode(Object, DecodeFailure),
    /// Some decode error (the header moved every later field).
    AnyDecode,
    /// Decodes, and verification fails.
    Verification,
}
