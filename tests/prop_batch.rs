//! Batch ≡ single on random mixed sets: proofs of possession, sealed deploy
//! keys and secrets to 1..=8 vaults, valid and invalid (forged, refused,
//! undecodable), pushed decoded or as bytes. The batch accepts exactly when
//! every item does, and otherwise names exactly the failing items, each with
//! its single verification's error.
//!
//! Cases: `PROPTEST_CASES` (default 64).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/batch_fixtures.rs"]
#[allow(dead_code)]
mod batch_fixtures;

use std::sync::OnceLock;

use batch_fixtures::{Mode, pool};
use proptest::prelude::*;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use vaultseal::{BatchVerifier, Error, Params};

/// Each pool entry's single-verification result.
fn singles() -> &'static [Result<(), Error>] {
    static SINGLES: OnceLock<Vec<Result<(), Error>>> = OnceLock::new();
    SINGLES.get_or_init(|| {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        pool().entries.iter().map(|e| e.single(&mut rng)).collect()
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
}

/// A set: pool indices, each with a push mode; invalid items are drawn
/// less often than valid ones so that many sets are all valid.
fn set() -> impl Strategy<Value = Vec<(usize, bool)>> {
    let pool = pool();
    let (valid, total) = (pool.valid, pool.entries.len());
    let entry = prop_oneof![3 => 0..valid, 1 => valid..total];
    prop::collection::vec((entry, any::<bool>()), 0..=10)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn batch_matches_single(items in set(), seed in any::<u64>()) {
        let pool = pool();
        let mut batch = BatchVerifier::new(Params::shared());
        for (n, &(index, decoded)) in items.iter().enumerate() {
            let mode = if decoded { Mode::Decoded } else { Mode::Bytes };
            prop_assert_eq!(pool.entries[index].push(&mut batch, mode), n);
        }
        let expected: Vec<(usize, Error)> = items
            .iter()
            .enumerate()
            .filter_map(|(n, &(index, _))| singles()[index].err().map(|e| (n, e)))
            .collect();
        let result = batch.verify(&mut ChaCha20Rng::seed_from_u64(seed));
        prop_assert_eq!(result.is_ok(), expected.is_empty());
        if let Err(err) = result {
            prop_assert_eq!(err.invalid(), &expected[..]);
        }
    }
}
