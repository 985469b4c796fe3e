//! Constant-time discrete logarithms of 16-bit chunks.
//!
//! Decryption leaves \\(M_i = m_i G\\) with \\(m_i \in [0, 2^{16})\\). The
//! chunk value is recovered with a public table of all \\(2^{16}\\) chunk
//! images:
//!
//! 1. **Table** (public, built once; `params::dlog_table`): `prefix[m]` = the
//!    first 8 bytes, read as a little-endian `u64`, of the ristretto255
//!    encoding of \\(m G\\), for every \\(m < 2^{16}\\), all distinct.
//! 2. **Scan** (secret): for every target \\(M_i\\), compare its prefix with
//!    **every** table entry in constant time and conditionally select the
//!    index of the match. The whole table is read for every payload, in the
//!    same order, whatever the chunk values.
//! 3. **Confirm** (secret): compute \\(m_i G\\) with a constant-time
//!    fixed-base multiplication and compare it with \\(M_i\\) in constant time.
//!    A target that is no chunk image (a wrong key, a chunk out of range)
//!    matches no entry, or matches one only by a 64-bit prefix collision, and
//!    fails here. The results of all chunks are combined into one
//!    [`Choice`], declassified once, after all the work is done.
//!
//! Cost: the scan is \\(2^{16} \cdot k\\) constant-time 64-bit comparisons
//! and selections (about 10⁶ for a 32-byte payload, ≈ 1.5–2 ms on the 2-core
//! reference machine), plus \\(k\\) fixed-base multiplications and \\(k\\)
//! encodings. The table takes 512 KiB.
//!
//! Where the table lives: with the `std` feature it is built on first use and
//! cached in [`Params`] (a `OnceLock`), so its cost (2¹⁶ point additions and
//! batched encodings, ≈ 80 ms) is paid once per process. Without `std` it is
//! rebuilt by every decryption call, which then costs those ≈ 80 ms more
//! (and 512 KiB of heap for the call's duration).
//!
//! # Constant time
//! Public: the table, the number of chunks \\(k\\), the loop bounds. Secret:
//! \\(M_i\\), its encoding and prefix, \\(m_i\\). No branch and no memory
//! index depends on a secret: the table index is the loop counter, equality
//! is an arithmetic all-ones/zero mask on the `u64` prefixes
//! (`equal_mask`, no comparison instruction), selection ORs `m & mask`
//! into each chunk's result (the table's prefixes are distinct, so at most
//! one entry matches), an optimization barrier per table entry keeps the
//! compiler from turning the masks back into branches, the confirmation is
//! dalek's constant-time `mul_base` and `RistrettoPoint::ct_eq`, and the only
//! declassification is the final success bit. Intermediate prefixes and
//! points are wiped.
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use alloc::vec;
use alloc::vec::Vec;

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use crate::elgamal::chunks::{ChunkValues, MAX_CHUNKS};
use crate::error::Error;
use crate::params::{DlogTable, Params, prefix};

/// `0xffff` if `a == b`, else `0`, by arithmetic alone (no comparison, no
/// branch, no table index): `d = a ⊕ b` is zero iff the values are equal,
/// and `(d | −d) >> 63` is `0` exactly then.
///
/// Not `subtle`'s `ct_eq` + `conditional_assign`: their optimization
/// barrier, one per comparison (2²⁰ comparisons for a deploy key), made the
/// scan about 2.5× slower. The scan instead puts one barrier per table entry
/// on the masks (see `scan`); without it LLVM turned the selection into a
/// `cmov` on the comparison, which the `ctgrind/` check of the compiled
/// release binary flagged.
#[allow(clippy::cast_possible_truncation)] // masked to 16 bits first
fn equal_mask(a: u64, b: u64) -> u16 {
    let d = a ^ b;
    let nonzero = (d | d.wrapping_neg()) >> 63; // 1 iff d ≠ 0
    // `nonzero − 1` is all ones iff equal; keep the low 16 bits.
    (nonzero.wrapping_sub(1) & 0xffff) as u16
}

