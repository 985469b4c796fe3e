//! The inner-product argument (Bünz et al. 2018, §3, Protocol 2) as the range
//! proof runs it (§4.2).
//!
//! Statement: generators \\( G_i \\) (`G_vec[i]`) and
//! \\( H^\prime_i = c_i H_i \\) (`H_vec[i]` scaled by public factors \\( c_i \\);
//! the range proof uses \\( c_i = y^{-i} \\)), the base \\( Q = w G \\), and a
//! point \\( P \\). The prover knows \\( a, b \in \mathbb{Z}\_\ell^n \\),
//! \\( n = 2^K \\), with
//! $$
//! P = \langle a, G \rangle + \langle b, H^\prime \rangle + \langle a, b \rangle Q .
//! $$
//! Round \\( j < K \\) on vectors of length \\( n_j = n / 2^j \\), split into
//! halves `lo`, `hi`:
//! $$
//! L_j = \langle a_{lo}, G_{hi} \rangle + \langle b_{hi}, H^\prime_{lo} \rangle + \langle a_{lo}, b_{hi} \rangle Q, \quad
//! R_j = \langle a_{hi}, G_{lo} \rangle + \langle b_{lo}, H^\prime_{hi} \rangle + \langle a_{hi}, b_{lo} \rangle Q,
//! $$
//! challenge \\( u_j \\), then
//! \\( a \gets u_j a_{lo} + u_j^{-1} a_{hi} \\),
//! \\( b \gets u_j^{-1} b_{lo} + u_j b_{hi} \\),
//! \\( G \gets u_j^{-1} G_{lo} + u_j G_{hi} \\),
//! \\( H^\prime \gets u_j H^\prime_{lo} + u_j^{-1} H^\prime_{hi} \\), and
//! \\( P \gets u_j^2 L_j + P + u_j^{-2} R_j \\) keeps the relation. After \\( K \\)
//! rounds the prover sends the scalars \\( a, b \\). Unrolled, the folded
//! generators are \\( \sum_i s_i G_i \\) and \\( \sum_i s_i^{-1} H^\prime_i \\) with
//! $$
//! s_i = \prod_{j<K} u_j^{\beta(i,j)}, \qquad
//! \beta(i,j) = \begin{cases} +1 & \text{bit } K-1-j \text{ of } i \text{ is } 1 \\\\ -1 & \text{otherwise,} \end{cases}
//! $$
//! so the verifier's check is the single equation
//! $$
//! P + \sum_{j<K} \left( u_j^2 L_j + u_j^{-2} R_j \right)
//!   = a \sum_i s_i G_i + b \sum_i s_i^{-1} H^\prime_i + a b Q .
//! $$
//! The range proof does not evaluate it: it adds it, weighted, to its own
//! equation terms (`doubling_products` gives the \\( s_i \\)).
//!
//! Transcript (after the range proof's `rp-w`): `dom-sep` =
//! `vaultseal-inner-product-v1`, `ipp-n` = \\( n \\); per round `ipp-L`,
//! `ipp-R` → `ipp-u`; finally `ipp-a`, `ipp-b`. `L_j`, `R_j` may be the
//! identity.
//!
//! # Constant time
//! The prover is **variable time** in \\( a, b \\): in the range proof they
//! are \\( l(x), r(x) \\), which Protocol 1 of the paper sends in the clear
//! (they are blinded by \\( s_L, s_R \\)), so the argument needs no secrecy.
//!
//! # Prover cost
//! Folding the generators round by round costs \\( 2(n-2) \\) variable-base
//! scalar multiplications of about 256 doublings each. Instead a round's
//! folded generators are kept as a *base* of points with one coefficient
//! per point (`Base`), \\( L_j, R_j \\) are one multiscalar multiplication
//! each over the base points, and folding only updates the coefficients.
//! The base starts as `G_vec`, `H_vec` and is replaced by the explicitly
//! folded generators before rounds 3, 6, 9 unless a single round remains
//! (`ROUNDS_PER_BASE`). Under a cost model of 256 doublings per
//! multiscalar multiplication and about 50 additions per term, a dynamic
//! program over the rebase points picks exactly this schedule for every
//! \\( n \\) from 16 to 1024; for \\( n = 256 \\) it needs about 140k group
//! operations against about 240k for generator folding.
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use alloc::vec;
use alloc::vec::Vec;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use merlin::Transcript;
use zeroize::Zeroizing;

