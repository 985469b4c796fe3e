//! Aggregated range proof (Bünz et al., *Bulletproofs*, 2018, §4.2): every
//! chunk commitment of a sealed item opens to a 16-bit value.
//!
//! Notation and the full derivation are in the range-proof math note
//! ([`notes::range_proof`](crate::notes::range_proof)); indices are 0-based.
//!
//! # Relation
//! For \\( k \\) chunk commitments \\( C_j \\), \\( 1 \le k \le 64 \\), padded with
//! identity commitments to \\( M \\) = `k.next_power_of_two()` values of
//! \\( n = 16 \\) bits (\\( N = nM \\) bits in all, \\( K = \log_2 N \\)
//! inner-product rounds):
//! $$
//! \mathrm{PK}\\{ (v_j, \gamma_j)\_{j<M} : V_j = v_j G + \gamma_j H \wedge v_j \in [0, 2^n) \\},
//! \qquad V_j = C_j \ (j < k), \quad V_j = 0 \ (k \le j < M).
//! $$
//! \\( n \\) is fixed by the payload type (`RANGE_BITS`) and \\( M \\) by the
//! payload length: neither is read from the wire.
//!
//! **The statement comes absorbed.** `RangeProof::prove` and
//! `RangeProof::replay` continue an `AbsorbedStatement`: a
//! transcript that has absorbed the whole statement, *every*
//! \\( C_j \\) included (`docs/PROTOCOL.md` §8.1, step 1), which only the
//! statement's absorbing function creates. The commitments the proof is made
//! or checked for are the statement's; this module does not absorb them
//! again. The padding commitments (value 0, blinding 0: the identity) are
//! implicit on both sides and never absorbed.
//!
//! # Prover messages
//! Bits \\( a_{L, nj + i} \\) = bit \\( i \\) of \\( v_j \\), \\( a_R = a_L - 1^N \\);
//! random \\( \alpha, \rho, \tau_1, \tau_2 \\) and vectors \\( s_L, s_R \\).
//! 1. \\( A = \alpha H + \langle a_L, G \rangle + \langle a_R, H \rangle \\),
//!    \\( S = \rho H + \langle s_L, G \rangle + \langle s_R, H \rangle \\) → \\( y, z \\).
//! 2. \\( l(X) = a_L - z 1^N + s_L X \\),
//!    \\( r(X) = y^N \circ (a_R + z 1^N + s_R X) + \sum_{j<M} z^{2+j} (0^{nj} \\| 2^n \\| 0^{n(M-1-j)}) \\),
//!    \\( t(X) = \langle l(X), r(X) \rangle = t_0 + t_1 X + t_2 X^2 \\);
//!    \\( T_1 = t_1 G + \tau_1 H \\), \\( T_2 = t_2 G + \tau_2 H \\) → \\( x \\).
//! 3. \\( \tau_x = \tau_1 x + \tau_2 x^2 + \sum_{j<k} z^{2+j} \gamma_j \\),
//!    \\( \mu = \alpha + \rho x \\), \\( \hat t = t(x) \\) → \\( w \\), \\( Q = w G \\).
//! 4. The inner-product argument ([`inner_product`]) for \\( l = l(x) \\),
//!    \\( r = r(x) \\) over \\( G_i \\), \\( H^\prime_i = y^{-i} H_i \\) and \\( Q \\):
//!    rounds \\( (L_j, R_j) \\) → \\( u_j \\), then \\( a, b \\).
//!
//! # Verification
//! With \\( \delta(y,z) = (z - z^2) \sum_{i<N} y^i - (2^n - 1) \sum_{j<M} z^{3+j} \\)
//! and the inner-product exponents \\( s_i \\) ([`inner_product`]):
//! $$
//! \sum_{j<k} z^{2+j} C_j + (\delta(y,z) - \hat t) G - \tau_x H + x T_1 + x^2 T_2 = 0, \tag{1}
//! $$
//! $$
//! \begin{aligned}
//! A + x S - \mu H + w(\hat t - ab) G + \sum_{j<K} \left( u_j^2 L_j + u_j^{-2} R_j \right) -
//! \sum_{i<N} (z + a s_i) G_i \\\\
//! \quad + \sum_{i<N} \left( z + y^{-i} \left( z^{2 + \lfloor i/n \rfloor} 2^{i \bmod n} - b\\, s_{N-1-i} \right) \right) H_i = 0.
//! \end{aligned} \tag{2}
//! $$
//! (1) is the paper's (72) with the identity padding dropped; (2) is (66)/(67)
//! with the inner-product check substituted (\\( s_i^{-1} = s_{N-1-i} \\)).
//! The verifier never checks them one by one. `RangeProof::replay` replays
//! the transcript (every challenge drawn, nothing computed yet);
//! `RangeReplay::push_equations`, once the batch has inverted every
//! \\( u_j \\) and \\( y \\) together with every other item's (one field
//! inversion per run of items), adds
//! \\( \omega_1 \cdot (1) + \omega_2 \cdot (2) \\), with independent verifier
//! weights, to an `Msm`, keeping the coefficients of the static generators
//! \\( G, H, G_i, H_i \\) apart from the per-proof points and adding the
//! coefficient of each \\( C_j \\) into the caller's slot.
//!
//! # Transcript
//! `dom-sep` = `vaultseal-range-proof-v1`, `n` = 16, `M`;
//! `rp-A`, `rp-S` → `rp-y`, `rp-z`; `rp-T1`, `rp-T2` → `rp-x`;
//! `rp-tau-x`, `rp-mu`, `rp-t-hat` → `rp-w`; then the inner-product argument:
//! `dom-sep` = `vaultseal-inner-product-v1`, `ipp-n` = \\( N \\),
//! per round `ipp-L`, `ipp-R` → `ipp-u`, finally `ipp-a`, `ipp-b`.
//! The sealing code continues on the same transcript after the proof.
//!
//! # Security
//! - Soundness and zero-knowledge are those of the paper's aggregated range
//!   proof (Theorem 3) made non-interactive with Fiat–Shamir over the full
//!   statement (caller) and every prover message, including \\( \tau_x, \mu,
//!   \hat t \\) and the final \\( a, b \\) (leaving any of them out is how
//!   Frozen Heart, 2022, and the Solana ZK ElGamal proof bug of 2025 broke
//!   soundness); Dao and Grubbs show the result is simulation-extractable.
//! - The equations are combined by weights drawn from the *verifier's* RNG
//!   after the proof is fixed (`Weights`), never from the transcript.
//! - \\( A, S, T_1, T_2 \\) must not be the identity (decoder and verifier);
//!   \\( L_j, R_j \\) may be. Scalars are canonical. The number of rounds comes
//!   from \\( k \\), never from the wire, so decoding allocates at most 20
//!   points. A zero challenge \\( y \\) or \\( u_j \\) (probability
//!   \\( 2^{-252} \\)) makes verification fail rather than divide by zero.
//!
//! # Constant time
//! The prover runs in time independent of the values and blindings: bits are
//! extracted with shifts and used through `subtle` selection
//! (\\( A = \alpha H + \sum_i \mathrm{select}(a_{L,i}; -H_i, G_i) \\), since
//! \\( a_R = a_L - 1 \\)); \\( S \\) uses curve25519-dalek's constant-time
//! multiscalar multiplication; \\( T_1, T_2 \\) use the constant-time
//! fixed-base multiplications of [`Params`]; polynomial arithmetic is
//! branch-free scalar arithmetic. The inner-product argument is variable time
//! in \\( l(x), r(x) \\) only: those vectors are blinded by \\( s_L, s_R \\) and
//! Protocol 1 of the paper sends them in the clear. Witness vectors and
//! nonces are wiped on drop (`Zeroizing`). Verification is variable time
//! (public data).
//!
//! # Encoding
//! ```text
//! A ‖ S ‖ T_1 ‖ T_2 ‖ τx ‖ μ ‖ t̂ ‖ L_0 ‖ R_0 ‖ … ‖ L_{K-1} ‖ R_{K-1} ‖ a ‖ b
//! ```
//! 32 bytes each: \\( 32 (2K + 9) \\) bytes, \\( K = \log_2(16M) \\)
//! (`RangeProof::encoded_len`): 544, 608, 672, 736, 800, 864, 928 bytes for
//! \\( M \\) = 1, 2, 4, …, 64.
//!
//! # Documentation only
//! This module is public only in the rendered documentation (`cfg(doc)`:
//! `cargo doc`, docs.rs), so that its mathematics can be read there. Its items
//! are crate-internal and not part of the API, so they are not listed here.
//! The proof is part of every [`SealedDeployKey`](crate::SealedDeployKey) and
//! [`SealedSecret`](crate::SealedSecret): made by the `seal_*` functions, checked
//! by their `verify` methods and by [`BatchVerifier`](crate::BatchVerifier).

