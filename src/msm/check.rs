//! Checks: the weighted equations of a set of items, decided by one
//! multiscalar multiplication per group — the one code path every
//! verification of the crate runs.
//!
//! An item kind implements three traits next to its type:
//! - `BatchItem`: how it is digested (for the weights) and decoded or
//!   prepared into its `Equations`;
//! - `Equations`: its transcripts replayed, every challenge drawn and every
//!   refusal made, into a `Replayed` item;
//! - `Replayed`: the field inversions it needs, and the weighted equations
//!   it then adds to an `Msm`.
//!
//! `check` adds the equations of a subset of items under one
//! `WeightSeed` and decides them. It works in runs of `INVERSION_RUN`
//! items: every item of a run is replayed, all their inversions (a range
//! proof's \\( y \\) and \\( u_j \\)) are made at once by Montgomery's trick
//! (one field inversion per run instead of one per range proof), then
//! every item pushes. `verify_one` is single verification: a
//! batch of one, through the same digest, preparation, weights, check and
//! failure report as `BatchVerifier`, so the two can never disagree.
//!
//! Work per item runs in parallel under `parallel` (`map_items`,
//! `map_items_with`; each thread pushes into its own accumulator, merged
//! at the end).
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::{Add, Deref};

use curve25519_dalek::traits::IsIdentity;
use rand_core::CryptoRng;

use super::{MontgomeryScalar, Msm, MsmSize, WeightSeed, WeightSource, Weights, invert_all};
use crate::encoding::RecipientCache;
use crate::error::Error;
use crate::params::Params;

/// How many terms an item adds: a capacity hint for the accumulators.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TermCount {
    /// Dynamic ristretto points (shared vault keys excluded).
    pub(crate) ristretto: usize,
    /// Edwards points (`B` excluded).
    pub(crate) edwards: usize,
}

impl Add for TermCount {
    type Output = TermCount;
    fn add(self, other: TermCount) -> TermCount {
        TermCount {
            ristretto: self.ristretto + other.ristretto,
            edwards: self.edwards + other.edwards,
        }
    }
}

/// A verification reduced to weighted equations, before its transcripts
/// are replayed.
pub(crate) trait Equations: Send + Sync {
    /// The terms its [`Replayed::push_equations`] adds (a hint).
    fn msm_terms(&self) -> TermCount;

    /// Replay the transcripts (every challenge drawn) and make every
    /// refusal (a context of the wrong purpose, a shape mismatch, a zero
    /// challenge): nothing is pushed yet, so a refusal names this item
    /// alone.
    ///
    /// # Errors
    /// The refusal, as single verification reports it.
    fn replay(&self, params: &Params) -> Result<Box<dyn Replayed<'_> + '_>, Error>;

    /// The error of this item, which a check found invalid (it is at
    /// position `index` of its batch). An item made of several proofs (a
    /// registration) checks them one by one with fresh weights from
    /// `source` and names the one that fails; others are one proof.
    fn failure(&self, _params: &Params, _index: usize, _source: &mut WeightSource) -> Error {
        Error::Verification
    }
}

/// An item whose challenges are drawn: the inversions it needs, then its
/// weighted equations, whose points it lends to the accumulator for `'a`
/// (the item's lifetime).
pub(crate) trait Replayed<'a> {
    /// Hand over the values to invert, all nonzero: the check replaces each
    /// by its inverse in place, together with every other item of its run
    /// ([`invert_all`]), before [`push_equations`](Self::push_equations).
    fn inversions<'s>(&'s mut self, _slots: &mut Vec<&'s mut MontgomeryScalar>) {}

    /// Add every equation, each with its own weight from `weights`.
    fn push_equations(&self, params: &Params, weights: &mut Weights, msm: &mut Msm<'a>);
}

/// Make the inversions of `replayed` (alone) and push its equations: one
/// item outside a run (a registration's parts one by one, tests).
pub(crate) fn push_alone<'a>(
    mut replayed: Box<dyn Replayed<'a> + 'a>,
    params: &Params,
    weights: &mut Weights,
    msm: &mut Msm<'a>,
) {
    let mut slots = Vec::new();
    replayed.inversions(&mut slots);
    invert_all(&mut slots);
    replayed.push_equations(params, weights, msm);
}

/// An item as pushed into a batch: its digest now, its equations once
/// decoded (encoded items are decoded by the batch, in parallel).
pub(crate) trait BatchItem<'a>: Sync {
    /// The item's digest (`item_digest` of its kind, encoding and
    /// statement), absorbed before any weight is drawn.
    fn digest(&self) -> [u8; 64];

    /// Decode what was pushed encoded (with the recipient keys this thread
    /// decoded before) and run every check that is not an equation.
    ///
    /// # Errors
    /// The decoding error or failed check, as single verification reports
    /// it.
    fn prepare(&self, cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error>;
}

