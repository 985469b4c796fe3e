//! Wall-clock time per stage of one verification (`std` only; for the
//! benchmarks' per-stage profile, not part of the API).

use core::time::Duration;
use std::time::Instant;

use crate::msm::MsmSize;
use crate::msm::{Clock, Stage};

/// Time spent in each stage of [`BatchVerifier::verify`](super::BatchVerifier::verify),
/// with the sizes of the first check. Wall-clock: under `parallel`, a stage's
/// time is that of all threads together.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchProfile {
    /// Items in the batch.
    pub items: usize,
    /// Step 1: item digests.
    pub digest: Duration,
    /// Step 2: decoding of encoded items (decompression included).
    pub decode: Duration,
    /// Step 3: the weight randomness.
    pub weights: Duration,
    /// Step 4: transcript replay and scalar work, accumulators merged.
    pub equations: Duration,
    /// Step 5: the ristretto multiscalar multiplication.
    pub msm_ristretto: Duration,
    /// Step 5: the Edwards multiscalar multiplication.
    pub msm_edwards: Duration,
    /// Step 6: bisection (zero when the batch verifies).
    pub bisection: Duration,
    /// Static ristretto points with a coefficient (`G`, `H`, used `G_vec`,
    /// `H_vec`).
    pub static_points: usize,
    /// Distinct shared points (vault keys).
    pub shared_points: usize,
    /// Dynamic ristretto points.
    pub dynamic_points: usize,
    /// Edwards points (`B` included).
    pub edwards_points: usize,
}

impl BatchProfile {
    /// The sum of every stage.
    pub fn total(&self) -> Duration {
        self.digest
            + self.decode
            + self.weights
            + self.equations
            + self.msm_ristretto
            + self.msm_edwards
            + self.bisection
    }
}

/// A [`Clock`] that records [`BatchProfile`] stages.
pub(super) struct Profiler {
    last: Instant,
    profile: BatchProfile,
    sized: bool,
}

impl Profiler {
    pub(super) fn new(items: usize) -> Self {
        Profiler {
            last: Instant::now(),
            profile: BatchProfile { items, ..Default::default() },
            sized: false,
        }
    }

    pub(super) fn finish(self) -> BatchProfile {
        self.profile
    }
}

impl Clock for Profiler {
    fn lap(&mut self, stage: Stage) {
        let now = Instant::now();
        let elapsed = now - self.last;
        self.last = now;
        let p = &mut self.profile;
        let slot = match stage {
            Stage::Digest => &mut p.digest,
            Stage::Decode => &mut p.decode,
            Stage::Weights => &mut p.weights,
            Stage::Equations => &mut p.equations,
            Stage::MsmRistretto => &mut p.msm_ristretto,
            Stage::MsmEdwards => &mut p.msm_edwards,
            Stage::Bisection => &mut p.bisection,
        };
        *slot += elapsed;
    }

    fn sizes(&mut self, size: MsmSize) {
        if !self.sized {
            self.sized = true;
            self.profile.static_points = size.static_points;
            self.profile.shared_points = size.shared_points;
            self.profile.dynamic_points = size.dynamic_points;
            self.profile.edwards_points = size.edwards_points;
        }
    }
}
