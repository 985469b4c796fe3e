//! The equation accumulator every verifier pushes its terms into.
//!
//! A verification equation is a relation \\( \sum_i s_i P_i = 0 \\). Proofs
//! never check their own equations: they multiply each equation by an
//! independent random weight \\( \omega \\) drawn from `Weights` and add the
//! weighted terms to an `Msm`. When every equation of every item has been
//! added, one multiscalar multiplication per group decides them all:
//! $$
//! \sum_{e} \omega_e \sum_i s_{e,i} P_{e,i} \stackrel{?}{=} 0 .
//! $$
//! If some equation \\( e \\) does not hold, the left side is a non-zero
//! combination that vanishes only if \\( \omega_e \\) hits one value fixed by
//! the others: probability \\( \le 1/\ell \\) per failed equation, since the
//! weights are drawn by the verifier after every prover message is fixed
//! (the argument in full: [`notes::batching`](crate::notes::batching)).
//!
//! Points are kept in three classes:
//! - **static** points (`G`, `H`, `G_vec`, `H_vec` in ristretto255, `B` in
//!   edwards25519) get one accumulated coefficient each, for the whole batch;
//! - **shared** points (vault keys `Y_j`) are keyed by their encoding, so a key
//!   used by many items is one point with one accumulated coefficient;
//! - **dynamic** points (per-item commitments, handles and prover messages)
//!   are `(scalar, point)` pairs, decompressed once when their item was
//!   decoded.
//!
//! Ristretto terms are checked with ristretto equality (the identity test of
//! the sum); Edwards terms with the cofactored test `[8]·Σ = 0`, in single and
//! batch verification alike.
//!
//! Coefficients are taken in Montgomery form and handed to the
//! multiscalar multiplication as their representation
//! \\( \bar s = s R \bmod \ell \\), never converted back: the sums computed
//! are \\( \sum_i \bar s_i P_i \\). In ristretto255, a group of prime order
//! ℓ, that is \\( R \sum_i s_i P_i \\), the identity exactly when the true sum
//! is. An Edwards point may carry torsion, but
//! \\( 8 (\bar s P) = \bar s (8 P) = s R (8 P) \\) since \\( 8 P \\) has
//! order dividing ℓ, so the cofactored test decides the same too. Every term
//! of a group carries the factor, so no equation is changed.
//!
//! # Weights
//! Every check (a batch, or one step of bisection) draws a fresh 32-byte
//! `WeightSeed` from the batch's randomness (merlin's `TranscriptRng` over a
//! digest of every item, finalized with the verifier's CSPRNG; see
//! `batch`). Item `i`'s weights are
//! the halves of `SHA-512("vaultseal-batch-weight-v1" ‖ seed ‖ u64(i) ‖
//! u64(counter))`, counter = 0, 1, 2, …, each reduced modulo ℓ: scalars no
//! value of which has probability above 2⁻²⁵², independent across equations
//! and items, never zero, and reproducible from
//! `(seed, i)` alone, so items can push their equations in any order and on
//! any thread.
//!
//! # Constant time
//! Everything here is variable time (`vartime_*`): the inputs are public
//! proofs and statements, and the weights are public once drawn.
//!
//! # Documentation only
//! This module is public only in the rendered documentation (`cfg(doc)`:
//! `cargo doc`, docs.rs), so that its mathematics can be read there. Its items
//! are crate-internal and not part of the API, so they are not listed here.
//! Its public users are the `verify` methods of the wire types and
//! [`BatchVerifier`](crate::BatchVerifier).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, IsIdentity, VartimeMultiscalarMul};

#[cfg(doc)]
pub mod check;
#[cfg(not(doc))]
mod check;
#[cfg(doc)]
pub mod weights;
#[cfg(not(doc))]
mod weights;

pub(crate) use crate::montgomery::{MontgomeryScalar, invert_all};
#[cfg(all(test, feature = "std"))]
pub(crate) use check::counter;
pub(crate) use check::{
    BatchItem, Clock, Equations, Held, NoClock, Prepared, Replayed, Source, Stage, TermCount,
    check, map_items, map_items_with, push_alone, verify_one,
};
pub(crate) use weights::{ItemKind, WeightSeed, WeightSource, Weights, item_digest};

use crate::encoding::RistrettoElement;
use crate::limits::RANGE_BITS;
use crate::params::Params;

/// Accumulated weighted terms of any number of equations (see the module
/// documentation). The points are borrowed from the items for `'a` (each
/// term is a scalar and a reference, 40 bytes instead of a 160-byte point
/// copied per term).
#[derive(Clone, Debug, Default)]
pub(crate) struct Msm<'a> {
    g: MontgomeryScalar,
    h: MontgomeryScalar,
    g_vec: VecCoefficients,
    h_vec: VecCoefficients,
    b: MontgomeryScalar,
    shared: BTreeMap<[u8; 32], (MontgomeryScalar, &'a RistrettoPoint)>,
    dynamic: Terms<'a, RistrettoPoint>,
    edwards: Terms<'a, EdwardsPoint>,
}

