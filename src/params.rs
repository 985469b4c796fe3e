//! Public parameters: the generators and their precomputed tables.
//!
//! | symbol | group | definition |
//! |---|---|---|
//! | \\(G\\) | ristretto255 | the standard basepoint |
//! | \\(H\\) | ristretto255 | hash-to-group of `vaultseal-generator-H-v1` |
//! | \\(B\\) | edwards25519 | the Ed25519 basepoint |
//! | \\(G_i, H_i\\), \\(i < 1024\\) | ristretto255 | hash-to-group of `vaultseal-generator-{G,H}-vec-v1 ‖ u32_le(i)` |
//!
//! Building a [`Params`] hashes 2 049 points to the group and builds the
//! tables (tens of milliseconds); do it once and share it.
//! With the `std` feature, [`Params::shared`] is a lazily built process-wide
//! instance.

#[cfg(feature = "precomputed-tables")]
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, RISTRETTO_BASEPOINT_POINT};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;

#[cfg(feature = "precomputed-tables")]
use curve25519_dalek::ristretto::RistrettoBasepointTable;

use crate::generators;

mod dlog_table;

pub(crate) use dlog_table::{DlogTable, prefix};

/// The generators of every protocol in the crate, with precomputed tables.
///
/// Build once with [`Params::new`] (or use [`Params::shared`] under `std`) and
/// pass `&Params` to sealing, verification and opening.
///
/// # Example
/// ```
/// use vaultseal::Params;
///
/// // Under `std`: one instance for the whole process, built on first use.
/// let params: &'static Params = Params::shared();
/// // Otherwise (or for an instance of your own): build once, pass `&Params` around.
/// let own = Params::new();
/// # let _ = (params, own);
/// ```
#[allow(non_snake_case)]
pub struct Params {
    /// `G`, the ristretto255 basepoint (value generator).
    pub(crate) G: RistrettoPoint,
    /// `H`, the blinding generator (`Y = x⁻¹·H` for vault keys).
    pub(crate) H: RistrettoPoint,
    /// `B`, the Ed25519 basepoint.
    pub(crate) B: EdwardsPoint,
    /// Range-proof generators `G_vec[i]`.
    pub(crate) G_vec: Vec<RistrettoPoint>,
    /// Range-proof generators `H_vec[i]`.
    pub(crate) H_vec: Vec<RistrettoPoint>,
    /// Constant-time fixed-base table for `H`.
    #[cfg(feature = "precomputed-tables")]
    H_table: Box<RistrettoBasepointTable>,
    /// The chunk-image table of constant-time decryption, built on first use
    /// (`None` only if its prefixes were not distinct, which they are; see
    /// `dlog_table`). Without `std` it is built per decryption instead.
    #[cfg(feature = "std")]
    dlog_table: std::sync::OnceLock<Option<DlogTable>>,
}

impl Params {
    /// Derive the generators and build the tables.
    ///
    /// # Panics
    /// Never.
    #[allow(non_snake_case)]
    pub fn new() -> Self {
        let G = RISTRETTO_BASEPOINT_POINT;
        let H = generators::pedersen_h();
        let G_vec = generators::g_vec();
        let H_vec = generators::h_vec();
        Params {
            G,
            H,
            B: ED25519_BASEPOINT_POINT,
            #[cfg(feature = "precomputed-tables")]
            H_table: Box::new(RistrettoBasepointTable::create(&H)),
            G_vec,
            H_vec,
            #[cfg(feature = "std")]
            dlog_table: std::sync::OnceLock::new(),
        }
    }

    /// The process-wide instance, built on first use.
    #[cfg(feature = "std")]
    pub fn shared() -> &'static Params {
        static SHARED: std::sync::OnceLock<Params> = std::sync::OnceLock::new();
        SHARED.get_or_init(Params::new)
    }

    /// Build the vault-side decryption table now (the 2¹⁶ chunk images,
    /// ≈ 512 KiB, tens of milliseconds) instead of on the first opening.
    /// Only vaults need it; it is built once per `Params`.
    #[cfg(feature = "std")]
    pub fn prepare_decryption(&self) {
        self.decryption_table();
    }

    /// The chunk-image table, built on first use (`None` only if its
    /// prefixes were not distinct, which they are).
    #[cfg(feature = "std")]
    pub(crate) fn decryption_table(&self) -> Option<&DlogTable> {
        self.dlog_table.get_or_init(|| DlogTable::new(self)).as_ref()
    }

    /// `s·G` in constant time.
    #[allow(non_snake_case)]
    pub(crate) fn mul_G(&self, s: &Scalar) -> RistrettoPoint {
        RistrettoPoint::mul_base(s)
    }

    /// `s·H` in constant time.
    #[allow(non_snake_case)]
    pub(crate) fn mul_H(&self, s: &Scalar) -> RistrettoPoint {
        #[cfg(feature = "precomputed-tables")]
        {
            &*self.H_table * s
        }
        #[cfg(not(feature = "precomputed-tables"))]
        {
            self.H * s
        }
    }

    /// `s·B` (Ed25519 basepoint) in constant time.
    #[allow(non_snake_case)]
    pub(crate) fn mul_B(&self, s: &Scalar) -> EdwardsPoint {
        EdwardsPoint::mul_base(s)
    }
}

impl Default for Params {
    fn default() -> Self {
        Params::new()
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("H", &self.H.compress())
            .field("vector_generators", &self.G_vec.len())
            .finish_non_exhaustive()
    }
}
