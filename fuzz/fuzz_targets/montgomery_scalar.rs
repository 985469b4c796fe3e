//! Differential: the verifiers' Montgomery-form scalars
//! (`src/msm/montgomery.rs`, through the `__fuzz` hook) against
//! curve25519-dalek's `Scalar`, operation by operation.
//!
//! Operands are edge values (0, 1, 2, ½, ℓ − 2 … ℓ + 2, 2ℓ − 1, 2⁶⁴ ± 1,
//! 2¹²⁸, 2²⁵² ± small, 2²⁵³, 2²⁵⁵ − 19, 2²⁵⁵, 2²⁵⁶ − 1, R and R² as 32-byte
//! inputs), fuzzer bytes (32 of them, reduced modulo ℓ as a `Scalar` must
//! be; 64 of them, wide-reduced) and results of earlier operations. A
//! `MontgomeryScalar` only ever enters from a canonical `Scalar`, so an
//! unreduced 32-byte input reaches it reduced; each input is checked to
//! reduce as dalek says. The program in the input runs on four registers,
//! each a Montgomery value with its dalek shadow; after every operation the
//! value converts back to the shadow and is fully reduced (its limbs are
//! the unique representation: `from_scalar(to_scalar(x)) == x`). Each
//! process first checks every edge against every edge; each input then
//! pairs the first four operands it reads from its bytes with every edge,
//! both ways round.
#![no_main]

use std::sync::Once;

use curve25519_dalek::scalar::Scalar;
use libfuzzer_sys::fuzz_target;
use vaultseal::__fuzz::Montgomery;

/// ℓ, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// `x + d` modulo 2²⁵⁶, little-endian.
fn offset(mut x: [u8; 32], d: i16) -> [u8; 32] {
    let mut carry = d;
    for byte in &mut x {
        let v = i16::from(*byte) + carry;
        *byte = v.rem_euclid(256) as u8;
        carry = v.div_euclid(256);
    }
    x
}

/// `2^e`, little-endian (`e < 256`).
fn pow2(e: usize) -> [u8; 32] {
    let mut x = [0u8; 32];
    x[e / 8] = 1 << (e % 8);
    x
}

/// `a + b` modulo 2²⁵⁶.
fn add(a: [u8; 32], b: [u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let v = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = v as u8;
        carry = v >> 8;
    }
    out
}

/// The edge inputs, as 32-byte strings (several not canonical).
fn edge_bytes() -> Vec<[u8; 32]> {
    let two_ell = add(ELL, ELL);
    let r = Scalar::from_bytes_mod_order_wide(&{
        let mut wide = [0u8; 64];
        wide[32] = 1;
        wide
    });
    let mut out = Vec::new();
    for d in [0, 1, 2] {
        out.push(offset([0; 32], d));
    }
    // ½ = (ℓ + 1) / 2.
    let mut half = offset(ELL, 1);
    let mut carry = 0u8;
    for byte in half.iter_mut().rev() {
        let next = *byte & 1;
        *byte = (*byte >> 1) | (carry << 7);
        carry = next;
    }
    out.push(half);
    for d in -2..=2 {
        out.push(offset(ELL, d));
    }
    out.push(offset(two_ell, -1));
    out.push(offset(two_ell, 0));
    for d in -1..=1 {
        out.push(offset(pow2(64), d));
    }
    out.push(pow2(128));
    for d in [-19, -2, -1, 0, 1, 2, 19] {
        out.push(offset(pow2(252), d));
    }
    out.push(pow2(253));
    out.push(offset(pow2(255), -19));
    out.push(offset(pow2(255), -1));
    out.push(pow2(255));
    out.push([0xff; 32]);
    out.push(offset([0xff; 32], -1));
    out.push(r.to_bytes());
    out.push((r * r).to_bytes());
    out
}

/// An operand: the Montgomery value and its dalek shadow.
#[derive(Clone, Copy, Debug)]
struct Pair {
    m: Montgomery,
    s: Scalar,
}

impl Pair {
    fn new(s: Scalar) -> Self {
        let m = Montgomery::from_scalar(&s);
        assert_eq!(Montgomery::from(&s), m, "From and from_scalar agree");
        let pair = Pair { m, s };
        pair.check("from_scalar");
        pair
    }

    /// Reduce 32 bytes modulo ℓ as dalek does, checking the reduction.
    fn from_bytes(bytes: [u8; 32]) -> Self {
        let s = Scalar::from_bytes_mod_order(bytes);
        let mut wide = [0u8; 64];
        wide[..32].copy_from_slice(&bytes);
        assert_eq!(Scalar::from_bytes_mod_order_wide(&wide), s);
        let canonical = Option::<Scalar>::from(Scalar::from_canonical_bytes(bytes));
        assert_eq!(canonical.is_some(), s.to_bytes() == bytes, "canonical iff reduced is itself");
        if let Some(c) = canonical {
            assert_eq!(c, s);
        }
        Pair::new(s)
    }

