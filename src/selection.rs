//! The vault directory: [`VaultRecord`], [`SelectionPolicy`],
//! [`select_vaults`] (`docs/PROTOCOL.md` §9).
//!
//! A vault publishes a record: its public key (`Y`, `W`), its stable
//! self-asserted fields ([`VaultFields`]: region, endpoint, key epoch,
//! expiry) and a [`VaultKeyProof`](crate::VaultKeyProof) over exactly those fields, so that neither
//! they nor `W` can be moved to another key. The network adds what a vault
//! must not assert for itself — its reputation (0–1000) and free capacity —
//! which the proof does not cover: anyone can mint keys, so weights that a
//! vault could claim would let it attract projects at will.
//!
//! # Selection: weighted rendezvous hashing
//! [`select_vaults`] verifies every record's proof in one batch, drops the
//! records whose proof fails or that the policy excludes, and ranks the rest
//! by weighted rendezvous (highest-random-weight) hashing of the project id
//! and the vault key:
//! $$
//! h_i = \mathrm{u64_{le}}(\mathrm{SHA512}(\texttt{\"vaultseal-rendezvous-v1\"} \\| \mathrm{u16_{le}}(|p|) \\| p \\| Y_i \\| W_i)[0..8]) \gg 1,
//! $$
//! $$
//! u_i = \frac{h_i + 1}{2^{63}} \in (0, 1], \qquad
//! \mathrm{score}\_i = \frac{w_i}{-\log_2 u_i} = \frac{w_i}{63 - \log_2(h_i + 1)},
//! \qquad w_i = \mathrm{reputation}\_i \cdot \min(\mathrm{capacity}\_i, 2^{32}).
//! $$
//! The vaults with the highest scores win (ties, with probability about
//! 2⁻⁶³, go to the smaller key encoding). For one vault, vault \\(i\\) wins
//! with probability \\(w_i / \sum_j w_j\\) (the minimum of independent
//! exponential variables with rates \\(w_j\\)); a project's ranking depends
//! only on its own scores, so adding or removing a vault moves only the
//! projects it wins or held. \\(\log_2\\) is computed in Q32 fixed point with
//! integers only, so that an implementation in any language selects exactly
//! the same vaults (floating-point `ln` differs across platforms in the last
//! bits); scores are compared as exact fractions.
//!
//! The records themselves ([`VaultRecord`], [`VaultFields`]: their fields,
//! proof and encoding) live in [`vault::record`](crate::vault::record) and
//! are re-exported here.

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use rand_core::CryptoRng;
use sha2::{Digest, Sha512};

use crate::batch::BatchVerifier;
use crate::context::MAX_PROJECT_ID_LEN;
use crate::error::{Error, InvalidInput};
use crate::params::Params;
use crate::transcript::labels;
use crate::vault::{MAX_RECIPIENTS, VaultPublicKey};

pub use crate::vault::record::{
    CAPACITY_CAP, MAX_ENDPOINT_LEN, MAX_REGION_LEN, MAX_REPUTATION, VaultFields, VaultRecord,
};

/// Which vaults a project may use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectionPolicy {
    /// Allowed regions; empty = any region.
    pub allowed_regions: Vec<String>,
    /// Minimum reputation (0..=1000).
    pub min_reputation: u16,
    /// Minimum free capacity.
    pub min_capacity: u64,
    /// Drop records whose key expires at or before this time (Unix seconds);
    /// `None` = ignore expiry.
    pub now: Option<u64>,
}

impl SelectionPolicy {
    /// Whether `record` passes the policy (its proof is checked separately).
    pub fn admits(&self, record: &VaultRecord) -> bool {
        let region_ok = self.allowed_regions.is_empty()
            || self.allowed_regions.iter().any(|r| r == record.fields().region());
        region_ok
            && record.reputation() >= self.min_reputation
            && record.free_capacity() >= self.min_capacity
            && record.weight() > 0
            && !self.now.is_some_and(|now| record.fields().expired_at(now))
    }
}

