//! Hybrid envelopes (`docs/PROTOCOL.md` §6): round trip, multi-vault, wrong key, tamper
//! sweep, context and associated-data binding, duplicate recipients, payload
//! limit, and the key commitment against a two-key ("invisible salamander")
//! envelope built from public pieces, as an attacker would.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    missing_docs
)]

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce, Tag};
use hkdf::Hkdf;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sha2::Sha256;
use vaultseal::hybrid::{self, Envelope, MAX_PAYLOAD_LEN};
use vaultseal::{
    Context, DecodeFailure, Error, InvalidInput, Object, Params, Purpose, VaultKeypair,
    VaultPublicKey,
};

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn vault(seed: u8) -> VaultKeypair {
    VaultKeypair::from_seed(Params::shared(), &[seed; 32]).unwrap()
}

fn context() -> Context {
    Context::new(b"project-1", b"github:123456789", Purpose::Secret, [0x11; 32]).unwrap()
}

fn decryption<T>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::Decryption))
}

#[test]
fn round_trip() {
    let ctx = context();
    let v = vault(1);
    for len in [0usize, 1, 15, 16, 17, 1000, 65_537] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let envelope = hybrid::seal(&[*v.public()], &ctx, b"ad", &payload, &mut rng(1)).unwrap();
        assert_eq!(envelope.payload_len(), len);
        let bytes = envelope.to_bytes();
        assert_eq!(bytes.len(), 54 + 144 + len);
        assert_eq!(bytes.len(), envelope.encoded_len());
        assert_eq!(bytes.len(), len + hybrid::envelope_overhead(1));
        assert_eq!(Envelope::from_bytes(&bytes).unwrap(), envelope);
        assert_eq!(&hybrid::open(&v, &envelope, &ctx, b"ad").unwrap()[..], &payload[..]);
        assert_eq!(&hybrid::open_bytes(&v, &bytes, &ctx, b"ad").unwrap()[..], &payload[..]);
    }
}

/// The overhead is `54 + 144·v` for every recipient count `v` (1 to 8), and
/// is what an envelope to `v` vaults adds to its payload; `encoded_len` is
/// the encoding's length, which `to_bytes` allocates exactly.
#[test]
fn overhead_and_encoded_length_for_every_recipient_count() {
    let ctx = context();
    let vaults: Vec<VaultKeypair> = (1..=hybrid::MAX_RECIPIENTS as u8).map(vault).collect();
    for v in 1..=hybrid::MAX_RECIPIENTS {
        assert_eq!(hybrid::envelope_overhead(v), 54 + 144 * v, "v = {v}");
        let recipients: Vec<VaultPublicKey> = vaults[..v].iter().map(|k| *k.public()).collect();
        let envelope = hybrid::seal(&recipients, &ctx, b"", b"payload", &mut rng(1)).unwrap();
        let bytes = envelope.to_bytes();
        assert_eq!(bytes.len(), 7 + hybrid::envelope_overhead(v), "v = {v}");
        assert_eq!(envelope.encoded_len(), bytes.len(), "v = {v}");
        assert_eq!(bytes.capacity(), bytes.len(), "v = {v}");
    }
}

#[test]
fn fresh_randomness_per_envelope() {
    let ctx = context();
    let v = vault(1);
    let a = hybrid::seal(&[*v.public()], &ctx, b"", b"same", &mut rng(1)).unwrap();
    let b = hybrid::seal(&[*v.public()], &ctx, b"", b"same", &mut rng(2)).unwrap();
    assert_ne!(a.to_bytes(), b.to_bytes());
    // The same RNG state and the same inputs give the same envelope: the
    // RNG output is the only randomness (no hidden source).
    let c = hybrid::seal(&[*v.public()], &ctx, b"", b"same", &mut rng(1)).unwrap();
    assert_eq!(a, c);
}

/// The header's key commitment, a function of the file key `K` alone.
fn commit(envelope: &[u8], recipients: usize) -> &[u8] {
    let at = 2 + 64 * recipients;
    &envelope[at..at + 32]
}

/// The payload ciphertext without its tag (the last `len + 16` bytes).
fn payload_body(envelope: &[u8], len: usize) -> &[u8] {
    &envelope[envelope.len() - len - 16..envelope.len() - 16]
}