/// `(scalar, point)` terms in segments: accumulators built on different
/// threads are merged by moving their segments, never by copying terms
/// (~57 000 of them in a batch of 1 024 deploy keys).
#[derive(Clone, Debug)]
struct Terms<'a, P> {
    segments: Vec<Vec<(Scalar, &'a P)>>,
}

impl<P> Default for Terms<'_, P> {
    fn default() -> Self {
        Terms { segments: Vec::new() }
    }
}

impl<'a, P> Terms<'a, P> {
    fn with_capacity(capacity: usize) -> Self {
        Terms { segments: alloc::vec![Vec::with_capacity(capacity)] }
    }

    fn push(&mut self, term: (Scalar, &'a P)) {
        match self.segments.last_mut() {
            Some(segment) => segment.push(term),
            None => self.segments.push(alloc::vec![term]),
        }
    }

    fn append(&mut self, other: Terms<'a, P>) {
        self.segments.extend(other.segments.into_iter().filter(|s| !s.is_empty()));
    }

    fn len(&self) -> usize {
        self.segments.iter().map(Vec::len).sum()
    }

    fn is_empty(&self) -> bool {
        self.segments.iter().all(Vec::is_empty)
    }

    /// Every term, by reference, after `statics`.
    fn with_statics<'s>(&'s self, statics: &[(&'s Scalar, &'s P)]) -> Vec<(&'s Scalar, &'s P)> {
        let mut all = Vec::with_capacity(statics.len() + self.len());
        all.extend_from_slice(statics);
        for segment in &self.segments {
            all.extend(segment.iter().map(|(s, p)| (s, *p)));
        }
        all
    }
}

/// Sizes of an accumulator (for profiles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MsmSize {
    /// Static ristretto points with a coefficient slot: `G`, `H`, and the
    /// used prefixes of `G_vec`, `H_vec`.
    pub(crate) static_points: usize,
    /// Distinct shared points (vault keys).
    pub(crate) shared_points: usize,
    /// Dynamic ristretto points.
    pub(crate) dynamic_points: usize,
    /// Edwards points, `B` included when used.
    pub(crate) edwards_points: usize,
}

impl<'a> Msm<'a> {
    /// An empty accumulator (it is satisfied).
    #[cfg_attr(not(any(test, feature = "parallel")), allow(dead_code))]
    pub(crate) fn new() -> Self {
        Msm::default()
    }

    /// An empty accumulator with room for `dynamic` ristretto and `edwards`
    /// Edwards terms (growing a vector of 57 000 terms by doubling copies
    /// them all once more).
    pub(crate) fn with_capacity(dynamic: usize, edwards: usize) -> Self {
        Msm {
            dynamic: Terms::with_capacity(dynamic),
            edwards: Terms::with_capacity(edwards),
            ..Msm::default()
        }
    }

    /// Add `s·G`.
    pub(crate) fn add_g(&mut self, s: MontgomeryScalar) {
        self.g += s;
    }

    /// Add `s·H`.
    pub(crate) fn add_h(&mut self, s: MontgomeryScalar) {
        self.h += s;
    }

    /// Add `s·B` (Edwards).
    pub(crate) fn add_b(&mut self, s: MontgomeryScalar) {
        self.b += s;
    }

