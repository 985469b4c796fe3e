//! Hybrid envelopes: RFC 9180 Appendix A.2.1 (the suite of every wrap) and a
//! pinned seeded envelope, re-derived step by step from docs/PROTOCOL.md.

use crate::vectors::{check_or_write, seeded_rng};
use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce, Tag};
use hkdf::Hkdf;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::Rng;
use serde_json::json;
use sha2::{Digest, Sha256};
use vaultseal::hybrid::{self, Envelope};
use vaultseal::{Context, Params, Purpose, VaultKeypair};

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::ChaCha20Poly1305;

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

/// An RNG that replays fixed bytes (the RFC's `ikmE`).
struct ReplayRng(Vec<u8>, usize);

impl rand_core::TryRng for ReplayRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        unreachable!("HPKE draws bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        unreachable!("HPKE draws bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for d in dst {
            *d = self.0[self.1];
            self.1 += 1;
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for ReplayRng {}

// RFC 9180 A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305,
// mode_base.
const IKM_E: &str = "909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b";
const PK_EM: &str = "1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a";
const SK_EM: &str = "f4ec9b33b792c372c1d2c2063507b684ef925b8c75a42dbcbf57d63ccd381600";
const IKM_R: &str = "1ac01f181fdf9f352797655161c58b75c656a6cc2716dcb66372da835542e1df";
const PK_RM: &str = "4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a";
const SK_RM: &str = "8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb";
const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
/// A.2.1.1: (sequence number, aad, ciphertext).
const ENCRYPTIONS: [(u64, &str, &str); 6] = [
    (
        0,
        "436f756e742d30",
        "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
    ),
    (
        1,
        "436f756e742d31",
        "6b53c051e4199c518de79594e1c4ab18b96f081549d45ce015be002090bb119e85285337cc95ba5f59992dc98c",
    ),
    (
        2,
        "436f756e742d32",
        "71146bd6795ccc9c49ce25dda112a48f202ad220559502cef1f34271e0cb4b02b4f10ecac6f48c32f878fae86b",
    ),
    (
        4,
        "436f756e742d34",
        "63357a2aa291f5a4e5f27db6baa2af8cf77427c7c1a909e0b37214dd47db122bb153495ff0b02e9e54a50dbe16",
    ),
    (
        255,
        "436f756e742d323535",
        "18ab939d63ddec9f6ac2b60d61d36a7375d2070c9b683861110757062c52b8880a5f6b3936da9cd6c23ef2a95c",
    ),
    (
        256,
        "436f756e742d323536",
        "7a4a13e9ef23978e2c520fd4d2e757514ae160cd0cd05e556ef692370ca53076214c0c40d4c728d6ed9e727a5b",
    ),
];
/// A.2.1.2: (exporter context, exported value), L = 32.
const EXPORTS: [(&str, &str); 3] = [
    ("", "4bbd6243b8bb54cec311fac9df81841b6fd61f56538a775e7c80a9f40160606e"),
    ("00", "8c1df14732580e5501b00f82b10a1647b40713191b7c1240ac80e2b68808ba69"),
    ("54657374436f6e74657874", "5acb09211139c43b3090489a9da433e8a30ee7188ba8b0a9a1ccf0c229283e53"),
];

/// RFC 7748 clamping: HPKE's `SerializePrivateKey` for X25519 clamps, the
/// RFC's `skRm`/`skEm` are the unclamped `DeriveKeyPair` outputs.
fn clamp(mut sk: Vec<u8>) -> Vec<u8> {
    sk[0] &= 248;
    sk[31] &= 127;
    sk[31] |= 64;
    sk
}

#[test]
fn rfc9180_a_2_1_base_mode() {
    // Key derivation (RFC 9180 §7.1.3).
    let (sk_r, pk_r) = <Kem as hpke::Kem>::derive_keypair(&unhex(IKM_R));
    assert_eq!(hex::encode(pk_r.to_bytes()), PK_RM);
    assert_eq!(sk_r.to_bytes().to_vec(), clamp(unhex(SK_RM)));
    let (sk_e, pk_e) = <Kem as hpke::Kem>::derive_keypair(&unhex(IKM_E));
    assert_eq!(hex::encode(pk_e.to_bytes()), PK_EM);
    assert_eq!(sk_e.to_bytes().to_vec(), clamp(unhex(SK_EM)));
    // The unclamped RFC key deserializes to the same (clamped) key.
    let sk_r_rfc = <Kem as hpke::Kem>::PrivateKey::from_bytes(&unhex(SK_RM)).unwrap();
    assert_eq!(sk_r_rfc.to_bytes(), sk_r.to_bytes());

    // Sender: the ephemeral key comes from the RNG as ikmE (Nsk = 32 bytes).
    let info = unhex(INFO);
    let pt = unhex(PT);
    let (enc, mut sender) = hpke::setup_sender_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &pk_r,
        &info,
        &mut ReplayRng(unhex(IKM_E), 0),
    )
    .unwrap();
    assert_eq!(hex::encode(enc.to_bytes()), PK_EM);
    let mut receiver =
        hpke::setup_receiver::<Aead, Kdf, Kem>(&OpModeR::Base, &sk_r_rfc, &enc, &info).unwrap();
    let mut checked = 0;
    for seq in 0..=256u64 {
        let aad = format!("Count-{seq}").into_bytes();
        let ct = sender.seal(&pt, &aad).unwrap();
        if let Some((_, vector_aad, vector_ct)) = ENCRYPTIONS.iter().find(|(s, ..)| *s == seq) {
            assert_eq!(hex::encode(&aad), *vector_aad);
            assert_eq!(hex::encode(&ct), *vector_ct, "sequence number {seq}");
            checked += 1;
        }
        assert_eq!(receiver.open(&ct, &aad).unwrap(), pt);
    }
    assert_eq!(checked, ENCRYPTIONS.len());
    for (context, value) in EXPORTS {
        let mut out = [0u8; 32];
        receiver.export(&unhex(context), &mut out).unwrap();
        assert_eq!(hex::encode(out), value);
    }

    // The single-shot call the crate makes for every wrap reproduces
    // sequence number 0.
    let (enc, ct) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &pk_r,
        &info,
        &pt,
        &unhex(ENCRYPTIONS[0].1),
        &mut ReplayRng(unhex(IKM_E), 0),
    )
    .unwrap();
    assert_eq!(hex::encode(enc.to_bytes()), PK_EM);
    assert_eq!(hex::encode(&ct), ENCRYPTIONS[0].2);
    let opened = hpke::single_shot_open::<Aead, Kdf, Kem>(
        &OpModeR::Base,
        &sk_r_rfc,
        &enc,
        &info,
        &ct,
        &unhex(ENCRYPTIONS[0].1),
    )
    .unwrap();
    assert_eq!(opened, pt);
}

