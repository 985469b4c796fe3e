//! Vault selection (`select_vaults`, `docs/PROTOCOL.md` §9): deterministic,
//! in proportion to the weights, stable when a vault leaves, never a vault
//! whose record does not verify, and the policy's filters and errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use std::collections::HashMap;

use vaultseal::{
    Error, InvalidInput, Params, SelectionPolicy, VaultFields, VaultKeypair, VaultRecord,
    select_vaults,
};
use vectors::seeded_rng;

/// A record of the vault with key seed `seed`, with the network's metrics.
fn record(seed: u8, region: &str, reputation: u16, capacity: u64) -> VaultRecord {
    record_expiring(seed, region, reputation, capacity, 0)
}

fn record_expiring(
    seed: u8,
    region: &str,
    reputation: u16,
    capacity: u64,
    expires_at: u64,
) -> VaultRecord {
    let params = Params::shared();
    let keypair = VaultKeypair::from_seed(params, &[seed; 32]).unwrap();
    let endpoint = format!("https://vault-{seed}.example");
    let fields = VaultFields::new(region, &endpoint, 1, expires_at).unwrap();
    VaultRecord::new(&keypair, fields, &mut seeded_rng(u64::from(seed)))
        .with_network_metrics(reputation, capacity)
        .unwrap()
}

/// The keys (as bytes) `select_vaults` picks for `project`, best first.
fn select(
    records: &[VaultRecord],
    policy: &SelectionPolicy,
    project: &str,
    count: usize,
) -> Vec<[u8; 64]> {
    select_with(records, policy, project, count, 7)
}

fn select_with(
    records: &[VaultRecord],
    policy: &SelectionPolicy,
    project: &str,
    count: usize,
    rng_seed: u64,
) -> Vec<[u8; 64]> {
    select_vaults(
        Params::shared(),
        records,
        policy,
        project.as_bytes(),
        count,
        &mut seeded_rng(rng_seed),
    )
    .unwrap()
    .into_iter()
    .map(|r| r.public_key().to_bytes())
    .collect()
}

fn key(record: &VaultRecord) -> [u8; 64] {
    record.public_key().to_bytes()
}

fn project(i: usize) -> String {
    format!("project-{i}")
}

/// Byte offset of the proof of possession in a record's encoding.
fn proof_offset(record: &VaultRecord) -> usize {
    1 + 64 + record.fields().to_bytes().len()
}

#[test]
fn selection_is_deterministic_and_ranked() {
    let records: Vec<VaultRecord> =
        (1..=8).map(|i| record(i, "eu-west", 100 * u16::from(i), 1000)).collect();
    let policy = SelectionPolicy::default();
    let mut seen = HashMap::new();
    for i in 0..60 {
        let p = project(i);
        let all = select(&records, &policy, &p, 8);
        // Another verifier RNG, the records in another order: the same ranking.
        assert_eq!(select_with(&records, &policy, &p, 8, 1234), all);
        let reversed: Vec<VaultRecord> = records.iter().rev().cloned().collect();
        assert_eq!(select(&reversed, &policy, &p, 8), all);
        // Every vault once; `count` takes the best `count`.
        let mut sorted = all.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 8);
        for count in 1..=8 {
            assert_eq!(select(&records, &policy, &p, count), all[..count]);
        }
        *seen.entry(all[0]).or_insert(0) += 1;
    }
    // Projects do not all land on one vault.
    assert!(seen.len() >= 4, "{} distinct first choices", seen.len());
}

/// Vault `i` of five has weight `1000 · i` (reputation 1000, capacity `i`):
/// over 10 000 projects, vault `i` must win `10 000 · i / 15` of them within
/// five binomial standard deviations (σ ≤ 50 here: at most ±250 projects).
/// Equal weights would give 2 000 each, weights ignored on one side or
/// inverted far more than 250 off.
#[test]
fn spreads_projects_in_proportion_to_weights() {
    const PROJECTS: usize = 10_000;
    let records: Vec<VaultRecord> =
        (1..=5).map(|i| record(i, "eu-west", 1000, u64::from(i))).collect();
    let total: u64 = records.iter().map(VaultRecord::weight).sum();
    assert_eq!(total, 15_000);
    let policy = SelectionPolicy::default();
    let mut wins: HashMap<[u8; 64], usize> = HashMap::new();
    for i in 0..PROJECTS {
        *wins.entry(select(&records, &policy, &project(i), 1)[0]).or_default() += 1;
    }
    for record in &records {
        let p = record.weight() as f64 / total as f64;
        let expected = PROJECTS as f64 * p;
        let sigma = (PROJECTS as f64 * p * (1.0 - p)).sqrt();
        let got = wins.get(&key(record)).copied().unwrap_or(0) as f64;
        assert!(
            (got - expected).abs() <= 5.0 * sigma,
            "weight {}: {got} projects, expected {expected:.0} ± {:.0}",
            record.weight(),
            5.0 * sigma
        );
    }
}