/// A decoded object: the caller's, or decoded by the batch.
#[derive(Debug)]
pub(crate) enum Held<'a, T> {
    /// Pushed decoded.
    Borrowed(&'a T),
    /// Decoded by the batch.
    Owned(Box<T>),
}

impl<T> Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Held::Borrowed(t) => t,
            Held::Owned(t) => t,
        }
    }
}

/// A pushed object: already decoded (borrowed), or its encoding (decoded
/// by the batch).
#[derive(Debug)]
pub(crate) enum Source<'a, T> {
    /// Pushed decoded.
    Decoded(&'a T),
    /// Pushed as its encoding.
    Encoded(&'a [u8]),
}

impl<T> Clone for Source<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Source<'_, T> {}

impl<'a, T> Source<'a, T> {
    /// The decoded object: the caller's, or `decode` of the encoding.
    ///
    /// # Errors
    /// What `decode` returns.
    pub(crate) fn held(
        self,
        decode: impl FnOnce(&[u8]) -> Result<T, Error>,
    ) -> Result<Held<'a, T>, Error> {
        match self {
            Source::Decoded(t) => Ok(Held::Borrowed(t)),
            Source::Encoded(bytes) => decode(bytes).map(|t| Held::Owned(Box::new(t))),
        }
    }

    /// `f` of the canonical encoding: the bytes pushed, or `encode` of the
    /// object (decoding is strict, so the two agree).
    pub(crate) fn with_encoding<B: AsRef<[u8]>, U>(
        &self,
        encode: impl FnOnce(&T) -> B,
        f: impl FnOnce(&[u8]) -> U,
    ) -> U {
        match self {
            Source::Decoded(t) => f(encode(t).as_ref()),
            Source::Encoded(bytes) => f(bytes),
        }
    }
}

/// The stages of a verification, for profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Item digests.
    Digest,
    /// Decoding encoded items (decompression included).
    Decode,
    /// The weight randomness.
    Weights,
    /// Transcript replay and scalar work of every item, accumulators merged.
    Equations,
    /// The ristretto multiscalar multiplication.
    MsmRistretto,
    /// The Edwards multiscalar multiplication.
    MsmEdwards,
    /// Everything after a failed first check.
    Bisection,
}

/// Where stage timings go.
pub(crate) trait Clock {
    /// The stage that just ended.
    fn lap(&mut self, stage: Stage);
    /// The sizes of the first check's accumulator.
    fn sizes(&mut self, _size: MsmSize) {}
}

/// No timing (the normal path).
#[derive(Debug)]
pub(crate) struct NoClock;

impl Clock for NoClock {
    fn lap(&mut self, _stage: Stage) {}
}

/// Fewest items worth spreading over threads.
#[cfg(feature = "parallel")]
const PARALLEL_MIN_ITEMS: usize = 2;

/// `items.map(f)`, in parallel under `parallel` for two items or more.
pub(crate) fn map_items<T: Sync, U: Send>(
    items: &[T],
    f: impl Fn(&T) -> U + Sync + Send,
) -> Vec<U> {
    map_items_with(items, || (), |(), item| f(item))
}

/// `items.map(f)` with per-thread scratch state from `init`, in parallel
/// under `parallel` for two items or more.
pub(crate) fn map_items_with<T: Sync, U: Send, S>(
    items: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> U + Sync + Send,
) -> Vec<U> {
    #[cfg(feature = "parallel")]
    if items.len() >= PARALLEL_MIN_ITEMS {
        use rayon::prelude::*;
        return items.par_iter().map_init(init, f).collect();
    }
    let mut state = init();
    items.iter().map(|item| f(&mut state, item)).collect()
}

/// Items replayed together, sharing one field inversion: enough that the
/// inversion (~250 products) costs little per item, few enough that a
/// run's replayed state stays in cache and that runs spread over threads.
const INVERSION_RUN: usize = 64;

/// Prepared items: an item's equations, or the error that stopped it.
pub(crate) type Prepared<'a> = Result<Box<dyn Equations + 'a>, Error>;

/// The outcome of one check.
#[derive(Debug)]
pub(crate) struct Checked {
    /// Whether every pushed equation holds.
    pub(crate) holds: bool,
    /// Items that refused to push.
    pub(crate) refused: Vec<(usize, Error)>,
}