#[cfg(doc)]
pub mod inner_product;
#[cfg(not(doc))]
mod inner_product;
#[cfg(doc)]
pub mod poly;
#[cfg(not(doc))]
pub(crate) mod poly;

use alloc::vec::Vec;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::MultiscalarMul;
use merlin::Transcript;
use subtle::{Choice, ConditionallySelectable};
use zeroize::Zeroizing;

use crate::encoding::{ELEMENT_LEN, Reader, RistrettoElement};
use crate::error::{DecodeFailure, Error, Object};
use crate::msm::{MontgomeryScalar, Msm, Weights};
use crate::params::Params;
use crate::statement::AbsorbedStatement;
use crate::transcript::{ProverRng, TranscriptProtocol, labels};
use inner_product::{InnerProductProof, doubling_products};
use poly::{VecPoly1, powers, sum_of_powers};

/// \\( n \\): bits per value (one 16-bit chunk).
pub(crate) use crate::limits::RANGE_BITS;
// The verifier takes y^(−n) by squarings.
const _: () = assert!(RANGE_BITS.is_power_of_two());

/// Largest number of (unpadded) values \\( k \\): 64 chunks of a 128-byte
/// payload.
pub(crate) use crate::limits::MAX_RANGE_VALUES as MAX_VALUES;