/// A repeated RNG state (a forked process, a restored snapshot) must not
/// reuse a keystream: the file key is synthetic, keyed with the payload,
/// the associated data, the context and the recipients as well as the RNG
/// output. With `K` taken from the RNG alone, the two ciphertexts below
/// would satisfy `c₁ ⊕ c₂ = p₁ ⊕ p₂`.
#[test]
fn repeated_rng_state_does_not_reuse_a_keystream() {
    let ctx = context();
    let (v1, v2) = (vault(1), vault(2));
    let one = [*v1.public()];
    let p1 = [0x41u8; 64];
    let mut p2 = p1;
    p2[63] ^= 1; // differs in one bit
    let a = hybrid::seal(&one, &ctx, b"ad", &p1, &mut rng(9)).unwrap().to_bytes();
    let b = hybrid::seal(&one, &ctx, b"ad", &p2, &mut rng(9)).unwrap().to_bytes();
    assert_ne!(commit(&a, 1), commit(&b, 1), "same file key for different payloads");
    let xor_c: Vec<u8> =
        payload_body(&a, 64).iter().zip(payload_body(&b, 64)).map(|(x, y)| x ^ y).collect();
    let xor_p: Vec<u8> = p1.iter().zip(&p2).map(|(x, y)| x ^ y).collect();
    assert_ne!(xor_c, xor_p, "keystream reused");
    // Not one keystream byte in common at the same position.
    let ks_a: Vec<u8> = payload_body(&a, 64).iter().zip(&p1).map(|(c, p)| c ^ p).collect();
    let ks_b: Vec<u8> = payload_body(&b, 64).iter().zip(&p2).map(|(c, p)| c ^ p).collect();
    assert!(ks_a.iter().zip(&ks_b).filter(|(x, y)| x == y).count() < 8);
    // Every wrap's ephemeral key is fresh too.
    assert_ne!(a[a.len() - 64 - 16 - 4 - 80..][..32], b[b.len() - 64 - 16 - 4 - 80..][..32]);

    // Each other input also changes the file key under the same RNG state.
    let ctx2 = ctx.clone().with_extra(b"other").unwrap();
    let two = [*v1.public(), *v2.public()];
    let variants = [
        hybrid::seal(&one, &ctx, b"aD", &p1, &mut rng(9)).unwrap().to_bytes(),
        hybrid::seal(&one, &ctx2, b"ad", &p1, &mut rng(9)).unwrap().to_bytes(),
        hybrid::seal(&[*v2.public()], &ctx, b"ad", &p1, &mut rng(9)).unwrap().to_bytes(),
    ];
    for variant in &variants {
        assert_ne!(commit(&a, 1), commit(variant, 1));
    }
    let wide = hybrid::seal(&two, &ctx, b"ad", &p1, &mut rng(9)).unwrap().to_bytes();
    assert_ne!(commit(&a, 1), commit(&wide, 2));
    // The RNG still matters: another state, same inputs, another key.
    let c = hybrid::seal(&one, &ctx, b"ad", &p1, &mut rng(10)).unwrap().to_bytes();
    assert_ne!(commit(&a, 1), commit(&c, 1));
}

#[test]
fn multi_vault() {
    let ctx = context();
    let vaults: Vec<VaultKeypair> = (1..=8).map(vault).collect();
    let outsider = vault(99);
    let payload = b"one payload, eight vaults".to_vec();
    for v in [1usize, 2, 3, 8] {
        // Given in reverse order; the envelope lists them canonically.
        let recipients: Vec<VaultPublicKey> =
            vaults[..v].iter().rev().map(|k| *k.public()).collect();
        let envelope = hybrid::seal(&recipients, &ctx, b"ad", &payload, &mut rng(3)).unwrap();
        let mut sorted = recipients.clone();
        sorted.sort();
        assert_eq!(envelope.recipients(), &sorted[..]);
        let bytes = envelope.to_bytes();
        assert_eq!(bytes.len(), 54 + 144 * v + payload.len());
        for k in &vaults[..v] {
            assert_eq!(&hybrid::open_bytes(k, &bytes, &ctx, b"ad").unwrap()[..], &payload[..]);
        }
        for k in vaults[v..].iter().chain([&outsider]) {
            assert!(decryption(hybrid::open_bytes(k, &bytes, &ctx, b"ad")));
        }
    }
}

