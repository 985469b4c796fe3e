//! The key-binding proof: the chunks of a sealed deploy key recombine to the
//! secret scalar of its Ed25519 public key `A`.
//!
//! With \\(C_s = \sum_i 2^{16 i} C_i = s G + r_s H\\) (ristretto255) and
//! \\(A = s B\\) (edwards25519, prime-order subgroup), both groups of order
//! \\(\ell\\):
//! $$
//! \mathrm{PK}\\{ (s, r_s) : C_s = s G + r_s H \\;\wedge\\; A = s B \\}.
//! $$
//! Prover: nonces \\(a^\prime, b^\prime\\); \\(U_0 = a^\prime G + b^\prime H\\), \\(U_1 = a^\prime B\\); after the
//! challenge \\(c\\) (shared with the validity proof): \\(z_s = a^\prime + c s\\),
//! \\(z_{rs} = b^\prime + c r_s\\). Verifier:
//! $$
//! z_s G + z_{rs} H - U_0 - c\\,C_s = 0, \tag{B0}
//! $$
//! $$
//! \[8\]\\,(z_s B - U_1 - c A) = 0. \tag{B1}
//! $$
//! (B1) is checked cofactored in single and batch verification alike (single
//! verification is a batch of one), so a torsion component in `U_1` can never
//! make the two paths disagree.
//!
//! `A` itself is torsion-free: the prover supplies \\(A^\prime\\) with
//! \\(A = \[8\]A^\prime\\) (honestly \\(A^\prime = (s \cdot 8^{-1} \bmod \ell) B\\)), which the
//! verifier checks with three doublings; `A` must not be the identity. `A′` is
//! absorbed with the statement, so replacing it by `A′` plus a torsion point
//! changes every challenge.
//!
//! # Security
//! Special soundness over the shared challenge gives one \\(s\\) with
//! \\(C_s = sG + r_s H\\) and \\(sB = A\\) exactly (no torsion: \\(A = \[8\]A^\prime\\)).
//! Together with the range proof (each \\(m_i < 2^{16}\\)) and the validity
//! proof, the vault that decrypts the chunks gets an integer
//! \\(\sum_i 2^{16i} m_i \equiv s \pmod \ell\\), and re-checks \\(sB = A\\).
//!
//! # Constant time
//! `s`, `r_s` and the nonces enter only constant-time scalar arithmetic and
//! fixed-base multiplications.
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use alloc::vec::Vec;
use curve25519_dalek::scalar::Scalar;
use merlin::Transcript;
use zeroize::Zeroizing;

use crate::encoding::{EdwardsElement, Reader, RistrettoElement};
use crate::error::Error;
use crate::msm::{MontgomeryScalar, Msm, Weights};
use crate::params::Params;
use crate::transcript::{ProverRng, TranscriptProtocol, labels};

/// `2¹⁶` as a scalar: the chunk radix.
pub(crate) fn chunk_radix() -> Scalar {
    Scalar::from(1u64 << 16)
}

/// The key-binding proof's messages and responses.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KeyBindingProof {
    /// `U_0 = a′·G + b′·H`.
    pub(crate) U_0: RistrettoElement,
    /// `U_1 = a′·B`.
    pub(crate) U_1: EdwardsElement,
    /// `z_s = a′ + c·s`.
    pub(crate) z_s: Scalar,
    /// `z_rs = b′ + c·r_s`.
    pub(crate) z_rs: Scalar,
}

/// The prover's nonces `a′, b′` (wiped on drop).
pub(crate) struct KeyBindingNonces {
    a: Zeroizing<Scalar>,
    b: Zeroizing<Scalar>,
}

/// First move: draw `a′, b′`, compute `U_0`, `U_1`.
#[allow(non_snake_case)]
pub(crate) fn commit(
    params: &Params,
    rng: &mut ProverRng,
) -> (KeyBindingNonces, RistrettoElement, EdwardsElement) {
    let a = Zeroizing::new(rng.scalar());
    let b = Zeroizing::new(rng.scalar());
    let U_0 = RistrettoElement::from_point(params.mul_G(&a) + params.mul_H(&b));
    let U_1 = EdwardsElement::from_point(params.mul_B(&a));
    (KeyBindingNonces { a, b }, U_0, U_1)
}

/// Absorb the first-move messages.
#[allow(non_snake_case)]
pub(crate) fn absorb_commitments(
    transcript: &mut Transcript,
    U_0: &RistrettoElement,
    U_1: &EdwardsElement,
) {
    transcript.append_point(labels::SIGMA_U0, &U_0.compressed);
    transcript.append_edwards(labels::SIGMA_U1, &U_1.compressed);
}

