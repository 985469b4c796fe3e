//! The foundation decoders (`Context`, `VaultPublicKey`, `VaultSecretKey`,
//! `VaultKeyProof`) on hostile inputs: truncated and extended encodings, the
//! ristretto255 bad-encoding list (RFC 9496 Appendix A.2), the small multiples
//! of the basepoint (Appendix A.1), non-canonical scalars, identity keys and
//! every tag and length limit of `Context`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::scalar::Scalar;
use vaultseal::{
    Context, DecodeFailure, Error, Object, Params, Purpose, VaultKeyProof, VaultKeypair,
    VaultPublicKey, VaultSecretKey,
};

/// RFC 9496 Appendix A.1: the encodings of `i·G`, `0 ≤ i < 16`.
const SMALL_MULTIPLES: [&str; 16] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
];

/// RFC 9496 Appendix A.2 (and libsodium's `core_ristretto255` test): byte
/// strings that are not ristretto255 encodings.
const BAD_ENCODINGS: [&str; 30] = [
    // Non-canonical field encodings.
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    // The top bit set (libsodium's list).
    "0100000000000000000000000000000000000000000000000000000000000080",
    // Negative field elements.
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    // Non-square x².
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    // Negative xy.
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    // s = −1, which gives y = 0.
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

/// ℓ, little-endian.
const ELL: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn unhex32(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn decode_err(what: Object, why: DecodeFailure) -> Error {
    Error::Decode { what, why }
}

fn vault(seed: u8) -> VaultKeypair {
    VaultKeypair::from_seed(Params::shared(), &[seed; 32]).unwrap()
}

/// `Y ‖ W` with a valid `W`.
fn public_key_with_y(y: [u8; 32]) -> [u8; 64] {
    let mut bytes = vault(1).public().to_bytes();
    bytes[..32].copy_from_slice(&y);
    bytes
}

fn context() -> Context {
    Context::new(b"project", b"github:123456789", Purpose::Secret, [9; 32])
        .unwrap()
        .with_extra(b"extra")
        .unwrap()
}

/// The canonical encodings of one value of every decodable type.
fn valid_encodings() -> Vec<(Object, Vec<u8>)> {
    let kp = vault(2);
    let proof = VaultKeyProof::prove(&kp, b"record", &mut rand_core_rng(3));
    vec![
        (Object::Context, context().to_bytes()),
        (
            Object::Context,
            Context::new(b"p", b"r", Purpose::DeployKey, [0; 32]).unwrap().to_bytes(),
        ),
        (Object::VaultPublicKey, kp.public().to_bytes().to_vec()),
        (Object::VaultSecretKey, kp.secret().to_bytes().to_vec()),
        (Object::VaultKeyProof, proof.to_bytes().to_vec()),
    ]
}

fn rand_core_rng(seed: u64) -> rand_chacha::ChaCha20Rng {
    use rand_core::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(seed)
}

/// Decode `bytes` as `what`; on success, return the re-encoding.
fn decode(what: Object, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    match what {
        Object::Context => Context::from_bytes(bytes).map(|c| c.to_bytes()),
        Object::VaultPublicKey => VaultPublicKey::from_bytes(bytes).map(|k| k.to_bytes().to_vec()),
        Object::VaultSecretKey => VaultSecretKey::from_bytes(bytes).map(|k| k.to_bytes().to_vec()),
        Object::VaultKeyProof => VaultKeyProof::from_bytes(bytes).map(|p| p.to_bytes().to_vec()),
        other => panic!("no decoder for {other}"),
    }
}

#[test]
fn valid_encodings_round_trip() {
    for (what, bytes) in valid_encodings() {
        assert_eq!(decode(what, &bytes), Ok(bytes.clone()), "{what}");
    }
}

#[test]
fn truncated_encodings_are_refused_with_length() {
    for (what, bytes) in valid_encodings() {
        for len in 0..bytes.len() {
            assert_eq!(
                decode(what, &bytes[..len]),
                Err(decode_err(what, DecodeFailure::Length)),
                "{what} truncated to {len}"
            );
        }
    }
}

#[test]
fn extended_encodings_are_refused_with_trailing_data() {
    for (what, bytes) in valid_encodings() {
        for extra in [&[0u8][..], &[0xff], &[1, 2, 3], &bytes] {
            let extended = [&bytes[..], extra].concat();
            assert_eq!(
                decode(what, &extended),
                Err(decode_err(what, DecodeFailure::TrailingData)),
                "{what} + {extra:02x?}"
            );
        }
    }
}

#[test]
fn ristretto_bad_encodings_are_refused_as_sealing_keys() {
    for hex in BAD_ENCODINGS {
        let bytes = public_key_with_y(unhex32(hex));
        assert_eq!(
            VaultPublicKey::from_bytes(&bytes),
            Err(decode_err(Object::VaultPublicKey, DecodeFailure::NotOnCurve)),
            "{hex}"
        );
        // The same bytes as a proof's nonce commitment T.
        let mut proof = [0u8; 64];
        proof[..32].copy_from_slice(&unhex32(hex));
        assert_eq!(
            VaultKeyProof::from_bytes(&proof),
            Err(decode_err(Object::VaultKeyProof, DecodeFailure::NotOnCurve)),
            "{hex}"
        );
    }
}

#[test]
fn small_multiples_of_the_basepoint_are_accepted_except_the_identity() {
    let mut point = curve25519_dalek::ristretto::RistrettoPoint::default();
    for (i, hex) in SMALL_MULTIPLES.iter().enumerate() {
        let y = unhex32(hex);
        // The list is what dalek computes for i·G.
        assert_eq!(point.compress().to_bytes(), y, "{i}·G");
        point += RISTRETTO_BASEPOINT_POINT;
        let bytes = public_key_with_y(y);
        let decoded = VaultPublicKey::from_bytes(&bytes);
        if i == 0 {
            assert_eq!(decoded, Err(decode_err(Object::VaultPublicKey, DecodeFailure::Identity)));
        } else {
            let key = decoded.unwrap();
            assert_eq!(key.to_bytes(), bytes);
            assert_eq!(key.sealing_key_bytes(), y);
        }
    }
}

#[test]
fn identity_keys_and_commitments_are_refused() {
    let bytes = public_key_with_y([0; 32]);
    assert_eq!(
        VaultPublicKey::from_bytes(&bytes),
        Err(decode_err(Object::VaultPublicKey, DecodeFailure::Identity))
    );
    let mut proof = VaultKeyProof::prove(&vault(3), b"r", &mut rand_core_rng(4)).to_bytes();
    proof[..32].fill(0);
    assert_eq!(
        VaultKeyProof::from_bytes(&proof),
        Err(decode_err(Object::VaultKeyProof, DecodeFailure::Identity))
    );
}

#[test]
fn non_canonical_scalars_are_refused() {
    let mut ell_plus_one = ELL;
    ell_plus_one[0] += 1;
    let mut two_ell = [0u8; 32];
    let mut carry = 0u16;
    for (out, b) in two_ell.iter_mut().zip(ELL) {
        let sum = 2 * u16::from(b) + carry;
        *out = sum.to_le_bytes()[0];
        carry = sum >> 8;
    }
    let mut top_bit = [0u8; 32];
    top_bit[31] = 0x80;
    let non_canonical = [ELL, ell_plus_one, two_ell, top_bit, [0xff; 32]];
    let secret = vault(5).secret().to_bytes();
    let proof = VaultKeyProof::prove(&vault(5), b"r", &mut rand_core_rng(6)).to_bytes();
    for scalar in non_canonical {
        assert!(bool::from(Scalar::from_canonical_bytes(scalar).is_none()));
        let mut bytes = *secret;
        bytes[..32].copy_from_slice(&scalar);
        assert_eq!(
            VaultSecretKey::from_bytes(&bytes),
            Err(decode_err(Object::VaultSecretKey, DecodeFailure::NonCanonical))
        );
        let mut bytes = proof;
        bytes[32..].copy_from_slice(&scalar);
        assert_eq!(
            VaultKeyProof::from_bytes(&bytes),
            Err(decode_err(Object::VaultKeyProof, DecodeFailure::NonCanonical))
        );
    }
    // ℓ − 1 is canonical.
    let mut ell_minus_one = ELL;
    ell_minus_one[0] -= 1;
    let mut bytes = *secret;
    bytes[..32].copy_from_slice(&ell_minus_one);
    assert!(VaultSecretKey::from_bytes(&bytes).is_ok());
}

/// A zero sealing secret would make `Y = x⁻¹·H` undefined (0⁻¹ = 0 in dalek:
/// the identity key). The decoder refuses it.
#[test]
fn zero_sealing_secret_is_refused() {
    let mut bytes = *vault(6).secret().to_bytes();
    bytes[..32].fill(0);
    assert_eq!(
        VaultSecretKey::from_bytes(&bytes),
        Err(decode_err(Object::VaultSecretKey, DecodeFailure::Limit))
    );
}

#[test]
fn context_tags_and_limits() {
    let valid = context().to_bytes();
    let tag = decode_err(Object::Context, DecodeFailure::Tag);
    let limit = decode_err(Object::Context, DecodeFailure::Limit);
    // Version byte.
    for version in [0u8, 2, 0xff] {
        let mut bytes = valid.clone();
        bytes[0] = version;
        assert_eq!(Context::from_bytes(&bytes), Err(tag));
    }
    // Project id length 0 and 129 (the length byte is at offset 1).
    let encode = |project: &[u8], repository: &[u8], purpose: u8, extra: Option<&[u8]>| {
        let mut out = vec![1u8, u8::try_from(project.len()).unwrap()];
        out.extend_from_slice(project);
        out.extend_from_slice(&u16::try_from(repository.len()).unwrap().to_le_bytes());
        out.extend_from_slice(repository);
        out.push(purpose);
        out.extend_from_slice(&[7; 32]);
        match extra {
            None => out.push(0),
            Some(extra) => {
                out.push(1);
                out.extend_from_slice(&u16::try_from(extra.len()).unwrap().to_le_bytes());
                out.extend_from_slice(extra);
            }
        }
        out
    };
    // The hand-made encoding matches the library's.
    let reference = Context::new(b"p", b"r", Purpose::Secret, [7; 32]).unwrap();
    assert_eq!(encode(b"p", b"r", 3, None), reference.to_bytes());
    assert_eq!(
        encode(b"p", b"r", 3, Some(b"")),
        reference.clone().with_extra(b"").unwrap().to_bytes()
    );
    assert_eq!(Context::from_bytes(&encode(b"", b"r", 3, None)), Err(limit));
    assert_eq!(Context::from_bytes(&encode(&[1; 129], b"r", 3, None)), Err(limit));
    assert_eq!(Context::from_bytes(&encode(b"p", b"", 3, None)), Err(limit));
    assert_eq!(Context::from_bytes(&encode(b"p", &[1; 257], 3, None)), Err(limit));
    assert_eq!(Context::from_bytes(&encode(b"p", b"r", 3, Some(&[1; 1025]))), Err(limit));
    assert!(Context::from_bytes(&encode(&[1; 128], &[1; 256], 3, Some(&[1; 1024]))).is_ok());
    // Purpose bytes.
    for purpose in [0u8, 4, 0xff] {
        assert_eq!(Context::from_bytes(&encode(b"p", b"r", purpose, None)), Err(tag));
    }
    for (byte, purpose) in
        [(1, Purpose::DeployKey), (2, Purpose::WebhookSecret), (3, Purpose::Secret)]
    {
        let decoded = Context::from_bytes(&encode(b"p", b"r", byte, None)).unwrap();
        assert_eq!(decoded.purpose(), purpose);
    }
    // Extra-present byte other than 0 or 1.
    let mut bytes = encode(b"p", b"r", 3, None);
    *bytes.last_mut().unwrap() = 2;
    assert_eq!(Context::from_bytes(&bytes), Err(tag));
    // A length prefix claiming more than the input holds: Length, not a panic
    // and not an allocation of the claimed size.
    let mut bytes = encode(b"p", b"r", 3, Some(b"abc"));
    let at = bytes.len() - 5;
    bytes[at..at + 2].copy_from_slice(&1024u16.to_le_bytes());
    assert_eq!(
        Context::from_bytes(&bytes),
        Err(decode_err(Object::Context, DecodeFailure::Length))
    );
}

#[test]
fn kem_key_encodings() {
    let kp = vault(7);
    let mut bytes = kp.public().to_bytes();
    // u = p (non-canonical zero) and u = p + 1: non-canonical.
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    bytes[32..].copy_from_slice(&p);
    assert_eq!(
        VaultPublicKey::from_bytes(&bytes),
        Err(decode_err(Object::VaultPublicKey, DecodeFailure::NonCanonical))
    );
    // u = 0: small order.
    bytes[32..].fill(0);
    assert_eq!(
        VaultPublicKey::from_bytes(&bytes),
        Err(decode_err(Object::VaultPublicKey, DecodeFailure::SmallOrder))
    );
}