#[test]
fn recipient_count_limits() {
    let ctx = context();
    let keys: Vec<VaultPublicKey> = (1..=9).map(|s| *vault(s).public()).collect();
    let count = Err(Error::InvalidInput { what: InvalidInput::RecipientCount });
    assert_eq!(hybrid::seal(&[], &ctx, b"", b"x", &mut rng(1)), count);
    assert_eq!(hybrid::seal(&keys, &ctx, b"", b"x", &mut rng(1)), count);
    assert!(hybrid::seal(&keys[..8], &ctx, b"", b"x", &mut rng(1)).is_ok());
}

#[test]
fn wrong_key() {
    let ctx = context();
    let (a, b) = (vault(1), vault(2));
    let envelope = hybrid::seal(&[*a.public()], &ctx, b"", b"secret", &mut rng(4)).unwrap();
    assert!(decryption(hybrid::open(&b, &envelope, &ctx, b"")));

    // A keypair with the same sealing secret x but another KEM secret w: it
    // is not a recipient (its W differs), and listing it in the header by
    // hand does not help, since the wraps authenticate the header.
    let secret = a.secret().to_bytes();
    let mut forged = *secret;
    forged[32] ^= 0x40;
    let impostor = VaultKeypair::from_secret(
        Params::shared(),
        vaultseal::VaultSecretKey::from_bytes(&forged).unwrap(),
    );
    assert_ne!(impostor.public(), a.public());
    assert_eq!(impostor.public().sealing_key_bytes(), a.public().sealing_key_bytes());
    assert!(decryption(hybrid::open(&impostor, &envelope, &ctx, b"")));
    // Re-list the envelope under the impostor's key by hand: header bytes
    // change, so the real wrap no longer authenticates either.
    let mut bytes = envelope.to_bytes();
    bytes[2..66].copy_from_slice(&impostor.public().to_bytes());
    assert!(decryption(hybrid::open_bytes(&impostor, &bytes, &ctx, b"")));
}

/// Flip every byte of a small envelope (one vault, 8-byte payload), with two
/// masks: decoding either refuses it with a typed `HybridEnvelope` error or
/// accepts it and opening fails with the opaque error; `open_bytes` always
/// gives the opaque error.
#[test]
fn tamper_every_byte() {
    let ctx = context();
    let v = vault(1);
    let envelope = hybrid::seal(&[*v.public()], &ctx, b"ad", b"8 bytes!", &mut rng(5)).unwrap();
    let bytes = envelope.to_bytes();
    assert_eq!(bytes.len(), 54 + 144 + 8);
    let header_len = 34 + 64;
    let wrap_end = header_len + 80;
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80] {
            let mut tampered = bytes.clone();
            tampered[i] ^= mask;
            match Envelope::from_bytes(&tampered) {
                Ok(decoded) => {
                    assert!(decryption(hybrid::open(&v, &decoded, &ctx, b"ad")), "byte {i}");
                }
                Err(Error::Decode { what: Object::HybridEnvelope, .. }) => {
                    // Only structural fields may fail to decode: version, v,
                    // the recipient key, a wrap's enc, the payload length.
                    let structural = i < 66
                        || (header_len..header_len + 32).contains(&i)
                        || (wrap_end..wrap_end + 4).contains(&i);
                    assert!(structural, "byte {i} failed to decode");
                }
                Err(other) => panic!("byte {i}: unexpected {other:?}"),
            }
            assert!(decryption(hybrid::open_bytes(&v, &tampered, &ctx, b"ad")), "byte {i}");
        }
    }
    // Commitment, wrap ciphertext and payload bytes always decode, and fail
    // at open.
    for i in (66..98).chain(header_len + 32..wrap_end).chain(wrap_end + 4..bytes.len()) {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x01;
        let decoded = Envelope::from_bytes(&tampered).unwrap();
        assert!(decryption(hybrid::open(&v, &decoded, &ctx, b"ad")), "byte {i}");
    }
}

/// With two vaults, a flipped byte anywhere — in the other vault's wrap too —
/// makes both refuse: the payload's associated data covers every wrap.
#[test]
fn tamper_every_byte_two_vaults() {
    let ctx = context();
    let (a, b) = (vault(1), vault(2));
    let bytes = hybrid::seal(&[*a.public(), *b.public()], &ctx, b"", b"8 bytes!", &mut rng(5))
        .unwrap()
        .to_bytes();
    assert_eq!(bytes.len(), 54 + 2 * 144 + 8);
    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x02;
        for k in [&a, &b] {
            assert!(decryption(hybrid::open_bytes(k, &tampered, &ctx, b"")), "byte {i}");
        }
    }
}

