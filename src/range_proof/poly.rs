//! Scalar vector and polynomial helpers of the range proof.
//!
//! The prover's vector polynomials have degree 1,
//! \\( l(X) = l_0 + l_1 X \\) and \\( r(X) = r_0 + r_1 X \\), so their inner
//! product \\( t(X) = \langle l(X), r(X) \rangle = t_0 + t_1 X + t_2 X^2 \\)
//! has degree 2 with
//! $$
//! t_0 = \langle l_0, r_0 \rangle, \quad
//! t_1 = \langle l_0, r_1 \rangle + \langle l_1, r_0 \rangle, \quad
//! t_2 = \langle l_1, r_1 \rangle .
//! $$
//! The coefficients are witness data: vectors live in `Zeroizing<Vec<_>>`
//! and `Poly2` wipes itself on drop. All arithmetic here is constant-time
//! scalar arithmetic (no branch or index depends on the values).
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use alloc::vec::Vec;

use curve25519_dalek::scalar::Scalar;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::msm::MontgomeryScalar;

/// \\( \langle a, b \rangle = \sum_i a_i b_i \\) over the common length.
pub(crate) fn inner_product(a: &[Scalar], b: &[Scalar]) -> Scalar {
    a.iter().zip(b).fold(Scalar::ZERO, |acc, (a_i, b_i)| acc + a_i * b_i)
}

/// A vector polynomial of degree 1, \\( c_0 + c_1 X \\) (witness data).
#[derive(Debug)]
pub(crate) struct VecPoly1 {
    /// Constant coefficient vector.
    pub(crate) c0: Zeroizing<Vec<Scalar>>,
    /// Linear coefficient vector.
    pub(crate) c1: Zeroizing<Vec<Scalar>>,
}

impl VecPoly1 {
    /// \\( \langle \mathit{self}(X), \mathit{rhs}(X) \rangle \\), a degree-2
    /// scalar polynomial.
    pub(crate) fn inner_product(&self, rhs: &VecPoly1) -> Poly2 {
        let t0 = inner_product(&self.c0, &rhs.c0);
        let t2 = inner_product(&self.c1, &rhs.c1);
        let t1 = inner_product(&self.c0, &rhs.c1) + inner_product(&self.c1, &rhs.c0);
        Poly2 { t0, t1, t2 }
    }

    /// The vector \\( c_0 + c_1 x \\).
    pub(crate) fn eval(&self, x: &Scalar) -> Zeroizing<Vec<Scalar>> {
        Zeroizing::new(self.c0.iter().zip(self.c1.iter()).map(|(c0, c1)| c0 + c1 * x).collect())
    }
}

/// A scalar polynomial of degree 2, \\( t_0 + t_1 X + t_2 X^2 \\) (witness
/// data, wiped on drop).
#[derive(Debug, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Poly2 {
    /// \\( t_0 \\).
    pub(crate) t0: Scalar,
    /// \\( t_1 \\).
    pub(crate) t1: Scalar,
    /// \\( t_2 \\).
    pub(crate) t2: Scalar,
}

impl Poly2 {
    /// \\( t_0 + t_1 x + t_2 x^2 \\) (Horner).
    pub(crate) fn eval(&self, x: &Scalar) -> Scalar {
        self.t0 + x * (self.t1 + x * self.t2)
    }
}

/// \\( \sum_{i<n} y^i \\) for `n` a power of two, in \\( \log_2 n \\) squarings:
/// \\( \sum_{i<2^K} y^i = \prod_{j<K} (1 + y^{2^j}) \\).
///
/// Public data only (the verifier's challenge); `n` must be a power of two
/// (`debug_assert`ed).
pub(crate) fn sum_of_powers(y: MontgomeryScalar, n: usize) -> MontgomeryScalar {
    debug_assert!(n.is_power_of_two());
    let mut sum = MontgomeryScalar::ONE;
    let mut y_pow = y; // y^(2^j)
    let mut len = 1;
    while len < n {
        sum *= MontgomeryScalar::ONE + y_pow;
        y_pow = y_pow.square();
        len *= 2;
    }
    sum
}

/// \\( (1, x, x^2, \dots, x^{n-1}) \\), one multiplication per element.
pub(crate) fn powers(x: &Scalar, n: usize) -> Vec<Scalar> {
    crate::montgomery::powers(Scalar::ONE, *x, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn random_vec(rng: &mut ChaCha20Rng, n: usize) -> Zeroizing<Vec<Scalar>> {
        Zeroizing::new((0..n).map(|_| Scalar::random(rng)).collect())
    }

    #[test]
    fn inner_product_small() {
        let a: Vec<Scalar> = [1u64, 2, 3].into_iter().map(Scalar::from).collect();
        let b: Vec<Scalar> = [4u64, 5, 6].into_iter().map(Scalar::from).collect();
        assert_eq!(inner_product(&a, &b), Scalar::from(4u64 + 10 + 18));
        assert_eq!(inner_product(&[], &[]), Scalar::ZERO);
    }

    /// `t(x)` computed from the coefficients equals `⟨l(x), r(x)⟩` at random
    /// points.
    #[test]
    fn vector_polynomial_product_matches_evaluation() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        for n in [1usize, 2, 16, 33] {
            let l = VecPoly1 { c0: random_vec(&mut rng, n), c1: random_vec(&mut rng, n) };
            let r = VecPoly1 { c0: random_vec(&mut rng, n), c1: random_vec(&mut rng, n) };
            let t = l.inner_product(&r);
            for _ in 0..3 {
                let x = Scalar::random(&mut rng);
                assert_eq!(t.eval(&x), inner_product(&l.eval(&x), &r.eval(&x)));
            }
            // Coefficients individually: t(0) = t0, and t2 from the leading terms.
            assert_eq!(t.eval(&Scalar::ZERO), inner_product(&l.c0, &r.c0));
            assert_eq!(t.t2, inner_product(&l.c1, &r.c1));
        }
    }

    #[test]
    fn poly2_eval() {
        let t = Poly2 { t0: Scalar::from(3u64), t1: Scalar::from(5u64), t2: Scalar::from(7u64) };
        // 3 + 5·2 + 7·4 = 41
        assert_eq!(t.eval(&Scalar::from(2u64)), Scalar::from(41u64));
    }

    #[test]
    fn sum_of_powers_matches_loop() {
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let y = Scalar::random(&mut rng);
        for n in [1usize, 2, 4, 16, 256, 1024] {
            let direct = powers(&y, n).iter().fold(Scalar::ZERO, |acc, p| acc + p);
            assert_eq!(
                sum_of_powers(MontgomeryScalar::from_scalar(&y), n).to_scalar(),
                direct,
                "n = {n}"
            );
        }
        assert_eq!(sum_of_powers(MontgomeryScalar::ONE, 64).to_scalar(), Scalar::from(64u64));
    }

    #[test]
    fn powers_are_consecutive() {
        let x = Scalar::from(3u64);
        assert_eq!(
            powers(&x, 4),
            vec![1u64, 3, 9, 27].into_iter().map(Scalar::from).collect::<Vec<_>>()
        );
        assert!(powers(&x, 0).is_empty());
    }
}
