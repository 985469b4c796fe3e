//! Scalars modulo ℓ in Montgomery form, for the verifiers' per-item loops.
//!
//! A `MontgomeryScalar` holds \\( \bar x = x R \bmod \ell \\), \\( R = 2^{256} \\),
//! as four 64-bit limbs, always fully reduced (\\( 0 \le \bar x < \ell \\)).
//! Addition is limb addition with one conditional subtraction of ℓ;
//! multiplication is Montgomery's reduction interleaved with the schoolbook
//! product (the CIOS method of Koç, Acar and Kaliski, *Analyzing and
//! comparing Montgomery multiplication algorithms*, IEEE Micro 1996):
//! \\( \bar x \bar y R^{-1} = \overline{xy} \\), one reduction per product.
//!
//! Why not `curve25519_dalek::Scalar`: it stores canonical bytes and unpacks,
//! multiplies, reduces twice (into and out of Montgomery form) and packs on
//! every product. On the benchmark machine that is ~100 ns per product and
//! ~25 ns per sum, against ~18 ns and ~3 ns here; a sealed deploy key's
//! verification runs thousands of them (the range proof's `G_vec`/`H_vec`
//! coefficients), more than its share of the multiscalar multiplication
//! ([`notes::batching`](crate::notes::batching)). Values cross to and from `Scalar` at the
//! edges (`MontgomeryScalar::from_scalar`, `MontgomeryScalar::to_scalar`,
//! one product each; `MontgomeryScalar::to_raw_scalar` hands the
//! representation itself to the multiscalar multiplication, no product:
//! see there). `reduce_wide` and `reduce` reduce the
//! 64-byte transcript outputs that challenges are made of and the 32-byte
//! halves of the batch weights, in two products and one, several times
//! faster than `Scalar::from_bytes_mod_order_wide` and
//! `Scalar::from_bytes_mod_order`.
//!
//! # Constant time
//! Branch-free (the conditional subtractions select with masks), but only
//! ever used on public data: challenges, weights and proof scalars.
//!
//! Crate-internal: public only in the rendered documentation (`cfg(doc)`),
//! for the mathematics above. Below the transcript (whose challenges it
//! reduces) and the accumulators of `msm` (its main user).

use alloc::vec::Vec;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use curve25519_dalek::scalar::Scalar;

/// ℓ, little-endian 64-bit limbs.
const ELL: [u64; 4] = [0x5812_631a_5cf5_d3ed, 0x14de_f9de_a2f7_9cd6, 0, 0x1000_0000_0000_0000];
/// \\( -\ell^{-1} \bmod 2^{64} \\).
const ELL_NEG_INV: u64 = 0xd2b5_1da3_1254_7e1b;
/// \\( R \bmod \ell \\): the Montgomery form of 1.
const R: [u64; 4] =
    [0xd6ec_3174_8d98_951d, 0xc6ef_5bf4_737d_cf70, 0xffff_ffff_ffff_fffe, 0x0fff_ffff_ffff_ffff];
/// \\( R^2 \bmod \ell \\): multiplying by it enters Montgomery form.
const R2: [u64; 4] =
    [0xa406_11e3_449c_0f01, 0xd00e_1ba7_6885_9347, 0xceec_73d2_17f5_be65, 0x0399_411b_7c30_9a3d];

/// A scalar modulo ℓ in Montgomery form (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MontgomeryScalar([u64; 4]);

/// `a·b + c + carry` as (low, high) words.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)]
fn mac(a: u64, b: u64, c: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(a) * u128::from(b) + u128::from(c) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

/// `a + b + carry` as (sum, carry).
#[inline(always)]
#[allow(clippy::cast_possible_truncation)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let t = u128::from(a) + u128::from(b) + u128::from(carry);
    (t as u64, (t >> 64) as u64)
}

/// `a − b − borrow` as (difference, borrow ∈ {0, 1}).
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: u64) -> (u64, u64) {
    let (d, b1) = a.overflowing_sub(b);
    let (d, b2) = d.overflowing_sub(borrow);
    (d, u64::from(b1 | b2))
}