use super::poly::inner_product;
use crate::encoding::RistrettoElement;
use crate::params::Params;
use crate::transcript::{TranscriptProtocol, labels};

/// An inner-product argument: \\( K \\) pairs \\( (L_j, R_j) \\) and the final
/// scalars \\( a, b \\).
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InnerProductProof {
    /// \\( L_0, \dots, L_{K-1} \\).
    pub(crate) L_vec: Vec<RistrettoElement>,
    /// \\( R_0, \dots, R_{K-1} \\).
    pub(crate) R_vec: Vec<RistrettoElement>,
    /// The folded \\( a \\).
    pub(crate) a: Scalar,
    /// The folded \\( b \\).
    pub(crate) b: Scalar,
}

/// Transcript: the argument's domain separator and vector length.
fn absorb_domain(transcript: &mut Transcript, n: usize) {
    transcript.append_bytes(labels::DOM_SEP, labels::INNER_PRODUCT_DOM_SEP);
    transcript.append_u64_value(labels::IPP_LEN, n as u64);
}

/// Transcript: one round's `L_j`, `R_j` (identity allowed) → `u_j`.
#[allow(non_snake_case)]
fn absorb_round(transcript: &mut Transcript, L: &RistrettoElement, R: &RistrettoElement) -> Scalar {
    transcript.append_point(labels::IPP_L, &L.compressed);
    transcript.append_point(labels::IPP_R, &R.compressed);
    transcript.challenge_scalar(labels::IPP_U)
}

/// Transcript: the final scalars (absorbed so that nothing the prover sends
/// is left out of later challenges and batch weights).
fn absorb_final(transcript: &mut Transcript, a: &Scalar, b: &Scalar) {
    transcript.append_scalar(labels::IPP_A, a);
    transcript.append_scalar(labels::IPP_B, b);
}

/// Rounds between two explicit foldings of the generators (see "Prover
/// cost" in the module documentation): the optimal schedule under the cost
/// model for every length from 16 to 1024.
const ROUNDS_PER_BASE: usize = 3;

/// The points a round is written over, with one coefficient per point: the
/// round's folded generators are
/// \\( \hat G_i = \sum_{t \equiv i \ (\mathrm{mod}\ n_j)} \gamma_t B^G_t \\) and
/// \\( \hat H_i = \sum_{t \equiv i \ (\mathrm{mod}\ n_j)} \eta_t B^H_t \\),
/// where \\( B^G, B^H \\) are `G_vec`, `H_vec` (initially) or the
/// generators folded explicitly at the last rebase.
struct Base<'p> {
    /// \\( B^G \\).
    g: &'p [RistrettoPoint],
    /// \\( B^H \\).
    h: &'p [RistrettoPoint],
    /// \\( \gamma_t \\).
    g_coef: Vec<Scalar>,
    /// \\( \eta_t \\) (including the factors \\( c_t \\) of \\( H^\prime_t \\)).
    h_coef: Vec<Scalar>,
}