    /// The value converts back to its shadow and is fully reduced.
    fn check(&self, what: &str) {
        assert_eq!(self.m.to_scalar(), self.s, "{what}: value");
        assert_eq!(Montgomery::from_scalar(&self.s), self.m, "{what}: not fully reduced");
    }
}

/// Every binary operation of `a` and `b`, and the unary ones of `a`.
fn check_pair(a: Pair, b: Pair) {
    let (x, y) = (a.m, b.m);
    Pair { m: x * y, s: a.s * b.s }.check("mul");
    Pair { m: x + y, s: a.s + b.s }.check("add");
    Pair { m: x - y, s: a.s - b.s }.check("sub");
    let mut acc = x;
    acc *= y;
    Pair { m: acc, s: a.s * b.s }.check("mul_assign");
    acc += y;
    Pair { m: acc, s: a.s * b.s + b.s }.check("add_assign");
    acc -= x;
    Pair { m: acc, s: a.s * b.s + b.s - a.s }.check("sub_assign");
    Pair { m: -x, s: -a.s }.check("neg");
    Pair { m: x.square(), s: a.s * a.s }.check("square");
    assert_eq!(x == y, a.s == b.s, "equality");
}

/// `powers(t, k)` against repeated dalek products.
fn check_powers(t: &Scalar, k: usize) {
    let powers = Montgomery::powers(t, k);
    assert_eq!(powers.len(), k);
    let mut expected = Scalar::ONE;
    for (i, p) in powers.into_iter().enumerate() {
        Pair { m: p, s: expected }.check(&format!("powers[{i}]"));
        expected *= t;
    }
}

fn edges() -> &'static [Pair] {
    static EDGES: std::sync::OnceLock<Vec<Pair>> = std::sync::OnceLock::new();
    EDGES.get_or_init(|| edge_bytes().into_iter().map(Pair::from_bytes).collect())
}

/// Once per process: every edge with every edge, and the constants.
fn edges_pairwise() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        Pair { m: Montgomery::ZERO, s: Scalar::ZERO }.check("ZERO");
        Pair { m: Montgomery::ONE, s: Scalar::ONE }.check("ONE");
        assert_eq!(Montgomery::default(), Montgomery::ZERO);
        for &a in edges() {
            for &b in edges() {
                check_pair(a, b);
            }
            check_powers(&a.s, 4);
        }
    });
}

/// The input, read front to back; exhausted reads give zeros.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }

    /// An operand: an edge, 32 bytes reduced, 64 bytes wide-reduced, or an
    /// edge's wide combination with another (`a + b·2²⁵⁶`).
    fn operand(&mut self, tag: u8) -> Pair {
        let edges = edges();
        match tag % 4 {
            0 | 1 => edges[usize::from(self.byte().unwrap_or(0)) % edges.len()],
            2 => Pair::from_bytes(self.array()),
            _ => {
                let wide: [u8; 64] = self.array();
                Pair::new(Scalar::from_bytes_mod_order_wide(&wide))
            }
        }
    }
}

/// Operations per input, and fuzzer operands paired with every edge.
const MAX_OPS: usize = 64;
const MAX_PAIRED: usize = 4;

fuzz_target!(|data: &[u8]| {
    edges_pairwise();
    let mut input = Input(data);
    let mut regs = [edges()[0]; 4];
    let mut loaded = Vec::new();
    for _ in 0..MAX_OPS {
        let Some(op) = input.byte() else { break };
        let (dst, src) = (usize::from(op >> 3) % 4, usize::from(op >> 5) % 4);
        let (a, b) = (regs[dst], regs[src]);
        regs[dst] = match op % 8 {
            0 => {
                let tag = input.byte().unwrap_or(0);
                let value = input.operand(tag);
                if tag % 4 >= 2 {
                    loaded.push(value);
                }
                value
            }
            1 => Pair { m: a.m * b.m, s: a.s * b.s },
            2 => Pair { m: a.m + b.m, s: a.s + b.s },
            3 => Pair { m: a.m - b.m, s: a.s - b.s },
            4 => Pair { m: -a.m, s: -a.s },
            5 => Pair { m: a.m.square(), s: a.s * a.s },
            6 => {
                let mut acc = a.m;
                match op >> 7 {
                    0 => acc *= b.m,
                    _ => acc += b.m,
                }
                let s = if op >> 7 == 0 { a.s * b.s } else { a.s + b.s };
                Pair { m: acc, s }.check("assign");
                assert_eq!(a.m == b.m, a.s == b.s, "equality");
                // Through dalek and back (to_scalar, then from_scalar).
                Pair::new(acc.to_scalar())
            }
            _ => {
                let k = usize::from(input.byte().unwrap_or(0) % 33);
                check_powers(&a.s, k);
                a
            }
        };
        regs[dst].check("program");
    }
    // The operands read from fuzzer bytes, each with every edge.
    for &x in loaded.iter().take(MAX_PAIRED) {
        for &edge in edges() {
            check_pair(x, edge);
            check_pair(edge, x);
        }
    }
});
