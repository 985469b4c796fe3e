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
//! **A budget for mostly invalid batches.** Bisection of \\( N \\) items all
//! invalid checks every node of the halving tree: \\( N \log_2 N \\) item
//! pushes, more than linear in what a submitter sends. So bisection may push
//! at most \\( 8N \\) items in all ([`BISECTION_BUDGET`]); once that is
//! spent, every item of a set still to resolve is checked alone (a batch of
//! one). The worst case is then about \\( 9N \\) pushes in sets plus
//! \\( N \\) single checks: linear (measured: \\( 9.4N \\) pushes for 4 096
//! invalid items, against \\( 13N \\) without the budget). \\( f \\)
//! spread-out invalid items cost about \\( N(\log_2 f + 2) \\) pushes, so
//! the budget is not reached for up to about a hundred (measured: 100
//! among 1 000 push \\( 5.8N \\)); one costs at most \\( 3N \\) pushes (the
//! first check included) in \\( 2\lceil\log_2 N\rceil + 1 \\) checks.
//!
//! Items that refuse to push (a decode error, a context of the wrong purpose)
//! are named at once and take no further part; pushing refuses before adding
//! any term, so a refusal never taints a check.

use alloc::vec::Vec;

use crate::error::Error;
use crate::msm::{Clock, NoClock, Prepared, Stage, WeightSource, check};
use crate::params::Params;

/// Items bisection may push into its checks, as a multiple of the number
/// of items bisected (see the module documentation).
pub(super) const BISECTION_BUDGET: usize = 8;

/// Every invalid item of `ready`, by increasing index, with its error.
pub(super) fn find_invalid<C: Clock>(
    params: &Params,
    ready: &[Prepared<'_>],
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
    ready: &'r [Prepared<'a>],
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
