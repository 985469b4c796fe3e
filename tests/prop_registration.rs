//! The registration decoder is total (any bytes give a value or an error,
//! never a panic or an unbounded allocation): arbitrary bytes and mutated
//! valid encodings into `ProjectRegistration::from_bytes` never panic;
//! whatever is accepted re-encodes identically; an accepted mutant never
//! verifies; a batch of any subset of a pool of registrations gives each
//! what its single verification gives. The fuzz seed
//! (`fuzz/seeds/decode_registration/`) is replayed as a test. Case counts
//! follow `PROPTEST_CASES` (default 256; the verifying properties run a
//! sixteenth of that).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[allow(dead_code)]
#[path = "common/registration_fixtures.rs"]
mod registration_fixtures;
#[allow(dead_code)]
#[path = "common/strategies.rs"]
mod strategies;

use std::sync::OnceLock;

use proptest::prelude::*;
use registration_fixtures::*;
use vaultseal::{Error, Object, Params, ProjectRegistration, verify_registrations};

/// The valid encodings (two shapes: two vaults and one vault).
fn valid() -> &'static [Vec<u8>] {
    static VALID: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    VALID.get_or_init(|| {
        let f = fixtures();
        vec![f.demo.registration().to_bytes(), f.one_vault.registration().to_bytes()]
    })
}

/// How to damage an encoding.
#[derive(Clone, Debug)]
enum Mutation {
    /// XOR a byte with a non-zero mask.
    Flip(prop::sample::Index, u8),
    /// Set a byte.
    Set(prop::sample::Index, u8),
    /// Insert bytes.
    Insert(prop::sample::Index, Vec<u8>),
    /// Remove a range.
    Remove(prop::sample::Index, usize),
    /// Keep a prefix.
    Truncate(prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1u8..).prop_map(|(i, m)| Mutation::Flip(i, m)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<prop::sample::Index>(), strategies::bytes(8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<prop::sample::Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    // An earlier truncation may have emptied the input: only an insertion
    // has a place to act on then.
    if bytes.is_empty() && !matches!(mutation, Mutation::Insert(..)) {
        return;
    }
    match mutation {
        Mutation::Flip(i, mask) => {
            let at = i.index(bytes.len());
            bytes[at] ^= mask;
        }
        Mutation::Set(i, b) => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Mutation::Insert(i, extra) => {
            let at = i.index(bytes.len() + 1);
            bytes.splice(at..at, extra.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let at = i.index(bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
    }
}

/// Decoding either refuses with a registration decode error or accepts
/// bytes that re-encode identically.
fn decode_is_total(bytes: &[u8]) -> Option<ProjectRegistration> {
    match ProjectRegistration::from_bytes(bytes) {
        Ok(registration) => {
            assert_eq!(registration.to_bytes(), bytes);
            Some(registration)
        }
        Err(Error::Decode { what: Object::ProjectRegistration, .. }) => None,
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

fn cases(divisor: u32) -> u32 {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256);
    (cases / divisor).max(1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1)))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in strategies::bytes(4096)) {
        decode_is_total(&bytes);
    }

    /// A valid header followed by arbitrary bytes reaches the nested
    /// decoders.
    #[test]
    fn valid_prefix_then_garbage(cut in any::<prop::sample::Index>(), tail in strategies::bytes(512)) {
        let mut bytes = valid()[0].clone();
        bytes.truncate(cut.index(bytes.len()));
        bytes.extend_from_slice(&tail);
        decode_is_total(&bytes);
    }

    #[test]
    fn mutated_encodings_never_panic(
        which in 0usize..2,
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut bytes = valid()[which].clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        decode_is_total(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(16)))]

    /// A changed encoding that still decodes does not verify.
    #[test]
    fn accepted_mutants_do_not_verify(
        which in 0usize..2,
        mutations in prop::collection::vec(mutation(), 1..3),
    ) {
        let original = &valid()[which];
        let mut bytes = original.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if let Some(registration) = decode_is_total(&bytes) {
            let v = vaults();
            let result = registration.verify(Params::shared(), v.public(0), &v.directory, &yes, &mut rng(1));
            prop_assert_eq!(result.is_ok(), &bytes == original);
        }
    }

    /// Any subset, in any order, of valid and invalid registrations: the
    /// batch gives each exactly its single result.
    #[test]
    fn batch_equals_single_on_subsets(picks in prop::collection::vec(0usize..6, 1..6)) {
        let pool = mixed_pool();
        let chosen: Vec<ProjectRegistration> = picks.iter().map(|&i| pool[i].0.clone()).collect();
        let v = vaults();
        let results = verify_registrations(Params::shared(), chosen, v.public(0), &v.directory, &yes, &mut rng(2));
        for (result, &i) in results.iter().zip(&picks) {
            prop_assert_eq!(result.as_ref().map(|_| ()).map_err(|e| *e), pool[i].1);
        }
    }
}

/// Registrations with their single results (computed once).
fn mixed_pool() -> &'static [(ProjectRegistration, Result<(), Error>)] {
    static POOL: OnceLock<Vec<(ProjectRegistration, Result<(), Error>)>> = OnceLock::new();
    POOL.get_or_init(|| {
        let f = fixtures();
        let mut registrations = vec![
            f.demo.registration().clone(),
            f.other_project.registration().clone(),
            f.one_vault.registration().clone(),
        ];
        // An item moved from another project, roles exchanged, and a
        // signature by the wrong key.
        let mut p = parts(&f.demo);
        p.repos[1].sealed_secret = parts(&f.other_project).repos[1].sealed_secret.clone();
        registrations.push(p.sign(&alice()).decode());
        let mut p = parts(&f.other_project);
        p.repos[0].role = 2;
        registrations.push(p.sign(&alice()).decode());
        let mut p = parts(&f.demo);
        p.timestamp += 1;
        registrations.push(p.sign(&mallory()).decode());
        let v = vaults();
        registrations
            .into_iter()
            .map(|r| {
                let single =
                    r.verify(Params::shared(), v.public(0), &v.directory, &yes, &mut rng(3));
                (r, single.map(|_| ()))
            })
            .collect()
    })
}

#[test]
fn the_mixed_pool_has_valid_and_invalid_items() {
    let results: Vec<bool> = mixed_pool().iter().map(|(_, r)| r.is_ok()).collect();
    assert_eq!(results, [true, true, true, false, false, false]);
}

/// The fuzz seeds decode, re-encode and verify for the KAT's vaults.
#[test]
fn fuzz_seeds_replay() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/decode_registration");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(decode_is_total(&bytes).is_some());
        seen += 1;
    }
    assert!(seen >= 1);
}
