//! Deploy keys: signing, public-key validation (identity, torsion,
//! non-canonical encodings, the C2SP CCTV keys), OpenSSH export and parsing,
//! and interoperability with `ssh-keygen` when it is installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/vectors.rs"]
#[allow(dead_code)]
mod vectors;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use ed25519_dalek::{Signature, Signer as _, Verifier as _};
use sha2::{Digest, Sha512};
use vaultseal::{DecodeFailure, DeployKey, DeployPublicKey, Error, InvalidInput, Object};
use vectors::seeded_rng;

/// ℓ − 1, little-endian.
const ELL_MINUS_ONE: [u8; 32] = [
    0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

fn hex32(s: &str) -> [u8; 32] {
    hex::decode(s).unwrap().try_into().unwrap()
}

/// The `DecodeFailure` of a public-key decode, asserting the object named.
fn public_key_failure(bytes: &[u8]) -> Option<DecodeFailure> {
    match DeployPublicKey::from_bytes(bytes) {
        Ok(key) => {
            assert_eq!(key.to_bytes().as_slice(), bytes, "accepted keys re-encode identically");
            None
        }
        Err(Error::Decode { what: Object::DeployPublicKey, why }) => Some(why),
        Err(other) => panic!("unexpected error {other:?}"),
    }
}

fn check_signatures(key: &DeployKey, rng_seed: u64) {
    let public = key.public_key();
    let verifying_key = public.to_verifying_key();
    assert_eq!(verifying_key.to_bytes(), public.to_bytes());
    let mut rng = seeded_rng(rng_seed);
    for len in [0usize, 1, 31, 32, 33, 200] {
        let mut message = vec![0u8; len];
        rand_core::Rng::fill_bytes(&mut rng, &mut message);
        let signature = key.sign(&message);
        verifying_key.verify_strict(&message, &signature).unwrap();
        verifying_key.verify(&message, &signature).unwrap();
        public.verify(&message, &signature).unwrap();
        // Deterministic, and the `Signer` trait agrees.
        assert_eq!(key.sign(&message), signature);
        assert_eq!(key.try_sign(&message).unwrap(), signature);
        // Another message, or a flipped bit anywhere in the signature, fails.
        let mut other = message.clone();
        other.push(1);
        assert_eq!(public.verify(&other, &signature), Err(Error::Verification));
        let bytes = signature.to_bytes();
        for i in [0usize, 31, 32, 63] {
            let mut tampered = bytes;
            tampered[i] ^= 0x01;
            let tampered = Signature::from_bytes(&tampered);
            assert_eq!(public.verify(&message, &tampered), Err(Error::Verification));
        }
    }
}

#[test]
fn random_keys_sign_and_verify_strict() {
    let mut rng = seeded_rng(10);
    for i in 0..16 {
        let key = DeployKey::generate(&mut rng);
        check_signatures(&key, 100 + i);
        // Stored form round trip.
        let restored = DeployKey::from_bytes(key.to_bytes().as_slice()).unwrap();
        assert_eq!(restored, key);
        assert_eq!(restored.public_key(), key.public_key());
    }
}

#[test]
fn extreme_scalars_sign_and_verify_strict() {
    let mut one = [0u8; 32];
    one[0] = 1;
    let key_one = DeployKey::from_bytes(&one).unwrap();
    assert_eq!(key_one.public_key().to_bytes(), ED25519_BASEPOINT_POINT.compress().to_bytes());
    check_signatures(&key_one, 1);

    let key_last = DeployKey::from_bytes(&ELL_MINUS_ONE).unwrap();
    assert_eq!(key_last.public_key().to_bytes(), (-ED25519_BASEPOINT_POINT).compress().to_bytes());
    check_signatures(&key_last, 2);
}

/// The signature is RFC 8032 with the documented nonce prefix, recomputed here
/// from the formulas (independently of ed25519-dalek's signer).
#[test]
#[allow(non_snake_case)]
fn signature_follows_rfc_8032_with_the_documented_prefix() {
    let key = DeployKey::generate(&mut seeded_rng(11));
    let s = Scalar::from_canonical_bytes(*key.to_bytes()).unwrap();
    let A = key.public_key().to_bytes();
    let prefix_full = Sha512::new()
        .chain_update(b"vaultseal-deploy-key-nonce-prefix-v1")
        .chain_update(s.as_bytes())
        .finalize();
    let prefix = &prefix_full[..32];
    for message in [&b""[..], b"deploy", &[0xa5; 300][..]] {
        let r_wide: [u8; 64] =
            Sha512::new().chain_update(prefix).chain_update(message).finalize().into();
        let r = Scalar::from_bytes_mod_order_wide(&r_wide);
        let R = EdwardsPoint::mul_base(&r).compress();
        let k_wide: [u8; 64] = Sha512::new()
            .chain_update(R.as_bytes())
            .chain_update(A)
            .chain_update(message)
            .finalize()
            .into();
        let k = Scalar::from_bytes_mod_order_wide(&k_wide);
        let S = r + k * s;
        let mut expected = [0u8; 64];
        expected[..32].copy_from_slice(R.as_bytes());
        expected[32..].copy_from_slice(S.as_bytes());
        assert_eq!(key.sign(message).to_bytes(), expected);
    }
}

/// RFC 8032 §7.1 test 1: the scalar of its secret key gives its public key.
/// The OpenSSH line and fingerprint were computed independently: the blob
/// with Python (`struct` + `base64` + `hashlib.sha256`), and the fingerprint
/// confirmed by `ssh-keygen -l -f` (OpenSSH 9.2p1), which printed
/// `256 SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8 rfc8032-test-1 (ED25519)`.
#[test]
fn rfc_8032_test_1_public_key_line_and_fingerprint() {
    let seed = hex32("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    let h: [u8; 64] = Sha512::digest(seed).into();
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let s = Scalar::from_bytes_mod_order(a);
    let key = DeployKey::from_bytes(s.as_bytes()).unwrap();
    let public = key.public_key();
    assert_eq!(
        hex::encode(public.to_bytes()),
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    assert_eq!(
        public.to_bytes(),
        ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key().to_bytes()
    );
    let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea rfc8032-test-1";
    assert_eq!(public.to_openssh("rfc8032-test-1").unwrap(), line);
    assert_eq!(public.fingerprint(), "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8");
    assert_eq!(DeployPublicKey::from_openssh(line).unwrap(), public);
    check_signatures(&key, 3);
}

/// The eight points of the torsion subgroup, computed as `k·T` for a point `T`
/// of order 8 (itself `ℓ·P` for a decompressed point `P` with a full torsion
/// component).
fn torsion_points() -> Vec<EdwardsPoint> {
    let minus_one = -Scalar::ONE;
    for y in 2u8..=255 {
        let mut bytes = [0u8; 32];
        bytes[0] = y;
        let Some(p) = CompressedEdwardsY(bytes).decompress() else { continue };
        // ℓ·P = (ℓ − 1)·P + P, the torsion component of P.
        let t = minus_one * p + p;
        if !(Scalar::from(4u8) * t).is_identity() {
            let points: Vec<EdwardsPoint> = (0u64..8).map(|k| Scalar::from(k) * t).collect();
            assert!(t.mul_by_cofactor().is_identity());
            return points;
        }
    }
    panic!("no point with an order-8 component among small y");
}

#[test]
fn identity_and_every_small_order_point_are_refused() {
    let points = torsion_points();
    let encodings: Vec<[u8; 32]> = points.iter().map(|p| p.compress().to_bytes()).collect();
    for (i, a) in encodings.iter().enumerate() {
        for b in &encodings[i + 1..] {
            assert_ne!(a, b, "eight distinct points");
        }
    }
    // The well-known order-8 encodings are among them.
    for known in [
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        assert!(encodings.contains(&hex32(known)), "{known}");
    }
    for (point, bytes) in points.iter().zip(&encodings) {
        let expected =
            if point.is_identity() { DecodeFailure::Identity } else { DecodeFailure::Torsion };
        assert_eq!(public_key_failure(bytes), Some(expected), "{}", hex::encode(bytes));
    }
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(public_key_failure(&identity), Some(DecodeFailure::Identity));
}

#[test]
fn non_canonical_encodings_of_small_order_points_are_refused() {
    // y = 1 and y = −1 with the sign bit set (x = 0), and y = p, p + 1 with
    // and without the sign bit.
    for bytes in [
        "0100000000000000000000000000000000000000000000000000000000000080",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ] {
        let bytes = hex32(bytes);
        // dalek decompresses them (ZIP 215 decoding) to small-order points...
        let point = CompressedEdwardsY(bytes).decompress().expect("decompresses");
        assert!(point.is_small_order());
        assert_ne!(point.compress().to_bytes(), bytes);
        // ...and the canonical decoder refuses them before anything else.
        assert_eq!(public_key_failure(&bytes), Some(DecodeFailure::NonCanonical));
    }
}

#[test]
fn every_y_at_least_p_is_refused() {
    // y = p + δ for δ < 19 (the only y ≥ p below 2²⁵⁵), both signs.
    for delta in 0u8..19 {
        for sign in [0u8, 0x80] {
            let mut bytes = [0xffu8; 32];
            bytes[0] = 0xed + delta;
            bytes[31] = 0x7f | sign;
            let expected = if CompressedEdwardsY(bytes).decompress().is_some() {
                DecodeFailure::NonCanonical
            } else {
                DecodeFailure::NotOnCurve
            };
            assert_eq!(public_key_failure(&bytes), Some(expected), "delta {delta}");
        }
    }
}

#[test]
fn points_with_a_torsion_component_are_refused() {
    let key = DeployKey::generate(&mut seeded_rng(12));
    let a = CompressedEdwardsY(key.public_key().to_bytes()).decompress().unwrap();
    assert_eq!(public_key_failure(&a.compress().to_bytes()), None);
    for t in torsion_points().into_iter().skip(1) {
        let bytes = (a + t).compress().to_bytes();
        assert_eq!(public_key_failure(&bytes), Some(DecodeFailure::Torsion));
    }
}

#[test]
fn off_curve_and_wrong_length_inputs_are_refused() {
    // y = 2 is not the y-coordinate of a curve point (x² is not a square).
    let mut off_curve = [0u8; 32];
    off_curve[0] = 2;
    assert!(CompressedEdwardsY(off_curve).decompress().is_none());
    assert_eq!(public_key_failure(&off_curve), Some(DecodeFailure::NotOnCurve));

    let good = DeployKey::generate(&mut seeded_rng(13)).public_key().to_bytes();
    assert_eq!(public_key_failure(&good[..31]), Some(DecodeFailure::Length));
    assert_eq!(public_key_failure(&[]), Some(DecodeFailure::Length));
    let mut long = good.to_vec();
    long.push(0);
    assert_eq!(public_key_failure(&long), Some(DecodeFailure::TrailingData));
}

/// Every distinct public key of the C2SP CCTV `ed25519vectors.json` (the file
/// ed25519-dalek's `validation_criteria.rs` runs), with the error its
/// `A`-flags call for: `low_order_A` → identity or torsion,
/// `non_canonical_A` → non-canonical (checked first),
/// `low_order_component_A` → torsion, no `A` flag → accepted.
#[test]
fn cctv_ed25519_vector_keys() {
    use DecodeFailure::{Identity, NonCanonical, Torsion};
    let cases: [(&str, Option<DecodeFailure>); 22] = [
        ("0000000000000000000000000000000000000000000000000000000000000000", Some(Torsion)),
        ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", Some(NonCanonical)),
        ("10eb7c3acfb2bed3e0d6ab89bf5a3d6afddd1176ce4812e38d9fd485058fdb1f", Some(Torsion)),
        ("0000000000000000000000000000000000000000000000000000000000000080", Some(Torsion)),
        ("dd1483c5304d412c1f29547640a5c2950222ee8931b7ed1c72602b7afa7024e0", Some(Torsion)),
        ("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", Some(NonCanonical)),
        ("0100000000000000000000000000000000000000000000000000000000000000", Some(Identity)),
        ("ef75b20e7540e3dff77404193652ba2bd13df99c1508eee1515e27ae25f28076", None),
        ("0100000000000000000000000000000000000000000000000000000000000080", Some(NonCanonical)),
        ("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", Some(NonCanonical)),
        ("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", Some(NonCanonical)),
        ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", Some(Torsion)),
        ("6718d0a3d58deaeaefa655eae3f119071deaa2cfebfd0ca28b670f879d657086", Some(Torsion)),
        ("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", Some(Torsion)),
        ("eca00a6a1b1f522ff2217691059915b097b73bc69bef396c36ddcd559b79e2b0", Some(Torsion)),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", Some(Torsion)),
        ("015ff595e4e0add00dde896efa66ea4f6848c4396410c693c92232aa64861d4f", Some(Torsion)),
        ("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", Some(Torsion)),
        ("86e72f5c2a7215151059aa151c0ee6f8e2155d301402f35d7498f078629a8f79", Some(Torsion)),
        ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", Some(Torsion)),
        ("fe894df18abf1c20088bfbe6c9ad45d42ec20663eaf7111eaea1d851da0d7f89", Some(Torsion)),
        ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", Some(NonCanonical)),
    ];
    for (key, expected) in cases {
        assert_eq!(public_key_failure(&hex32(key)), expected, "{key}");
    }
}

#[test]
fn secret_key_decoding_is_strict() {
    let err = |why| Err(Error::Decode { what: Object::DeployKey, why });
    assert_eq!(DeployKey::from_bytes(&[0u8; 32]).map(|_| ()), err(DecodeFailure::Limit));
    assert_eq!(DeployKey::from_bytes(&[1u8; 31]).map(|_| ()), err(DecodeFailure::Length));
    assert_eq!(DeployKey::from_bytes(&[1u8; 33]).map(|_| ()), err(DecodeFailure::TrailingData));
    let mut ell = ELL_MINUS_ONE;
    ell[0] += 1;
    assert_eq!(DeployKey::from_bytes(&ell).map(|_| ()), err(DecodeFailure::NonCanonical));
    assert_eq!(DeployKey::from_bytes(&[0xff; 32]).map(|_| ()), err(DecodeFailure::NonCanonical));
    assert!(DeployKey::from_bytes(&ELL_MINUS_ONE).is_ok());
}

#[test]
fn openssh_line_round_trip_and_layout() {
    let key = DeployKey::generate(&mut seeded_rng(14));
    let public = key.public_key();
    let line = public.to_openssh("vaultseal deploy key for github:123").unwrap();
    let fields: Vec<&str> = line.splitn(3, ' ').collect();
    assert_eq!(fields[0], "ssh-ed25519");
    assert!(fields[1].starts_with("AAAAC3NzaC1lZDI1NTE5AAAAI"));
    assert_eq!(fields[2], "vaultseal deploy key for github:123");
    let blob = base64::engine::general_purpose::STANDARD.decode(fields[1]).unwrap();
    assert_eq!(blob, public.to_openssh_blob());
    assert_eq!(&blob[..4], &11u32.to_be_bytes());
    assert_eq!(&blob[4..15], b"ssh-ed25519");
    assert_eq!(&blob[15..19], &32u32.to_be_bytes());
    assert_eq!(&blob[19..], &public.to_bytes());
    // The fingerprint is SHA-256 of exactly that blob, unpadded base64.
    let digest = sha2::Sha256::digest(&blob);
    let expected =
        format!("SHA256:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest));
    assert_eq!(public.fingerprint(), expected);
    assert_eq!(public.fingerprint().len(), 50);

    for variant in [
        line.clone(),
        format!("{line}\n"),
        format!("{line}\r\n"),
        public.to_openssh("").unwrap(),
        format!("ssh-ed25519\t{}\tcomment\twith\ttabs", fields[1]),
        format!("  ssh-ed25519   {}  ", fields[1]),
    ] {
        assert_eq!(DeployPublicKey::from_openssh(&variant).unwrap(), public, "{variant:?}");
    }
    assert_eq!(public.to_openssh("").unwrap(), format!("ssh-ed25519 {}", fields[1]));
}

#[test]
fn openssh_comment_cannot_inject_lines() {
    let public = DeployKey::generate(&mut seeded_rng(15)).public_key();
    for comment in ["a\nssh-ed25519 AAAA evil", "a\rb", "nul\0", "del\u{7f}", "c1\u{85}"] {
        assert_eq!(
            public.to_openssh(comment),
            Err(Error::InvalidInput { what: InvalidInput::OpensshComment })
        );
    }
    assert!(public.to_openssh("ünïcödé comment with spaces").is_ok());
}

#[test]
fn openssh_parse_errors_are_typed() {
    let public = DeployKey::generate(&mut seeded_rng(16)).public_key();
    let line = public.to_openssh("c").unwrap();
    let blob64 = line.split(' ').nth(1).unwrap().to_string();
    let err = |why| Err(Error::Decode { what: Object::OpensshPublicKey, why });
    let parse = |s: &str| DeployPublicKey::from_openssh(s);

    assert_eq!(parse(""), err(DecodeFailure::Length));
    assert_eq!(parse("   "), err(DecodeFailure::Length));
    assert_eq!(parse("ssh-ed25519"), err(DecodeFailure::Length));
    assert_eq!(parse("ssh-ed25519 "), err(DecodeFailure::Length));
    assert_eq!(parse(&format!("ssh-rsa {blob64}")), err(DecodeFailure::Tag));
    assert_eq!(parse(&format!("SSH-ED25519 {blob64}")), err(DecodeFailure::Tag));
    assert_eq!(parse(&format!("no-pty ssh-ed25519 {blob64}")), err(DecodeFailure::Tag));
    assert_eq!(
        parse(&format!("ssh-ed25519-cert-v01@openssh.com {blob64}")),
        err(DecodeFailure::Tag)
    );
    assert_eq!(parse(&format!("ssh-ed25519 {}", &blob64[..67])), err(DecodeFailure::Length));
    assert_eq!(parse(&format!("ssh-ed25519 {blob64}A")), err(DecodeFailure::Length));
    // A character outside the alphabet, and padding inside the blob.
    let mut bad = blob64.clone().into_bytes();
    bad[30] = b'*';
    assert_eq!(
        parse(&format!("ssh-ed25519 {}", String::from_utf8(bad).unwrap())),
        err(DecodeFailure::NonCanonical)
    );
    let padded = format!("{}==", &blob64[..66]);
    assert!(matches!(
        parse(&format!("ssh-ed25519 {padded}")),
        Err(Error::Decode { what: Object::OpensshPublicKey, .. })
    ));
    // Control characters anywhere but one trailing line break.
    assert_eq!(parse(&format!("{line}\n\n")), err(DecodeFailure::NonCanonical));
    assert_eq!(parse(&format!("{line}\nssh-ed25519 {blob64}")), err(DecodeFailure::NonCanonical));
    assert_eq!(parse(&format!("ssh-ed25519 {blob64} a\0b")), err(DecodeFailure::NonCanonical));

    // A blob whose inner type is not ssh-ed25519 (same length).
    let mut blob = public.to_openssh_blob();
    blob[14] = b'8';
    let wrong_type = base64::engine::general_purpose::STANDARD.encode(blob);
    assert_eq!(parse(&format!("ssh-ed25519 {wrong_type}")), err(DecodeFailure::Tag));
    let mut blob = public.to_openssh_blob();
    blob[18] = 31;
    let wrong_len = base64::engine::general_purpose::STANDARD.encode(blob);
    assert_eq!(parse(&format!("ssh-ed25519 {wrong_len}")), err(DecodeFailure::Tag));

    // A well-formed line carrying a bad key reports the key's error.
    let mut blob = public.to_openssh_blob();
    blob[19..].copy_from_slice(&hex32(
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    ));
    let torsion = base64::engine::general_purpose::STANDARD.encode(blob);
    assert_eq!(
        parse(&format!("ssh-ed25519 {torsion}")),
        Err(Error::Decode { what: Object::DeployPublicKey, why: DecodeFailure::Torsion })
    );
}

#[test]
fn debug_output_is_redacted() {
    let key = DeployKey::generate(&mut seeded_rng(17));
    let secret_hex = hex::encode(*key.to_bytes());
    let text = format!("{key:?}");
    assert!(text.contains("<redacted>"));
    assert!(!text.contains(&secret_hex));
    assert!(!text.contains(&secret_hex[..16]));
    // The public key is printed.
    assert!(text.contains(&hex::encode(key.public_key().to_bytes())));
}

// ---------------------------------------------------------------------------
// Interoperability with OpenSSH's ssh-keygen, when it is installed.

/// `ssh-keygen` on the PATH, or `None` with a note.
fn ssh_keygen() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).map(|dir| dir.join("ssh-keygen")).find(|p| p.is_file())
    });
    if found.is_none() {
        println!("note: ssh-keygen not found; skipping the OpenSSH interoperability check");
    }
    found
}