impl DlogTable {
    /// Constant-time scan: for every target prefix, the index of the entry
    /// equal to it, or 0 when none is (the confirmation step rejects that).
    /// Reads every entry once and compares it with every target.
    fn scan(&self, targets: &[u64], ops: &mut impl OpCounter) -> Zeroizing<Vec<u16>> {
        let mut m_vec = Zeroizing::new(vec![0u16; targets.len()]);
        let mut masks = [0u16; MAX_CHUNKS];
        for (m, entry) in (0..=u16::MAX).zip(self.prefixes()) {
            ops.count(Op::TableEntry);
            for (mask, target) in masks.iter_mut().zip(targets) {
                *mask = equal_mask(*entry, *target);
            }
            // One optimization barrier per entry (not per comparison): the
            // compiler cannot see that the masks are 0 or 0xffff, so it
            // cannot turn the selection below into a branch or a cmov.
            core::hint::black_box(&mut masks);
            for (found, mask) in m_vec.iter_mut().zip(&masks) {
                *found |= m & *mask;
                ops.count(Op::CompareAndSelect);
            }
        }
        masks.zeroize();
        m_vec
    }

    #[cfg(all(test, feature = "std"))]
    /// The discrete logarithms `m_i ∈ [0, 2¹⁶)` of `M_vec[i] = m_i·G`, in time
    /// independent of the `m_i`.
    ///
    /// # Errors
    /// [`Error::Decryption`] if some `M_i` is not a chunk image (decided after
    /// all chunks have been processed), or unless `1 ≤ M_vec.len() ≤ 64`.
    #[allow(non_snake_case)]
    pub(crate) fn solve(
        &self,
        params: &Params,
        M_vec: &[RistrettoPoint],
        ops: &mut impl OpCounter,
    ) -> Result<ChunkValues, Error> {
        declassify(self.solve_ct(params, M_vec, ops)?)
    }

    /// `DlogTable::solve` (test builds) without the declassification: the candidate
    /// values and whether every one is confirmed, both still secret.
    ///
    /// # Errors
    /// [`Error::Decryption`] unless `1 ≤ M_vec.len() ≤ 64` (public).
    #[allow(non_snake_case)]
    pub(crate) fn solve_ct(
        &self,
        params: &Params,
        M_vec: &[RistrettoPoint],
        ops: &mut impl OpCounter,
    ) -> Result<(Zeroizing<Vec<u16>>, Choice), Error> {
        if !(1..=MAX_CHUNKS).contains(&M_vec.len()) {
            return Err(Error::Decryption);
        }
        // 1. Prefixes of the targets' encodings (compression is constant time).
        let mut targets = Zeroizing::new(Vec::with_capacity(M_vec.len()));
        for M in M_vec {
            let encoding = Zeroizing::new(M.compress());
            targets.push(prefix(&encoding));
            ops.count(Op::Encode);
        }
        // 2. Constant-time scan of the whole table.
        let m_vec = self.scan(&targets, ops);
        // 3. Confirm every candidate with one fixed-base multiplication.
        let mut all_found = Choice::from(1);
        for (m, M) in m_vec.iter().zip(M_vec) {
            let candidate = Zeroizing::new(params.mul_G(&Scalar::from(*m)));
            all_found &= candidate.ct_eq(M);
            ops.count(Op::Confirm);
        }
        Ok((m_vec, all_found))
    }
}

/// The one declassification of decryption: whether every chunk was found.
/// The values themselves stay secret (moved into [`ChunkValues`]).
///
/// # Errors
/// [`Error::Decryption`] if some chunk was not found.
pub(crate) fn declassify(
    (m_vec, all_found): (Zeroizing<Vec<u16>>, Choice),
) -> Result<ChunkValues, Error> {
    #[cfg(feature = "__ctgrind")]
    let all_found = crate::__ctgrind::declassified_choice(all_found);
    if bool::from(all_found) {
        Ok(ChunkValues::from_values(m_vec.to_vec()))
    } else {
        Err(Error::Decryption)
    }
}