/// The caller's RNG as merlin 3 (rand_core 0.6) sees it in `finalize`,
/// which draws exactly 32 bytes: replays them.
struct Replay06([u8; 32]);

impl rand_core_06::RngCore for Replay06 {
    fn next_u32(&mut self) -> u32 {
        unreachable!("merlin draws bytes")
    }
    fn next_u64(&mut self) -> u64 {
        unreachable!("merlin draws bytes")
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        assert_eq!(dest.len(), 32, "merlin's finalize draws 32 bytes");
        dest.copy_from_slice(&self.0);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl rand_core_06::CryptoRng for Replay06 {}

/// A two-vault envelope from a seeded RNG, pinned byte for byte, and
/// re-derived here from the documented steps (PROTOCOL §6.2): 32 RNG bytes
/// finalize the synthetic stream (merlin transcript of the context,
/// recipients and `SHA-256(ad)`, re-keyed with `SHA-256(payload)`); `K` is
/// its first 32 bytes, each wrap's `ikmE` the next 32 in recipient order; prk,
/// payload_key and commit by HKDF-SHA256; the payload opened with
/// ChaCha20-Poly1305 under `AD = envelope[..payload length field] ‖ ad`.
#[test]
#[allow(non_snake_case)]
fn hybrid_vectors() {
    let params = Params::new();
    let vaults = [
        VaultKeypair::from_seed(&params, &[0x42; 32]).unwrap(),
        VaultKeypair::from_seed(&params, &[0x43; 32]).unwrap(),
    ];
    let ctx = Context::new(b"kat-project", b"github:123456789", Purpose::Secret, [0x11; 32])
        .unwrap()
        .with_extra(b"extra")
        .unwrap();
    let ad = b"registration nonce 1";
    let payload = b"a hybrid payload: tokens, files, anything up to 16 MiB";
    let recipients = [*vaults[0].public(), *vaults[1].public()];
    let envelope = hybrid::seal(&recipients, &ctx, ad, payload, &mut seeded_rng(11)).unwrap();
    let bytes = envelope.to_bytes();
    assert_eq!(Envelope::from_bytes(&bytes).unwrap(), envelope);
    for vault in &vaults {
        assert_eq!(&hybrid::open_bytes(vault, &bytes, &ctx, ad).unwrap()[..], payload);
    }

    // Re-derivation from the protocol document.
    // §6.2 step 2: the synthetic stream. The caller's RNG gives 32 bytes;
    // merlin's TranscriptRng mixes them with the transcript below.
    let mut rng_output = [0u8; 32];
    seeded_rng(11).fill_bytes(&mut rng_output);
    let ad_digest: [u8; 32] = Sha256::digest(ad).into();
    let payload_digest: [u8; 32] = Sha256::digest(payload).into();
    let mut t = merlin::Transcript::new(b"vaultseal-hybrid-seal-v1");
    t.append_message(b"ctx-project", ctx.project_id());
    t.append_message(b"ctx-repository", ctx.repository_id());
    t.append_u64(b"ctx-purpose", u64::from(ctx.purpose().to_byte()));
    t.append_message(b"ctx-owner", ctx.owner());
    t.append_u64(b"ctx-extra-present", 1);
    t.append_message(b"ctx-extra", ctx.extra().unwrap());
    t.append_u64(b"v", envelope.recipients().len() as u64);
    for r in envelope.recipients() {
        t.append_message(b"Y", &r.sealing_key_bytes());
        t.append_message(b"W", &r.kem_key_bytes());
    }
    t.append_message(b"ad-sha256", &ad_digest);
    let mut stream = t
        .build_rng()
        .rekey_with_witness_bytes(b"witness", &payload_digest)
        .finalize(&mut Replay06(rng_output));
    let mut K = [0u8; 32];
    rand_core_06::RngCore::fill_bytes(&mut stream, &mut K);
    let (prk, hk) = Hkdf::<Sha256>::extract(Some(b"vaultseal-hybrid-kdf-v1"), &K);
    let (mut payload_key, mut commit) = ([0u8; 32], [0u8; 32]);
    hk.expand(b"payload", &mut payload_key).unwrap();
    hk.expand(b"key-commit", &mut commit).unwrap();

    let v = envelope.recipients().len();
    let header_len = 34 + 64 * v;
    assert_eq!(bytes[0], 1);
    assert_eq!(usize::from(bytes[1]), v);
    for (j, r) in envelope.recipients().iter().enumerate() {
        assert_eq!(&bytes[2 + 64 * j..2 + 64 * (j + 1)], &r.to_bytes());
    }
    assert_eq!(&bytes[header_len - 32..header_len], &commit);
    let header = &bytes[..header_len];

    let mut info = b"vaultseal-hybrid-wrap-v1".to_vec();
    info.extend_from_slice(&ctx.to_bytes());
    let mut ikm_e = Vec::new();
    for (j, r) in envelope.recipients().iter().enumerate() {
        let mut ikm = [0u8; 32];
        rand_core_06::RngCore::fill_bytes(&mut stream, &mut ikm);
        ikm_e.push(hex::encode(ikm));
        let wrap = &bytes[header_len + 80 * j..header_len + 80 * (j + 1)];
        let (_, pk_e) = <Kem as hpke::Kem>::derive_keypair(&ikm);
        assert_eq!(&wrap[..32], &pk_e.to_bytes()[..]);
        // The wrap, opened with the vault's KEM secret by plain HPKE.
        let vault = vaults.iter().find(|k| k.public() == r).unwrap();
        let w = &vault.secret().to_bytes()[32..];
        let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(w).unwrap();
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&wrap[..32]).unwrap();
        let opened = hpke::single_shot_open::<Aead, Kdf, Kem>(
            &OpModeR::Base,
            &sk,
            &enc,
            &info,
            &wrap[32..],
            header,
        )
        .unwrap();
        assert_eq!(opened, K);
    }

    let wraps_end = header_len + 80 * v;
    let n = u32::from_le_bytes(bytes[wraps_end..wraps_end + 4].try_into().unwrap()) as usize;
    assert_eq!(n, payload.len() + 16);
    assert_eq!(bytes.len(), wraps_end + 4 + n);
    let mut payload_ad = bytes[..wraps_end].to_vec();
    payload_ad.extend_from_slice(ad);
    let (body, tag) = bytes[wraps_end + 4..].split_at(n - 16);
    let mut plaintext = body.to_vec();
    ChaCha20Poly1305::new((&payload_key).into())
        .decrypt_inout_detached(
            &Nonce::default(),
            &payload_ad,
            plaintext.as_mut_slice().into(),
            &Tag::try_from(tag).unwrap(),
        )
        .unwrap();
    assert_eq!(plaintext, payload);

    let actual = json!({
        "suite": "HPKE mode_base, DHKEM(X25519, HKDF-SHA256) 0x0020, HKDF-SHA256 0x0001, ChaCha20Poly1305 0x0003",
        "vault_seeds": [hex::encode([0x42u8; 32]), hex::encode([0x43u8; 32])],
        "recipients_sorted": envelope.recipients().iter().map(|r| hex::encode(r.to_bytes())).collect::<Vec<_>>(),
        "context": hex::encode(ctx.to_bytes()),
        "hpke_info": hex::encode(&info),
        "associated_data": hex::encode(ad),
        "payload": hex::encode(payload),
        "rng": "ChaCha20Rng::seed_from_u64(11)",
        "rng_output": hex::encode(rng_output),
        "ad_sha256": hex::encode(ad_digest),
        "payload_sha256": hex::encode(payload_digest),
        "file_key": hex::encode(K),
        "prk": hex::encode(prk),
        "payload_key": hex::encode(payload_key),
        "commit": hex::encode(commit),
        "ikm_e": ikm_e,
        "header": hex::encode(header),
        "envelope": hex::encode(&bytes),
    });
    check_or_write("hybrid", &actual);
}