/// A fresh scratch directory, removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(tag: &str) -> Self {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir =
            std::env::temp_dir().join(format!("vaultseal-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        ScratchDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn ssh_keygen_prints_the_same_fingerprint() {
    let Some(ssh_keygen) = ssh_keygen() else { return };
    let dir = ScratchDir::new("fingerprint");
    for seed in 20..24 {
        let public = DeployKey::generate(&mut seeded_rng(seed)).public_key();
        let comment = format!("vaultseal-{seed}");
        let path = dir.path(&format!("key{seed}.pub"));
        std::fs::write(&path, public.to_openssh(&comment).unwrap() + "\n").unwrap();
        let output = Command::new(&ssh_keygen).arg("-l").arg("-f").arg(&path).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let printed = String::from_utf8(output.stdout).unwrap();
        assert_eq!(printed.trim_end(), format!("256 {} {comment} (ED25519)", public.fingerprint()));
    }
}

/// An SSHSIG string: `u32_be(len) ‖ bytes`.
fn ssh_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap().to_be_bytes());
    out.extend_from_slice(bytes);
}

/// An armored SSHSIG (OpenSSH `PROTOCOL.sshsig`) signature of `message` by
/// `key` in `namespace`, built around `DeployKey::sign`.
fn sshsig(key: &DeployKey, namespace: &str, message: &[u8]) -> String {
    let hash = Sha512::digest(message);
    let mut signed = b"SSHSIG".to_vec();
    ssh_string(&mut signed, namespace.as_bytes());
    ssh_string(&mut signed, b"");
    ssh_string(&mut signed, b"sha512");
    ssh_string(&mut signed, &hash);
    let signature = key.sign(&signed);

    let mut inner = Vec::new();
    ssh_string(&mut inner, b"ssh-ed25519");
    ssh_string(&mut inner, &signature.to_bytes());
    let mut blob = b"SSHSIG".to_vec();
    blob.extend_from_slice(&1u32.to_be_bytes());
    ssh_string(&mut blob, &key.public_key().to_openssh_blob());
    ssh_string(&mut blob, namespace.as_bytes());
    ssh_string(&mut blob, b"");
    ssh_string(&mut blob, b"sha512");
    ssh_string(&mut blob, &inner);

    let encoded = base64::engine::general_purpose::STANDARD.encode(blob);
    let mut armored = String::from("-----BEGIN SSH SIGNATURE-----\n");
    for chunk in encoded.as_bytes().chunks(70) {
        armored.push_str(core::str::from_utf8(chunk).unwrap());
        armored.push('\n');
    }
    armored.push_str("-----END SSH SIGNATURE-----\n");
    armored
}