#[test]
fn removing_a_vault_moves_only_its_projects() {
    const PROJECTS: usize = 2_000;
    let records: Vec<VaultRecord> =
        (1..=6).map(|i| record(i, "eu-west", 500 + 50 * u16::from(i), 10)).collect();
    let policy = SelectionPolicy::default();
    let removed = key(&records[2]);
    let remaining: Vec<VaultRecord> =
        records.iter().filter(|r| key(r) != removed).cloned().collect();
    let mut moved = 0;
    for i in 0..PROJECTS {
        let p = project(i);
        // One vault: a project moves only if it was on the removed vault
        // (read backwards: adding a vault moves projects only onto it).
        let before = select(&records, &policy, &p, 1)[0];
        let after = select(&remaining, &policy, &p, 1)[0];
        if before == removed {
            moved += 1;
            assert_ne!(after, removed);
        } else {
            assert_eq!(after, before, "{p} moved off a vault that stayed");
        }
        // Three vaults: the survivors keep their order; the removed vault's
        // place goes to the next in line.
        let three_before = select(&records, &policy, &p, 3);
        let three_after = select(&remaining, &policy, &p, 3);
        let survivors: Vec<[u8; 64]> =
            three_before.iter().copied().filter(|k| *k != removed).collect();
        assert_eq!(three_after[..survivors.len()], survivors[..], "{p}");
    }
    // The removed vault held its share (about 1/6 of the projects).
    assert!((200..=500).contains(&moved), "{moved} projects moved");
}

#[test]
fn a_record_whose_proof_fails_is_never_selected() {
    let params = Params::shared();
    let mut records: Vec<VaultRecord> = (1..=5).map(|i| record(i, "eu-west", 100, 10)).collect();
    // Three heavy records that would win almost every project, each with a
    // proof that fails: a field changed after proving (the endpoint's first
    // byte), the proof of another vault's record, and the first record's
    // proof on the last record's key and fields.
    let heavy = |seed| record(seed, "eu-west", 1000, 1 << 40);
    let tampered_field = {
        let r = heavy(20);
        let mut bytes = r.to_bytes();
        bytes[1 + 64 + 1 + "eu-west".len() + 2] ^= 0x01;
        VaultRecord::from_bytes(&bytes).unwrap()
    };
    let moved_proof = {
        let (a, b) = (heavy(21), heavy(22));
        let mut bytes = a.to_bytes();
        let at = proof_offset(&a);
        bytes[at..at + 64].copy_from_slice(&b.to_bytes()[at..at + 64]);
        VaultRecord::from_bytes(&bytes).unwrap()
    };
    let other_key = {
        let (a, b) = (heavy(23), heavy(24));
        let mut bytes = b.to_bytes();
        let (at_a, at_b) = (proof_offset(&a), proof_offset(&b));
        bytes[at_b..at_b + 64].copy_from_slice(&a.to_bytes()[at_a..at_a + 64]);
        VaultRecord::from_bytes(&bytes).unwrap()
    };
    let bad = [tampered_field, moved_proof, other_key];
    for record in &bad {
        assert_eq!(record.verify(params, &mut seeded_rng(1)), Err(Error::Verification));
    }
    // First, in the middle and last, so that the batch's bisection must name
    // each by its index.
    records.insert(0, bad[0].clone());
    records.insert(3, bad[1].clone());
    records.push(bad[2].clone());
    let bad_keys: Vec<[u8; 64]> = bad.iter().map(key).collect();

    let policy = SelectionPolicy::default();
    for i in 0..200 {
        for chosen in select(&records, &policy, &project(i), 5) {
            assert!(!bad_keys.contains(&chosen), "{}: a record that fails was chosen", project(i));
        }
    }
    // Only the five valid records are eligible.
    let error = select_vaults(params, &records, &policy, b"p", 6, &mut seeded_rng(3));
    assert_eq!(error.err(), Some(Error::InvalidInput { what: InvalidInput::NotEnoughVaults }));

    // Reputation and capacity are the network's, outside the proof: a record
    // whose metrics change still verifies (and its weight changes).
    let r = record(30, "eu-west", 100, 10);
    let mut bytes = r.to_bytes();
    let at = proof_offset(&r) + 64;
    bytes[at..at + 2].copy_from_slice(&900u16.to_le_bytes());
    let raised = VaultRecord::from_bytes(&bytes).unwrap();
    assert_eq!(raised.verify(params, &mut seeded_rng(1)), Ok(()));
    assert_eq!(raised.weight(), 9 * r.weight());
}