impl InnerProductProof {
    /// Run the prover on `a`, `b` (length \\( n = 2^K \\), at most the number
    /// of generators) for the generators `G_vec[i]`, `h_factors[i]·H_vec[i]`
    /// and `Q = w·G`, appending every message to `transcript`.
    ///
    /// Variable time in `a`, `b` (see the module documentation); the vectors
    /// are still wiped when dropped.
    #[allow(non_snake_case)]
    pub(crate) fn prove(
        params: &Params,
        transcript: &mut Transcript,
        w: &Scalar,
        h_factors: &[Scalar],
        mut a: Zeroizing<Vec<Scalar>>,
        mut b: Zeroizing<Vec<Scalar>>,
    ) -> Self {
        // `a`, `b` are l(x), r(x): public-safe (see the module documentation);
        // the secret-taint harness declassifies them here.
        #[cfg(feature = "__ctgrind")]
        {
            crate::__ctgrind::declassify_scalars(&mut a[..]);
            crate::__ctgrind::declassify_scalars(&mut b[..]);
        }
        let n = a.len();
        debug_assert!(n.is_power_of_two() && b.len() == n && h_factors.len() == n);
        debug_assert!(n <= params.G_vec.len());
        absorb_domain(transcript, n);
        let rounds = n.trailing_zeros() as usize;

        // Explicitly folded generators live here; `base` borrows them.
        let mut folded: (Vec<RistrettoPoint>, Vec<RistrettoPoint>);
        let mut base = Base {
            g: params.G_vec.get(..n).unwrap_or(&params.G_vec),
            h: params.H_vec.get(..n).unwrap_or(&params.H_vec),
            g_coef: vec![Scalar::ONE; n],
            h_coef: h_factors.to_vec(),
        };
        let mut L_vec = Vec::with_capacity(rounds);
        let mut R_vec = Vec::with_capacity(rounds);
        let mut len = n;
        for j in 0..rounds {
            // Fold the generators explicitly every few rounds, unless only
            // one round is left.
            if j > 0 && j % ROUNDS_PER_BASE == 0 && rounds - j >= 2 {
                folded = (
                    vartime_fold(base.g, &base.g_coef, len),
                    vartime_fold(base.h, &base.h_coef, len),
                );
                base = Base {
                    g: &folded.0,
                    h: &folded.1,
                    g_coef: vec![Scalar::ONE; len],
                    h_coef: vec![Scalar::ONE; len],
                };
            }
            let half = len / 2;
            let (a_lo, a_hi) = a[..len].split_at(half);
            let (b_lo, b_hi) = b[..len].split_at(half);
            let c_L = w * inner_product(a_lo, b_hi);
            let c_R = w * inner_product(a_hi, b_lo);
            let (L, R) = base.vartime_cross_terms(params, [a_lo, a_hi, b_lo, b_hi], c_L, c_R);
            let (L, R) = (RistrettoElement::from_point(L), RistrettoElement::from_point(R));
            let u = absorb_round(transcript, &L, &R);
            let u_inv = u.invert();
            L_vec.push(L);
            R_vec.push(R);

            for i in 0..half {
                a[i] = u * a[i] + u_inv * a[i + half];
                b[i] = u_inv * b[i] + u * b[i + half];
            }
            base.fold_coefficients(len, &u, &u_inv);
            len = half;
        }
        let (a, b) =
            (a.first().copied().unwrap_or_default(), b.first().copied().unwrap_or_default());
        absorb_final(transcript, &a, &b);
        InnerProductProof { L_vec, R_vec, a, b }
    }

    /// Replay the argument's transcript for vectors of length `n`: absorb the
    /// domain separator, every `L_j`, `R_j` with its challenge `u_j`
    /// (returned in order), then `a` and `b`.
    #[allow(non_snake_case)]
    pub(crate) fn replay(&self, transcript: &mut Transcript, n: usize) -> Vec<Scalar> {
        absorb_domain(transcript, n);
        let u = self
            .L_vec
            .iter()
            .zip(&self.R_vec)
            .map(|(L, R)| absorb_round(transcript, L, R))
            .collect();
        absorb_final(transcript, &self.a, &self.b);
        u
    }
}

