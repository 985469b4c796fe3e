//! The public table of constant-time decryption: the first 8 bytes of the
//! encoding of every chunk image \\(m G\\), \\(m < 2^{16}\\).
//!
//! Built from `G` alone (public data, variable time): the points
//! \\(m \cdot (G/2)\\) by repeated addition, encoded in batches with
//! `RistrettoPoint::double_and_compress_batch`, which doubles them back to
//! \\(m G\\) and shares one field inversion per batch (≈ 80 ms, 512 KiB).
//! The build checks that the 2¹⁶ prefixes are distinct (they are; a unit
//! test pins it). The constant-time search over the table is
//! `elgamal::dlog`'s: this module only holds the data, so that [`Params`]
//! can cache it without knowing about decryption.

use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;

use super::Params;
use crate::limits::CHUNK_BITS;

/// Number of chunk values: 2¹⁶.
pub(crate) const TABLE_LEN: usize = 1 << CHUNK_BITS;
/// Points encoded per batch inversion while building the table.
const BUILD_BATCH: usize = 4096;

/// The public table of chunk-image prefixes: `prefixes[m]` is the
/// little-endian `u64` of the first 8 bytes of `enc(m·G)`.
pub(crate) struct DlogTable {
    prefixes: Vec<u64>,
}

impl fmt::Debug for DlogTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DlogTable").field("entries", &self.prefixes.len()).finish()
    }
}

/// The first 8 bytes of an encoding, as a little-endian `u64`.
pub(crate) fn prefix(encoding: &CompressedRistretto) -> u64 {
    let mut head = [0u8; 8];
    head.copy_from_slice(&encoding.as_bytes()[..8]);
    u64::from_le_bytes(head)
}

impl DlogTable {
    /// Build the table from the public generator `G` (variable time, public
    /// data only). `None` if two prefixes coincide, which does not happen
    /// for ristretto255's `G` (checked here and pinned by a unit test).
    #[allow(non_snake_case)]
    pub(crate) fn new(params: &Params) -> Option<Self> {
        // G/2: doubling m·(G/2) inside the batch encoder gives m·G.
        let half_G = Scalar::from(2u8).invert() * params.G;
        let mut prefixes = Vec::with_capacity(TABLE_LEN);
        let mut point = RistrettoPoint::identity();
        let mut batch = Vec::with_capacity(BUILD_BATCH);
        while prefixes.len() < TABLE_LEN {
            batch.clear();
            for _ in 0..BUILD_BATCH {
                batch.push(point);
                point += half_G;
            }
            prefixes.extend(RistrettoPoint::double_and_compress_batch(&batch).iter().map(prefix));
        }
        prefixes.truncate(TABLE_LEN);
        let table = DlogTable { prefixes };
        table.prefixes_are_distinct().then_some(table)
    }

    /// `prefixes[m]` for every chunk value `m`, in order.
    pub(crate) fn prefixes(&self) -> &[u64] {
        &self.prefixes
    }

    /// Whether no two entries share a prefix.
    fn prefixes_are_distinct(&self) -> bool {
        let mut sorted = self.prefixes.clone();
        sorted.sort_unstable();
        sorted.windows(2).all(|pair| pair[0] != pair[1])
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use alloc::vec;

    /// Every entry is the prefix of `enc(m·G)`, computed the slow way, and
    /// the prefixes are distinct.
    #[test]
    fn table_matches_compress_and_is_unique() {
        let params = Params::shared();
        let table = params.decryption_table().unwrap_or_else(|| unreachable!("distinct"));
        assert_eq!(table.prefixes.len(), TABLE_LEN);
        assert!(table.prefixes_are_distinct());
        let mut point = RistrettoPoint::identity();
        for entry in &table.prefixes {
            assert_eq!(*entry, prefix(&point.compress()));
            point += params.G;
        }
        // The identity encodes to zero bytes.
        assert_eq!(table.prefixes[0], 0);
    }

    #[test]
    fn duplicate_prefixes_are_detected() {
        let table = DlogTable { prefixes: vec![1, 2, 3, 2] };
        assert!(!table.prefixes_are_distinct());
        let table = DlogTable { prefixes: vec![1, 2, 3, 4] };
        assert!(table.prefixes_are_distinct());
    }
}
