//! Vault selection: seeded records and several project ids, with every
//! intermediate value of the ranking (PROTOCOL §9) re-derived here from the
//! documented formulas — the 63-bit rendezvous hash, the Q32 logarithm, the
//! score as an exact fraction — and the order `select_vaults` returns.
//! `src/selection.rs` checks its own hash, logarithm and score against the
//! same file, so a change to which hash bits are used, or to the logarithm,
//! fails both.

use crate::vectors::{check_or_write, seeded_rng};
use serde_json::json;
use sha2::{Digest, Sha512};
use vaultseal::{Params, SelectionPolicy, VaultFields, VaultKeypair, VaultRecord, select_vaults};

/// `h = u64_le(SHA-512("vaultseal-rendezvous-v1" ‖ u16_le(|p|) ‖ p ‖ Y ‖ W)[0..8]) ≫ 1`.
fn rendezvous_hash(project_id: &[u8], record: &VaultRecord) -> u64 {
    let mut hash = Sha512::new();
    hash.update(b"vaultseal-rendezvous-v1");
    hash.update(u16::try_from(project_id.len()).unwrap().to_le_bytes());
    hash.update(project_id);
    hash.update(record.public_key().to_bytes());
    let digest = hash.finalize();
    u64::from_le_bytes(digest[..8].try_into().unwrap()) >> 1
}

/// `⌊log₂(v)·2³²⌋` as the document computes it: the integer part is the bit
/// length minus one; each fraction bit squares the mantissa (Q62, truncated)
/// and takes a bit when it reaches 2.
fn log2_q32(v: u64) -> u64 {
    let int = 63 - u64::from(v.leading_zeros());
    let mut m = u128::from(v) << 62 >> int;
    let mut frac = 0u64;
    for _ in 0..32 {
        m = (m * m) >> 62;
        frac <<= 1;
        if m >= 2 << 62 {
            m >>= 1;
            frac |= 1;
        }
    }
    (int << 32) | frac
}

#[test]
fn selection_vectors() {
    let params = Params::new();
    // Eight vaults from fixed seeds, with weights spanning zero capacity to
    // the capacity cap and reputations from 1 to 1000.
    let metrics: [(u16, u64); 8] = [
        (1000, 1 << 40),
        (1000, 1 << 32),
        (500, 1 << 20),
        (999, 123_456_789),
        (1, 1 << 32),
        (700, 4096),
        (250, 1_000_000),
        (1000, 1),
    ];
    let records: Vec<VaultRecord> = metrics
        .iter()
        .enumerate()
        .map(|(i, &(reputation, capacity))| {
            let seed = [0x70 + u8::try_from(i).unwrap(); 32];
            let keypair = VaultKeypair::from_seed(&params, &seed).unwrap();
            let fields = VaultFields::new("eu-west", &format!("vault-{i}.example"), 1, 0).unwrap();
            VaultRecord::new(&keypair, fields, &mut seeded_rng(40 + u64::try_from(i).unwrap()))
                .with_network_metrics(reputation, capacity)
                .unwrap()
        })
        .collect();
    let long_id = [0xabu8; 128];
    let project_ids: [&[u8]; 6] = [b"p", b"demo", b"project-1", b"project-2", &[0u8; 32], &long_id];

    let mut projects = Vec::new();
    for project_id in project_ids {
        let mut scores = Vec::new();
        for record in &records {
            let h = rendezvous_hash(project_id, record);
            let log = log2_q32(h + 1);
            let denominator = ((63u64 << 32) - log).max(1);
            scores.push((record, h, log, record.weight(), denominator));
        }
        // The documented order: score w/d descending (as exact fractions),
        // ties to the smaller key encoding; zero weights never selected.
        let mut expected: Vec<_> = scores.iter().filter(|s| s.3 > 0).collect();
        expected.sort_by(|a, b| {
            (u128::from(b.3) * u128::from(a.4))
                .cmp(&(u128::from(a.3) * u128::from(b.4)))
                .then_with(|| a.0.public_key().to_bytes().cmp(&b.0.public_key().to_bytes()))
        });
        let policy = SelectionPolicy::default();
        let count = 4;
        let chosen =
            select_vaults(&params, &records, &policy, project_id, count, &mut seeded_rng(9))
                .unwrap();
        let chosen_keys: Vec<String> =
            chosen.iter().map(|r| hex::encode(r.public_key().to_bytes())).collect();
        let expected_keys: Vec<String> =
            expected.iter().take(count).map(|s| hex::encode(s.0.public_key().to_bytes())).collect();
        assert_eq!(chosen_keys, expected_keys, "ranking for project {project_id:?}");
        projects.push(json!({
            "project_id": hex::encode(project_id),
            "vaults": scores.iter().map(|(record, h, log, weight, denominator)| json!({
                "key": hex::encode(record.public_key().to_bytes()),
                "h": format!("{h:016x}"),
                "log2_q32": format!("{log:016x}"),
                "weight": weight.to_string(),
                "denominator": format!("{denominator:016x}"),
            })).collect::<Vec<_>>(),
            "selected_4": chosen_keys,
        }));
    }
    let actual = json!({
        "rendezvous_label": "vaultseal-rendezvous-v1",
        "vault_seeds": (0..8u8).map(|i| hex::encode([0x70 + i; 32])).collect::<Vec<_>>(),
        "metrics": metrics.iter().map(|(r, c)| json!({"reputation": r, "capacity": c.to_string()})).collect::<Vec<_>>(),
        "log2_q32_edges": [
            ["0000000000000001", format!("{:016x}", log2_q32(1))],
            ["7fffffffffffffff", format!("{:016x}", log2_q32((1 << 63) - 1))],
            ["8000000000000000", format!("{:016x}", log2_q32(1 << 63))],
        ],
        "projects": projects,
    });
    check_or_write("selection", &actual);
}
