//! Proof of possession of a vault's sealing key (`VaultKeyProof`): it
//! completes, it is bound to the record fields, the sealing key `Y` and the
//! KEM key `W`, and every tampered byte is refused with the right error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use vaultseal::{
    DecodeFailure, Error, Object, Params, VaultKeyProof, VaultKeypair, VaultPublicKey,
};
use vectors::seeded_rng;

const RECORD: &[u8] = b"region=eu-west;endpoint=vault-1.example;epoch=7";

/// ℓ = 2²⁵² + 27742317777372353535851937790883648493, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn vault(seed: u8) -> VaultKeypair {
    VaultKeypair::from_seed(Params::shared(), &[seed; 32]).unwrap()
}

fn verify(proof: &VaultKeyProof, public: &VaultPublicKey, record: &[u8]) -> Result<(), Error> {
    proof.verify(Params::shared(), public, record, &mut seeded_rng(99))
}

/// Little-endian 256-bit addition (no overflow for the values used here).
fn add_le(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum.to_le_bytes()[0];
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    out
}

#[test]
fn honest_proof_verifies_and_round_trips() {
    let kp = vault(1);
    for seed in 0..4 {
        let proof = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(seed));
        assert_eq!(verify(&proof, kp.public(), RECORD), Ok(()));
        let bytes = proof.to_bytes();
        let decoded = VaultKeyProof::from_bytes(&bytes).unwrap();
        assert_eq!(decoded, proof);
        assert_eq!(decoded.to_bytes(), bytes);
        assert_eq!(verify(&decoded, kp.public(), RECORD), Ok(()));
    }
    // The empty record is a valid (if uninformative) record too.
    let proof = VaultKeyProof::prove(&kp, b"", &mut seeded_rng(5));
    assert_eq!(verify(&proof, kp.public(), b""), Ok(()));
}

#[test]
fn proofs_are_randomized_but_bound_to_the_witness() {
    let kp = vault(1);
    let a = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(1));
    let b = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(2));
    assert_ne!(a.to_bytes(), b.to_bytes());
    // The same RNG output under another key gives an unrelated nonce.
    let other = vault(2);
    let c = VaultKeyProof::prove(&other, RECORD, &mut seeded_rng(1));
    assert_ne!(a.to_bytes()[..32], c.to_bytes()[..32]);
}

#[test]
fn another_record_fails() {
    let kp = vault(1);
    let proof = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(1));
    let mut shifted = RECORD.to_vec();
    shifted[RECORD.len() - 1] ^= 1;
    for record in [&b""[..], b"region=eu-west", &shifted, &[RECORD, b"x"].concat()] {
        assert_eq!(verify(&proof, kp.public(), record), Err(Error::Verification));
    }
}

#[test]
fn another_vault_key_fails() {
    let (a, b) = (vault(1), vault(2));
    let proof = VaultKeyProof::prove(&a, RECORD, &mut seeded_rng(1));
    assert_eq!(verify(&proof, b.public(), RECORD), Err(Error::Verification));
}

/// Same `Y`, another `W`: the proof binds the KEM key too, so a proof cannot
/// be re-used to advertise someone else's KEM key.
#[test]
fn another_kem_key_fails() {
    let (a, b) = (vault(1), vault(2));
    let proof = VaultKeyProof::prove(&a, RECORD, &mut seeded_rng(1));
    let mut bytes = a.public().to_bytes();
    bytes[32..].copy_from_slice(&b.public().kem_key_bytes());
    let mixed = VaultPublicKey::from_bytes(&bytes).unwrap();
    assert_eq!(mixed.sealing_key_bytes(), a.public().sealing_key_bytes());
    assert_eq!(verify(&proof, &mixed, RECORD), Err(Error::Verification));
    // And the other way round: b's Y with a's W.
    let mut bytes = b.public().to_bytes();
    bytes[32..].copy_from_slice(&a.public().kem_key_bytes());
    let mixed = VaultPublicKey::from_bytes(&bytes).unwrap();
    assert_eq!(verify(&proof, &mixed, RECORD), Err(Error::Verification));
}