#[test]
fn the_policy_filters_and_counts() {
    let params = Params::shared();
    let records = vec![
        record(1, "eu-west", 900, 100),
        record(2, "eu-west", 200, 100), // low reputation
        record(3, "us-east", 900, 100), // another region
        record(4, "eu-west", 900, 5),   // little capacity
        record(5, "eu-west", 0, 100),   // zero weight
        record_expiring(6, "eu-west", 900, 100, 1_000), // expired at 1 000
        record_expiring(7, "eu-west", 900, 100, 5_000), // valid until 5 000
    ];
    let only = |policy: &SelectionPolicy| -> Vec<[u8; 64]> {
        let mut eligible: Vec<[u8; 64]> =
            records.iter().filter(|r| policy.admits(r)).map(key).collect();
        eligible.sort_unstable();
        let mut chosen = select(&records, policy, "p", eligible.len());
        chosen.sort_unstable();
        assert_eq!(chosen, eligible);
        chosen
    };
    let keys = |seeds: &[usize]| -> Vec<[u8; 64]> {
        let mut k: Vec<[u8; 64]> = seeds.iter().map(|s| key(&records[s - 1])).collect();
        k.sort_unstable();
        k
    };

    // Zero weight is never eligible, whatever the policy.
    assert_eq!(only(&SelectionPolicy::default()), keys(&[1, 2, 3, 4, 6, 7]));
    let policy = SelectionPolicy {
        allowed_regions: vec!["eu-west".into()],
        min_reputation: 500,
        min_capacity: 10,
        now: Some(2_000),
    };
    assert_eq!(only(&policy), keys(&[1, 7]));
    let later = SelectionPolicy { now: Some(5_000), ..policy.clone() };
    assert_eq!(only(&later), keys(&[1]));
    let regions = SelectionPolicy {
        allowed_regions: vec!["us-east".into(), "ap-south".into()],
        ..SelectionPolicy::default()
    };
    assert_eq!(only(&regions), keys(&[3]));

    let count_error = Some(Error::InvalidInput { what: InvalidInput::RecipientCount });
    for count in [0, 9] {
        let result = select_vaults(params, &records, &policy, b"p", count, &mut seeded_rng(1));
        assert_eq!(result.err(), count_error, "count {count}");
    }
    let id_error = Some(Error::InvalidInput { what: InvalidInput::ContextField });
    for id in [&b""[..], &[b'p'; 129][..]] {
        let result = select_vaults(params, &records, &policy, id, 1, &mut seeded_rng(1));
        assert_eq!(result.err(), id_error, "project id of {} bytes", id.len());
    }
    assert!(select_vaults(params, &records, &policy, &[b'p'; 128], 1, &mut seeded_rng(1)).is_ok());
    let result = select_vaults(params, &records, &policy, b"p", 3, &mut seeded_rng(1));
    assert_eq!(result.err(), Some(Error::InvalidInput { what: InvalidInput::NotEnoughVaults }));
    let result =
        select_vaults(params, &[], &SelectionPolicy::default(), b"p", 1, &mut seeded_rng(1));
    assert_eq!(result.err(), Some(Error::InvalidInput { what: InvalidInput::NotEnoughVaults }));
}
