//! Project Wycheproof's Ed25519 vectors through the registration's owner
//! signature step (tests only).
//!
//! A registration's signed message is fixed (`"vaultseal-registration-v1" ‖
//! body`), so a Wycheproof `(key, message, signature)` cannot be put in a
//! whole registration; the vectors go to [`verify_owner_signature`], the step
//! [`PreparedRegistration::new`](super::PreparedRegistration::new) calls, with
//! the key decoded as the registration decoder decodes an owner key.
//! `tests/wycheproof.rs` checks the same suite through
//! [`DeployPublicKey::verify`] and the strict-only cases through a whole
//! registration.
#![allow(clippy::panic)]

use ed25519_dalek::Signature;
use wycheproof::{TestResult, eddsa};

use super::verify_owner_signature;
use crate::deploy_key::DeployPublicKey;
use crate::error::{Error, RegistrationFailure};

/// Every 64-byte signature of the suite: accepted exactly when Wycheproof
/// calls it valid (the strict rule and the suite agree on every vector, see
/// `tests/wycheproof.rs`), refused with [`RegistrationFailure::Signature`]
/// otherwise, and always with the verdict of [`DeployPublicKey::verify`]
/// (one rule in every path, SPEC §8). A signature of another length is not
/// a [`Signature`]: the registration's field is 64 bytes.
#[test]
fn ed25519_vectors_through_the_owner_signature_step() {
    let set =
        eddsa::TestSet::load(eddsa::TestName::Ed25519).unwrap_or_else(|e| panic!("suite: {e}"));
    let (mut accepted, mut refused, mut not_64_bytes) = (0usize, 0usize, 0usize);
    for group in &set.test_groups {
        let key = DeployPublicKey::from_bytes(&group.key.pk)
            .unwrap_or_else(|e| panic!("key {:02x?}: {e:?}", &group.key.pk[..]));
        let owner = key.to_verifying_key();
        for test in &group.tests {
            let Ok(signature) = Signature::from_slice(&test.sig) else {
                assert_eq!(test.result, TestResult::Invalid, "tc {}", test.tc_id);
                not_64_bytes += 1;
                continue;
            };
            let verdict = verify_owner_signature(&owner, &test.msg, &signature);
            let deploy_verdict = key.verify(&test.msg, &signature);
            assert_eq!(verdict.is_ok(), deploy_verdict.is_ok(), "tc {}: one rule", test.tc_id);
            match test.result {
                TestResult::Valid => {
                    assert_eq!(verdict, Ok(()), "tc {} ({:?})", test.tc_id, test.flags);
                    accepted += 1;
                }
                TestResult::Invalid => {
                    assert_eq!(
                        verdict,
                        Err(Error::registration(RegistrationFailure::Signature)),
                        "tc {} ({:?})",
                        test.tc_id,
                        test.flags
                    );
                    refused += 1;
                }
                TestResult::Acceptable => panic!("tc {}: no acceptable Ed25519 vector", test.tc_id),
            }
        }
    }
    assert_eq!(accepted + refused + not_64_bytes, set.number_of_tests);
    assert!(accepted > 0 && refused > 0);
}