#[test]
fn truncated_and_extended_envelopes_are_refused() {
    let ctx = context();
    let v = vault(1);
    let bytes =
        hybrid::seal(&[*v.public()], &ctx, b"", b"payload", &mut rng(6)).unwrap().to_bytes();
    for len in 0..bytes.len() {
        assert!(
            matches!(
                Envelope::from_bytes(&bytes[..len]),
                Err(Error::Decode { what: Object::HybridEnvelope, .. })
            ),
            "prefix {len}"
        );
        assert!(decryption(hybrid::open_bytes(&v, &bytes[..len], &ctx, b"")));
    }
    let mut extended = bytes.clone();
    extended.push(0);
    assert_eq!(
        Envelope::from_bytes(&extended),
        Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::TrailingData })
    );
    assert!(decryption(hybrid::open_bytes(&v, &extended, &ctx, b"")));
}

#[test]
fn context_binding() {
    let ctx = context();
    let v = vault(1);
    let envelope = hybrid::seal(&[*v.public()], &ctx, b"", b"bound", &mut rng(7)).unwrap();
    assert!(hybrid::open(&v, &envelope, &ctx, b"").is_ok());
    let others = [
        Context::new(b"project-2", b"github:123456789", Purpose::Secret, [0x11; 32]).unwrap(),
        Context::new(b"project-1", b"github:123456780", Purpose::Secret, [0x11; 32]).unwrap(),
        ctx.with_purpose(Purpose::DeployKey),
        ctx.with_purpose(Purpose::WebhookSecret),
        Context::new(b"project-1", b"github:123456789", Purpose::Secret, [0x12; 32]).unwrap(),
        ctx.clone().with_extra(b"").unwrap(),
        ctx.clone().with_extra(b"x").unwrap(),
    ];
    for other in &others {
        assert_ne!(other, &ctx);
        assert!(decryption(hybrid::open(&v, &envelope, other, b"")), "{other:?}");
    }
    // And the other way round: absent and empty extra differ.
    let with_empty = ctx.clone().with_extra(b"").unwrap();
    let envelope = hybrid::seal(&[*v.public()], &with_empty, b"", b"bound", &mut rng(7)).unwrap();
    assert!(hybrid::open(&v, &envelope, &with_empty, b"").is_ok());
    assert!(decryption(hybrid::open(&v, &envelope, &ctx, b"")));
}

#[test]
fn associated_data_binding() {
    let ctx = context();
    let v = vault(1);
    let envelope =
        hybrid::seal(&[*v.public()], &ctx, b"registration-7", b"p", &mut rng(8)).unwrap();
    assert!(hybrid::open(&v, &envelope, &ctx, b"registration-7").is_ok());
    for other in [&b""[..], b"registration-8", b"registration-7\0", b"registration-"] {
        assert!(decryption(hybrid::open(&v, &envelope, &ctx, other)));
    }
    let empty = hybrid::seal(&[*v.public()], &ctx, b"", b"p", &mut rng(8)).unwrap();
    assert!(hybrid::open(&v, &empty, &ctx, b"").is_ok());
    assert!(decryption(hybrid::open(&v, &empty, &ctx, b"\0")));
}

