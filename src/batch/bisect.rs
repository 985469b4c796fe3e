//! Checks of item sets, and the bisection that names the invalid items.
//!
//! A **check** of a set \\( S \\) draws a fresh weight seed, lets every item
//! of \\( S \\) push its weighted equations (per item, in parallel under
//! `parallel`, each thread into its own accumulator, merged at the end) and
//! runs the two multiscalar multiplications. A set of valid items always
//! passes (the equations hold exactly); a set with an invalid item fails
//! except with probability about \\( 2^{-252} \\).
//!
//! **Bisection** of a set known to fail: split it into halves \\( L, R \\);
//! check \\( L \\). If \\( L \\) fails, bisect it, then check \\( R \\) (and
//! bisect it if it fails). If \\( L \\) passes, \\( R \\) must hold an invalid
//! item: bisect it without checking it. A set of one that is known to fail is
//! invalid. With \\( f \\) invalid items among \\( N \\) this costs at most
//! about \\( f \log_2 N \\) checks, of sets halving in size: for one invalid
//! item, \\( \log_2 N \\) checks whose sizes add up to about \\( N \\), so
//! about one more batch's work.
//!
//! **A budget for mostly invalid batches.** Bisection of \( N \) items all
//! invalid checks every node of the halving tree: \( N \log_2 N \) item
//! pushes, more than linear in what a submitter sends. So bisection may push
//! at most \( 8N \) items in all ([`BISECTION_BUDGET`]); once that is
//! spent, every item of a set still to resolve is checked alone (a batch of
//! one). The worst case is then about \( 9N \) pushes in sets plus
//! \( N \) single checks: linear (measured: \( 9.4N \) pushes for 4 096
//! invalid items, against \( 13N \) without the budget). \( f \)
//! spread-out invalid items cost about \( N(\log_2 f + 2) \) pushes, so
//! the budget is not reached for up to about a hundred (measured: 100
//! among 1 000 push \( 5.8N \)); one costs at most \( 3N \) pushes (the
//! first check included) in \( 2\lceil\log_2 N\rceil + 1 \) checks.
//!
//! Items that refuse to push (a decode error, a context of the wrong purpose)
//! are named at once and take no further part; pushing refuses before adding
//! any term, so a refusal never taints a check.

use alloc::vec::Vec;

use crate::error::Error;
use crate::msm::{Msm, MsmSize, WeightSeed, WeightSource, Weights};
use crate::params::Params;

use super::Ready;

/// The stages of a verification, for profiles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stage {
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
pub(super) trait Clock {
    /// The stage that just ended.
    fn lap(&mut self, stage: Stage);
    /// The sizes of the first check's accumulator.
    fn sizes(&mut self, _size: MsmSize) {}
}

/// No timing (the normal path).
pub(super) struct NoClock;

impl Clock for NoClock {
    fn lap(&mut self, _stage: Stage) {}
}

/// Fewest items worth spreading over threads.
#[cfg(feature = "parallel")]
const PARALLEL_MIN_ITEMS: usize = 2;

/// `items.map(f)`, in parallel under `parallel` for two items or more.
pub(super) fn map_items<T: Sync, U: Send>(
    items: &[T],
    f: impl Fn(&T) -> U + Sync + Send,
) -> Vec<U> {
    map_items_with(items, || (), |(), item| f(item))
}