/// Check the items `subset` (indices into `items`; items that did not
/// prepare are skipped) under `seed`: push their weighted equations (in
/// runs of up to [`INVERSION_RUN`] items sharing one inversion, in parallel
/// under `parallel`, each thread into its own accumulator) and decide the
/// ristretto sum by ristretto equality and the Edwards sum cofactored,
/// `[8]·Σ = 0`.
pub(crate) fn check<'i, C: Clock>(
    params: &Params,
    items: &'i [Prepared<'_>],
    subset: &[usize],
    seed: &WeightSeed,
    clock: &mut C,
) -> Checked {
    #[cfg(all(test, feature = "std"))]
    counter::count(subset.len());
    // One run: replay every item, invert all their values at once, push.
    let push_run = |(mut msm, mut refused): (Msm<'i>, Vec<(usize, Error)>), run: &[usize]| {
        let mut replayed = Vec::with_capacity(run.len());
        for &index in run {
            if let Some(Ok(item)) = items.get(index) {
                match item.replay(params) {
                    Ok(item) => replayed.push((index, item)),
                    Err(error) => refused.push((index, error)),
                }
            }
        }
        let mut slots = Vec::new();
        for (_, item) in &mut replayed {
            item.inversions(&mut slots);
        }
        invert_all(&mut slots);
        for (index, item) in &replayed {
            item.push_equations(params, &mut Weights::for_item(seed, *index), &mut msm);
        }
        (msm, refused)
    };
    // Room for every term up front (a thread's share of it in parallel;
    // untouched capacity costs no more than address space).
    let terms = subset
        .iter()
        .filter_map(|&index| items.get(index)?.as_ref().ok())
        .map(|item| item.msm_terms())
        .fold(TermCount::default(), Add::add);
    #[cfg(feature = "parallel")]
    let (msm, refused) = if subset.len() >= PARALLEL_MIN_ITEMS {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads();
        let share = |n: usize| n.div_ceil(threads) + n / 16;
        let empty =
            || (Msm::with_capacity(share(terms.ristretto), share(terms.edwards)), Vec::new());
        // Runs small enough that every thread gets one.
        let run = INVERSION_RUN.min(subset.len().div_ceil(threads));
        subset.par_chunks(run).fold(empty, push_run).reduce(
            || (Msm::new(), Vec::new()),
            |(mut a, mut ra), (b, rb)| {
                a.append(b);
                ra.extend(rb);
                (a, ra)
            },
        )
    } else {
        let empty = (Msm::with_capacity(terms.ristretto, terms.edwards), Vec::new());
        subset.chunks(INVERSION_RUN).fold(empty, push_run)
    };
    #[cfg(not(feature = "parallel"))]
    let (msm, refused) = subset
        .chunks(INVERSION_RUN)
        .fold((Msm::with_capacity(terms.ristretto, terms.edwards), Vec::new()), push_run);
    clock.sizes(msm.size());
    clock.lap(Stage::Equations);
    let ristretto = msm.vartime_ristretto_sum(params);
    clock.lap(Stage::MsmRistretto);
    let holds =
        ristretto.is_identity() && msm.vartime_edwards_sum(params).mul_by_cofactor().is_identity();
    clock.lap(Stage::MsmEdwards);
    Checked { holds, refused }
}

/// Verify one item: a batch of one. Its digest keys the weights (with
/// `rng`), it is prepared, checked under a fresh seed, and if the check
/// fails its [`Equations::failure`] names the error — exactly what a
/// batch's bisection reports for it.
///
/// # Errors
/// The item's preparation error, its refusal, or its failure.
pub(crate) fn verify_one<'a, R: CryptoRng + ?Sized>(
    params: &Params,
    item: &dyn BatchItem<'a>,
    rng: &mut R,
) -> Result<(), Error> {
    let mut source = WeightSource::new(&[item.digest()], rng);
    let prepared = [item.prepare(&mut RecipientCache::default())];
    let equations = match &prepared[0] {
        Ok(equations) => equations,
        Err(error) => return Err(*error),
    };
    let checked = check(params, &prepared, &[0], &source.seed(), &mut NoClock);
    if let Some((_, error)) = checked.refused.first() {
        return Err(*error);
    }
    if checked.holds { Ok(()) } else { Err(equations.failure(params, 0, &mut source)) }
}

/// Test-only count of the checks made on this thread and of the items they
/// pushed (checks run on the verifying thread; only pushing is parallel).
#[cfg(all(test, feature = "std"))]
pub(crate) mod counter {
    use core::cell::Cell;

    std::thread_local! {
        static COUNT: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    }

    /// One check of `items` items.
    pub(crate) fn count(items: usize) {
        COUNT.with(|c| {
            let (checks, pushed) = c.get();
            c.set((checks + 1, pushed + items));
        });
    }

    /// `(checks, items pushed)` since the last call, and reset.
    pub(crate) fn take() -> (usize, usize) {
        COUNT.with(|c| c.replace((0, 0)))
    }
}