/// Every byte of the proof, changed in several ways, makes it fail; the
/// error says whether the bytes stopped being an encoding (decode) or the
/// encoding stopped being a proof (verification).
#[test]
fn every_tampered_byte_fails_with_the_right_error() {
    let kp = vault(3);
    let proof = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(7));
    let bytes = proof.to_bytes();
    let (mut decode_t, mut decode_z, mut verification) = (0, 0, 0);
    for position in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xff] {
            let mut tampered = bytes;
            tampered[position] ^= mask;
            let result =
                VaultKeyProof::from_bytes(&tampered).and_then(|p| verify(&p, kp.public(), RECORD));
            let mut part = [0u8; 32];
            if position < 32 {
                // T: a point, or not.
                part.copy_from_slice(&tampered[..32]);
                if CompressedRistretto(part).decompress().is_some() {
                    assert_eq!(result, Err(Error::Verification), "T byte {position}");
                    verification += 1;
                } else {
                    let expected = Error::Decode {
                        what: Object::VaultKeyProof,
                        why: DecodeFailure::NotOnCurve,
                    };
                    assert_eq!(result, Err(expected), "T byte {position}");
                    decode_t += 1;
                }
            } else {
                // z: canonical, or not.
                part.copy_from_slice(&tampered[32..]);
                if bool::from(Scalar::from_canonical_bytes(part).is_some()) {
                    assert_eq!(result, Err(Error::Verification), "z byte {position}");
                    verification += 1;
                } else {
                    let expected = Error::Decode {
                        what: Object::VaultKeyProof,
                        why: DecodeFailure::NonCanonical,
                    };
                    assert_eq!(result, Err(expected), "z byte {position}");
                    decode_z += 1;
                }
            }
        }
    }
    // Both kinds of failure occurred in both halves (the test exercises both
    // branches, so it can fail either way).
    assert!(decode_t > 0 && decode_z > 0 && verification > 0);
}

/// z + ℓ is the same residue but not the canonical encoding: refused at
/// decoding, never accepted as a second encoding of the same proof.
#[test]
fn non_canonical_response_is_refused() {
    let kp = vault(4);
    let proof = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(8));
    let mut bytes = proof.to_bytes();
    let mut z = [0u8; 32];
    z.copy_from_slice(&bytes[32..]);
    bytes[32..].copy_from_slice(&add_le(&z, &ELL));
    assert_eq!(
        VaultKeyProof::from_bytes(&bytes),
        Err(Error::Decode { what: Object::VaultKeyProof, why: DecodeFailure::NonCanonical })
    );
}

#[test]
fn identity_nonce_commitment_is_refused() {
    let kp = vault(5);
    let mut bytes = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(9)).to_bytes();
    bytes[..32].fill(0);
    assert_eq!(
        VaultKeyProof::from_bytes(&bytes),
        Err(Error::Decode { what: Object::VaultKeyProof, why: DecodeFailure::Identity })
    );
}

/// A forged proof for a key whose secret the forger does not know: with the
/// response chosen first, `T = z·Y − c·H` needs `c`, which depends on `T`.
/// Replaying an honest `(T, z)` for another key or substituting `T = z·Y`
/// both fail.
#[test]
fn simple_forgeries_fail() {
    let (a, b) = (vault(6), vault(7));
    let proof = VaultKeyProof::prove(&a, RECORD, &mut seeded_rng(10));
    let bytes = proof.to_bytes();
    // T = z·Y_b (the equation with c = 0).
    let z = Scalar::from_canonical_bytes(bytes[32..].try_into().unwrap()).unwrap();
    let y_b = CompressedRistretto(b.public().sealing_key_bytes()).decompress().unwrap();
    let mut forged = [0u8; 64];
    forged[..32].copy_from_slice((z * y_b).compress().as_bytes());
    forged[32..].copy_from_slice(&bytes[32..]);
    let forged = VaultKeyProof::from_bytes(&forged).unwrap();
    assert_eq!(verify(&forged, b.public(), RECORD), Err(Error::Verification));
}