    /// Mutable coefficients of `G_vec[0..len]`, in Montgomery form (the
    /// cheap way for a proof to add thousands of coefficients), to add into
    /// in place.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn g_vec_montgomery_mut(&mut self, len: usize) -> &mut [MontgomeryScalar] {
        grow(&mut self.g_vec.montgomery, len, MontgomeryScalar::ZERO)
    }

    /// Mutable coefficients of `H_vec[0..len]`, in Montgomery form.
    pub(crate) fn h_vec_montgomery_mut(&mut self, len: usize) -> &mut [MontgomeryScalar] {
        grow(&mut self.h_vec.montgomery, len, MontgomeryScalar::ZERO)
    }

    /// Add `s` to the coefficient of every `G_vec[i]`, `i < n`: one addition
    /// instead of `n` (the range proof's \\( -\omega_2 z \\) term).
    pub(crate) fn add_g_vec_all(&mut self, n: usize, s: MontgomeryScalar) {
        self.g_vec.add_all(n, s);
    }

    /// Add `s` to the coefficient of every `H_vec[i]`, `i < n`.
    pub(crate) fn add_h_vec_all(&mut self, n: usize, s: MontgomeryScalar) {
        self.h_vec.add_all(n, s);
    }

    /// Add `x_j·y_k` to the coefficient of every `G_vec[16j + k]`,
    /// `j < n / 16 = x.len()`: a range proof's rank-one term, paired with the
    /// next one of the same `n` (one product per coefficient for the two).
    pub(crate) fn add_g_vec_outer(
        &mut self,
        n: usize,
        x: Vec<MontgomeryScalar>,
        y: [MontgomeryScalar; ROW],
    ) {
        self.g_vec.add_outer(n, x, y);
    }

    /// Add `offsets[j]` to the coefficient of every `H_vec[16j + k]`,
    /// `k < 16` (one addition per row instead of 16).
    pub(crate) fn add_h_vec_rows(&mut self, offsets: &[MontgomeryScalar]) {
        self.h_vec.add_rows(offsets);
    }

    /// Add `offsets[k]` to the coefficient of every `H_vec[16j + k]`,
    /// `16j + k < n` (one addition per column instead of `n / 16`).
    pub(crate) fn add_h_vec_columns(&mut self, n: usize, offsets: &[MontgomeryScalar; ROW]) {
        self.h_vec.add_columns(n, offsets);
    }

    /// Add `s·P` for a per-item point.
    pub(crate) fn push(&mut self, s: MontgomeryScalar, point: &'a RistrettoElement) {
        self.dynamic.push((s.to_raw_scalar(), &point.point));
    }

    /// Add `s·P` for a point shared across items (a vault key): points with
    /// the same encoding accumulate one coefficient.
    pub(crate) fn push_shared(&mut self, s: MontgomeryScalar, point: &'a RistrettoElement) {
        self.shared
            .entry(point.compressed.to_bytes())
            .and_modify(|(acc, _)| *acc += s)
            .or_insert((s, &point.point));
    }

    /// Add `s·P` for an Edwards point.
    pub(crate) fn push_edwards(&mut self, s: MontgomeryScalar, point: &'a EdwardsPoint) {
        self.edwards.push((s.to_raw_scalar(), point));
    }

    /// Add every term of `other` (accumulators of disjoint item sets, built
    /// on different threads, are merged this way).
    #[cfg_attr(not(any(test, feature = "parallel")), allow(dead_code))]
    pub(crate) fn append(&mut self, other: Msm<'a>) {
        self.g += other.g;
        self.h += other.h;
        self.b += other.b;
        self.g_vec.append(other.g_vec);
        self.h_vec.append(other.h_vec);
        for (key, (s, point)) in other.shared {
            self.shared.entry(key).and_modify(|(acc, _)| *acc += s).or_insert((s, point));
        }
        self.dynamic.append(other.dynamic);
        self.edwards.append(other.edwards);
    }

    /// The number of points of each class.
    pub(crate) fn size(&self) -> MsmSize {
        let b_used = usize::from(self.b != MontgomeryScalar::ZERO || !self.edwards.is_empty());
        MsmSize {
            static_points: 2 + self.g_vec.len() + self.h_vec.len(),
            shared_points: self.shared.len(),
            dynamic_points: self.dynamic.len(),
            edwards_points: self.edwards.len() + b_used,
        }
    }

    /// Whether every accumulated equation holds: the ristretto sum is the
    /// identity and `[8]·` the Edwards sum is the identity.
    ///
    /// Variable time: every input is public. (The batch checks the two sums
    /// itself, to time them apart; the proofs' unit tests use this.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn vartime_is_satisfied(&self, params: &Params) -> bool {
        self.vartime_ristretto_sum(params).is_identity()
            && self.vartime_edwards_sum(params).mul_by_cofactor().is_identity()
    }

    /// `Σ s·P` over the ristretto terms: variable-time multiscalar
    /// multiplication (Straus for small inputs, Pippenger above ~190 points)
    /// over the used static points and every shared and dynamic point; under
    /// `parallel`, large sums are split into one Pippenger per thread.
    ///
    /// Static points are not given precomputed tables: on the benchmark
    /// machine dalek's precomputed-table call costs about 3× Pippenger per
    /// static point (its width-8 tables for 2 050 points do not fit in
    /// cache), and the static points are at most 2 050 of any batch (see
    /// `docs/notes/batching.md` and `benches/msm_floor.rs`).
    pub(crate) fn vartime_ristretto_sum(&self, params: &Params) -> RistrettoPoint {
        let g_vec = self.g_vec.coefficients();
        let h_vec = self.h_vec.coefficients();
        let (g, h) = (self.g.to_raw_scalar(), self.h.to_raw_scalar());
        let shared: Vec<(Scalar, &RistrettoPoint)> =
            self.shared.values().map(|(s, p)| (s.to_raw_scalar(), *p)).collect();
        let statics: Vec<(&Scalar, &RistrettoPoint)> = [(&g, &params.G), (&h, &params.H)]
            .into_iter()
            .chain(g_vec.iter().zip(&params.G_vec))
            .chain(h_vec.iter().zip(&params.H_vec))
            .chain(shared.iter().map(|(s, p)| (s, *p)))
            .collect();
        split_msm(&self.dynamic.with_statics(&statics), |run| {
            RistrettoPoint::vartime_multiscalar_mul(
                run.iter().map(|(s, _)| *s),
                run.iter().map(|(_, p)| *p),
            )
        })
    }

    /// `Σ s·P` over the Edwards terms (`B` included).
    pub(crate) fn vartime_edwards_sum(&self, params: &Params) -> EdwardsPoint {
        if self.edwards.is_empty() && self.b == MontgomeryScalar::ZERO {
            return EdwardsPoint::identity();
        }
        let b = self.b.to_raw_scalar();
        split_msm(&self.edwards.with_statics(&[(&b, &params.B)]), |run| {
            EdwardsPoint::vartime_multiscalar_mul(
                run.iter().map(|(s, _)| *s),
                run.iter().map(|(_, p)| *p),
            )
        })
    }
}