fn ssh_keygen_verify(ssh_keygen: &Path, dir: &ScratchDir, sig: &str, message: &[u8]) -> bool {
    let sig_path = dir.path("message.sig");
    std::fs::write(&sig_path, sig).unwrap();
    let mut child = Command::new(ssh_keygen)
        .args(["-Y", "verify", "-n", "git", "-I", "vault@example"])
        .arg("-f")
        .arg(dir.path("allowed_signers"))
        .arg("-s")
        .arg(&sig_path)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), message).unwrap();
    child.wait().unwrap().success()
}

/// OpenSSH itself accepts a raw-scalar signature: `ssh-keygen -Y verify` on
/// an SSHSIG built around `DeployKey::sign`.
#[test]
fn ssh_keygen_verifies_a_deploy_key_signature() {
    let Some(ssh_keygen) = ssh_keygen() else { return };
    let dir = ScratchDir::new("sshsig");
    let key = DeployKey::generate(&mut seeded_rng(30));
    let line = key.public_key().to_openssh("").unwrap();
    std::fs::write(dir.path("allowed_signers"), format!("vault@example {line}\n")).unwrap();
    let message = b"registration of github:123456789";
    let sig = sshsig(&key, "git", message);
    assert!(ssh_keygen_verify(&ssh_keygen, &dir, &sig, message));
    // The check can fail: another message, or a signature by another key.
    assert!(!ssh_keygen_verify(&ssh_keygen, &dir, &sig, b"registration of github:1"));
    let other = DeployKey::generate(&mut seeded_rng(31));
    let forged = sshsig(&other, "git", message);
    assert!(!ssh_keygen_verify(&ssh_keygen, &dir, &forged, message));
}

#[test]
fn deploy_key_zeroizes() {
    use zeroize::Zeroize as _;
    let mut key = DeployKey::generate(&mut seeded_rng(18));
    assert_ne!(*key.to_bytes(), [0u8; 32]);
    key.zeroize();
    assert_eq!(*key.to_bytes(), [0u8; 32]);
}