impl Base<'_> {
    /// \\( (L_j, R_j) \\) for the current vectors `[a_lo, a_hi, b_lo, b_hi]`,
    /// with `c_L`, `c_R` the coefficients of `G` (that is,
    /// \\( w \langle a_{lo}, b_{hi} \rangle \\), \\( w \langle a_{hi}, b_{lo} \rangle \\)).
    ///
    /// With \\( i = t \bmod n_j \\) and \\( h = n_j / 2 \\): base point
    /// \\( B^G_t \\) enters \\( L_j \\) with \\( a_{lo, i-h} \gamma_t \\) when
    /// \\( i \ge h \\) and \\( R_j \\) with \\( a_{hi, i} \gamma_t \\) otherwise;
    /// \\( B^H_t \\) enters \\( L_j \\) with \\( b_{hi, i} \eta_t \\) when
    /// \\( i < h \\) and \\( R_j \\) with \\( b_{lo, i-h} \eta_t \\) otherwise.
    /// Each MSM has \\( |B^G| + 1 \\) terms.
    #[allow(non_snake_case)]
    fn vartime_cross_terms(
        &self,
        params: &Params,
        [a_lo, a_hi, b_lo, b_hi]: [&[Scalar]; 4],
        c_L: Scalar,
        c_R: Scalar,
    ) -> (RistrettoPoint, RistrettoPoint) {
        let half = a_lo.len();
        let mask = 2 * half - 1;
        let mut l_terms = Vec::with_capacity(1 + self.g.len());
        let mut r_terms = Vec::with_capacity(1 + self.g.len());
        l_terms.push((c_L, &params.G));
        r_terms.push((c_R, &params.G));
        let bases = self.g.iter().zip(self.h).zip(self.g_coef.iter().zip(&self.h_coef));
        for (t, ((g_t, h_t), (gamma, eta))) in bases.enumerate() {
            let i = t & mask;
            if i >= half {
                l_terms.push((a_lo[i - half] * gamma, g_t));
                r_terms.push((b_lo[i - half] * eta, h_t));
            } else {
                l_terms.push((b_hi[i] * eta, h_t));
                r_terms.push((a_hi[i] * gamma, g_t));
            }
        }
        (vartime_msm(&l_terms), vartime_msm(&r_terms))
    }

    /// After round \\( j \\) (current length `len`) with challenge \\( u \\):
    /// \\( \hat G \gets u^{-1} \hat G_{lo} + u \hat G_{hi} \\) and
    /// \\( \hat H \gets u \hat H_{lo} + u^{-1} \hat H_{hi} \\), as coefficients.
    fn fold_coefficients(&mut self, len: usize, u: &Scalar, u_inv: &Scalar) {
        let half = len / 2;
        for (t, (gamma, eta)) in self.g_coef.iter_mut().zip(self.h_coef.iter_mut()).enumerate() {
            if t & (len - 1) < half {
                *gamma *= u_inv;
                *eta *= u;
            } else {
                *gamma *= u;
                *eta *= u_inv;
            }
        }
    }
}

/// \\( \sum (s, P) \\) over a list of pairs, variable time.
fn vartime_msm(terms: &[(Scalar, &RistrettoPoint)]) -> RistrettoPoint {
    RistrettoPoint::vartime_multiscalar_mul(
        terms.iter().map(|(s, _)| s),
        terms.iter().map(|(_, p)| *p),
    )
}

/// Fold `points` to `len` points:
/// \\( \hat P_i = \sum_{t \equiv i \ (\mathrm{mod}\ len)} \gamma_t P_t \\).
fn vartime_fold(points: &[RistrettoPoint], coef: &[Scalar], len: usize) -> Vec<RistrettoPoint> {
    (0..len)
        .map(|i| {
            let terms: Vec<(Scalar, &RistrettoPoint)> =
                coef.iter().zip(points).skip(i).step_by(len).map(|(c, p)| (*c, p)).collect();
            vartime_msm(&terms)
        })
        .collect()
}