#[test]
fn duplicate_recipients_are_refused() {
    let ctx = context();
    let (a, b) = (vault(1), vault(2));
    let dup = Err(Error::InvalidInput { what: InvalidInput::DuplicateRecipient });
    assert_eq!(hybrid::seal(&[*a.public(), *a.public()], &ctx, b"", b"x", &mut rng(1)), dup);
    assert_eq!(
        hybrid::seal(&[*a.public(), *b.public(), *a.public()], &ctx, b"", b"x", &mut rng(1)),
        dup
    );
    // Same KEM key W under another sealing key Y: one KEM recipient twice.
    let mut same_w = b.public().to_bytes();
    same_w[32..].copy_from_slice(&a.public().kem_key_bytes());
    let same_w = VaultPublicKey::from_bytes(&same_w).unwrap();
    assert_eq!(hybrid::seal(&[*a.public(), same_w], &ctx, b"", b"x", &mut rng(1)), dup);
    // Same Y with another W: the same vault twice.
    let mut same_y = a.public().to_bytes();
    same_y[32..].copy_from_slice(&b.public().kem_key_bytes());
    let same_y = VaultPublicKey::from_bytes(&same_y).unwrap();
    assert_eq!(hybrid::seal(&[*a.public(), same_y], &ctx, b"", b"x", &mut rng(1)), dup);

    // On the wire: a two-recipient envelope whose second entry repeats the
    // first, and one whose entries are swapped, are refused by the decoder
    // and opaque to open.
    let envelope = hybrid::seal(&[*a.public(), *b.public()], &ctx, b"", b"x", &mut rng(1)).unwrap();
    let bytes = envelope.to_bytes();
    let unsorted =
        Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::Unsorted });
    let mut repeated = bytes.clone();
    let first = bytes[2..66].to_vec();
    repeated[66..130].copy_from_slice(&first);
    assert_eq!(Envelope::from_bytes(&repeated), unsorted);
    let mut swapped = bytes.clone();
    swapped[2..66].copy_from_slice(&bytes[66..130]);
    swapped[66..130].copy_from_slice(&bytes[2..66]);
    let wraps = 162;
    swapped[wraps..wraps + 80].copy_from_slice(&bytes[wraps + 80..wraps + 160]);
    swapped[wraps + 80..wraps + 160].copy_from_slice(&bytes[wraps..wraps + 80]);
    assert_eq!(Envelope::from_bytes(&swapped), unsorted);
    for k in [&a, &b] {
        assert!(decryption(hybrid::open_bytes(k, &repeated, &ctx, b"")));
        assert!(decryption(hybrid::open_bytes(k, &swapped, &ctx, b"")));
        assert!(hybrid::open_bytes(k, &bytes, &ctx, b"").is_ok());
    }
}

#[test]
fn payload_limit() {
    let ctx = context();
    let v = vault(1);
    let mut payload = vec![0xa5u8; MAX_PAYLOAD_LEN];
    let envelope = hybrid::seal(&[*v.public()], &ctx, b"", &payload, &mut rng(9)).unwrap();
    let bytes = envelope.to_bytes();
    assert_eq!(&hybrid::open_bytes(&v, &bytes, &ctx, b"").unwrap()[..], &payload[..]);
    payload.push(0);
    assert_eq!(
        hybrid::seal(&[*v.public()], &ctx, b"", &payload, &mut rng(9)),
        Err(Error::InvalidInput { what: InvalidInput::PayloadLength })
    );
    // A length field over the limit is refused before anything is allocated.
    let mut over = bytes[..bytes.len() - MAX_PAYLOAD_LEN - 16].to_vec();
    let n = over.len() - 4;
    over[n..].copy_from_slice(&u32::try_from(MAX_PAYLOAD_LEN + 17).unwrap().to_le_bytes());
    assert_eq!(
        Envelope::from_bytes(&over),
        Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::Limit })
    );
    over[n..].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        Envelope::from_bytes(&over),
        Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::Limit })
    );
    over[n..].copy_from_slice(&15u32.to_le_bytes());
    over.extend_from_slice(&[0; 15]);
    assert_eq!(
        Envelope::from_bytes(&over),
        Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::Limit })
    );
}

// ---------------------------------------------------------------------------
// Key commitment: an attacker's envelope whose wraps carry two file keys.
// ---------------------------------------------------------------------------

type HpkeKem = hpke::kem::X25519HkdfSha256;
type HpkeKdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::ChaCha20Poly1305;

/// `payload_key` and `commit` of a file key, as docs/PROTOCOL.md defines them.
fn derive(file_key: &[u8; 32]) -> ([u8; 32], [u8; 32]) {
    let hk = Hkdf::<Sha256>::new(Some(b"vaultseal-hybrid-kdf-v1"), file_key);
    let (mut payload_key, mut commit) = ([0u8; 32], [0u8; 32]);
    hk.expand(b"payload", &mut payload_key).unwrap();
    hk.expand(b"key-commit", &mut commit).unwrap();
    (payload_key, commit)
}

/// An HPKE wrap of `file_key` to `W`, built with the `hpke` crate directly.
fn attacker_wrap(
    kem_key: [u8; 32],
    info: &[u8],
    header: &[u8],
    file_key: &[u8; 32],
    rng: &mut ChaCha20Rng,
) -> Vec<u8> {
    use hpke::{Deserializable, Serializable};
    let pk = <HpkeKem as hpke::Kem>::PublicKey::from_bytes(&kem_key).unwrap();
    let (enc, ct) = hpke::single_shot_seal_with_rng::<HpkeAead, HpkeKdf, HpkeKem>(
        &hpke::OpModeS::Base,
        &pk,
        info,
        file_key,
        header,
        rng,
    )
    .unwrap();
    let mut wrap = enc.to_bytes().to_vec();
    wrap.extend_from_slice(&ct);
    assert_eq!(wrap.len(), 80);
    wrap
}