/// `items.map(f)` with per-thread scratch state from `init`, in parallel
/// under `parallel` for two items or more.
pub(super) fn map_items_with<T: Sync, U: Send, S>(
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

/// The outcome of one check.
struct Checked {
    /// Whether every pushed equation holds.
    holds: bool,
    /// Items that refused to push.
    refused: Vec<(usize, Error)>,
}

/// Items bisection may push into its checks, as a multiple of the number
/// of items bisected (see the module documentation).
pub(super) const BISECTION_BUDGET: usize = 8;

/// Check the items `subset` (indices into `ready`) under `seed`.
fn check<C: Clock>(
    params: &Params,
    ready: &[Result<Ready<'_>, Error>],
    subset: &[usize],
    seed: &WeightSeed,
    clock: &mut C,
) -> Checked {
    #[cfg(all(test, feature = "std"))]
    counter::count(subset.len());
    let push = |(mut msm, mut refused): (Msm, Vec<(usize, Error)>), &index: &usize| {
        if let Some(Ok(item)) = ready.get(index) {
            let mut weights = Weights::for_item(seed, index);
            if let Err(error) = item.push_equations(params, &mut weights, &mut msm) {
                refused.push((index, error));
            }
        }
        (msm, refused)
    };
    // Room for every term up front (a thread's share of it in parallel;
    // untouched capacity costs no more than address space).
    let (dynamic, edwards) = subset
        .iter()
        .filter_map(|&index| ready.get(index)?.as_ref().ok())
        .map(Ready::msm_terms)
        .fold((0, 0), |(d, e), (di, ei)| (d + di, e + ei));
    #[cfg(feature = "parallel")]
    let (msm, refused) = if subset.len() >= PARALLEL_MIN_ITEMS {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads();
        let share = |n: usize| n.div_ceil(threads) + n / 16;
        let empty = || (Msm::with_capacity(share(dynamic), share(edwards)), Vec::new());
        subset.par_iter().fold(empty, push).reduce(
            || (Msm::new(), Vec::new()),
            |(mut a, mut ra), (b, rb)| {
                a.append(b);
                ra.extend(rb);
                (a, ra)
            },
        )
    } else {
        subset.iter().fold((Msm::with_capacity(dynamic, edwards), Vec::new()), push)
    };
    #[cfg(not(feature = "parallel"))]
    let (msm, refused) =
        subset.iter().fold((Msm::with_capacity(dynamic, edwards), Vec::new()), push);
    clock.sizes(msm.size());
    clock.lap(Stage::Equations);
    let ristretto = msm.vartime_ristretto_sum(params);
    clock.lap(Stage::MsmRistretto);
    let holds = curve25519_dalek::traits::IsIdentity::is_identity(&ristretto)
        && curve25519_dalek::traits::IsIdentity::is_identity(
            &msm.vartime_edwards_sum(params).mul_by_cofactor(),
        );
    clock.lap(Stage::MsmEdwards);
    Checked { holds, refused }
}

/// Every invalid item of `ready`, by increasing index, with its error.
pub(super) fn find_invalid<C: Clock>(
    params: &Params,
    ready: &[Result<Ready<'_>, Error>],
    source: &mut WeightSource,
    clock: &mut C,
) -> Vec<(usize, Error)> {
    let mut invalid: Vec<(usize, Error)> = Vec::new();
    let mut candidates = Vec::with_capacity(ready.len());
    for (index, item) in ready.iter().enumerate() {
        match item {
            Ok(_) => candidates.push(index),
            Err(error) => invalid.push((index, *error)),
        }
    }
    let first = check(params, ready, &candidates, &source.seed(), clock);
    if !first.holds {
        // Items that refused pushed nothing: bisect the others.
        let refused: Vec<usize> = first.refused.iter().map(|(index, _)| *index).collect();
        candidates.retain(|index| !refused.contains(index));
        let budget = BISECTION_BUDGET.saturating_mul(candidates.len());
        let mut bisection = Bisection { params, ready, source, budget, failed: Vec::new() };
        bisection.known_failing(&candidates);
        for index in bisection.failed {
            let error = match ready.get(index) {
                Some(Ok(item)) => item.failure(params, index, source),
                _ => Error::Verification,
            };
            invalid.push((index, error));
        }
        clock.lap(Stage::Bisection);
    }
    invalid.extend(first.refused);
    invalid.sort_unstable_by_key(|(index, _)| *index);
    invalid
}

/// State of one bisection.
struct Bisection<'p, 'r, 'a, 's> {
    params: &'p Params,
    ready: &'r [Result<Ready<'a>, Error>],
    source: &'s mut WeightSource,
    /// Item pushes left for checks of sets of two or more.
    budget: usize,
    failed: Vec<usize>,
}

impl Bisection<'_, '_, '_, '_> {
    /// Whether `set` passes a fresh check.
    fn passes(&mut self, set: &[usize]) -> bool {
        self.budget = self.budget.saturating_sub(set.len());
        let seed = self.source.seed();
        check(self.params, self.ready, set, &seed, &mut NoClock).holds
    }

    /// Whether checking `set` as a set fits in what is left of the budget.
    fn affordable(&self, set: &[usize]) -> bool {
        set.len() <= self.budget
    }

    /// `set` is known to hold an invalid item: name every invalid item in it.
    fn known_failing(&mut self, set: &[usize]) {
        match set {
            [] => {}
            [index] => self.failed.push(*index),
            _ => {
                let (left, right) = set.split_at(set.len() / 2);
                if !self.affordable(left) {
                    self.one_by_one(set);
                } else if self.passes(left) {
                    self.known_failing(right);
                } else {
                    self.known_failing(left);
                    self.unknown(right);
                }
            }
        }
    }

    /// Name every invalid item of `set`, which may be valid.
    fn unknown(&mut self, set: &[usize]) {
        if set.is_empty() {
        } else if !self.affordable(set) {
            self.one_by_one(set);
        } else if !self.passes(set) {
            self.known_failing(set);
        }
    }

    /// The budget is spent: check every item of `set` alone.
    fn one_by_one(&mut self, set: &[usize]) {
        for &index in set {
            if !self.passes(&[index]) {
                self.failed.push(index);
            }
        }
    }
}

/// Test-only count of the checks made on this thread and of the items they
/// pushed (checks run on the verifying thread; only pushing is parallel).
#[cfg(all(test, feature = "std"))]
pub(super) mod counter {
    use core::cell::Cell;

    std::thread_local! {
        static COUNT: Cell<(usize, usize)> = const { Cell::new((0, 0)) };
    }

    /// One check of `items` items.
    pub(in crate::batch) fn count(items: usize) {
        COUNT.with(|c| {
            let (checks, pushed) = c.get();
            c.set((checks + 1, pushed + items));
        });
    }

    /// `(checks, items pushed)` since the last call, and reset.
    pub(in crate::batch) fn take() -> (usize, usize) {
        COUNT.with(|c| c.replace((0, 0)))
    }
}
