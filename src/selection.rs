//! The vault directory: [`VaultRecord`], [`SelectionPolicy`],
//! [`select_vaults`] (SPEC §8, seed step 4).
//!
//! A vault publishes a record: its public key (`Y`, `W`), its stable
//! self-asserted fields ([`VaultFields`]: region, endpoint, key epoch,
//! expiry) and a [`VaultKeyProof`] over exactly those fields, so that neither
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
//! h_i = \mathrm{u64_{le}}(\mathrm{SHA512}(\texttt{"vaultseal-rendezvous-v1"} \\| \mathrm{u16_{le}}(|p|) \\| p \\| Y_i \\| W_i)[0..8]) \gg 1,
//! $$
//! $$
//! u_i = \frac{h_i + 1}{2^{63}} \in (0, 1], \qquad
//! \mathrm{score}_i = \frac{w_i}{-\log_2 u_i} = \frac{w_i}{63 - \log_2(h_i + 1)},
//! \qquad w_i = \mathrm{reputation}_i \cdot \min(\mathrm{capacity}_i, 2^{32}).
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
//! # Encoding of a record
//! ```text
//! u8  version (= 1)
//! [64] VaultPublicKey (Y ‖ W)
//! VaultFields: u8 region length (1..=64) ‖ region ‖ u16 endpoint length (1..=256) ‖ endpoint
//!              ‖ u64 key epoch ‖ u64 expires_at (Unix seconds, 0 = never)
//! [64] VaultKeyProof over the VaultFields encoding
//! u16 reputation (0..=1000) ‖ u64 free capacity
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

use rand_core::CryptoRng;
use sha2::{Digest, Sha512};

use crate::batch::BatchVerifier;
use crate::context::MAX_PROJECT_ID_LEN;
use crate::encoding::Reader;
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::params::Params;
use crate::transcript::labels;
use crate::vault::{
    MAX_RECIPIENTS, VAULT_PUBLIC_KEY_LEN, VaultKeyProof, VaultKeypair, VaultPublicKey,
};

/// Wire version of a vault record.
const RECORD_VERSION: u8 = 1;
/// Longest region name, in bytes.
pub const MAX_REGION_LEN: usize = 64;
/// Longest endpoint, in bytes.
pub const MAX_ENDPOINT_LEN: usize = 256;
/// Highest reputation the network assigns.
pub const MAX_REPUTATION: u16 = 1000;
/// Capacity above which a vault's weight stops growing.
pub const CAPACITY_CAP: u64 = 1 << 32;

/// A vault's stable, self-asserted fields: what its proof of possession
/// covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VaultFields {
    region: String,
    endpoint: String,
    key_epoch: u64,
    expires_at: u64,
}

impl VaultFields {
    /// Stable fields: a region (1..=64 bytes), an endpoint (1..=256 bytes),
    /// the key epoch, and an expiry in Unix seconds (0 = never).
    ///
    /// # Errors
    /// [`InvalidInput::RecordField`] for an empty or too long region or
    /// endpoint.
    pub fn new(
        region: &str,
        endpoint: &str,
        key_epoch: u64,
        expires_at: u64,
    ) -> Result<Self, Error> {
        if !(1..=MAX_REGION_LEN).contains(&region.len())
            || !(1..=MAX_ENDPOINT_LEN).contains(&endpoint.len())
        {
            return Err(Error::input(InvalidInput::RecordField));
        }
        Ok(VaultFields { region: region.into(), endpoint: endpoint.into(), key_epoch, expires_at })
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The key epoch.
    pub fn key_epoch(&self) -> u64 {
        self.key_epoch
    }

    /// The expiry (Unix seconds, 0 = never).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The canonical encoding: the bytes the proof of possession binds.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(19 + self.region.len() + self.endpoint.len());
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        // Lengths are bounded by the constructor and the decoder.
        out.push(u8::try_from(self.region.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(self.region.as_bytes());
        out.extend_from_slice(
            &u16::try_from(self.endpoint.len()).unwrap_or(u16::MAX).to_le_bytes(),
        );
        out.extend_from_slice(self.endpoint.as_bytes());
        out.extend_from_slice(&self.key_epoch.to_le_bytes());
        out.extend_from_slice(&self.expires_at.to_le_bytes());
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let utf8 = |bytes: &[u8]| core::str::from_utf8(bytes).map(String::from);
        let region = utf8(r.bytes_u8(1..=MAX_REGION_LEN)?)
            .map_err(|_| r.error(DecodeFailure::NonCanonical))?;
        let endpoint = utf8(r.bytes_u16(1..=MAX_ENDPOINT_LEN)?)
            .map_err(|_| r.error(DecodeFailure::NonCanonical))?;
        let key_epoch = u64::from_le_bytes(r.array()?);
        let expires_at = u64::from_le_bytes(r.array()?);
        Ok(VaultFields { region, endpoint, key_epoch, expires_at })
    }

    /// Whether the key has expired at `now` (Unix seconds).
    fn expired_at(&self, now: u64) -> bool {
        self.expires_at != 0 && self.expires_at <= now
    }
}

/// A vault's directory entry: public key, stable fields with their proof of
/// possession, and the network's reputation and capacity figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultRecord {
    public_key: VaultPublicKey,
    fields: VaultFields,
    fields_bytes: Vec<u8>,
    proof: VaultKeyProof,
    reputation: u16,
    free_capacity: u64,
}

impl VaultRecord {
    /// The record a vault publishes: its key and fields with a fresh proof of
    /// possession; reputation and capacity start at zero until the network
    /// sets them ([`VaultRecord::with_network_metrics`]).
    pub fn new<R: CryptoRng + ?Sized>(
        keypair: &VaultKeypair,
        fields: VaultFields,
        rng: &mut R,
    ) -> Self {
        let fields_bytes = fields.to_bytes();
        let proof = VaultKeyProof::prove(keypair, &fields_bytes, rng);
        VaultRecord {
            public_key: *keypair.public(),
            fields,
            fields_bytes,
            proof,
            reputation: 0,
            free_capacity: 0,
        }
    }