/// Arithmetic modulo p = 2¹³⁰ − 5 on five 26-bit limbs (Poly1305's field).
mod fp {
    const M: u64 = (1 << 26) - 1;

    #[derive(Clone, Copy)]
    pub struct Fe(pub [u64; 5]);

    /// `lo + hi·2¹²⁸` with `hi < 4`.
    pub fn from_parts(lo: u128, hi: u64) -> Fe {
        carry([
            (lo as u64) & M,
            ((lo >> 26) as u64) & M,
            ((lo >> 52) as u64) & M,
            ((lo >> 78) as u64) & M,
            ((lo >> 104) as u64) | (hi << 24),
        ])
    }

    /// Propagate carries until every limb is below 2²⁶ (value mod p kept).
    fn carry(mut h: [u64; 5]) -> Fe {
        while h.iter().any(|&limb| limb > M) {
            for i in 0..4 {
                h[i + 1] += h[i] >> 26;
                h[i] &= M;
            }
            h[0] += (h[4] >> 26) * 5;
            h[4] &= M;
        }
        Fe(h)
    }

    pub fn add(a: Fe, b: Fe) -> Fe {
        carry(core::array::from_fn(|i| a.0[i] + b.0[i]))
    }

    pub fn sub(a: Fe, b: Fe) -> Fe {
        // a + 2p − b, limb by limb (2p = 2·(2²⁶−5, 2²⁶−1, …)).
        let two_p = [2 * (M - 4), 2 * M, 2 * M, 2 * M, 2 * M];
        let b = freeze(b);
        carry(core::array::from_fn(|i| a.0[i] + two_p[i] - b.0[i]))
    }

    pub fn mul(a: Fe, b: Fe) -> Fe {
        let (a, b) = (a.0, b.0);
        let s: [u64; 5] = core::array::from_fn(|i| b[i] * 5);
        let d0 = a[0] * b[0] + a[1] * s[4] + a[2] * s[3] + a[3] * s[2] + a[4] * s[1];
        let d1 = a[0] * b[1] + a[1] * b[0] + a[2] * s[4] + a[3] * s[3] + a[4] * s[2];
        let d2 = a[0] * b[2] + a[1] * b[1] + a[2] * b[0] + a[3] * s[4] + a[4] * s[3];
        let d3 = a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0] + a[4] * s[4];
        let d4 = a[0] * b[4] + a[1] * b[3] + a[2] * b[2] + a[3] * b[1] + a[4] * b[0];
        carry([d0, d1, d2, d3, d4])
    }

    /// `a^(p−2)`: p − 2 = 2¹³⁰ − 7 has bits 129..3 set, then 0, 0, 1.
    pub fn invert(a: Fe) -> Fe {
        let mut r = from_parts(1, 0);
        for bit in (0..130).rev() {
            r = mul(r, r);
            if bit >= 3 || bit == 0 {
                r = mul(r, a);
            }
        }
        r
    }

    /// The canonical representative, `< p`.
    pub fn freeze(a: Fe) -> Fe {
        let h = carry(a.0).0;
        // g = h + 5 − 2¹³⁰; if it does not borrow, h ≥ p and g is the result.
        let mut g = [0u64; 5];
        let mut c = 5;
        for i in 0..5 {
            let t = h[i] + c;
            g[i] = t & M;
            c = t >> 26;
        }
        if c == 1 { Fe(g) } else { Fe(h) }
    }

    /// `(lo, hi)` with value `lo + hi·2¹²⁸`.
    pub fn to_parts(a: Fe) -> (u128, u64) {
        let h = freeze(a).0;
        let lo = u128::from(h[0])
            | u128::from(h[1]) << 26
            | u128::from(h[2]) << 52
            | u128::from(h[3]) << 78
            | u128::from(h[4] & ((1 << 24) - 1)) << 104;
        (lo, h[4] >> 24)
    }
}