/// Fewest points worth splitting one multiscalar multiplication across
/// threads (below it, one call takes well under a millisecond and the fork
/// costs more than it saves).
#[cfg(feature = "parallel")]
const PARALLEL_MSM_MIN_POINTS: usize = 384;

/// `Σ s·P` over `terms` (a list of `(scalar, point)` pairs), where
/// `msm(run)` is one multiscalar multiplication. Serial: one call over
/// everything. Under `parallel`, with enough points: one run per thread,
/// and the partial sums added.
fn split_msm<P, F>(terms: &[(&Scalar, &P)], msm: F) -> P
where
    P: Copy + Send + Sync + core::ops::Add<Output = P> + Identity,
    F: Fn(&[(&Scalar, &P)]) -> P + Sync,
{
    #[cfg(feature = "parallel")]
    {
        let threads = rayon::current_num_threads();
        if threads > 1 && terms.len() >= PARALLEL_MSM_MIN_POINTS {
            use rayon::prelude::*;
            return terms
                .par_chunks(terms.len().div_ceil(threads))
                .map(&msm)
                .reduce(P::identity, |x, y| x + y);
        }
    }
    msm(terms)
}

/// Coefficients of one static vector (`G_vec` or `H_vec`): slots in
/// Montgomery form, constants added to a whole prefix `0..n`, and offsets
/// added to a whole row or column of the prefix seen as rows of
/// [`ROW`] generators (the range proof's chunks and bits); summed once per
/// check ([`VecCoefficients::coefficients`]).
#[derive(Clone, Debug, Default)]
struct VecCoefficients {
    montgomery: Vec<MontgomeryScalar>,
    /// `(n, s)`: `s` added to every coefficient `0..n` (one entry per `n`).
    all: Vec<(usize, MontgomeryScalar)>,
    /// `rows[j]`: added to every coefficient `ROW·j..ROW·(j+1)`.
    rows: Vec<MontgomeryScalar>,
    /// `(n, c)`: `c[k]` added to every coefficient `i < n` with
    /// `i mod ROW = k` (one entry per `n`).
    columns: Vec<(usize, [MontgomeryScalar; ROW])>,
    /// A rank-one term waiting for a second one to be paired with
    /// ([`VecCoefficients::add_outer`]).
    pending: Option<Outer>,
}

/// A rank-one term of a prefix of `n` coefficients, seen as rows of
/// [`ROW`]: `x_j·y_k` added to coefficient `ROW·j + k`, `j < n / ROW`.
#[derive(Clone, Debug)]
struct Outer {
    n: usize,
    x: Vec<MontgomeryScalar>,
    y: [MontgomeryScalar; ROW],
}

impl Outer {
    /// Add the term to `slots` (one product per coefficient).
    fn add_to(&self, slots: &mut [MontgomeryScalar]) {
        for (row, x_j) in slots.chunks_mut(ROW).zip(&self.x) {
            for (slot, y_k) in row.iter_mut().zip(&self.y) {
                *slot += *x_j * *y_k;
            }
        }
    }
}

/// The row length of [`VecCoefficients`]' row and column offsets: a range
/// proof's bits per value.
const ROW: usize = RANGE_BITS;

impl VecCoefficients {
    /// The number of generators with a coefficient.
    fn len(&self) -> usize {
        let prefix = self.all.iter().map(|(n, _)| *n).max().unwrap_or(0);
        let columns = self.columns.iter().map(|(n, _)| *n).max().unwrap_or(0);
        let pending = self.pending.as_ref().map_or(0, |outer| outer.n);
        self.montgomery.len().max(prefix).max(ROW * self.rows.len()).max(columns).max(pending)
    }

    fn add_all(&mut self, n: usize, s: MontgomeryScalar) {
        match self.all.iter_mut().find(|(m, _)| *m == n) {
            Some((_, acc)) => *acc += s,
            None => self.all.push((n, s)),
        }
    }

    fn add_rows(&mut self, offsets: &[MontgomeryScalar]) {
        let zero = MontgomeryScalar::ZERO;
        for (acc, s) in grow(&mut self.rows, offsets.len(), zero).iter_mut().zip(offsets) {
            *acc += *s;
        }
    }

    fn add_columns(&mut self, n: usize, offsets: &[MontgomeryScalar; ROW]) {
        let at = match self.columns.iter().position(|(m, _)| *m == n) {
            Some(at) => at,
            None => {
                self.columns.push((n, [MontgomeryScalar::ZERO; ROW]));
                self.columns.len() - 1
            }
        };
        for (acc, s) in self.columns[at].1.iter_mut().zip(offsets) {
            *acc += *s;
        }
    }

