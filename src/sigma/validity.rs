//! The validity proof: every handle `D_ij` opens with the same randomness as
//! the commitment `C_i` it belongs to.
//!
//! Relation, for chunk commitments \\(C_i\\) (\\(i < k\\)) and handles
//! \\(D_{ij}\\) for recipients \\(Y_j\\) (\\(j < v\\)), folded with the challenge
//! powers \\(t^i\\):
//! $$
//! \mathrm{PK}\\{ (m^\*, r^\*) : C^\* = m^\* G + r^\* H \\;\wedge\\; \forall j:\\; D^\*\_j = r^\* Y_j \\},
//! \qquad C^\* = \sum_i t^i C_i,\\; D^\*\_j = \sum_i t^i D_{ij}.
//! $$
//! Prover: nonces \\(a, b\\); \\(T_0 = aG + bH\\), \\(T_j = b Y_j\\); after the
//! challenge \\(c\\): \\(z_m = a + c m^\*\\), \\(z_r = b + c r^\*\\). Verifier:
//! $$
//! z_m G + z_r H - T_0 - c\\,C^\* = 0, \tag{V0}
//! $$
//! $$
//! z_r Y_j - T_j - c\\,D^\*\_j = 0 \quad (j < v). \tag{Vj}
//! $$
//!
//! # Security
//! Special soundness gives \\(m^\*, r^\*\\) for the folded statement; since
//! \\(t\\) is drawn after every \\(C_i, D_{ij}\\) is absorbed, a statement in
//! which some \\(D_{ij} \ne r_i Y_j\\) (for the \\(r_i\\) the range proof
//! extracts from \\(C_i\\)) passes the folded check with probability at most
//! \\(k/\ell\\) (a non-zero polynomial of degree \\(< k\\) in \\(t\\)). The
//! handle commitments are one per recipient, never folded into \\(T_0\\)
//! (folding is unsound when the sealer knows the recipients' keys).
//!
//! # Constant time
//! The nonces and witnesses only enter constant-time fixed-base and
//! variable-base multiplications and scalar arithmetic.
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use alloc::vec::Vec;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use zeroize::Zeroizing;

use crate::encoding::{Reader, RistrettoElement};
use crate::msm::{MontgomeryScalar, Msm, Weights};
use crate::params::Params;
use crate::sigma::SigmaStatement;
use crate::transcript::{ProverRng, TranscriptProtocol, labels};

/// The validity proof's messages and responses.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ValidityProof {
    /// `T_0 = a·G + b·H`.
    pub(crate) T_0: RistrettoElement,
    /// `T_j = b·Y_j`, one per recipient, in recipient order.
    pub(crate) T_j: Vec<RistrettoElement>,
    /// `z_m = a + c·m*`.
    pub(crate) z_m: Scalar,
    /// `z_r = b + c·r*`.
    pub(crate) z_r: Scalar,
}

/// The prover's nonces `a, b` (wiped on drop).
pub(crate) struct ValidityNonces {
    a: Zeroizing<Scalar>,
    b: Zeroizing<Scalar>,
}

/// First move: draw `a, b` and compute `T_0`, `T_j`.
#[allow(non_snake_case)]
pub(crate) fn commit(
    params: &Params,
    recipients: &[RistrettoElement],
    rng: &mut ProverRng,
) -> (ValidityNonces, RistrettoElement, Vec<RistrettoElement>) {
    let a = Zeroizing::new(rng.scalar());
    let b = Zeroizing::new(rng.scalar());
    let T_0 = RistrettoElement::from_point(params.mul_G(&a) + params.mul_H(&b));
    let T_j = recipients.iter().map(|Y| RistrettoElement::from_point(*b * Y.point)).collect();
    (ValidityNonces { a, b }, T_0, T_j)
}

/// Absorb the first-move messages.
#[allow(non_snake_case)]
pub(crate) fn absorb_commitments(
    transcript: &mut Transcript,
    T_0: &RistrettoElement,
    T_j: &[RistrettoElement],
) {
    transcript.append_point(labels::SIGMA_T0, &T_0.compressed);
    for T in T_j {
        transcript.append_point(labels::SIGMA_TJ, &T.compressed);
    }
}

