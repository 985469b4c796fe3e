//! Label → point derivations: the crate's only hash-to-group call sites.
//!
//! Every generator other than the two standard basepoints is
//! $$
//! P = \mathrm{RistrettoPoint::from\\_uniform\\_bytes}(\mathrm{SHA512}(\mathit{label} \\| \mathit{suffix})),
//! $$
//! the ristretto255 hash-to-group map (RFC 9496 §4.3.4, two Elligator maps
//! added). Its output has no known discrete logarithm with respect to any other
//! point, which is what the Pedersen commitments and the range proof need. The
//! labels are in [`labels`] and `docs/PROTOCOL.md`.

use alloc::vec::Vec;
use curve25519_dalek::ristretto::RistrettoPoint;
use sha2::{Digest, Sha512};

use crate::transcript::labels;

/// Number of range-proof generators in each of `G_vec`, `H_vec`: 64 values of
/// 16 bits.
pub(crate) const VECTOR_GENERATORS: usize = 1024;

/// Hash `label ‖ suffix` with SHA-512 and map it to ristretto255.
fn hash_to_group(label: &[u8], suffix: &[u8]) -> RistrettoPoint {
    let digest = Sha512::new().chain_update(label).chain_update(suffix).finalize();
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&digest);
    RistrettoPoint::from_uniform_bytes(&wide)
}

/// `H`: the Pedersen blinding generator (`SHA-512("vaultseal-generator-H-v1")`).
pub(crate) fn pedersen_h() -> RistrettoPoint {
    hash_to_group(labels::GENERATOR_H, &[])
}

/// `G_vec[i]`, `i < VECTOR_GENERATORS`.
pub(crate) fn g_vec() -> Vec<RistrettoPoint> {
    indexed(labels::GENERATOR_G_VEC)
}

/// `H_vec[i]`, `i < VECTOR_GENERATORS`.
pub(crate) fn h_vec() -> Vec<RistrettoPoint> {
    indexed(labels::GENERATOR_H_VEC)
}

/// `hash_to_group(label ‖ u32_le(i))` for `i < VECTOR_GENERATORS`.
fn indexed(label: &[u8]) -> Vec<RistrettoPoint> {
    (0u32..).take(VECTOR_GENERATORS).map(|i| hash_to_group(label, &i.to_le_bytes())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
    use curve25519_dalek::traits::IsIdentity;

    #[test]
    fn generators_are_distinct_and_not_identity() {
        let mut all = alloc::vec![RISTRETTO_BASEPOINT_POINT, pedersen_h()];
        all.extend(g_vec());
        all.extend(h_vec());
        let mut encodings: Vec<[u8; 32]> = all.iter().map(|p| p.compress().to_bytes()).collect();
        assert!(all.iter().all(|p| !p.is_identity()));
        encodings.sort_unstable();
        encodings.dedup();
        assert_eq!(encodings.len(), 2 + 2 * VECTOR_GENERATORS);
    }
}