/// \\( M \\): the number of aggregated values for `k` commitments.
pub(crate) fn padded_values(k: usize) -> usize {
    k.next_power_of_two()
}

/// \\( K = \log_2(nM) \\): the number of inner-product rounds for `k`
/// commitments.
fn rounds(k: usize) -> usize {
    (RANGE_BITS * padded_values(k)).trailing_zeros() as usize
}

/// An aggregated range proof (see the module documentation). Field order is
/// wire order.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RangeProof {
    /// \\( A \\), the bit commitment (never the identity); bytes 0..32.
    pub(crate) A: RistrettoElement,
    /// \\( S \\), the blinding commitment (never the identity); bytes 32..64.
    pub(crate) S: RistrettoElement,
    /// \\( T_1 \\) (never the identity); bytes 64..96.
    pub(crate) T_1: RistrettoElement,
    /// \\( T_2 \\) (never the identity); bytes 96..128.
    pub(crate) T_2: RistrettoElement,
    /// \\( \tau_x \\), the blinding of \\( \hat t \\); bytes 128..160.
    pub(crate) t_x_blinding: Scalar,
    /// \\( \mu \\), the blinding of \\( A + xS \\); bytes 160..192.
    pub(crate) e_blinding: Scalar,
    /// \\( \hat t = t(x) \\); bytes 192..224.
    pub(crate) t_x: Scalar,
    /// The inner-product argument: \\( (L_j, R_j)\_{j<K} \\) interleaved from
    /// byte 224, then \\( a, b \\).
    pub(crate) ipp: InnerProductProof,
}

// ----- Transcript steps, shared by prover and verifier -----

/// Domain separator with \\( n \\) and \\( M \\).
fn absorb_domain(transcript: &mut Transcript, m: usize) {
    transcript.append_bytes(labels::DOM_SEP, labels::RANGE_PROOF_DOM_SEP);
    transcript.append_u64_value(labels::RANGE_BITS, RANGE_BITS as u64);
    transcript.append_u64_value(labels::RANGE_VALUES, m as u64);
}

/// `A`, `S` → `(y, z)`.
#[allow(non_snake_case)]
fn absorb_bit_commitments(
    transcript: &mut Transcript,
    A: &RistrettoElement,
    S: &RistrettoElement,
) -> (Scalar, Scalar) {
    transcript.append_point(labels::RP_A, &A.compressed);
    transcript.append_point(labels::RP_S, &S.compressed);
    (transcript.challenge_scalar(labels::RP_Y), transcript.challenge_scalar(labels::RP_Z))
}

/// `T_1`, `T_2` → `x`.
#[allow(non_snake_case)]
fn absorb_poly_commitments(
    transcript: &mut Transcript,
    T_1: &RistrettoElement,
    T_2: &RistrettoElement,
) -> Scalar {
    transcript.append_point(labels::RP_T1, &T_1.compressed);
    transcript.append_point(labels::RP_T2, &T_2.compressed);
    transcript.challenge_scalar(labels::RP_X)
}

/// `τx`, `μ`, `t̂` → `w`.
fn absorb_evaluation(
    transcript: &mut Transcript,
    t_x_blinding: &Scalar,
    e_blinding: &Scalar,
    t_x: &Scalar,
) -> Scalar {
    transcript.append_scalar(labels::RP_TAU_X, t_x_blinding);
    transcript.append_scalar(labels::RP_MU, e_blinding);
    transcript.append_scalar(labels::RP_T_HAT, t_x);
    transcript.challenge_scalar(labels::RP_W)
}