/// Poly1305 key `(r, s)` of ChaCha20-Poly1305 under `key` with the zero
/// nonce: the first 32 bytes of ChaCha20 block 0 (RFC 8439 §2.6).
fn poly1305_key(key: &[u8; 32]) -> (fp::Fe, u128) {
    use chacha20::cipher::{KeyIvInit, StreamCipher};
    let mut block = [0u8; 32];
    let mut cipher = chacha20::ChaCha20::new(key.into(), &[0u8; 12].into());
    cipher.apply_keystream(&mut block);
    let r = u128::from_le_bytes(block[..16].try_into().unwrap())
        & 0x0fff_fffc_0fff_fffc_0fff_fffc_0fff_ffff;
    let s = u128::from_le_bytes(block[16..].try_into().unwrap());
    (fp::from_parts(r, 0), s)
}

/// Poly1305's polynomial (before `+ s`) over the AEAD's MAC input
/// `ad ‖ pad ‖ ct ‖ pad ‖ le64(|ad|) ‖ le64(|ct|)`, and the number of blocks
/// that follow block `index` (its power of `r` is that number plus one).
fn poly(r: fp::Fe, ad: &[u8], ct: &[u8]) -> (fp::Fe, Vec<[u8; 16]>) {
    let mut blocks = Vec::new();
    for data in [ad, ct] {
        for chunk in data.chunks(16) {
            let mut b = [0u8; 16];
            b[..chunk.len()].copy_from_slice(chunk);
            blocks.push(b);
        }
    }
    let mut lengths = [0u8; 16];
    lengths[..8].copy_from_slice(&(ad.len() as u64).to_le_bytes());
    lengths[8..].copy_from_slice(&(ct.len() as u64).to_le_bytes());
    blocks.push(lengths);
    let mut h = fp::from_parts(0, 0);
    for b in &blocks {
        h = fp::mul(fp::add(h, fp::from_parts(u128::from_le_bytes(*b), 1)), r);
    }
    (h, blocks)
}

fn pow(a: fp::Fe, e: usize) -> fp::Fe {
    (0..e).fold(fp::from_parts(1, 0), |acc, _| fp::mul(acc, a))
}

/// A 32-byte ChaCha20-Poly1305 ciphertext and tag valid under both keys
/// (AD `ad`, zero nonce): the first ciphertext block is solved for, the
/// second drawn at random until the solution fits in 16 bytes.
#[allow(non_snake_case)]
fn two_key_ciphertext(k1: &[u8; 32], k2: &[u8; 32], ad: &[u8]) -> (Vec<u8>, [u8; 16]) {
    let (r1, s1) = poly1305_key(k1);
    let (r2, s2) = poly1305_key(k2);
    let ad_blocks = ad.len().div_ceil(16);
    // Blocks after the free one: the second ciphertext block and the lengths.
    let power = 3;
    let (R1, R2) = (pow(r1, power), pow(r2, power));
    let inv = fp::invert(fp::sub(R1, R2));
    let two_128 = fp::from_parts(0, 1);
    let delta = s2.wrapping_sub(s1);
    let mut rng = rng(0x5a1a);
    for _ in 0..256 {
        let mut ct = vec![0u8; 32];
        rng.fill_bytes(&mut ct[16..]);
        // h_k = A_k + X·R_k with the free block X = 0.
        let (A1, blocks) = poly(r1, ad, &ct);
        let (A2, _) = poly(r2, ad, &ct);
        assert_eq!(blocks.len(), ad_blocks + 3);
        // Want h1 − h2 = t for some integer t ≡ s2 − s1 (mod 2¹²⁸), |t| < p.
        for j in -4i64..4 {
            let shift =
                (0..j.unsigned_abs()).fold(fp::from_parts(0, 0), |a, _| fp::add(a, two_128));
            let base = fp::from_parts(delta, 0);
            let t = if j >= 0 { fp::add(base, shift) } else { fp::sub(base, shift) };
            let x = fp::mul(fp::sub(t, fp::sub(A1, A2)), inv);
            let (x_lo, x_hi) = fp::to_parts(x);
            if x_hi != 0 {
                continue;
            }
            ct[..16].copy_from_slice(&x_lo.to_le_bytes());
            let (h1, _) = poly(r1, ad, &ct);
            let tag = fp::to_parts(h1).0.wrapping_add(s1).to_le_bytes();
            let opens = |k: &[u8; 32]| {
                let mut buf = ct.clone();
                ChaCha20Poly1305::new(k.into())
                    .decrypt_inout_detached(
                        &Nonce::default(),
                        ad,
                        buf.as_mut_slice().into(),
                        &Tag::from(tag),
                    )
                    .is_ok()
            };
            if opens(k1) && opens(k2) {
                return (ct, tag);
            }
        }
    }
    panic!("no two-key ciphertext found");
}