#[test]
fn lengths_are_exact() {
    let kp = vault(8);
    let bytes = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(11)).to_bytes();
    for len in 0..bytes.len() {
        assert_eq!(
            VaultKeyProof::from_bytes(&bytes[..len]),
            Err(Error::Decode { what: Object::VaultKeyProof, why: DecodeFailure::Length }),
            "truncated to {len}"
        );
    }
    let mut extended = bytes.to_vec();
    extended.push(0);
    assert_eq!(
        VaultKeyProof::from_bytes(&extended),
        Err(Error::Decode { what: Object::VaultKeyProof, why: DecodeFailure::TrailingData })
    );
}

/// A response `z = 0` is a canonical scalar, so the proof decodes; the
/// equation `0·Y = T + c·H` then needs `T = −c·H` with `c` derived from `T`,
/// which a prover cannot aim for. Refused as a verification failure (not a
/// decode error), alone and in a batch, where its zero coefficient on the
/// shared `Y` must not hide it.
#[test]
fn zero_response_is_a_verification_failure() {
    let kp = vault(12);
    let mut bytes = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(12)).to_bytes();
    bytes[32..].fill(0);
    let proof = VaultKeyProof::from_bytes(&bytes).unwrap();
    assert_eq!(proof.to_bytes(), bytes);
    assert_eq!(verify(&proof, kp.public(), RECORD), Err(Error::Verification));
    let honest = VaultKeyProof::prove(&kp, RECORD, &mut seeded_rng(13));
    let mut batch = vaultseal::BatchVerifier::new(Params::shared());
    batch.push_vault_key_proof(&honest, kp.public(), RECORD);
    batch.push_vault_key_proof(&proof, kp.public(), RECORD);
    batch.push_vault_key_proof(&honest, kp.public(), RECORD);
    let err = batch.verify(&mut seeded_rng(14)).unwrap_err();
    assert_eq!(err.invalid(), &[(1, Error::Verification)]);
}

/// A vault record decodes its proof of possession with the proof's own rules
/// and reports the proof's reason under `Object::VaultRecord` (as a
/// registration reports its sealed items'): a `T` that is the identity is
/// `Identity`, a `T` that is not a point `NotOnCurve`, a non-canonical `z`
/// `NonCanonical` (PROTOCOL.md §2.3, §9).
#[test]
fn record_reports_the_reason_its_proof_is_refused() {
    use vaultseal::{VaultFields, VaultRecord};
    let kp = vault(9);
    let fields = VaultFields::new("eu-west", "vault.example:4242", 1, 0).unwrap();
    let fields_len = fields.to_bytes().len();
    let record = VaultRecord::new(&kp, fields, &mut seeded_rng(12));
    let bytes = record.to_bytes();
    assert_eq!(VaultRecord::from_bytes(&bytes).unwrap().to_bytes(), bytes);
    // version ‖ Y ‖ W ‖ fields ‖ T ‖ z ‖ reputation ‖ capacity
    let t_at = 1 + 64 + fields_len;
    let z_at = t_at + 32;
    let refused = |at: usize, part: [u8; 32]| {
        let mut tampered = bytes.clone();
        tampered[at..at + 32].copy_from_slice(&part);
        VaultRecord::from_bytes(&tampered)
    };
    let fails = |why| Err(Error::Decode { what: Object::VaultRecord, why });
    assert_eq!(refused(t_at, [0; 32]), fails(DecodeFailure::Identity));
    assert_eq!(refused(t_at, [0xff; 32]), fails(DecodeFailure::NotOnCurve));
    assert_eq!(refused(z_at, ELL), fails(DecodeFailure::NonCanonical));
    // The same proof bytes alone: the same reasons, naming the proof.
    let mut proof = record.proof().to_bytes();
    proof[..32].fill(0);
    assert_eq!(
        VaultKeyProof::from_bytes(&proof),
        Err(Error::Decode { what: Object::VaultKeyProof, why: DecodeFailure::Identity })
    );
}
