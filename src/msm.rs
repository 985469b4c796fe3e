//! The equation accumulator every verifier pushes its terms into.
//!
//! A verification equation is a relation \\( \sum_i s_i P_i = 0 \\). Proofs
//! never check their own equations: they multiply each equation by an
//! independent random weight \\( \omega \\) drawn from [`Weights`] and add the
//! weighted terms to an [`Msm`]. When every equation of every item has been
//! added, one multiscalar multiplication per group decides them all:
//! $$
//! \sum_{e} \omega_e \sum_i s_{e,i} P_{e,i} \stackrel{?}{=} 0 .
//! $$
//! If some equation \\( e \\) does not hold, the left side is a non-zero
//! combination that vanishes only if \\( \omega_e \\) hits one value fixed by
//! the others: probability \\( \le 1/\ell \\) per failed equation, since the
//! weights are drawn by the verifier after every prover message is fixed.
//!
//! Points are kept in three classes:
//! - **static** points (`G`, `H`, `G_vec`, `H_vec` in ristretto255, `B` in
//!   edwards25519) get one accumulated coefficient each and are multiplied with
//!   precomputed tables ([`Params`]);
//! - **shared** points (vault keys `Y_j`) are keyed by their encoding, so a key
//!   used by many items is one point with one accumulated coefficient;
//! - **dynamic** points (per-item commitments, handles and prover messages)
//!   are `(scalar, point)` pairs.
//!
//! Ristretto terms are checked with ristretto equality (the identity test of
//! the sum); Edwards terms with the cofactored test `[8]·Σ = 0`, in single and
//! batch verification alike.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use rand_core::CryptoRng;

use crate::encoding::RistrettoElement;
use crate::error::Error;
use crate::params::Params;
use crate::transcript::{ProverRng, TranscriptProtocol, labels, new_transcript};

/// The verifier's weights: uniform scalars from merlin's `TranscriptRng` over
/// a digest of the items, finalized with the verifier's CSPRNG. The prover
/// data only adds to the CSPRNG output, so the weights are unpredictable to a
/// prover even if every item is attacker-chosen.
#[derive(Debug)]
pub(crate) struct Weights(ProverRng);

impl Weights {
    /// Weights for a batch whose items encode to `items`.
    pub(crate) fn new<'a, R: CryptoRng + ?Sized>(
        items: impl IntoIterator<Item = &'a [u8]>,
        rng: &mut R,
    ) -> Self {
        let mut transcript = new_transcript(labels::PROTOCOL_BATCH_WEIGHTS);
        for item in items {
            transcript.append_bytes(labels::BATCH_ITEM, item);
        }
        Weights(transcript.prover_rng().finalize(rng))
    }

    /// The next weight: a uniform scalar (non-zero except with probability
    /// 2⁻²⁵²).
    pub(crate) fn next(&mut self) -> Scalar {
        self.0.scalar()
    }
}

/// Verify one item: draw weights over `item` (its canonical bytes and
/// statement), let `push` add the item's weighted equations, check them.
///
/// # Errors
/// What `push` returns (a decode-level refusal), or [`Error::Verification`].
pub(crate) fn verify_single<'a, R: CryptoRng + ?Sized>(
    params: &Params,
    item: impl IntoIterator<Item = &'a [u8]>,
    rng: &mut R,
    push: impl FnOnce(&mut Weights, &mut Msm) -> Result<(), Error>,
) -> Result<(), Error> {
    let mut weights = Weights::new(item, rng);
    let mut msm = Msm::new();
    push(&mut weights, &mut msm)?;
    if msm.vartime_is_satisfied(params) { Ok(()) } else { Err(Error::Verification) }
}

/// Accumulated weighted terms of any number of equations (see the module
/// documentation).
#[derive(Clone, Debug, Default)]
pub(crate) struct Msm {
    g: Scalar,
    h: Scalar,
    g_vec: Vec<Scalar>,
    h_vec: Vec<Scalar>,
    b: Scalar,
    shared: BTreeMap<[u8; 32], (Scalar, RistrettoPoint)>,
    dynamic: Vec<(Scalar, RistrettoPoint)>,
    edwards: Vec<(Scalar, EdwardsPoint)>,
}

impl Msm {
    /// An empty accumulator (it is satisfied).
    pub(crate) fn new() -> Self {
        Msm::default()
    }

    /// Add `s·G`.
    pub(crate) fn add_g(&mut self, s: Scalar) {
        self.g += s;
    }

    /// Add `s·H`.
    pub(crate) fn add_h(&mut self, s: Scalar) {
        self.h += s;
    }

    /// Add `s·B` (Edwards).
    pub(crate) fn add_b(&mut self, s: Scalar) {
        self.b += s;
    }

    /// Mutable coefficients of `G_vec[0..len]`, to add into in place.
    pub(crate) fn g_vec_mut(&mut self, len: usize) -> &mut [Scalar] {
        grow(&mut self.g_vec, len)
    }

    /// Mutable coefficients of `H_vec[0..len]`, to add into in place.
    pub(crate) fn h_vec_mut(&mut self, len: usize) -> &mut [Scalar] {
        grow(&mut self.h_vec, len)
    }

    /// Add `s·P` for a per-item point.
    pub(crate) fn push(&mut self, s: Scalar, point: &RistrettoElement) {
        self.dynamic.push((s, point.point));
    }