fn aead_open(key: &[u8; 32], ad: &[u8], ct: &[u8], tag: [u8; 16]) -> Option<Vec<u8>> {
    let mut buf = ct.to_vec();
    ChaCha20Poly1305::new(key.into())
        .decrypt_inout_detached(&Nonce::default(), ad, buf.as_mut_slice().into(), &Tag::from(tag))
        .ok()
        .map(|()| buf)
}

/// Two vaults, two file keys, one payload ciphertext that authenticates
/// under both payload keys to two different plaintexts. Without the
/// commitment each vault would open "its" plaintext; with it, only the
/// vault whose file key matches the header's commitment opens, and every
/// vault that opens gets the same plaintext.
#[test]
#[allow(non_snake_case)]
fn key_commitment_stops_two_key_envelopes() {
    let ctx = context();
    let (a, b) = (vault(1), vault(2));
    let mut recipients = [*a.public(), *b.public()];
    recipients.sort();
    let mut rng = rng(0xc0);
    let (mut K1, mut K2) = ([0u8; 32], [0u8; 32]);
    rng.fill_bytes(&mut K1);
    rng.fill_bytes(&mut K2);
    let (key1, commit1) = derive(&K1);
    let (key2, commit2) = derive(&K2);
    assert_ne!(commit1, commit2);

    let mut info = b"vaultseal-hybrid-wrap-v1".to_vec();
    info.extend_from_slice(&ctx.to_bytes());
    let ad = b"caller ad";

    // Which vault gets which key; which commitment the header carries.
    for (commit, expected_key) in [(commit1, Some(key1)), (commit2, Some(key2)), ([7u8; 32], None)]
    {
        let mut header = vec![1u8, 2];
        for r in &recipients {
            header.extend_from_slice(&r.to_bytes());
        }
        header.extend_from_slice(&commit);
        // recipients[0] gets K1, recipients[1] gets K2.
        let mut bytes = header.clone();
        bytes.extend_from_slice(&attacker_wrap(
            recipients[0].kem_key_bytes(),
            &info,
            &header,
            &K1,
            &mut rng,
        ));
        bytes.extend_from_slice(&attacker_wrap(
            recipients[1].kem_key_bytes(),
            &info,
            &header,
            &K2,
            &mut rng,
        ));
        // Payload AD: header ‖ wraps ‖ caller AD.
        let mut payload_ad = bytes.clone();
        payload_ad.extend_from_slice(ad);
        let (ct, tag) = two_key_ciphertext(&key1, &key2, &payload_ad);
        let p1 = aead_open(&key1, &payload_ad, &ct, tag).unwrap();
        let p2 = aead_open(&key2, &payload_ad, &ct, tag).unwrap();
        assert_ne!(p1, p2, "the AEAD alone would give two plaintexts");
        bytes.extend_from_slice(&48u32.to_le_bytes());
        bytes.extend_from_slice(&ct);
        bytes.extend_from_slice(&tag);
        let envelope = Envelope::from_bytes(&bytes).unwrap();

        let mut opened = Vec::new();
        for (j, vault) in
            recipients.iter().map(|r| if r == a.public() { &a } else { &b }).enumerate()
        {
            let key_j = if j == 0 { key1 } else { key2 };
            match hybrid::open(vault, &envelope, &ctx, ad) {
                Ok(plaintext) => {
                    // Only a vault whose file key matches the commitment.
                    assert_eq!(Some(key_j), expected_key, "vault {j} opened");
                    opened.push(plaintext.to_vec());
                }
                Err(e) => {
                    assert_eq!(e, Error::Decryption);
                    assert_ne!(Some(key_j), expected_key, "vault {j} refused");
                }
            }
        }
        // At most one plaintext ever comes out, and it is the one that
        // matches the committed key.
        match expected_key {
            Some(k) if k == key1 => assert_eq!(opened, vec![p1]),
            Some(_) => assert_eq!(opened, vec![p2]),
            None => assert!(opened.is_empty()),
        }
    }
}