/// \\( \delta(y, z) = (z - z^2) \sum_{i<nM} y^i - (2^n - 1) \sum_{j<M} z^{3+j} \\).
fn delta(y: MontgomeryScalar, z: MontgomeryScalar, m: usize) -> MontgomeryScalar {
    let z2 = z.square();
    let mut sum_z = MontgomeryScalar::ZERO;
    let mut z_pow = z2 * z; // z^(3+j)
    for _ in 0..m {
        sum_z += z_pow;
        z_pow *= z;
    }
    let two_n_minus_one = MontgomeryScalar::from_scalar(&Scalar::from((1u64 << RANGE_BITS) - 1));
    (z - z2) * sum_of_powers(y, RANGE_BITS * m) - two_n_minus_one * sum_z
}

impl RangeProof {
    /// Prove that each `values[j]` (\\( j < k \\)) is a 16-bit value committed
    /// as the statement's \\( C_j = v_j G + \gamma_j H \\) with
    /// \\( \gamma_j \\) = `blindings[j]`, continuing the statement's
    /// transcript, with \\( M \\) = `k.next_power_of_two()`.
    ///
    /// Preconditions: `1 ≤ k ≤ 64` commitments in `statement`,
    /// `values.len() == blindings.len() == k`; `rng` is the caller's prover
    /// RNG keyed with the witness. Out of contract (checked
    /// by `debug_assert`), the result is a proof that does not verify.
    ///
    /// Each value is taken as the low 16 bits of its canonical encoding: a
    /// value \\( \ge 2^{16} \\) (possible only in tests) yields a proof that
    /// fails verification.
    ///
    /// Constant time in the values and blindings (see the module
    /// documentation).
    #[allow(non_snake_case)]
    pub(crate) fn prove(
        params: &Params,
        statement: &mut AbsorbedStatement<'_>,
        values: &[Scalar],
        blindings: &[Scalar],
        rng: &mut ProverRng,
    ) -> RangeProof {
        let k = statement.commitments().len();
        debug_assert!((1..=MAX_VALUES).contains(&k));
        debug_assert!(values.len() == k && blindings.len() == k);
        let transcript = statement.transcript();
        let m = padded_values(k);
        let n = RANGE_BITS * m;
        debug_assert!(n <= params.G_vec.len());
        absorb_domain(transcript, m);

        // 1. A = α·H + Σ select(bit; −H_i, G_i), S = ρ·H + ⟨s_L, G⟩ + ⟨s_R, H⟩.
        let alpha = Zeroizing::new(rng.scalar());
        let rho = Zeroizing::new(rng.scalar());
        let mut a_L = Zeroizing::new(Vec::with_capacity(n));
        let mut A = params.mul_H(&alpha);
        for (idx, (G_i, H_i)) in params.G_vec.iter().zip(&params.H_vec).take(n).enumerate() {
            let (j, i) = (idx / RANGE_BITS, idx % RANGE_BITS);
            // Padding values (j ≥ k) are 0. Only public indices select bytes.
            let byte = values.get(j).map_or(0u8, |v| v.as_bytes()[i / 8]);
            let bit = Choice::from((byte >> (i % 8)) & 1);
            a_L.push(Scalar::conditional_select(&Scalar::ZERO, &Scalar::ONE, bit));
            A += RistrettoPoint::conditional_select(&-H_i, G_i, bit);
        }
        let s_L: Zeroizing<Vec<Scalar>> = Zeroizing::new((0..n).map(|_| rng.scalar()).collect());
        let s_R: Zeroizing<Vec<Scalar>> = Zeroizing::new((0..n).map(|_| rng.scalar()).collect());
        let S = {
            let terms = || {
                core::iter::once((&*rho, &params.H))
                    .chain(s_L.iter().zip(&params.G_vec))
                    .chain(s_R.iter().zip(&params.H_vec))
            };
            RistrettoPoint::multiscalar_mul(terms().map(|(s, _)| s), terms().map(|(_, p)| p))
        };
        let (A, S) = (RistrettoElement::from_point(A), RistrettoElement::from_point(S));
        let (y, z) = absorb_bit_commitments(transcript, &A, &S);

        // 2. l(X), r(X), t(X); T_1, T_2.
        let mut l_0 = Zeroizing::new(Vec::with_capacity(n));
        let mut r_0 = Zeroizing::new(Vec::with_capacity(n));
        let mut r_1 = Zeroizing::new(Vec::with_capacity(n));
        let mut y_pow = Scalar::ONE; // y^idx
        let mut z_pow = z; // z^(2+j) after the first block starts
        let mut two_pow = Scalar::ZERO; // z^(2+j)·2^i
        for (idx, (a_L_i, s_R_i)) in a_L.iter().zip(s_R.iter()).enumerate() {
            if idx % RANGE_BITS == 0 {
                z_pow *= z;
                two_pow = z_pow;
            } else {
                two_pow += two_pow;
            }
            l_0.push(a_L_i - z);
            r_0.push(y_pow * (a_L_i - Scalar::ONE + z) + two_pow);
            r_1.push(y_pow * s_R_i);
            y_pow *= y;
        }
        let l_poly = VecPoly1 { c0: l_0, c1: s_L };
        let r_poly = VecPoly1 { c0: r_0, c1: r_1 };
        let t_poly = l_poly.inner_product(&r_poly);
        let tau_1 = Zeroizing::new(rng.scalar());
        let tau_2 = Zeroizing::new(rng.scalar());
        let T_1 = RistrettoElement::from_point(params.mul_G(&t_poly.t1) + params.mul_H(&tau_1));
        let T_2 = RistrettoElement::from_point(params.mul_G(&t_poly.t2) + params.mul_H(&tau_2));
        let x = absorb_poly_commitments(transcript, &T_1, &T_2);

        // 3. τx, μ, t̂ → w.
        let mut t_x_blinding = *tau_1 * x + *tau_2 * x * x;
        let mut z_pow = z * z; // z^(2+j)
        for gamma in blindings.iter().take(k) {
            t_x_blinding += z_pow * gamma;
            z_pow *= z;
        }
        let e_blinding = *alpha + *rho * x;
        let t_x = t_poly.eval(&x);
        let w = absorb_evaluation(transcript, &t_x_blinding, &e_blinding, &t_x);

        // 4. Inner-product argument on l(x), r(x), H'_i = y^{-i}·H_i, Q = w·G.
        let h_factors = powers(&y.invert(), n);
        let ipp = InnerProductProof::prove(
            params,
            transcript,
            &w,
            &h_factors,
            l_poly.eval(&x),
            r_poly.eval(&x),
        );
        RangeProof { A, S, T_1, T_2, t_x_blinding, e_blinding, t_x, ipp }
    }