    /// Add `s·P` for a point shared across items (a vault key): points with
    /// the same encoding accumulate one coefficient.
    pub(crate) fn push_shared(&mut self, s: Scalar, point: &RistrettoElement) {
        self.shared
            .entry(point.compressed.to_bytes())
            .and_modify(|(acc, _)| *acc += s)
            .or_insert((s, point.point));
    }

    /// Add `s·P` for an Edwards point.
    pub(crate) fn push_edwards(&mut self, s: Scalar, point: &EdwardsPoint) {
        self.edwards.push((s, *point));
    }

    #[cfg(test)]
    /// Number of dynamic and shared ristretto points (for profiling).
    pub(crate) fn dynamic_len(&self) -> usize {
        self.dynamic.len() + self.shared.len()
    }

    /// Whether every accumulated equation holds: the ristretto sum is the
    /// identity and `[8]·` the Edwards sum is the identity.
    ///
    /// Variable time: every input is public.
    pub(crate) fn vartime_is_satisfied(&self, params: &Params) -> bool {
        self.vartime_ristretto_sum(params).is_identity()
            && self.vartime_edwards_sum(params).mul_by_cofactor().is_identity()
    }

    /// `Σ s·P` over the ristretto terms: one variable-time multiscalar
    /// multiplication (Straus for small inputs, Pippenger above ~190 points)
    /// over the used static points and every shared and dynamic point.
    ///
    /// dalek's precomputed-table call is not used: on the benchmark machine
    /// it costs about 3× Pippenger per static point (its width-8 tables for
    /// 2 050 points do not fit in cache), and the static points are a small
    /// share of any batch (see `benches/msm_floor.rs`).
    fn vartime_ristretto_sum(&self, params: &Params) -> RistrettoPoint {
        let terms = [(&self.g, &params.G), (&self.h, &params.H)]
            .into_iter()
            .chain(self.g_vec.iter().zip(&params.G_vec))
            .chain(self.h_vec.iter().zip(&params.H_vec))
            .chain(self.dynamic.iter().chain(self.shared.values()).map(|(s, p)| (s, p)));
        RistrettoPoint::vartime_multiscalar_mul(
            terms.clone().map(|(s, _)| s),
            terms.map(|(_, p)| p),
        )
    }

    /// `Σ s·P` over the Edwards terms.
    fn vartime_edwards_sum(&self, params: &Params) -> EdwardsPoint {
        if self.edwards.is_empty() && self.b == Scalar::ZERO {
            return EdwardsPoint::default();
        }
        let terms =
            self.edwards.iter().map(|(s, p)| (*s, *p)).chain(core::iter::once((self.b, params.B)));
        EdwardsPoint::vartime_multiscalar_mul(terms.clone().map(|(s, _)| s), terms.map(|(_, p)| p))
    }
}

/// `v[0..len]`, zero-extending `v` if it is shorter.
fn grow(v: &mut Vec<Scalar>, len: usize) -> &mut [Scalar] {
    if v.len() < len {
        v.resize(len, Scalar::ZERO);
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

    /// The accumulator against a naive sum of the same terms.
    #[test]
    fn matches_naive_sum() {
        let params = Params::new();
        let mut rng = rng();
        let mut msm = Msm::new();
        let mut naive = RistrettoPoint::default();
        for i in [0usize, 3, 1023] {
            let (a, b) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
            msm.g_vec_mut(i + 1)[i] += a;
            msm.h_vec_mut(i + 1)[i] += b;
            naive += a * params.G_vec[i] + b * params.H_vec[i];
        }
        let (g, h) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
        msm.add_g(g);
        msm.add_h(h);
        naive += g * params.G + h * params.H;
        let p = RistrettoElement::from_point(RistrettoPoint::random(&mut rng));
        let (s1, s2, s3) =
            (Scalar::random(&mut rng), Scalar::random(&mut rng), Scalar::random(&mut rng));
        msm.push(s1, &p);
        msm.push_shared(s2, &p);
        msm.push_shared(s3, &p);
        naive += (s1 + s2 + s3) * p.point;
        assert_eq!(msm.dynamic_len(), 2);
        assert_eq!(msm.vartime_ristretto_sum(&params), naive);
        assert!(!msm.vartime_is_satisfied(&params));
        // Cancel the sum exactly: now satisfied.
        msm.push(-Scalar::ONE, &RistrettoElement::from_point(naive));
        assert!(msm.vartime_is_satisfied(&params));
    }

    #[test]
    fn edwards_check_is_cofactored() {
        let params = Params::new();
        let mut msm = Msm::new();
        assert!(msm.vartime_is_satisfied(&params));
        // A pure torsion point passes the cofactored check…
        let torsion = curve25519_dalek::constants::EIGHT_TORSION[1];
        msm.push_edwards(Scalar::ONE, &torsion);
        assert!(msm.vartime_is_satisfied(&params));
        // …a prime-order one does not.
        msm.add_b(Scalar::ONE);
        assert!(!msm.vartime_is_satisfied(&params));
    }

    #[test]
    fn weights_depend_on_rng_and_items() {
        let mut r1 = rng();
        let mut r2 = rng();
        let a = Weights::new([&b"item"[..]], &mut r1).next();
        let b = Weights::new([&b"item"[..]], &mut r2).next();
        let c = Weights::new([&b"other"[..]], &mut rng()).next();
        let d = Weights::new([&b"item"[..]], &mut ChaCha20Rng::seed_from_u64(8)).next();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_ne!(a, Scalar::ZERO);
    }
}
