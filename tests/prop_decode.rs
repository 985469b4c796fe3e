//! Decoders are total: any bytes decode to a value or an error, never a
//! panic, and whatever decodes re-encodes to exactly the same bytes
//! (decode ∘ encode = id on valid values, encode ∘ decode = id on accepted
//! bytes). Case counts follow `PROPTEST_CASES`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/strategies.rs"]
mod strategies;

use proptest::prelude::*;
use vaultseal::{
    Context, Error, Params, VaultKeyProof, VaultKeypair, VaultPublicKey, VaultSecretKey,
};

/// Decode `bytes` with every decoder; each one either refuses with a decode
/// error or accepts and re-encodes identically.
fn check_all_decoders(bytes: &[u8]) -> Result<(), TestCaseError> {
    let decode_error = |e: &Error| matches!(e, Error::Decode { .. });
    match Context::from_bytes(bytes) {
        Ok(c) => prop_assert_eq!(c.to_bytes(), bytes),
        Err(e) => prop_assert!(decode_error(&e), "{e:?}"),
    }
    match VaultPublicKey::from_bytes(bytes) {
        Ok(k) => prop_assert_eq!(&k.to_bytes()[..], bytes),
        Err(e) => prop_assert!(decode_error(&e), "{e:?}"),
    }
    match VaultSecretKey::from_bytes(bytes) {
        Ok(k) => prop_assert_eq!(&k.to_bytes()[..], bytes),
        Err(e) => prop_assert!(decode_error(&e), "{e:?}"),
    }
    match VaultKeyProof::from_bytes(bytes) {
        Ok(p) => prop_assert_eq!(&p.to_bytes()[..], bytes),
        Err(e) => prop_assert!(decode_error(&e), "{e:?}"),
    }
    Ok(())
}

fn vault_encodings() -> Vec<Vec<u8>> {
    let params = Params::shared();
    let kp = VaultKeypair::from_seed(params, &[5; 32]).unwrap();
    let mut rng = {
        use rand_core::SeedableRng;
        rand_chacha::ChaCha20Rng::seed_from_u64(1)
    };
    let proof = VaultKeyProof::prove(&kp, b"record", &mut rng);
    vec![
        kp.public().to_bytes().to_vec(),
        kp.secret().to_bytes().to_vec(),
        proof.to_bytes().to_vec(),
    ]
}

proptest! {
    /// Arbitrary bytes of any length.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in strategies::bytes(400)) {
        check_all_decoders(&bytes)?;
    }

    /// Exactly 64 bytes: the length of a public key, a secret key and a
    /// proof, so decoding gets past the length checks.
    #[test]
    fn arbitrary_64_bytes(bytes in any::<[u8; 64]>()) {
        check_all_decoders(&bytes)?;
        // Any 64 bytes whose first half is a canonical non-zero scalar is a
        // secret key.
        let x: [u8; 32] = bytes[..32].try_into().unwrap();
        let canonical = bool::from(curve25519_dalek::Scalar::from_canonical_bytes(x).is_some());
        prop_assert_eq!(VaultSecretKey::from_bytes(&bytes).is_ok(), canonical && x != [0; 32]);
    }

    /// Valid contexts round-trip.
    #[test]
    fn contexts_round_trip(context in strategies::context()) {
        let bytes = context.to_bytes();
        prop_assert_eq!(Context::from_bytes(&bytes), Ok(context));
    }

    /// Mutations of valid encodings (one byte replaced, a cut, an
    /// extension) never panic and never decode to something that re-encodes
    /// differently.
    #[test]
    fn mutated_context_encodings(
        context in strategies::context(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<prop::sample::Index>(),
        tail in strategies::bytes(8),
    ) {
        let bytes = context.to_bytes();
        let mut replaced = bytes.clone();
        replaced[at.index(bytes.len())] = byte;
        check_all_decoders(&replaced)?;
        check_all_decoders(&bytes[..cut.index(bytes.len())])?;
        check_all_decoders(&[&bytes[..], &tail].concat())?;
    }

    #[test]
    fn mutated_vault_encodings(
        which in 0usize..3,
        at in any::<prop::sample::Index>(),
        mask in 1u8..=255,
        cut in any::<prop::sample::Index>(),
    ) {
        let bytes = &vault_encodings()[which];
        let mut flipped = bytes.clone();
        flipped[at.index(bytes.len())] ^= mask;
        check_all_decoders(&flipped)?;
        check_all_decoders(&bytes[..cut.index(bytes.len())])?;
    }
}