/// \\( v_i = v_0 \prod_{k : \text{bit } k \text{ of } i \text{ set}} f_k \\) for
/// \\( i < 2^K \\), \\( K \\) = `factors.len()`, by the doubling recurrence
/// \\( v_{i + 2^k} = v_i f_k \\) (\\( i < 2^k \\)): one multiplication per
/// element, no inversion.
///
/// The exponents of the folded generators are
/// \\( s_i = \prod_j u_j^{\pm 1} \\) (\\( +1 \\) when bit \\( K-1-j \\) of
/// \\( i \\) is set): \\( s_0 = \prod_j u_j^{-1} \\) and setting bit \\( k \\)
/// multiplies by \\( u_{K-1-k}^2 \\), so `doubling_products(s_0, [u_{K-1}², …, u_0²])`
/// gives \\( (s_i) \\); every exponent flips between \\( i \\) and
/// \\( 2^K - 1 - i \\), so \\( s_i^{-1} = s_{2^K - 1 - i} \\).
pub(crate) fn doubling_products<T: Copy + core::ops::Mul<Output = T>>(
    v_0: T,
    factors: &[T],
) -> Vec<T> {
    let mut v = Vec::with_capacity(1usize << factors.len());
    v.push(v_0);
    for f_k in factors {
        for i in 0..v.len() {
            let next = v[i] * *f_k;
            v.push(next);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::range_proof::poly::powers;
    use crate::transcript::new_transcript;
    use curve25519_dalek::traits::Identity;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    /// The recurrence against the direct product formula, for the
    /// exponents \\( s_i \\) and for a weighted variant with extra per-level
    /// factors (as the verifier uses for the `H_vec` coefficients).
    #[test]
    fn doubling_products_match_product_formula() {
        let mut rng = ChaCha20Rng::seed_from_u64(21);
        for rounds in 0..=6usize {
            let n = 1usize << rounds;
            let u: Vec<Scalar> = (0..rounds).map(|_| Scalar::random(&mut rng)).collect();
            let u_sq_rev: Vec<Scalar> = u.iter().rev().map(|u| u * u).collect();
            let s_0 = u.iter().fold(Scalar::ONE, |acc, u| acc * u.invert());
            let s = doubling_products(s_0, &u_sq_rev);
            assert_eq!(s.len(), n);
            for (i, s_i) in s.iter().enumerate() {
                let direct = (0..rounds).fold(Scalar::ONE, |acc, j| {
                    let bit = (i >> (rounds - 1 - j)) & 1;
                    acc * if bit == 1 { u[j] } else { u[j].invert() }
                });
                assert_eq!(*s_i, direct, "rounds {rounds}, i {i}");
                assert_eq!(s_i.invert(), s[n - 1 - i]);
            }
            // c·s_{n−1−i}·y^{−i} from c·s_{n−1} with factors u_{K−1−k}^{−2}·y^{−2^k}.
            let (c, y) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
            let y_inv = y.invert();
            let factors: Vec<Scalar> = (0..rounds)
                .map(|k| {
                    let u_k = u[rounds - 1 - k].invert();
                    u_k * u_k * powers(&y_inv, (1 << k) + 1)[1 << k]
                })
                .collect();
            let weighted = doubling_products(c * s[n - 1], &factors);
            for (i, w_i) in weighted.iter().enumerate() {
                assert_eq!(
                    *w_i,
                    c * s[n - 1 - i] * powers(&y_inv, i + 1)[i],
                    "rounds {rounds}, i {i}"
                );
            }
        }
    }

    /// Naive verification: fold the generators round by round with plain
    /// point arithmetic (no s-vector), and check the final relation.
    #[allow(non_snake_case)]
    fn naive_verify(
        params: &Params,
        transcript: &mut Transcript,
        proof: &InnerProductProof,
        P: RistrettoPoint,
        w: &Scalar,
        h_factors: &[Scalar],
    ) -> bool {
        let n = h_factors.len();
        let Q = w * params.G;
        let mut G: Vec<RistrettoPoint> = params.G_vec[..n].to_vec();
        let mut H: Vec<RistrettoPoint> =
            params.H_vec[..n].iter().zip(h_factors).map(|(h, c)| c * h).collect();
        let mut P = P;
        transcript.append_bytes(labels::DOM_SEP, labels::INNER_PRODUCT_DOM_SEP);
        transcript.append_u64_value(labels::IPP_LEN, n as u64);
        for (L, R) in proof.L_vec.iter().zip(&proof.R_vec) {
            transcript.append_point(labels::IPP_L, &L.compressed);
            transcript.append_point(labels::IPP_R, &R.compressed);
            let u = transcript.challenge_scalar(labels::IPP_U);
            let u_inv = u.invert();
            let half = G.len() / 2;
            G = (0..half).map(|i| u_inv * G[i] + u * G[i + half]).collect();
            H = (0..half).map(|i| u * H[i] + u_inv * H[i + half]).collect();
            P += u * u * L.point + u_inv * u_inv * R.point;
        }
        transcript.append_scalar(labels::IPP_A, &proof.a);
        transcript.append_scalar(labels::IPP_B, &proof.b);
        G.len() == 1 && P == proof.a * G[0] + proof.b * H[0] + (proof.a * proof.b) * Q
    }

    /// Completeness for every length, both code paths (static rounds and
    /// the explicit rebase), against the naive verifier; a wrong `P` fails.
    #[test]
    #[allow(non_snake_case)]
    fn prove_then_naive_verify() {
        let params = Params::new();
        let mut rng = ChaCha20Rng::seed_from_u64(22);
        for n in [1usize, 2, 4, 8, 16, 32, 64, 256, 1024] {
            let a: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
            let b: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
            let w = Scalar::random(&mut rng);
            let h_factors = powers(&Scalar::random(&mut rng), n);
            let P = (0..n).fold(RistrettoPoint::identity(), |acc, i| {
                acc + a[i] * params.G_vec[i] + (b[i] * h_factors[i]) * params.H_vec[i]
            }) + (w * inner_product(&a, &b)) * params.G;

            let mut prover = new_transcript(labels::PROTOCOL_SEALED);
            let proof = InnerProductProof::prove(
                &params,
                &mut prover,
                &w,
                &h_factors,
                Zeroizing::new(a.clone()),
                Zeroizing::new(b.clone()),
            );
            assert_eq!(proof.L_vec.len(), n.trailing_zeros() as usize);

            let mut verifier = new_transcript(labels::PROTOCOL_SEALED);
            assert!(naive_verify(&params, &mut verifier, &proof, P, &w, &h_factors), "n = {n}");
            // Prover and verifier transcripts end in the same state.
            assert_eq!(prover.challenge_scalar(b"end"), verifier.challenge_scalar(b"end"));

            let mut verifier = new_transcript(labels::PROTOCOL_SEALED);
            assert!(!naive_verify(&params, &mut verifier, &proof, P + params.G, &w, &h_factors));
        }
    }

    /// `replay` returns the prover's challenges and leaves the transcript in
    /// the prover's final state; changing `a` or `b` changes that state.
    #[test]
    fn replay_matches_prover_and_absorbs_a_b() {
        let params = Params::new();
        let mut rng = ChaCha20Rng::seed_from_u64(23);
        let n = 16;
        let a: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
        let b: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
        let w = Scalar::random(&mut rng);
        let h_factors = vec![Scalar::ONE; n];
        let mut prover = new_transcript(labels::PROTOCOL_SEALED);
        let proof = InnerProductProof::prove(
            &params,
            &mut prover,
            &w,
            &h_factors,
            Zeroizing::new(a),
            Zeroizing::new(b),
        );
        let end = prover.challenge_scalar(b"end");

        let mut verifier = new_transcript(labels::PROTOCOL_SEALED);
        let u = proof.replay(&mut verifier, n);
        assert_eq!(u.len(), 4);
        assert_eq!(verifier.challenge_scalar(b"end"), end);

        for field in 0..2 {
            let mut other = proof.clone();
            if field == 0 {
                other.a += Scalar::ONE;
            } else {
                other.b += Scalar::ONE;
            }
            let mut verifier = new_transcript(labels::PROTOCOL_SEALED);
            assert_eq!(other.replay(&mut verifier, n), u);
            assert_ne!(verifier.challenge_scalar(b"end"), end, "field {field} not absorbed");
        }
    }
}