/// `x − ℓ` if `x ≥ ℓ`, else `x` (for `x < 2ℓ`), branch-free.
#[inline(always)]
fn reduce_once(x: [u64; 4]) -> [u64; 4] {
    let (d0, b) = sbb(x[0], ELL[0], 0);
    let (d1, b) = sbb(x[1], ELL[1], b);
    let (d2, b) = sbb(x[2], ELL[2], b);
    let (d3, b) = sbb(x[3], ELL[3], b);
    // Keep x when the subtraction borrowed.
    let keep = 0u64.wrapping_sub(b);
    [
        (x[0] & keep) | (d0 & !keep),
        (x[1] & keep) | (d1 & !keep),
        (x[2] & keep) | (d2 & !keep),
        (x[3] & keep) | (d3 & !keep),
    ]
}

/// \\( a b R^{-1} \bmod \ell \\) for `a < 2²⁵⁶` and `b < ℓ` (CIOS), fully
/// reduced.
///
/// Bounds: after round \\( i \\) the accumulator is
/// \\( (a \cdot (b \bmod 2^{64(i+1)}) + M \ell) / 2^{64(i+1)} < a + \ell < 2^{257} \\)
/// (five limbs and the carry bit `top`), and at the end
/// \\( (a b + M \ell) / R < 2 \ell \\), since \\( a < R \\), \\( b < \ell \\) and
/// \\( M < R \\): one conditional subtraction reduces it. For `a < ℓ` too (every product of
/// two `MontgomeryScalar`s) the accumulator stays below \\( 2\ell < 2^{254} \\)
/// and `t[4]` is always 0; only the operands of `reduce` and `reduce_wide`
/// reach \\( 2^{256} \\).
#[inline(always)]
fn montgomery_mul(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut t = [0u64; 5];
    for &b_i in b {
        let mut carry = 0;
        for j in 0..4 {
            let (lo, hi) = mac(a[j], b_i, t[j], carry);
            t[j] = lo;
            carry = hi;
        }
        let (t4, top) = adc(t[4], carry, 0);
        let m = t[0].wrapping_mul(ELL_NEG_INV);
        let (_, mut carry) = mac(m, ELL[0], t[0], 0);
        for j in 1..4 {
            let (lo, hi) = mac(m, ELL[j], t[j], carry);
            t[j - 1] = lo;
            carry = hi;
        }
        let (lo, hi) = adc(t4, carry, 0);
        t[3] = lo;
        t[4] = top + hi;
    }
    debug_assert_eq!(t[4], 0);
    reduce_once([t[0], t[1], t[2], t[3]])
}

impl MontgomeryScalar {
    /// 0.
    pub(crate) const ZERO: Self = MontgomeryScalar([0; 4]);
    /// 1.
    pub(crate) const ONE: Self = MontgomeryScalar(R);

    /// \\( (1, t, t^2, \dots, t^{k-1}) \\) in Montgomery form.
    pub(crate) fn powers(t: Self, k: usize) -> Vec<Self> {
        powers(Self::ONE, t, k)
    }

    /// Enter Montgomery form: \\( x R \bmod \ell \\) (one product).
    pub(crate) fn from_scalar(x: &Scalar) -> Self {
        // A `Scalar` is canonical (< ℓ), as `montgomery_mul` requires.
        MontgomeryScalar(montgomery_mul(&limbs(x), &R2))
    }

    /// The `Scalar` whose value is the representation itself,
    /// \\( \bar x = x R \bmod \ell \\): no product. For sums that are only
    /// compared with the identity, in a group of prime order ℓ or after a
    /// multiplication by the cofactor, where a common factor \\( R \\) on
    /// every coefficient changes nothing (the accumulators of `msm`).
    pub(crate) fn to_raw_scalar(self) -> Scalar {
        canonical_scalar(self.0)
    }

    /// The Montgomery form of the 256-bit little-endian integer of
    /// `bytes` reduced mod ℓ, in one product:
    /// \\( \mathrm{M}(x, R^2) = x R \bmod \ell \\) (`montgomery_mul` takes any
    /// 256-bit first operand). For public values only (batch weights).
    pub(crate) fn reduce_bytes(bytes: &[u8; 32]) -> Self {
        MontgomeryScalar(montgomery_mul(&le_limbs(bytes), &R2))
    }