/// Run `f` with the chunk-image table: cached in `params` under `std`,
/// rebuilt for this call without it.
///
/// # Errors
/// [`Error::Decryption`] if the table cannot be built (never, for
/// ristretto255; see [`DlogTable::new`]), or what `f` returns.
pub(crate) fn with_table<T>(
    params: &Params,
    f: impl FnOnce(&DlogTable) -> Result<T, Error>,
) -> Result<T, Error> {
    #[cfg(feature = "std")]
    {
        f(params.decryption_table().ok_or(Error::Decryption)?)
    }
    #[cfg(not(feature = "std"))]
    {
        let table = DlogTable::new(params).ok_or(Error::Decryption)?;
        f(&table)
    }
}

/// The operations decryption performs, counted by tests to show that the
/// amount of work does not depend on the plaintext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// One variable-base multiplication `x·D_ij`.
    HandleMul,
    /// One point encoding of a target `M_i`.
    Encode,
    /// One table entry read by the scan.
    TableEntry,
    /// One constant-time comparison of an entry with a target, and the
    /// conditional selection that follows it.
    CompareAndSelect,
    /// One confirmation `m_i·G == M_i`.
    Confirm,
}

/// A sink for [`Op`] counts. Production code passes `&mut ()`, which counts
/// nothing and compiles away.
pub(crate) trait OpCounter {
    /// Record one operation.
    fn count(&mut self, op: Op);
}

impl OpCounter for () {
    #[inline(always)]
    fn count(&mut self, _op: Op) {}
}

/// Per-kind operation counts (tests only).
#[cfg(all(test, feature = "std"))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct OpCounts {
    pub(crate) handle_muls: u64,
    pub(crate) encodings: u64,
    pub(crate) table_entries: u64,
    pub(crate) compare_and_selects: u64,
    pub(crate) confirmations: u64,
}

#[cfg(all(test, feature = "std"))]
impl OpCounter for OpCounts {
    fn count(&mut self, op: Op) {
        let slot = match op {
            Op::HandleMul => &mut self.handle_muls,
            Op::Encode => &mut self.encodings,
            Op::TableEntry => &mut self.table_entries,
            Op::CompareAndSelect => &mut self.compare_and_selects,
            Op::Confirm => &mut self.confirmations,
        };
        *slot += 1;
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    #[allow(non_snake_case)]
    fn solves_edge_values_and_rejects_non_images() {
        let params = Params::shared();
        let values = [0u16, 1, 2, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff];
        let M_vec: Vec<_> = values.iter().map(|m| params.mul_G(&Scalar::from(*m))).collect();
        let solved = params.decryption_table().unwrap_or_else(|| unreachable!()).solve(
            params,
            &M_vec,
            &mut (),
        );
        assert_eq!(solved.map(|c| c.as_slice().to_vec()), Ok(values.to_vec()));
        // 2¹⁶·G is out of range; so is a point that is no multiple of G we know.
        for bad in [params.mul_G(&Scalar::from(1u32 << 16)), params.H, -params.G] {
            let mut M_vec = M_vec.clone();
            M_vec[3] = bad;
            assert_eq!(
                params.decryption_table().unwrap_or_else(|| unreachable!()).solve(
                    params,
                    &M_vec,
                    &mut ()
                ),
                Err(Error::Decryption)
            );
        }
        assert_eq!(
            params.decryption_table().unwrap_or_else(|| unreachable!()).solve(params, &[], &mut ()),
            Err(Error::Decryption)
        );
    }

    /// The scan reads all 2¹⁶ entries and compares each with every target,
    /// whatever the values (including when nothing matches).
    #[test]
    #[allow(non_snake_case)]
    fn scan_work_is_independent_of_the_values() {
        let params = Params::shared();
        let mut seen = Vec::new();
        for M in [params.mul_G(&Scalar::ZERO), params.mul_G(&Scalar::from(0xffffu16)), params.H] {
            let mut ops = OpCounts::default();
            let _ = params.decryption_table().unwrap_or_else(|| unreachable!()).solve(
                params,
                &[M, M],
                &mut ops,
            );
            seen.push(ops);
        }
        let expected = OpCounts {
            handle_muls: 0,
            encodings: 2,
            table_entries: 1 << 16,
            compare_and_selects: 2 << 16,
            confirmations: 2,
        };
        assert!(seen.iter().all(|ops| *ops == expected), "{seen:?}");
    }
}