/// Third move: `z_m = a + c·m*`, `z_r = b + c·r*`.
#[allow(non_snake_case)]
pub(crate) fn respond(
    nonces: ValidityNonces,
    T_0: RistrettoElement,
    T_j: Vec<RistrettoElement>,
    c: &Scalar,
    m_star: &Scalar,
    r_star: &Scalar,
) -> ValidityProof {
    ValidityProof { T_0, T_j, z_m: *nonces.a + c * m_star, z_r: *nonces.b + c * r_star }
}

#[allow(non_snake_case)]
impl ValidityProof {
    /// Absorb the responses.
    pub(crate) fn absorb_responses(&self, transcript: &mut Transcript) {
        transcript.append_scalar(labels::SIGMA_Z_M, &self.z_m);
        transcript.append_scalar(labels::SIGMA_Z_R, &self.z_r);
    }

    /// Add (V0) and (Vj), each with its own weight. `t_powers[i] = tⁱ`; the
    /// coefficient of `C_i` is added into `commitment_coeffs[i]`; handles are
    /// `handles[j·k + i]` (recipient-major). `c`, the challenge, is in
    /// Montgomery form.
    pub(crate) fn push_equations<'a>(
        &'a self,
        c: MontgomeryScalar,
        t_powers: &[MontgomeryScalar],
        statement: &SigmaStatement<'a>,
        weights: &mut Weights,
        msm: &mut Msm<'a>,
        commitment_coeffs: &mut [MontgomeryScalar],
    ) {
        let k = t_powers.len();
        // (V0): ω·z_m·G + ω·z_r·H − ω·T_0 − Σ ω·c·tⁱ·C_i.
        // Everything in Montgomery form, as the accumulator takes it.
        let ms = MontgomeryScalar::from_scalar;
        let omega_m = weights.next_montgomery();
        let z_r = ms(&self.z_r);
        msm.add_g(omega_m * ms(&self.z_m));
        msm.add_h(omega_m * z_r);
        msm.push(-omega_m, &self.T_0);
        let omega_c = omega_m * c;
        for (coeff, t_i) in commitment_coeffs.iter_mut().zip(t_powers) {
            *coeff -= omega_c * *t_i;
        }
        // (Vj): ω_j·z_r·Y_j − ω_j·T_j − Σ ω_j·c·tⁱ·D_ij.
        for ((Y, T), row) in
            statement.recipients.iter().zip(&self.T_j).zip(statement.handles.chunks_exact(k))
        {
            let omega_j_m = weights.next_montgomery();
            msm.push_shared(omega_j_m * z_r, Y);
            msm.push(-omega_j_m, T);
            let minus_omega_c = -(omega_j_m * c);
            for (D, t_i) in row.iter().zip(t_powers) {
                msm.push(minus_omega_c * *t_i, D);
            }
        }
    }

    /// Append `T_0 ‖ T_j… ‖` (responses are written by the caller after the
    /// key-binding messages; see `sigma`).
    pub(crate) fn write_commitments(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.T_0.compressed.as_bytes());
        for T in &self.T_j {
            out.extend_from_slice(T.compressed.as_bytes());
        }
    }

    /// Append `z_m ‖ z_r`.
    pub(crate) fn write_responses(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.z_m.as_bytes());
        out.extend_from_slice(self.z_r.as_bytes());
    }
}

/// Read `T_0 ‖ T_j (v)`.
#[allow(non_snake_case)]
pub(crate) fn read_commitments(
    r: &mut Reader<'_>,
    v: usize,
) -> Result<(RistrettoElement, Vec<RistrettoElement>), crate::error::Error> {
    let T_0 = r.ristretto()?;
    r.count(v, 1..=crate::limits::MAX_RECIPIENTS, 32)?;
    let T_j = (0..v).map(|_| r.ristretto()).collect::<Result<Vec<_>, _>>()?;
    Ok((T_0, T_j))
}