/// Choose `count` vaults (1..=8) for `project_id`: verify every record's
/// proof in one batch, drop what fails or what `policy` excludes, and return
/// the `count` best by weighted rendezvous hashing, best first (see the
/// module documentation for the formula).
///
/// # Errors
/// [`InvalidInput::RecipientCount`] unless `1 ≤ count ≤ 8`;
/// [`InvalidInput::ContextField`] unless the project id is 1..=128 bytes
/// (as in a [`Context`](crate::Context));
/// [`InvalidInput::NotEnoughVaults`] when fewer than `count` records are
/// eligible.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Params, SelectionPolicy, VaultFields, VaultKeypair, VaultRecord, select_vaults};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let directory: Vec<VaultRecord> = ["eu-west", "eu-west", "us-east"]
///     .iter()
///     .map(|region| {
///         let vault = VaultKeypair::generate(params, &mut rng);
///         let fields = VaultFields::new(*region, "https://vault.example", 1, 0)?;
///         VaultRecord::new(&vault, fields, &mut rng).with_network_metrics(900, 1 << 20)
///     })
///     .collect::<Result<_, _>>()?;
/// let policy = SelectionPolicy { allowed_regions: vec!["eu-west".into()], ..Default::default() };
/// let chosen = select_vaults(params, &directory, &policy, b"my-project", 2, &mut rng)?;
/// assert_eq!(chosen.len(), 2);
/// assert!(chosen.iter().all(|record| record.fields().region() == "eu-west"));
/// # Ok::<(), vaultseal::Error>(())
/// ```
pub fn select_vaults<'r, R: CryptoRng + ?Sized>(
    params: &Params,
    records: &'r [VaultRecord],
    policy: &SelectionPolicy,
    project_id: &[u8],
    count: usize,
    rng: &mut R,
) -> Result<Vec<&'r VaultRecord>, Error> {
    if !(1..=MAX_RECIPIENTS).contains(&count) {
        return Err(Error::input(InvalidInput::RecipientCount));
    }
    if !(1..=MAX_PROJECT_ID_LEN).contains(&project_id.len()) {
        return Err(Error::input(InvalidInput::ContextField));
    }
    let candidates: Vec<&VaultRecord> = records.iter().filter(|r| policy.admits(r)).collect();
    let mut batch = BatchVerifier::with_capacity(params, candidates.len());
    for record in &candidates {
        batch.push_vault_record(record);
    }
    let invalid: Vec<usize> = match batch.verify(rng) {
        Ok(()) => Vec::new(),
        Err(error) => error.invalid_indices().collect(),
    };
    let mut ranked: Vec<(Score, &VaultRecord)> = candidates
        .into_iter()
        .enumerate()
        .filter(|(i, _)| invalid.binary_search(i).is_err())
        .map(|(_, record)| (Score::of(project_id, record), record))
        .collect();
    if ranked.len() < count {
        return Err(Error::input(InvalidInput::NotEnoughVaults));
    }
    ranked.sort_by(|(a, ra), (b, rb)| {
        b.cmp(a).then_with(|| ra.public_key().to_bytes().cmp(&rb.public_key().to_bytes()))
    });
    Ok(ranked.into_iter().take(count).map(|(_, record)| record).collect())
}

/// A rendezvous score `w / (63 − log₂(h + 1))`, kept as an exact fraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Score {
    weight: u64,
    /// `63 − log₂(h + 1)` in Q32, at least 1.
    denominator: u64,
}

impl Score {
    fn of(project_id: &[u8], record: &VaultRecord) -> Self {
        let h = rendezvous_hash(project_id, record.public_key());
        let log = log2_q32(h + 1); // h < 2⁶³, so h + 1 ≤ 2⁶³ and log ≤ 63·2³²
        Score { weight: record.weight(), denominator: ((63u64 << 32) - log).max(1) }
    }
}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    /// `w_a / d_a` vs `w_b / d_b` as `w_a·d_b` vs `w_b·d_a` (exact in u128).
    fn cmp(&self, other: &Self) -> Ordering {
        (u128::from(self.weight) * u128::from(other.denominator))
            .cmp(&(u128::from(other.weight) * u128::from(self.denominator)))
    }
}

/// `h`: 63 bits of SHA-512 over the project id (at most 128 bytes, checked
/// by [`select_vaults`]) and the vault key.
fn rendezvous_hash(project_id: &[u8], key: &VaultPublicKey) -> u64 {
    let len = u16::try_from(project_id.len()).unwrap_or(u16::MAX);
    let digest = Sha512::new()
        .chain_update(labels::RENDEZVOUS)
        .chain_update(len.to_le_bytes())
        .chain_update(project_id)
        .chain_update(key.to_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first) >> 1
}

