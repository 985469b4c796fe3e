//! Hooks for the fuzz targets in `fuzz/` (feature `__fuzz`; not part of the
//! API, no stability promise).
//!
//! Crate-internal arithmetic that a fuzz target checks differentially against
//! curve25519-dalek: `Montgomery` wraps the verifiers' `MontgomeryScalar`
//! and forwards every operation to it unchanged.

use alloc::vec::Vec;
use core::ops::{Add, AddAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use curve25519_dalek::scalar::Scalar;

use crate::msm::MontgomeryScalar;

/// The verifiers' Montgomery-form scalar (`src/msm/montgomery.rs`), opaque.
/// Equality compares the limbs, so `from_scalar(x.to_scalar()) == x` holds
/// exactly when `x` is fully reduced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Montgomery(MontgomeryScalar);

impl Montgomery {
    /// 0.
    pub const ZERO: Self = Montgomery(MontgomeryScalar::ZERO);
    /// 1.
    pub const ONE: Self = Montgomery(MontgomeryScalar::ONE);

    /// `MontgomeryScalar::from_scalar`.
    pub fn from_scalar(x: &Scalar) -> Self {
        Montgomery(MontgomeryScalar::from_scalar(x))
    }

    /// `MontgomeryScalar::to_scalar`.
    pub fn to_scalar(self) -> Scalar {
        self.0.to_scalar()
    }

    /// `MontgomeryScalar::square`.
    pub fn square(self) -> Self {
        Montgomery(self.0.square())
    }

    /// `MontgomeryScalar::powers`.
    pub fn powers(t: &Scalar, k: usize) -> Vec<Self> {
        MontgomeryScalar::powers(MontgomeryScalar::from_scalar(t), k)
            .into_iter()
            .map(Montgomery)
            .collect()
    }
}

impl From<&Scalar> for Montgomery {
    fn from(x: &Scalar) -> Self {
        Montgomery(MontgomeryScalar::from(x))
    }
}

macro_rules! forward {
    ($op:ident, $f:ident, $op_assign:ident, $f_assign:ident) => {
        impl $op for Montgomery {
            type Output = Self;
            fn $f(self, rhs: Self) -> Self {
                Montgomery($op::$f(self.0, rhs.0))
            }
        }
        impl $op_assign for Montgomery {
            fn $f_assign(&mut self, rhs: Self) {
                $op_assign::$f_assign(&mut self.0, rhs.0);
            }
        }
    };
}

forward!(Add, add, AddAssign, add_assign);
forward!(Sub, sub, SubAssign, sub_assign);
forward!(Mul, mul, MulAssign, mul_assign);

impl Neg for Montgomery {
    type Output = Self;
    fn neg(self) -> Self {
        Montgomery(-self.0)
    }
}

/// The deploy-key ssh-agent's server loop over one client's byte stream
/// (`agent::answer_stream`): what it writes back to `input`, holding `keys`.
#[cfg(all(feature = "agent", unix))]
pub fn agent_answers(keys: Vec<crate::DeployKey>, input: &[u8]) -> Vec<u8> {
    crate::agent::answer_stream(keys, input)
}