    /// Replay the verifier's transcript: every challenge drawn, the
    /// statement's transcript left in the prover's final state (the sealing
    /// proofs follow), nothing pushed yet. \\( k \\) and the \\( C_j \\) are the
    /// statement's.
    ///
    /// The proof's shape matches \\( k \\) and \\( A, S, T_1, T_2 \\) are not the
    /// identity: the decoder and the prover guarantee both (checked in debug
    /// builds).
    ///
    /// # Errors
    /// [`Error::Verification`] if a challenge \\( y \\) or \\( u_j \\) is zero.
    pub(crate) fn replay(
        &self,
        statement: &mut AbsorbedStatement<'_>,
    ) -> Result<RangeReplay<'_>, Error> {
        let k = statement.commitments().len();
        let transcript = statement.transcript();
        // The shape comes from `k` and the identity rules from the decoder
        // (`RangeProof::read`) or the prover; nothing else makes a proof.
        debug_assert!((1..=MAX_VALUES).contains(&k));
        debug_assert!(self.ipp.L_vec.len() == rounds(k) && self.ipp.R_vec.len() == rounds(k));
        debug_assert!(!self.A.is_identity() && !self.S.is_identity());
        debug_assert!(!self.T_1.is_identity() && !self.T_2.is_identity());
        let m = padded_values(k);
        absorb_domain(transcript, m);
        let (y, z) = absorb_bit_commitments(transcript, &self.A, &self.S);
        let x = absorb_poly_commitments(transcript, &self.T_1, &self.T_2);
        let w = absorb_evaluation(transcript, &self.t_x_blinding, &self.e_blinding, &self.t_x);
        let u = self.ipp.replay(transcript, RANGE_BITS * m);
        // The rest runs in Montgomery form (see `MontgomeryScalar`).
        let ms = MontgomeryScalar::from_scalar;
        let u: Vec<MontgomeryScalar> = u.iter().map(ms).collect();
        let y = ms(&y);
        if y == MontgomeryScalar::ZERO || u.contains(&MontgomeryScalar::ZERO) {
            return Err(Error::Verification);
        }
        let mut inverses = u.clone();
        inverses.push(y);
        Ok(RangeReplay { proof: self, k, y, z: ms(&z), x: ms(&x), w: ms(&w), u, inverses })
    }

    /// [`RangeProof::replay`], its inversions alone, then
    /// [`RangeReplay::push_equations`]: the proof checked on its own (tests).
    #[cfg(test)]
    pub(crate) fn push_equations<'a>(
        &'a self,
        params: &Params,
        statement: &mut AbsorbedStatement<'_>,
        weights: &mut Weights,
        msm: &mut Msm<'a>,
        commitment_coeffs: &mut [MontgomeryScalar],
    ) -> Result<(), Error> {
        let mut replayed = self.replay(statement)?;
        let mut slots = Vec::new();
        replayed.inversions(&mut slots);
        crate::msm::invert_all(&mut slots);
        replayed.push_equations(params, weights, msm, commitment_coeffs);
        Ok(())
    }

    /// Append the encoding (see the module documentation):
    /// `A ‖ S ‖ T_1 ‖ T_2 ‖ τx ‖ μ ‖ t̂ ‖ (L_j ‖ R_j)_{j<K} ‖ a ‖ b`,
    /// [`RangeProof::encoded_len`] bytes.
    #[allow(non_snake_case)]
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        for point in [&self.A, &self.S, &self.T_1, &self.T_2] {
            out.extend_from_slice(point.compressed.as_bytes());
        }
        for scalar in [&self.t_x_blinding, &self.e_blinding, &self.t_x] {
            out.extend_from_slice(scalar.as_bytes());
        }
        for (L, R) in self.ipp.L_vec.iter().zip(&self.ipp.R_vec) {
            out.extend_from_slice(L.compressed.as_bytes());
            out.extend_from_slice(R.compressed.as_bytes());
        }
        out.extend_from_slice(self.ipp.a.as_bytes());
        out.extend_from_slice(self.ipp.b.as_bytes());
    }

    /// Read a proof for `k` commitments; the number of rounds
    /// \\( K = \log_2(16 M) \\) comes from `k`, never from the wire.
    ///
    /// # Errors
    /// [`Error::Decode`] with `Object::RangeProof`: `Limit` if `k` is not in
    /// 1..=64; `Length` if the input is too short; `NotOnCurve` for a point
    /// that does not decompress; `Identity` for an identity \\( A, S, T_1,
    /// T_2 \\); `NonCanonical` for a scalar \\( \ge \ell \\).
    #[allow(non_snake_case)]
    pub(crate) fn read(r: &mut Reader<'_>, k: usize) -> Result<Self, Error> {
        Self::read_inner(r, k).map_err(|e| match e {
            Error::Decode { why, .. } => Error::decode(Object::RangeProof, why),
            other => other,
        })
    }

    #[allow(non_snake_case)]
    fn read_inner(r: &mut Reader<'_>, k: usize) -> Result<Self, Error> {
        if !(1..=MAX_VALUES).contains(&k) {
            return Err(Error::decode(Object::RangeProof, DecodeFailure::Limit));
        }
        let rounds = rounds(k);
        r.count(2 * rounds + 9, 0..=2 * rounds + 9, ELEMENT_LEN)?;
        let A = r.ristretto_non_identity()?;
        let S = r.ristretto_non_identity()?;
        let T_1 = r.ristretto_non_identity()?;
        let T_2 = r.ristretto_non_identity()?;
        let t_x_blinding = r.scalar()?;
        let e_blinding = r.scalar()?;
        let t_x = r.scalar()?;
        let mut L_vec = Vec::with_capacity(rounds);
        let mut R_vec = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            L_vec.push(r.ristretto()?);
            R_vec.push(r.ristretto()?);
        }
        let a = r.scalar()?;
        let b = r.scalar()?;
        Ok(RangeProof {
            A,
            S,
            T_1,
            T_2,
            t_x_blinding,
            e_blinding,
            t_x,
            ipp: InnerProductProof { L_vec, R_vec, a, b },
        })
    }

    /// Encoded length for `k` commitments: \\( 32 (2 \log_2(16M) + 9) \\)
    /// bytes, \\( M \\) = `k.next_power_of_two()`.
    pub(crate) fn encoded_len(k: usize) -> usize {
        ELEMENT_LEN * (2 * rounds(k) + 9)
    }
}