/// `log₂(v)` in Q32 fixed point for `v ≥ 1`, integers only: the integer part
/// from the bit length, 32 fraction bits by repeated squaring of the
/// mantissa (in Q62). Exact (truncated) and identical on every platform.
fn log2_q32(v: u64) -> u64 {
    debug_assert!(v >= 1);
    let int = 63 - u64::from(v.max(1).leading_zeros());
    // Mantissa v / 2^int ∈ [1, 2) in Q62.
    let mut m: u128 = if int <= 62 { u128::from(v) << (62 - int) } else { u128::from(v) >> 1 };
    let mut frac = 0u64;
    for _ in 0..32 {
        m = (m * m) >> 62;
        frac <<= 1;
        if m >= 2u128 << 62 {
            m >>= 1;
            frac |= 1;
        }
    }
    (int << 32) | frac
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::VaultKeypair;
    use alloc::borrow::ToOwned;
    use alloc::string::ToString;
    use rand_core::SeedableRng;

    #[test]
    fn log2_fixed_point() {
        for (v, expected) in
            [(1u64, 0u64), (2, 1 << 32), (1 << 40, 40 << 32), (u64::MAX, (63 << 32) | 0xffff_ffff)]
        {
            assert_eq!(log2_q32(v), expected, "log2({v})");
        }
        // Against ⌊log₂(v)·2³²⌋ computed with 60-digit decimals (Python's
        // `decimal`); the squaring loop truncates, so allow one unit.
        for (v, expected) in [
            (3u64, 0x1_95c0_1a39u64),
            (5, 0x2_5269_e12f),
            (10, 0x3_5269_e12f),
            (1000, 0x9_f73d_a38d),
            (123_456_789, 0x1a_e122_62b7),
        ] {
            assert!(expected.abs_diff(log2_q32(v)) <= 1, "log2({v})");
        }
        // The edges `h + 1` reaches, exactly: log₂(2⁶³ − 1) = 63 − 1.6·10⁻¹⁹,
        // whose 32 fraction bits are all ones; log₂(2⁶³) = 63.
        assert_eq!(log2_q32((1 << 63) - 1), 0x3e_ffff_ffff);
        assert_eq!(log2_q32(1 << 63), 63 << 32);
        assert_eq!(log2_q32((1 << 63) + 1), 63 << 32);
        // Monotone (and so is the score's denominator, the other way).
        let mut prev = 0;
        for v in (1u64..100_000).step_by(7) {
            let l = log2_q32(v);
            assert!(l >= prev);
            prev = l;
        }
    }

    /// The hash, logarithm and score of every (project, vault) pair of
    /// `tests/vectors/selection.json`, which `tests/kat/selection.rs`
    /// re-derives from the documented formulas: which bits of the hash are
    /// used, and how, is pinned.
    #[test]
    fn selection_vectors_pin_hash_log_and_score() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/selection.json"))
                .unwrap_or_else(|_| unreachable!("the vector file is JSON"));
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let hex64 = |v: &serde_json::Value| u64::from_str_radix(&text(v), 16).unwrap_or(u64::MAX);
        let params = Params::new();
        let records: Vec<VaultRecord> = vectors["vault_seeds"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(vectors["metrics"].as_array().into_iter().flatten())
            .map(|(seed, metrics)| {
                let mut seed_bytes = [0u8; 32];
                base16ct::lower::decode(text(seed), &mut seed_bytes).unwrap_or_default();
                let keypair = VaultKeypair::from_seed(&params, &seed_bytes)
                    .unwrap_or_else(|_| unreachable!());
                let fields = VaultFields::new("r", "e", 0, 0).unwrap_or_else(|_| unreachable!());
                let reputation = u16::try_from(metrics["reputation"].as_u64().unwrap_or(0));
                let capacity = text(&metrics["capacity"]).parse::<u64>().unwrap_or(0);
                VaultRecord::new(
                    &keypair,
                    fields,
                    &mut rand_chacha::ChaCha20Rng::from_seed([0; 32]),
                )
                .with_network_metrics(reputation.unwrap_or(0), capacity)
                .unwrap_or_else(|_| unreachable!())
            })
            .collect();
        assert_eq!(records.len(), 8);
        let mut checked = 0;
        for project in vectors["projects"].as_array().into_iter().flatten() {
            let project_id =
                base16ct::lower::decode_vec(text(&project["project_id"])).unwrap_or_default();
            for (record, expected) in
                records.iter().zip(project["vaults"].as_array().into_iter().flatten())
            {
                assert_eq!(hex_key(record), text(&expected["key"]));
                let h = rendezvous_hash(&project_id, record.public_key());
                assert_eq!(h, hex64(&expected["h"]), "h");
                assert_eq!(log2_q32(h + 1), hex64(&expected["log2_q32"]), "log");
                let score = Score::of(&project_id, record);
                assert_eq!(score.weight.to_string(), text(&expected["weight"]));
                assert_eq!(score.denominator, hex64(&expected["denominator"]), "denominator");
                checked += 1;
            }
        }
        assert_eq!(checked, 6 * 8);
        for edge in vectors["log2_q32_edges"].as_array().into_iter().flatten() {
            assert_eq!(log2_q32(hex64(&edge[0])), hex64(&edge[1]));
        }
    }

    fn hex_key(record: &VaultRecord) -> String {
        base16ct::lower::encode_string(&record.public_key().to_bytes())
    }
}