    /// The same record with the network's reputation (0..=1000) and free
    /// capacity. These are not covered by the proof.
    ///
    /// # Errors
    /// [`InvalidInput::RecordField`] for a reputation above 1000.
    pub fn with_network_metrics(
        mut self,
        reputation: u16,
        free_capacity: u64,
    ) -> Result<Self, Error> {
        if reputation > MAX_REPUTATION {
            return Err(Error::input(InvalidInput::RecordField));
        }
        self.reputation = reputation;
        self.free_capacity = free_capacity;
        Ok(self)
    }

    /// The vault's public key.
    pub fn public_key(&self) -> &VaultPublicKey {
        &self.public_key
    }

    /// The stable fields the proof covers.
    pub fn fields(&self) -> &VaultFields {
        &self.fields
    }

    /// The proof of possession.
    pub fn proof(&self) -> &VaultKeyProof {
        &self.proof
    }

    /// The network-assigned reputation (0..=1000).
    pub fn reputation(&self) -> u16 {
        self.reputation
    }

    /// The network-reported free capacity.
    pub fn free_capacity(&self) -> u64 {
        self.free_capacity
    }

    /// The selection weight `reputation · min(capacity, 2³²)`.
    pub fn weight(&self) -> u64 {
        u64::from(self.reputation) * self.free_capacity.min(CAPACITY_CAP)
    }

    /// Verify the proof of possession (a batch of one).
    ///
    /// # Errors
    /// [`Error::Verification`] if the proof does not bind this key and these
    /// fields.
    pub fn verify<R: CryptoRng + ?Sized>(&self, params: &Params, rng: &mut R) -> Result<(), Error> {
        self.proof.verify(params, &self.public_key, &self.fields_bytes, rng)
    }

    /// The encoding of the stable fields: what the proof covers.
    pub(crate) fn fields_bytes(&self) -> &[u8] {
        &self.fields_bytes
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(1 + VAULT_PUBLIC_KEY_LEN + self.fields_bytes.len() + 64 + 10);
        out.push(RECORD_VERSION);
        out.extend_from_slice(&self.public_key.to_bytes());
        out.extend_from_slice(&self.fields_bytes);
        out.extend_from_slice(&self.proof.to_bytes());
        out.extend_from_slice(&self.reputation.to_le_bytes());
        out.extend_from_slice(&self.free_capacity.to_le_bytes());
        out
    }

    /// Decode a record (the proof is not verified here).
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::VaultRecord`): another version
    /// ([`DecodeFailure::Tag`]), an invalid key or proof encoding (the
    /// reason [`VaultPublicKey::from_bytes`] or [`VaultKeyProof::from_bytes`]
    /// gives: a proof whose `T` is the identity is
    /// [`DecodeFailure::Identity`]), field lengths out of range
    /// ([`DecodeFailure::Limit`]), fields that are not UTF-8
    /// ([`DecodeFailure::NonCanonical`]), a reputation above 1000
    /// ([`DecodeFailure::Limit`]), short input, trailing data.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::VaultRecord);
        if r.u8()? != RECORD_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let public_key = VaultPublicKey::read(&mut r)?;
        let fields = VaultFields::read(&mut r)?;
        // The proof's own decoding rules; its reason, naming the record.
        let proof = VaultKeyProof::from_bytes(r.take(64)?).map_err(|e| match e {
            Error::Decode { why, .. } => r.error(why),
            other => other,
        })?;
        let reputation = u16::from_le_bytes(r.array()?);
        if reputation > MAX_REPUTATION {
            return Err(r.error(DecodeFailure::Limit));
        }
        let free_capacity = u64::from_le_bytes(r.array()?);
        r.finish()?;
        let fields_bytes = fields.to_bytes();
        Ok(VaultRecord { public_key, fields, fields_bytes, proof, reputation, free_capacity })
    }
}

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
            || self.allowed_regions.iter().any(|r| r == record.fields.region());
        region_ok
            && record.reputation >= self.min_reputation
            && record.free_capacity >= self.min_capacity
            && record.weight() > 0
            && !self.now.is_some_and(|now| record.fields.expired_at(now))
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
        b.cmp(a).then_with(|| ra.public_key.to_bytes().cmp(&rb.public_key.to_bytes()))
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
        let h = rendezvous_hash(project_id, &record.public_key);
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
                let h = rendezvous_hash(&project_id, &record.public_key);
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
        base16ct::lower::encode_string(&record.public_key.to_bytes())
    }
}