    /// Leave Montgomery form (one product).
    pub(crate) fn to_scalar(self) -> Scalar {
        canonical_scalar(montgomery_mul(&self.0, &[1, 0, 0, 0]))
    }

    /// `self²`.
    pub(crate) fn square(self) -> Self {
        self * self
    }

    /// \\( x^{-1} \\) for \\( x \ne 0 \\) (0 for 0), through
    /// `Scalar::invert` (constant time; a verification makes one per batch
    /// check, see [`invert_all`]).
    pub(crate) fn invert(self) -> Self {
        Self::from_scalar(&self.to_scalar().invert())
    }
}

/// \\( x \bmod \ell \\) for the 256-bit little-endian integer \\( x \\) of
/// `bytes`: `Scalar::from_bytes_mod_order`'s value in one Montgomery
/// product, \\( \mathrm{M}(x, R) = x R R^{-1} \\) (`montgomery_mul` takes any
/// 256-bit first operand with a second below ℓ). For public values only
/// (batch weights; the verifiers draw them in Montgomery form,
/// [`MontgomeryScalar::reduce_bytes`], and the tests check the two agree).
#[cfg(test)]
pub(crate) fn reduce(bytes: &[u8; 32]) -> Scalar {
    canonical_scalar(montgomery_mul(&le_limbs(bytes), &R))
}

/// \\( (1, t, t^2, \dots, t^{k-1}) \\), `one` being 1 in `T`'s form: one
/// product per element (for `MontgomeryScalar` and `Scalar` alike).
pub(crate) fn powers<T: Copy + Mul<Output = T>>(one: T, t: T, k: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(k);
    let mut p = one;
    for _ in 0..k {
        out.push(p);
        p = p * t;
    }
    out
}

/// \\( X \bmod \ell \\) for the 512-bit little-endian integer
/// \\( X = lo + 2^{256} hi \\) of `bytes`: `Scalar::from_bytes_mod_order_wide`'s
/// value as \\( \mathrm{M}(lo, R) + \mathrm{M}(hi, R^2) \\), two products
/// (\\( \mathrm{M}(hi, R^2) = hi \cdot R = hi \cdot 2^{256} \bmod \ell \\)). For
/// public values only (challenges).
pub(crate) fn reduce_wide(bytes: &[u8; 64]) -> Scalar {
    let (lo, hi) = bytes.split_at(32);
    let lo = MontgomeryScalar(montgomery_mul(&le_limbs(lo), &R));
    let hi = MontgomeryScalar(montgomery_mul(&le_limbs(hi), &R2));
    // Modular addition, whatever the form: both are residues below ℓ.
    canonical_scalar((lo + hi).0)
}

/// The little-endian 64-bit limbs of a (canonical) `Scalar`.
fn limbs(x: &Scalar) -> [u64; 4] {
    le_limbs(x.as_bytes())
}

/// The little-endian 64-bit limbs of 32 bytes (any 256-bit value).
fn le_limbs(bytes: &[u8]) -> [u64; 4] {
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    limbs
}

/// The `Scalar` of fully reduced limbs (`< ℓ`).
fn canonical_scalar(limbs: [u64; 4]) -> Scalar {
    let mut bytes = [0u8; 32];
    for (chunk, limb) in bytes.chunks_exact_mut(8).zip(limbs) {
        chunk.copy_from_slice(&limb.to_le_bytes());
    }
    // Canonical by construction (`montgomery_mul` reduces fully), so the
    // bytes are taken as they are: `from_bytes_mod_order` and
    // `from_canonical_bytes` would reduce them again (two products in
    // dalek's 52-bit limbs, ~5× a product here). Even a value ≥ ℓ would be
    // harmless where these scalars go (multiscalar multiplication of
    // ristretto points, and of Edwards points checked cofactored), but none
    // arises.
    debug_assert!(bool::from(Scalar::from_canonical_bytes(bytes).is_some()));
    Scalar::from_bits(bytes)
}