    /// Add the rank-one term `x_j·y_k` to coefficient `ROW·j + k`
    /// (`j < n / ROW = x.len()`). Terms come in pairs: one is held until the
    /// next of the same `n` arrives, and the two are added with one product
    /// per coefficient instead of two (Winograd's pairing,
    /// `x_j y_k + x′_j y′_k = (x_j + y′_k)(x′_j + y_k) − x_j x′_j − y_k y′_k`,
    /// the last two terms as one row and one column offset).
    fn add_outer(&mut self, n: usize, x: Vec<MontgomeryScalar>, y: [MontgomeryScalar; ROW]) {
        debug_assert_eq!(x.len() * ROW, n);
        let first = match self.pending.take() {
            Some(first) if first.n == n => first,
            other => {
                if let Some(unpaired) = other {
                    unpaired.add_to(grow(&mut self.montgomery, unpaired.n, MontgomeryScalar::ZERO));
                }
                self.pending = Some(Outer { n, x, y });
                return;
            }
        };
        let slots = grow(&mut self.montgomery, n, MontgomeryScalar::ZERO);
        for ((row, x_j), x2_j) in slots.chunks_mut(ROW).zip(&first.x).zip(&x) {
            for ((slot, y_k), y2_k) in row.iter_mut().zip(&first.y).zip(&y) {
                *slot += (*x_j + *y2_k) * (*x2_j + *y_k);
            }
        }
        let rows = grow(&mut self.rows, x.len(), MontgomeryScalar::ZERO);
        for ((row, x_j), x2_j) in rows.iter_mut().zip(&first.x).zip(&x) {
            *row -= *x_j * *x2_j;
        }
        let mut columns = [MontgomeryScalar::ZERO; ROW];
        for ((column, y_k), y2_k) in columns.iter_mut().zip(&first.y).zip(&y) {
            *column = -(*y_k * *y2_k);
        }
        self.add_columns(n, &columns);
    }

    fn append(&mut self, other: VecCoefficients) {
        if let Some(outer) = other.pending {
            self.add_outer(outer.n, outer.x, outer.y);
        }
        let n = other.montgomery.len();
        let zero = MontgomeryScalar::ZERO;
        for (acc, s) in grow(&mut self.montgomery, n, zero).iter_mut().zip(&other.montgomery) {
            *acc += *s;
        }
        for (n, s) in other.all {
            self.add_all(n, s);
        }
        self.add_rows(&other.rows);
        for (n, offsets) in &other.columns {
            self.add_columns(*n, offsets);
        }
    }

    /// Every coefficient as a `Scalar`: the slots, plus the prefix constants
    /// and the column offsets as suffix sums over the distinct `n`, plus the
    /// row offsets (a few additions per coefficient, once per check).
    fn coefficients(&self) -> Vec<Scalar> {
        let len = self.len();
        let mut all = self.all.clone();
        all.sort_unstable_by_key(|(n, _)| core::cmp::Reverse(*n));
        let mut pending = all.iter().peekable();
        let mut columns = self.columns.clone();
        columns.sort_unstable_by_key(|(n, _)| core::cmp::Reverse(*n));
        let mut pending_columns = columns.iter().peekable();
        let mut constant = MontgomeryScalar::ZERO;
        let mut column = [MontgomeryScalar::ZERO; ROW];
        // An unpaired rank-one term, added alone (once per check).
        let mut unpaired = Vec::new();
        if let Some(outer) = &self.pending {
            unpaired = alloc::vec![MontgomeryScalar::ZERO; outer.n];
            outer.add_to(&mut unpaired);
        }
        let mut out = alloc::vec![Scalar::ZERO; len];
        for (i, coefficient) in out.iter_mut().enumerate().rev() {
            while let Some((_, s)) = pending.next_if(|(n, _)| *n > i) {
                constant += *s;
            }
            while let Some((_, offsets)) = pending_columns.next_if(|(n, _)| *n > i) {
                for (c, s) in column.iter_mut().zip(offsets) {
                    *c += *s;
                }
            }
            let mut montgomery = self.montgomery.get(i).map_or(constant, |m| *m + constant);
            montgomery += column[i % ROW];
            if let Some(row) = self.rows.get(i / ROW) {
                montgomery += *row;
            }
            if let Some(term) = unpaired.get(i) {
                montgomery += *term;
            }
            *coefficient = montgomery.to_raw_scalar();
        }
        out
    }
}