/// A range proof whose challenges are drawn ([`RangeProof::replay`]), in
/// Montgomery form: the inversions it needs, then its weighted equations.
#[derive(Debug)]
pub(crate) struct RangeReplay<'p> {
    proof: &'p RangeProof,
    /// \\( k \\), the statement's number of commitments.
    k: usize,
    y: MontgomeryScalar,
    z: MontgomeryScalar,
    x: MontgomeryScalar,
    w: MontgomeryScalar,
    /// \\( u_j \\), one per round.
    u: Vec<MontgomeryScalar>,
    /// \\( u_0, \dots, u_{K-1}, y \\), replaced by their inverses (by the
    /// batch, with every other item's) before
    /// [`push_equations`](Self::push_equations).
    inverses: Vec<MontgomeryScalar>,
}

impl<'p> RangeReplay<'p> {
    /// Hand over the values to invert: every \\( u_j \\) and \\( y \\) (all
    /// nonzero).
    pub(crate) fn inversions<'s>(&'s mut self, slots: &mut Vec<&'s mut MontgomeryScalar>) {
        slots.extend(self.inverses.iter_mut());
    }

    /// Add equations (1) and (2), each with its own weight from `weights`,
    /// to `msm`; the coefficient of each \\( C_j \\), \\( j < k \\), is **added**
    /// into `commitment_coeffs[j]` instead (the caller pushes each \\( C_j \\)
    /// once, with the sum of its coefficients over all of the item's
    /// equations). The inverses must have been made
    /// ([`inversions`](Self::inversions)).
    ///
    /// Terms pushed (\\( \omega_1, \omega_2 \\) the weights, \\( e_i = \omega_2 y^{-i} \\)):
    /// - `G`: \\( \omega_1(\delta(y,z) - \hat t) + \omega_2 w (\hat t - ab) \\);
    ///   `H`: \\( -\omega_1 \tau_x - \omega_2 \mu \\);
    /// - \\( C_j \\): \\( \omega_1 z^{2+j} \\) (into `commitment_coeffs`);
    /// - \\( T_1 \\): \\( \omega_1 x \\); \\( T_2 \\): \\( \omega_1 x^2 \\);
    ///   \\( A \\): \\( \omega_2 \\); \\( S \\): \\( \omega_2 x \\);
    ///   \\( L_j \\): \\( \omega_2 u_j^2 \\); \\( R_j \\): \\( \omega_2 u_j^{-2} \\);
    /// - \\( G_i \\): \\( -\omega_2 z - \omega_2 a\\, s_i \\);
    ///   \\( H_i \\): \\( \omega_2 z + e_i (z^{2+\lfloor i/n \rfloor} 2^{i \bmod n} - b\\, s_{N-1-i}) \\).
    #[allow(non_snake_case)]
    pub(crate) fn push_equations(
        &self,
        params: &Params,
        weights: &mut Weights,
        msm: &mut Msm<'p>,
        commitment_coeffs: &mut [MontgomeryScalar],
    ) {
        let RangeReplay { proof, k, y, z, x, w, ref u, ref inverses } = *self;
        let m = padded_values(k);
        let n = RANGE_BITS * m;
        // The static coefficients go to `msm`; the generators must cover N.
        debug_assert!(RANGE_BITS * MAX_VALUES <= params.G_vec.len());
        debug_assert!(commitment_coeffs.len() >= k && inverses.len() == u.len() + 1);
        let ms = MontgomeryScalar::from_scalar;
        let (u_inv, y_inv) = inverses.split_at(u.len());
        let y_inv = y_inv[0];
        debug_assert!(y * y_inv == MontgomeryScalar::ONE);
        let u_sq: Vec<MontgomeryScalar> = u.iter().map(|u_j| u_j.square()).collect();
        let u_inv_sq: Vec<MontgomeryScalar> = u_inv.iter().map(|u_j| u_j.square()).collect();

        let (a, b) = (ms(&proof.ipp.a), ms(&proof.ipp.b));
        let (t_x, t_x_blinding, e_blinding) =
            (ms(&proof.t_x), ms(&proof.t_x_blinding), ms(&proof.e_blinding));
        let omega_1 = weights.next_montgomery();
        let omega_2 = weights.next_montgomery();

        // Static G and H.
        let delta = delta(y, z, m);
        msm.add_g(omega_1 * (delta - t_x) + omega_2 * w * (t_x - a * b));
        msm.add_h(-(omega_1 * t_x_blinding + omega_2 * e_blinding));

        // Commitments C_j, j < k (padding commitments are the identity).
        let mut z_pow = omega_1 * z.square();
        for coeff in commitment_coeffs.iter_mut().take(k) {
            *coeff += z_pow;
            z_pow *= z;
        }

        // Per-proof points.
        let omega_1_x = omega_1 * x;
        msm.push(omega_1_x, &proof.T_1);
        msm.push(omega_1_x * x, &proof.T_2);
        msm.push(omega_2, &proof.A);
        msm.push(omega_2 * x, &proof.S);
        for ((L, R), (u_sq_j, u_inv_sq_j)) in
            proof.ipp.L_vec.iter().zip(&proof.ipp.R_vec).zip(u_sq.iter().zip(&u_inv_sq))
        {
            msm.push(omega_2 * *u_sq_j, L);
            msm.push(omega_2 * *u_inv_sq_j, R);
        }

        // The per-generator loops: the constant ±ω₂z is added once to the
        // whole prefix instead of to each coefficient.
        let omega_2_z = omega_2 * z;

        // Static G_vec: −ω₂z − ω₂a·s_i. The doubling recurrence for s_i
        // (from s_0, factors u_{K−1−k}²) splits at bit log₂ n, as for H_vec
        // below: −ω₂a·s_{nj+k} = S_j·T_k, S over the high bits from 1, T
        // over the low bits from −ω₂a·s_0. The accumulator pairs this
        // rank-one term with the next item's (one product per coefficient
        // for the two).
        let s_0 = u_inv.iter().fold(MontgomeryScalar::ONE, |p, u_j| p * *u_j);
        let g_factors: Vec<MontgomeryScalar> = u_sq.iter().rev().copied().collect();
        let (low, high) = g_factors.split_at(RANGE_BITS.trailing_zeros() as usize);
        let t = doubling_products(-(omega_2 * a * s_0), low);
        let mut columns = [MontgomeryScalar::ZERO; RANGE_BITS];
        columns.copy_from_slice(&t);
        msm.add_g_vec_all(n, -omega_2_z);
        msm.add_g_vec_outer(n, doubling_products(MontgomeryScalar::ONE, high), columns);

        // Static H_vec: ω₂z + τ_i − σ_i, i = nj + k (chunk j, bit k), with
        //   τ_i = ω₂z^{2+j}·2^k·y^{−i} = β_j·c_k,
        //         β_j = ω₂z^{2+j}·y^{−nj}, c_k = (2/y)^k;
        //   σ_i = ω₂b·s_{N−1−i}·y^{−i}: a doubling recurrence from
        //         ω₂b·s_{N−1} = ω₂b·Π u_j with factors u_{K−1−k}^{−2}·y^{−2^k},
        //         which splits at bit log₂ n into σ_i = P_j·Q_k (Q over the
        //         low bits from ω₂b·s_{N−1}, P over the high bits from 1).
        // Both terms are rank one in (j, k), so Winograd's pairing makes
        // each coefficient with one product instead of two:
        //   β_j c_k − P_j Q_k = (β_j + Q_k)(c_k − P_j) + β_j P_j − c_k Q_k,
        // the last two terms added once per row j and once per column k.
        let mut h_factors = Vec::with_capacity(u.len());
        let mut y_inv_pow = y_inv; // y^(−2^k)
        for u_inv_sq_j in u_inv_sq.iter().rev() {
            h_factors.push(*u_inv_sq_j * y_inv_pow);
            y_inv_pow = y_inv_pow.square();
        }
        let s_last = u.iter().fold(MontgomeryScalar::ONE, |p, u_j| p * *u_j);
        // n = RANGE_BITS = 2⁴ and N = nM: the first four factors are the bits k.
        let (low, high) = h_factors.split_at(RANGE_BITS.trailing_zeros() as usize);
        let q = doubling_products(omega_2 * b * s_last, low);
        let p = doubling_products(MontgomeryScalar::ONE, high);
        let c = MontgomeryScalar::powers(y_inv + y_inv, RANGE_BITS);
        // y^(−n): four squarings.
        let y_inv_n = (0..RANGE_BITS.trailing_zeros()).fold(y_inv, |p, _| p.square());
        let z_over_y_n = z * y_inv_n;
        let mut beta = omega_2_z * z;
        let mut rows = Vec::with_capacity(m);
        let h_vec = msm.h_vec_montgomery_mut(n);
        for (coeffs, p_j) in h_vec.chunks_mut(RANGE_BITS).zip(&p) {
            for ((coeff, q_k), c_k) in coeffs.iter_mut().zip(&q).zip(&c) {
                *coeff += (beta + *q_k) * (*c_k - *p_j);
            }
            rows.push(beta * *p_j);
            beta *= z_over_y_n;
        }
        let mut columns = [MontgomeryScalar::ZERO; RANGE_BITS];
        for ((column, c_k), q_k) in columns.iter_mut().zip(&c).zip(&q) {
            *column = -(*c_k * *q_k);
        }
        msm.add_h_vec_rows(&rows);
        msm.add_h_vec_columns(n, &columns);
        msm.add_h_vec_all(n, omega_2_z);
    }
}

#[cfg(test)]
mod tests;