/// Third move: `z_s = a′ + c·s`, `z_rs = b′ + c·r_s`.
#[allow(non_snake_case)]
pub(crate) fn respond(
    nonces: KeyBindingNonces,
    U_0: RistrettoElement,
    U_1: EdwardsElement,
    c: &Scalar,
    s: &Scalar,
    r_s: &Scalar,
) -> KeyBindingProof {
    KeyBindingProof { U_0, U_1, z_s: *nonces.a + c * s, z_rs: *nonces.b + c * r_s }
}

/// `Σ 2¹⁶ⁱ·v_i` over scalars (the radix recombination of chunks, or of their
/// blindings). Constant time: a fixed sequence of scalar operations.
pub(crate) fn recombine(values: &[Scalar]) -> Zeroizing<Scalar> {
    let radix = chunk_radix();
    let mut acc = Zeroizing::new(Scalar::ZERO);
    for v in values.iter().rev() {
        *acc = *acc * radix + v;
    }
    acc
}

impl KeyBindingProof {
    /// Absorb the responses.
    pub(crate) fn absorb_responses(&self, transcript: &mut Transcript) {
        transcript.append_scalar(labels::SIGMA_Z_S, &self.z_s);
        transcript.append_scalar(labels::SIGMA_Z_RS, &self.z_rs);
    }

    /// Add (B0) and (B1), each with its own weight, except the term of `A`:
    /// its coefficient `−ω·c` is returned (in Montgomery form) for the caller
    /// to push (a sealed deploy key) or to spread over the points `A_j` is
    /// made of (a threshold share). The coefficient of `C_i`
    /// (`−ω·c·2¹⁶ⁱ`) is added into `commitment_coeffs[i]`. `c_m` is the
    /// challenge `c` in Montgomery form.
    #[allow(non_snake_case)]
    #[must_use]
    pub(crate) fn push_equations<'a>(
        &'a self,
        c_m: MontgomeryScalar,
        weights: &mut Weights,
        msm: &mut Msm<'a>,
        commitment_coeffs: &mut [MontgomeryScalar],
    ) -> MontgomeryScalar {
        // (B0)
        // Everything in Montgomery form, as the accumulator takes it.
        let ms = MontgomeryScalar::from_scalar;
        let z_s = ms(&self.z_s);
        let omega_m = weights.next_montgomery();
        msm.add_g(omega_m * z_s);
        msm.add_h(omega_m * ms(&self.z_rs));
        msm.push(-omega_m, &self.U_0);
        let radix = MontgomeryScalar::from_scalar(&chunk_radix());
        let mut term = omega_m * c_m;
        for coeff in commitment_coeffs.iter_mut() {
            *coeff -= term;
            term *= radix;
        }
        // (B1), cofactored by the accumulator's Edwards check.
        let omega_m = weights.next_montgomery();
        msm.add_b(omega_m * z_s);
        msm.push_edwards(-omega_m, &self.U_1.point);
        -(omega_m * c_m)
    }

    /// Append `U_0 ‖ U_1`.
    pub(crate) fn write_commitments(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.U_0.compressed.as_bytes());
        out.extend_from_slice(self.U_1.compressed.as_bytes());
    }

    /// Append `z_s ‖ z_rs`.
    pub(crate) fn write_responses(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.z_s.as_bytes());
        out.extend_from_slice(self.z_rs.as_bytes());
    }
}

/// Read `U_0 ‖ U_1`.
#[allow(non_snake_case)]
pub(crate) fn read_commitments(
    r: &mut Reader<'_>,
) -> Result<(RistrettoElement, EdwardsElement), Error> {
    let U_0 = r.ristretto()?;
    let U_1 = r.edwards()?;
    Ok((U_0, U_1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recombine_matches_integer_value() {
        // Chunks of 0x0003_0002_0001 little-endian: 1, 2, 3.
        let chunks = [Scalar::from(1u64), Scalar::from(2u64), Scalar::from(3u64)];
        let expected = Scalar::from(1u64 + (2u64 << 16) + (3u64 << 32));
        assert_eq!(*recombine(&chunks), expected);
        // A 32-byte scalar split into 16 chunks recombines to itself.
        let s = Scalar::from_bytes_mod_order([0xa7; 32]);
        let chunks: Vec<Scalar> = s
            .as_bytes()
            .chunks_exact(2)
            .map(|c| Scalar::from(u64::from(u16::from_le_bytes([c[0], c[1]]))))
            .collect();
        assert_eq!(*recombine(&chunks), s);
    }
}