/// Replace every value by its inverse, with one field inversion for all of
/// them (Montgomery's trick): the prefix products
/// \\( p_i = x_0 \cdots x_{i-1} \\) on the way forward, one inversion of
/// \\( p_n \\), then on the way back
/// \\( x_i^{-1} = p_i \cdot p_{i+1}^{-1} \\) and
/// \\( p_i^{-1} = x_i \cdot p_{i+1}^{-1} \\): three products per value.
///
/// Every value must be nonzero (the verifiers refuse a zero challenge before
/// they hand it over); a zero would turn every inverse into 0.
pub(crate) fn invert_all(values: &mut [&mut MontgomeryScalar]) {
    debug_assert!(values.iter().all(|v| **v != MontgomeryScalar::ZERO));
    let mut prefixes = Vec::with_capacity(values.len());
    let mut product = MontgomeryScalar::ONE;
    for value in values.iter() {
        prefixes.push(product);
        product *= **value;
    }
    // 1/p_{i+1}, from i = n − 1 down.
    let mut inverse = product.invert();
    for (value, prefix) in values.iter_mut().zip(prefixes).rev() {
        let next = inverse * **value;
        **value = inverse * prefix;
        inverse = next;
    }
}

impl Add for MontgomeryScalar {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        let (d0, c) = adc(self.0[0], rhs.0[0], 0);
        let (d1, c) = adc(self.0[1], rhs.0[1], c);
        let (d2, c) = adc(self.0[2], rhs.0[2], c);
        let (d3, _) = adc(self.0[3], rhs.0[3], c);
        // Both < ℓ < 2²⁵³: no carry out, and the sum is < 2ℓ.
        MontgomeryScalar(reduce_once([d0, d1, d2, d3]))
    }
}

impl Sub for MontgomeryScalar {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        let (d0, b) = sbb(self.0[0], rhs.0[0], 0);
        let (d1, b) = sbb(self.0[1], rhs.0[1], b);
        let (d2, b) = sbb(self.0[2], rhs.0[2], b);
        let (d3, b) = sbb(self.0[3], rhs.0[3], b);
        // Add ℓ back when it borrowed.
        let mask = 0u64.wrapping_sub(b);
        let (d0, c) = adc(d0, ELL[0] & mask, 0);
        let (d1, c) = adc(d1, ELL[1] & mask, c);
        let (d2, c) = adc(d2, ELL[2] & mask, c);
        let (d3, _) = adc(d3, ELL[3] & mask, c);
        MontgomeryScalar([d0, d1, d2, d3])
    }
}

impl Neg for MontgomeryScalar {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        MontgomeryScalar::ZERO - self
    }
}

impl Mul for MontgomeryScalar {
    type Output = Self;
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        MontgomeryScalar(montgomery_mul(&self.0, &rhs.0))
    }
}