/// `v[0..len]`, extending `v` with `zero` if it is shorter.
fn grow<T: Clone>(v: &mut Vec<T>, len: usize, zero: T) -> &mut [T] {
    if v.len() < len {
        v.resize(len, zero);
    }
    &mut v[..len]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn rng() -> ChaCha20Rng {
        ChaCha20Rng::seed_from_u64(7)
    }

    /// `x` in Montgomery form, as the accumulator takes it.
    fn m(x: Scalar) -> MontgomeryScalar {
        MontgomeryScalar::from_scalar(&x)
    }

    /// \\( R \bmod \ell \\): the accumulator's sums are \\( R \\) times the
    /// sums of the values it was given (`MontgomeryScalar::to_raw_scalar`).
    fn r() -> Scalar {
        MontgomeryScalar::ONE.to_raw_scalar()
    }

    /// The accumulator against a naive sum of the same terms.
    #[test]
    fn matches_naive_sum() {
        let params = Params::new();
        let mut rng = rng();
        let mut msm = Msm::new();
        let mut naive = RistrettoPoint::default();
        for i in [0usize, 3, 1023] {
            let (a, b) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
            msm.g_vec_montgomery_mut(i + 1)[i] += MontgomeryScalar::from_scalar(&a);
            msm.h_vec_montgomery_mut(i + 1)[i] += MontgomeryScalar::from_scalar(&b);
            naive += a * params.G_vec[i] + b * params.H_vec[i];
        }
        let (g, h) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
        msm.add_g(m(g));
        msm.add_h(m(h));
        naive += g * params.G + h * params.H;
        let p = RistrettoElement::from_point(RistrettoPoint::random(&mut rng));
        let (s1, s2, s3) =
            (Scalar::random(&mut rng), Scalar::random(&mut rng), Scalar::random(&mut rng));
        msm.push(m(s1), &p);
        msm.push_shared(m(s2), &p);
        msm.push_shared(m(s3), &p);
        naive += (s1 + s2 + s3) * p.point;
        let size = msm.size();
        assert_eq!((size.dynamic_points, size.shared_points), (1, 1));
        assert_eq!(msm.vartime_ristretto_sum(&params), naive * r());
        assert!(!msm.vartime_is_satisfied(&params));
        // Cancel the sum exactly: now satisfied.
        let naive = RistrettoElement::from_point(naive);
        msm.push(-MontgomeryScalar::ONE, &naive);
        assert!(msm.vartime_is_satisfied(&params));
    }

    /// Large sums (split across threads under `parallel`) and merged
    /// accumulators against a naive sum.
    #[test]
    fn large_and_merged_sums_match_naive_sum() {
        let params = Params::new();
        let mut rng = rng();
        // The points first: the accumulators borrow them.
        let points: Vec<Vec<(Scalar, RistrettoElement, EdwardsPoint)>> = (0..3)
            .map(|n| {
                (0..(700 * n + 1))
                    .map(|_| {
                        let s = Scalar::random(&mut rng);
                        let p = RistrettoElement::from_point(RistrettoPoint::random(&mut rng));
                        (s, p, EdwardsPoint::mul_base(&Scalar::random(&mut rng)))
                    })
                    .collect()
            })
            .collect();
        let key = RistrettoElement::from_point(params.H * Scalar::from(5u64));
        let mut parts = [Msm::new(), Msm::new(), Msm::new()];
        let mut naive = RistrettoPoint::identity();
        let mut naive_edwards = EdwardsPoint::identity();
        for (n, part) in parts.iter_mut().enumerate() {
            for (s, p, e) in &points[n] {
                part.push(m(*s), p);
                naive += s * p.point;
                part.push_edwards(m(*s), e);
                naive_edwards += s * e;
            }
            let s = Scalar::random(&mut rng);
            part.g_vec_montgomery_mut(4 + n)[3] += MontgomeryScalar::from_scalar(&s);
            naive += s * params.G_vec[3];
            let s = Scalar::random(&mut rng);
            part.add_b(m(s));
            naive_edwards += s * params.B;
            let s = Scalar::random(&mut rng);
            part.push_shared(m(s), &key);
            naive += s * key.point;
        }
        let [a, b, c] = parts;
        let mut merged = Msm::new();
        merged.append(a);
        merged.append(b);
        merged.append(c);
        assert_eq!(merged.size().shared_points, 1);
        assert_eq!(merged.size().dynamic_points, 1 + 701 + 1401);
        assert_eq!(merged.vartime_ristretto_sum(&params), naive * r());
        assert_eq!(merged.vartime_edwards_sum(&params), naive_edwards * r());
    }

    /// Montgomery slots, whole-prefix constants and row and column
    /// offsets, alone and merged, against a naive sum.
    #[test]
    fn montgomery_slots_prefix_constants_rows_and_columns_match_naive_sum() {
        let params = Params::new();
        let mut rng = rng();
        let mut naive = RistrettoPoint::identity();
        let mut parts = [Msm::new(), Msm::new()];
        for (p, msm) in parts.iter_mut().enumerate() {
            for (n, i) in [(16usize, 3usize), (256, 255), (64, 0)] {
                let (a, b) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
                let (c, d) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
                msm.add_g_vec_all(n, MontgomeryScalar::from_scalar(&a));
                msm.add_h_vec_all(n >> p, MontgomeryScalar::from_scalar(&b));
                msm.g_vec_montgomery_mut(n)[i] += MontgomeryScalar::from_scalar(&c);
                msm.h_vec_montgomery_mut(n)[i] -= MontgomeryScalar::from_scalar(&d);
                msm.g_vec_montgomery_mut(i + 1)[i] += MontgomeryScalar::from_scalar(&d);
                for j in 0..n {
                    naive += a * params.G_vec[j];
                }
                for j in 0..(n >> p) {
                    naive += b * params.H_vec[j];
                }
                naive += (c + d) * params.G_vec[i] - d * params.H_vec[i];
                // Row and column offsets of a prefix of whole rows of H_vec.
                let prefix = ((n >> p) / ROW).max(1) * ROW;
                let rows: Vec<Scalar> =
                    (0..prefix / ROW).map(|_| Scalar::random(&mut rng)).collect();
                let columns: [Scalar; ROW] = core::array::from_fn(|_| Scalar::random(&mut rng));
                let montgomery = |x: &Scalar| MontgomeryScalar::from_scalar(x);
                msm.add_h_vec_rows(&rows.iter().map(montgomery).collect::<Vec<_>>());
                msm.add_h_vec_columns(prefix, &columns.map(|x| montgomery(&x)));
                for j in 0..prefix {
                    naive += (rows[j / ROW] + columns[j % ROW]) * params.H_vec[j];
                }
                // Rank-one terms of G_vec: one per n, two for n = 256 (a
                // pair), so that each part ends with one held back (n = 64)
                // and the merge pairs the two parts' held terms.
                for _ in 0..if n == 256 { 2 } else { 1 } {
                    let x: Vec<Scalar> = (0..n / ROW).map(|_| Scalar::random(&mut rng)).collect();
                    let y: [Scalar; ROW] = core::array::from_fn(|_| Scalar::random(&mut rng));
                    let montgomery = |x: &Scalar| MontgomeryScalar::from_scalar(x);
                    msm.add_g_vec_outer(
                        n,
                        x.iter().map(montgomery).collect(),
                        y.map(|v| montgomery(&v)),
                    );
                    for j in 0..n {
                        naive += (x[j / ROW] * y[j % ROW]) * params.G_vec[j];
                    }
                }
            }
        }
        let [a, b] = parts;
        let alone = a.clone();
        assert!(a.g_vec.pending.as_ref().is_some_and(|outer| outer.n == 64));
        let mut merged = a;
        merged.append(b);
        assert!(merged.g_vec.pending.is_none());
        assert_eq!(merged.size().static_points, 2 + 256 + 256);
        assert_eq!(merged.vartime_ristretto_sum(&params), naive * r());
        assert_ne!(alone.vartime_ristretto_sum(&params), naive * r());
    }

    /// A weight drawn in Montgomery form is the weight `next` draws, odd
    /// and even halves of the stream alike.
    #[test]
    fn montgomery_weights_are_the_weights() {
        let seed = WeightSeed([5; 32]);
        let (mut a, mut b) = (Weights::for_item(&seed, 3), Weights::for_item(&seed, 3));
        for _ in 0..9 {
            assert_eq!(a.next_montgomery().to_scalar(), b.next());
        }
    }

    #[test]
    fn edwards_check_is_cofactored() {
        let params = Params::new();
        let mut msm = Msm::new();
        assert!(msm.vartime_is_satisfied(&params));
        // A pure torsion point passes the cofactored check…
        let torsion = curve25519_dalek::constants::EIGHT_TORSION[1];
        msm.push_edwards(MontgomeryScalar::ONE, &torsion);
        assert!(msm.vartime_is_satisfied(&params));
        // …a prime-order one does not.
        msm.add_b(MontgomeryScalar::ONE);
        assert!(!msm.vartime_is_satisfied(&params));
    }

    #[test]
    fn edwards_terms_are_checked_when_b_has_no_coefficient() {
        // `B`'s coefficient is zero, the Edwards terms are not: the sum is
        // still computed (a prime-order point left over fails), and `B`
        // still counts as a used point.
        let params = Params::new();
        let mut msm = Msm::new();
        msm.push_edwards(MontgomeryScalar::ONE, &params.B);
        assert!(!msm.vartime_is_satisfied(&params));
        assert_eq!(msm.vartime_edwards_sum(&params), params.B * r());
        assert_eq!(msm.size().edwards_points, 2);
        // `B` alone, with a coefficient: one Edwards point, not satisfied.
        let mut msm = Msm::new();
        msm.add_b(MontgomeryScalar::ONE);
        assert_eq!(msm.size().edwards_points, 1);
        assert!(!msm.vartime_is_satisfied(&params));
        assert_eq!(Msm::new().size().edwards_points, 0);
    }

    /// The per-item maps keep every item, in order, serially and (under
    /// `parallel`, from two items) on threads: the batch's digests, and so
    /// its weights, come from every item (an empty result would leave the
    /// weights independent of the items; verdicts would not show it).
    #[test]
    fn item_maps_keep_every_item_in_order() {
        for n in [0usize, 1, 2, 3, 100] {
            let items: Vec<usize> = (0..n).collect();
            let doubled: Vec<usize> = items.iter().map(|i| 2 * i).collect();
            assert_eq!(map_items(&items, |i| 2 * i), doubled);
            let counted = map_items_with(
                &items,
                || 0usize,
                |seen, i| {
                    *seen += 1;
                    (2 * i, *seen >= 1)
                },
            );
            assert_eq!(counted.iter().map(|(d, _)| *d).collect::<Vec<_>>(), doubled);
            assert!(counted.iter().all(|(_, state_kept)| *state_kept));
        }
    }

    #[test]
    fn with_capacity_reserves_both_term_lists() {
        // A capacity hint: no verdict observes it, so it is checked here.
        let msm = Msm::with_capacity(100, 7);
        fn capacity<P>(terms: &Terms<'_, P>) -> Option<usize> {
            terms.segments.first().map(Vec::capacity)
        }
        assert!(capacity(&msm.dynamic).is_some_and(|c| c >= 100));
        assert!(capacity(&msm.edwards).is_some_and(|c| c >= 7));
        assert!(msm.dynamic.is_empty() && msm.edwards.is_empty());
    }

    #[test]
    fn weights_depend_on_seed_item_and_position() {
        let seed = WeightSeed([1; 32]);
        let other_seed = WeightSeed([2; 32]);
        let first = |seed: &WeightSeed, item: usize| Weights::for_item(seed, item).next();
        assert_eq!(first(&seed, 0), first(&seed, 0));
        assert_ne!(first(&seed, 0), first(&seed, 1));
        assert_ne!(first(&seed, 0), first(&other_seed, 0));
        let mut w = Weights::for_item(&seed, 0);
        let (a, b) = (w.next(), w.next());
        assert_ne!(a, b);
        assert_ne!(a, Scalar::ZERO);
        // Full-width: the top bytes are not all zero (a 128-bit weight would
        // leave bytes 16..32 zero; probability 2⁻¹²⁸·ε for a uniform one).
        assert!(a.as_bytes()[16..].iter().any(|&byte| byte != 0));
    }

    /// PROTOCOL §2.7, recomputed here: item `i`'s weights are the halves of
    /// `SHA-512(label ‖ seed ‖ u64(i) ‖ u64(c))`, c = 0, 1, …, each reduced
    /// modulo ℓ, in that order.
    #[test]
    fn weights_are_the_halves_of_each_sha512_output_in_order() {
        use sha2::{Digest as _, Sha512};
        let seed = WeightSeed([9; 32]);
        let halves = |item: u64, counter: u64| {
            let digest = Sha512::new()
                .chain_update(crate::transcript::labels::BATCH_WEIGHT)
                .chain_update(seed.0)
                .chain_update(item.to_le_bytes())
                .chain_update(counter.to_le_bytes())
                .finalize();
            let reduce = |bytes: &[u8]| {
                let mut half = [0u8; 32];
                half.copy_from_slice(bytes);
                Scalar::from_bytes_mod_order(half)
            };
            [reduce(&digest[..32]), reduce(&digest[32..])]
        };
        let mut weights = Weights::for_item(&seed, 5);
        let drawn: Vec<Scalar> = (0..5).map(|_| weights.next()).collect();
        let [w0, w1] = halves(5, 0);
        let [w2, w3] = halves(5, 1);
        let [w4, _] = halves(5, 2);
        assert_eq!(drawn, [w0, w1, w2, w3, w4]);
    }

    /// Seeds and sources are the verifier's secret randomness until the check
    /// is done: their `Debug` shows none of it.
    #[test]
    fn weight_seeds_and_sources_are_redacted_in_debug() {
        let mut source = WeightSource::new(&[[3; 64]], &mut ChaCha20Rng::seed_from_u64(1));
        assert_eq!(alloc::format!("{source:?}"), "WeightSource(..)");
        let seed = source.seed();
        assert_eq!(alloc::format!("{seed:?}"), "WeightSeed(..)");
        let mut weights = Weights::for_item(&seed, 0);
        let _ = weights.next();
        let shown = alloc::format!("{weights:?}");
        assert!(shown.contains("WeightSeed(..)"), "{shown}");
        // The unused half of the last output (the next weight) is not shown.
        assert!(!shown.contains("spare"), "{shown}");
        assert_eq!(shown, "Weights { seed: WeightSeed(..), item: 0, counter: 1, .. }");
    }

    /// The seeds depend on every digest, their order and their number, and
    /// on the caller's RNG; successive checks get different seeds.
    #[test]
    fn seeds_depend_on_every_item_and_the_order() {
        let seed = |digests: &[[u8; 64]], rng_seed: u64| {
            WeightSource::new(digests, &mut ChaCha20Rng::seed_from_u64(rng_seed)).seed().0
        };
        let (a, b, c) = ([1u8; 64], [2u8; 64], [3u8; 64]);
        let base = seed(&[a, b, c], 1);
        assert_eq!(base, seed(&[a, b, c], 1));
        assert_ne!(base, seed(&[a, b, c], 2));
        assert_ne!(base, seed(&[b, a, c], 1));
        assert_ne!(base, seed(&[a, b], 1));
        let mut changed = c;
        changed[63] ^= 1;
        assert_ne!(base, seed(&[a, b, changed], 1));
        let mut source = WeightSource::new(&[a], &mut ChaCha20Rng::seed_from_u64(1));
        assert_ne!(source.seed().0, source.seed().0);
    }

    #[test]
    fn test_weights_depend_on_rng_and_items() {
        let a = Weights::new([&b"item"[..]], &mut rng()).next();
        let b = Weights::new([&b"item"[..]], &mut rng()).next();
        let c = Weights::new([&b"other"[..]], &mut rng()).next();
        let d = Weights::new([&b"item"[..]], &mut ChaCha20Rng::seed_from_u64(8)).next();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }
}