impl AddAssign for MontgomeryScalar {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl SubAssign for MontgomeryScalar {
    #[inline]
    fn sub_assign(&mut self, rhs: Self) {
        *self = *self - rhs;
    }
}

impl MulAssign for MontgomeryScalar {
    #[inline]
    fn mul_assign(&mut self, rhs: Self) {
        *self = *self * rhs;
    }
}

impl From<&Scalar> for MontgomeryScalar {
    fn from(x: &Scalar) -> Self {
        MontgomeryScalar::from_scalar(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    /// ℓ as little-endian bytes.
    const ELL_BYTES: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// `x + d` as 256-bit little-endian bytes (wrapping), `d` signed.
    fn offset(mut x: [u8; 32], d: i8) -> [u8; 32] {
        let mut carry = i16::from(d);
        for byte in &mut x {
            let v = i16::from(*byte) + carry;
            *byte = v.rem_euclid(256).to_le_bytes()[0];
            carry = v.div_euclid(256);
        }
        x
    }

    /// `2^e` as 256-bit little-endian bytes (`e < 256`).
    fn pow2(e: usize) -> [u8; 32] {
        let mut x = [0u8; 32];
        x[e / 8] = 1 << (e % 8);
        x
    }

    /// Edge values: 0, 1, ½, ℓ − 1, ℓ − 2, 2⁶⁴ − 1, 2¹²⁸, 2²⁵² and
    /// 2²⁵² ± 1, and the 32-byte inputs ℓ, ℓ + 1, 2²⁵⁵ − 19, 2²⁵⁶ − 1 and
    /// R = 2²⁵⁶ mod ℓ reduced modulo ℓ (a `Scalar` is always canonical).
    fn edge_values() -> Vec<Scalar> {
        let two_128 = Scalar::from(u128::MAX) + Scalar::ONE;
        let reduced = Scalar::from_bytes_mod_order;
        let values = alloc::vec![
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(2u64).invert(),
            -Scalar::ONE,
            -Scalar::from(2u64),
            Scalar::from(u64::MAX),
            two_128,
            reduced(pow2(252)),
            reduced(offset(pow2(252), -1)),
            reduced(offset(pow2(252), 1)),
            reduced(ELL_BYTES),
            reduced(offset(ELL_BYTES, 1)),
            reduced(offset(pow2(255), -19)),
            reduced([0xff; 32]),
            two_128 * two_128,
        ];
        // The byte constructions are what they claim (against dalek).
        assert_eq!(reduced(pow2(252)), two_128 * Scalar::from(1u128 << 124));
        assert_eq!(reduced(ELL_BYTES), Scalar::ZERO);
        assert_eq!(reduced(offset(ELL_BYTES, -1)), -Scalar::ONE);
        assert_eq!(reduced(offset(ELL_BYTES, 1)), Scalar::ONE);
        assert_eq!(reduced(offset(pow2(252), -1)) + Scalar::ONE, reduced(pow2(252)));
        values
    }

    /// Every operation of `x` and `y` against `Scalar`.
    fn check_pair(x: &Scalar, y: &Scalar) {
        let (mx, my) = (MontgomeryScalar::from_scalar(x), MontgomeryScalar::from(y));
        assert_eq!((mx * my).to_scalar(), x * y, "{x:?} · {y:?}");
        // The raw representation is x·R: R times the value, for every x.
        let r = MontgomeryScalar::ONE.to_raw_scalar();
        assert_eq!(mx.to_raw_scalar(), x * r, "{x:?} raw");
        assert_eq!((mx * my).to_raw_scalar(), x * y * r, "{x:?} · {y:?} raw");
        assert_eq!((mx + my).to_scalar(), x + y, "{x:?} + {y:?}");
        assert_eq!((mx - my).to_scalar(), x - y, "{x:?} − {y:?}");
        let mut acc = mx;
        acc += my;
        acc -= my;
        acc *= my;
        assert_eq!(acc.to_scalar(), x * y);
    }

    /// Every operation against `Scalar` on edge values and random ones:
    /// each edge with every edge, each random value with every edge and
    /// with a seventh of the random values.
    #[test]
    fn matches_dalek_scalar() {
        let mut rng = ChaCha20Rng::seed_from_u64(31);
        let edges = edge_values();
        let random: Vec<Scalar> = (0..200).map(|_| Scalar::random(&mut rng)).collect();
        for x in edges.iter().chain(&random) {
            let mx = MontgomeryScalar::from_scalar(x);
            assert_eq!(mx.to_scalar(), *x);
            assert_eq!((-mx).to_scalar(), -x);
            assert_eq!(mx.square().to_scalar(), x * x);
            for y in edges.iter().chain(random.iter().step_by(7)) {
                check_pair(x, y);
            }
        }
        for x in random.iter().step_by(7) {
            for y in &edges {
                check_pair(y, x);
            }
        }
    }

    /// `reduce_wide` and `reduce` against dalek's reductions: halves at the edges
    /// (0, 1, ℓ − 1, ℓ, 2²⁵⁶ − 1, R), every pair of them, and random
    /// 64-byte inputs (whose halves are ≥ ℓ fifteen times in sixteen, the
    /// operands `montgomery_mul` takes beyond ℓ only here).
    #[test]
    fn wide_reduction_matches_dalek() {
        let mut ell_minus_one = ELL_BYTES;
        ell_minus_one[0] -= 1;
        let mut r_bytes = [0u8; 32];
        for (chunk, limb) in r_bytes.chunks_exact_mut(8).zip(R) {
            chunk.copy_from_slice(&limb.to_le_bytes());
        }
        let mut one = [0u8; 32];
        one[0] = 1;
        let halves = [[0u8; 32], one, ell_minus_one, ELL_BYTES, [0xff; 32], r_bytes];
        let check = |wide: [u8; 64]| {
            assert_eq!(reduce_wide(&wide), Scalar::from_bytes_mod_order_wide(&wide), "{wide:?}");
            for half in wide.chunks_exact(32) {
                let mut half_bytes = [0u8; 32];
                half_bytes.copy_from_slice(half);
                let reduced = reduce(&half_bytes);
                assert_eq!(reduced, Scalar::from_bytes_mod_order(half_bytes), "{half:?}");
                assert!(bool::from(Scalar::from_canonical_bytes(reduced.to_bytes()).is_some()));
            }
        };
        for lo in &halves {
            for hi in &halves {
                let mut wide = [0u8; 64];
                wide[..32].copy_from_slice(lo);
                wide[32..].copy_from_slice(hi);
                check(wide);
            }
        }
        let mut rng = ChaCha20Rng::seed_from_u64(64);
        for _ in 0..2000 {
            let mut wide = [0u8; 64];
            rand_core::Rng::fill_bytes(&mut rng, &mut wide);
            check(wide);
        }
    }

    #[test]
    fn constants() {
        assert_eq!(MontgomeryScalar::ONE.to_scalar(), Scalar::ONE);
        assert_eq!(MontgomeryScalar::ZERO.to_scalar(), Scalar::ZERO);
        assert_eq!(MontgomeryScalar::from_scalar(&Scalar::ONE), MontgomeryScalar::ONE);
        // −ℓ⁻¹·ℓ ≡ −1 (mod 2⁶⁴).
        assert_eq!(ELL_NEG_INV.wrapping_mul(ELL[0]), u64::MAX);
        // R and R² against dalek: R = 2²⁵⁶ mod ℓ.
        let two_128 = Scalar::from(u128::MAX) + Scalar::ONE;
        let r = two_128 * two_128;
        let limbs = |s: Scalar| {
            let mut out = [0u64; 4];
            for (limb, chunk) in out.iter_mut().zip(s.as_bytes().chunks_exact(8)) {
                *limb = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            }
            out
        };
        assert_eq!(limbs(r), R);
        assert_eq!(limbs(r * r), R2);
    }

    /// `invert` and `invert_all` against `Scalar::invert`, on the nonzero
    /// edge values and random ones, for every length from 0 to 40 (the
    /// backward pass must pair each value with its own prefix).
    #[test]
    fn inversions_match_dalek_scalar() {
        let mut rng = ChaCha20Rng::seed_from_u64(32);
        let mut values: Vec<Scalar> =
            edge_values().into_iter().filter(|x| *x != Scalar::ZERO).collect();
        values.extend((0..40).map(|_| Scalar::random(&mut rng)));
        for x in &values {
            assert_eq!(MontgomeryScalar::from_scalar(x).invert().to_scalar(), x.invert());
        }
        for len in 0..=40 {
            let expected: Vec<Scalar> = values[..len].iter().map(Scalar::invert).collect();
            let mut montgomery: Vec<MontgomeryScalar> =
                values[..len].iter().map(MontgomeryScalar::from_scalar).collect();
            let mut slots: Vec<&mut MontgomeryScalar> = montgomery.iter_mut().collect();
            invert_all(&mut slots);
            let got: Vec<Scalar> = montgomery.iter().map(|m| m.to_scalar()).collect();
            assert_eq!(got, expected, "length {len}");
        }
    }

    /// Long product chains stay reduced (a chain of squarings of −1 and a
    /// value near ℓ).
    #[test]
    fn chains_stay_reduced() {
        let mut x = MontgomeryScalar::from_scalar(&-Scalar::ONE);
        let mut y = -Scalar::ONE;
        for _ in 0..1000 {
            x = x * x + MontgomeryScalar::from_scalar(&-Scalar::from(3u64));
            y = y * y - Scalar::from(3u64);
            assert_eq!(x.0.iter().rev().cmp(ELL.iter().rev()), core::cmp::Ordering::Less);
        }
        assert_eq!(x.to_scalar(), y);
    }
}
