//! Tampering with sealed items (tampering with any byte of any wire object
//! must make verification fail), checking WHICH error comes back:
//!
//! - a sweep that flips single bits (`^0x01`, `^0x80`) at every byte of a
//!   sealed deploy key (one vault) and of a sealed odd-length secret (two
//!   vaults), and at the first and last byte of every field of a three-vault
//!   deploy key. The expected outcome of each flip is computed independently
//!   from the field it hits, with curve25519-dalek alone: the exact
//!   `Decode { what, why }` for bytes that no longer decode (`Tag`, `Limit`,
//!   `NotOnCurve`, `NonCanonical`, `Identity`, `Unsorted`, `Torsion`), any
//!   decode error for a header count that moves every later field, and
//!   `Verification` for bytes that decode;
//! - structured mutations that keep the encoding valid: swapped chunks, a
//!   replaced handle, a homomorphically re-randomized chunk, a dropped, added
//!   (with algebraically consistent handles) or permuted vault, a range or
//!   sigma proof spliced from another sealing, `A′` plus a torsion point,
//!   `U_1` plus a torsion point, another `L` with the same chunk count.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, non_snake_case)]

#[path = "common/sealed_fixtures.rs"]
mod sealed_fixtures;
#[path = "common/sealed_layout.rs"]
mod sealed_layout;

use curve25519_dalek::constants::EIGHT_TORSION;
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use sealed_fixtures::*;
use sealed_layout::{Element, Encoding, Expect, Field, Kind, Layout, Parts};
use vaultseal::{
    Context, DecodeFailure, Error, Purpose, SealedDeployKey, VaultKeypair, VaultSecretKey,
};

// ----- The single-byte sweep -----

/// The outcome the decoder and verifier must give for `mutated`, which
/// differs from a valid encoding only inside `field`.
fn expected_outcome(layout: &Layout, mutated: &[u8], field: Field) -> Expect {
    let what = field.object(layout.kind);
    let fail = |why| Expect::Decode(what, why);
    match field.encoding() {
        Encoding::Byte => {
            let value = usize::from(mutated[layout.range(field).start]);
            match field {
                Field::Version => fail(DecodeFailure::Tag),
                Field::PayloadLen if !(1..=128).contains(&value) => fail(DecodeFailure::Limit),
                Field::RecipientCount if !(1..=8).contains(&value) => fail(DecodeFailure::Limit),
                // Another count moves every later field: the total length no
                // longer matches, so some decode error must come back.
                _ => Expect::AnyDecode,
            }
        }
        Encoding::Ristretto => {
            let bytes = layout.get(mutated, field);
            let Some(point) = CompressedRistretto(bytes).decompress() else {
                return fail(DecodeFailure::NotOnCurve);
            };
            if field.refuses_identity() && point.is_identity() {
                return fail(DecodeFailure::Identity);
            }
            if let Field::Y(j) = field {
                let before = (j > 0).then(|| layout.get(mutated, Field::Y(j - 1)));
                let after = (j + 1 < layout.v).then(|| layout.get(mutated, Field::Y(j + 1)));
                if before.is_some_and(|b| b >= bytes) || after.is_some_and(|a| bytes >= a) {
                    return fail(DecodeFailure::Unsorted);
                }
            }
            Expect::Verification
        }
        Encoding::Edwards => {
            let bytes = layout.get(mutated, field);
            let Some(point) = CompressedEdwardsY(bytes).decompress() else {
                return fail(DecodeFailure::NotOnCurve);
            };
            if point.compress().to_bytes() != bytes {
                return fail(DecodeFailure::NonCanonical);
            }
            if matches!(field, Field::A | Field::APrime) {
                let decode = |f| CompressedEdwardsY(layout.get(mutated, f)).decompress().unwrap();
                let (A, A_prime) = (decode(Field::A), decode(Field::APrime));
                if A.is_identity() {
                    return fail(DecodeFailure::Identity);
                }
                if A_prime.mul_by_cofactor() != A {
                    return fail(DecodeFailure::Torsion);
                }
            }
            Expect::Verification
        }
        Encoding::Scalar => {
            if Option::<Scalar>::from(Scalar::from_canonical_bytes(layout.get(mutated, field)))
                .is_none()
            {
                return fail(DecodeFailure::NonCanonical);
            }
            Expect::Verification
        }
    }
}

/// How many flips ended in each outcome.
#[derive(Debug, Default)]
struct Tally {
    decode: std::collections::HashMap<String, usize>,
    any_decode: usize,
    verification: usize,
}

/// Flip `mask` at each of `offsets` of the valid encoding `bytes` and check
/// the outcome against [`expected_outcome`].
fn sweep(
    kind: Kind,
    bytes: &[u8],
    context: &Context,
    offsets: impl IntoIterator<Item = usize>,
    masks: &[u8],
) -> Tally {
    let layout = Layout::of(kind, bytes);
    assert_eq!(layout.total(), bytes.len());
    let mut tally = Tally::default();
    for offset in offsets {
        let (field, _) = layout.field_at(offset);
        for &mask in masks {
            let mut mutated = bytes.to_vec();
            mutated[offset] ^= mask;
            let expected = expected_outcome(&layout, &mutated, field);
            let actual = decode_and_verify(kind, &mutated, context);
            let at = format!("{kind:?}: byte {offset} ({field:?}) ^ {mask:#04x}");
            match expected {
                Expect::Decode(what, why) => {
                    assert_eq!(actual, Err(Error::Decode { what, why }), "{at}");
                    *tally.decode.entry(format!("{why:?}")).or_default() += 1;
                }
                Expect::AnyDecode => {
                    assert!(matches!(actual, Err(Error::Decode { .. })), "{at}: {actual:?}");
                    tally.any_decode += 1;
                }
                Expect::Verification => {
                    assert_eq!(actual, Err(Error::Verification), "{at}");
                    tally.verification += 1;
                }
            }
        }
    }
    tally
}

/// The sweep saw both kinds of outcome, so it cannot pass vacuously.
fn assert_mixed(tally: &Tally) {
    eprintln!("{tally:?}");
    assert!(tally.verification > 0, "{tally:?}");
    assert!(tally.decode.get("NotOnCurve").is_some_and(|&n| n > 0), "{tally:?}");
}

#[test]
fn every_byte_of_a_deploy_key_low_bit() {
    let f = deploy_fixture(1, 100);
    assert_eq!(decode_and_verify(Kind::DeployKey, &f.bytes, &f.context), Ok(()));
    let tally = sweep(Kind::DeployKey, &f.bytes, &f.context, 0..f.bytes.len(), &[0x01]);
    assert_mixed(&tally);
    assert!(tally.decode.contains_key("Tag") && tally.decode.contains_key("Torsion"), "{tally:?}");
}

#[test]
fn every_byte_of_a_deploy_key_high_bit() {
    let f = deploy_fixture(1, 100);
    let tally = sweep(Kind::DeployKey, &f.bytes, &f.context, 0..f.bytes.len(), &[0x80]);
    assert_mixed(&tally);
    // Bit 255 of every scalar makes it ≥ ℓ.
    assert!(tally.decode.contains_key("NonCanonical"), "{tally:?}");
}

#[test]
fn every_byte_of_an_odd_length_secret() {
    let f = secret_fixture(3, 2, Purpose::Secret, 110);
    assert_eq!(decode_and_verify(Kind::Secret, &f.bytes, &f.context), Ok(()));
    let tally = sweep(Kind::Secret, &f.bytes, &f.context, 0..f.bytes.len(), &[0x01, 0x80]);
    assert_mixed(&tally);
    assert!(tally.any_decode > 0, "{tally:?}");
}

/// A three-vault deploy key: the header bytes, then the first and last byte
/// of every field (every field is hit, at a fraction of the full sweep's
/// cost).
#[test]
fn first_and_last_byte_of_every_field_of_a_three_vault_deploy_key() {
    let f = deploy_fixture(3, 120);
    let layout = Layout::of(Kind::DeployKey, &f.bytes);
    let offsets: Vec<usize> = layout
        .fields()
        .iter()
        .flat_map(|(_, range)| {
            if range.len() == 1 { vec![range.start] } else { vec![range.start, range.end - 1] }
        })
        .collect();
    let tally = sweep(Kind::DeployKey, &f.bytes, &f.context, offsets, &[0x01, 0x80]);
    assert_mixed(&tally);
}

/// Every version byte other than 1 is an unknown tag.
#[test]
fn every_other_version_byte_is_a_tag_error() {
    let d = deploy_fixture(1, 130);
    let s = secret_fixture(5, 1, Purpose::Secret, 131);
    for (kind, bytes, ctx) in
        [(Kind::DeployKey, &d.bytes, &d.context), (Kind::Secret, &s.bytes, &s.context)]
    {
        for version in (0..=u8::MAX).filter(|&b| b != 1) {
            let mut mutated = bytes.clone();
            mutated[0] = version;
            assert_eq!(
                decode_and_verify(kind, &mutated, ctx),
                Err(Error::Decode { what: kind.object(), why: DecodeFailure::Tag })
            );
        }
    }
}

// ----- Structured mutations (valid encodings that must not verify) -----

/// Rebuild, decode (which must succeed) and verify (which must fail).
fn assert_decodes_but_fails(kind: Kind, parts: &Parts, context: &Context, name: &str) {
    let bytes = parts.encode();
    assert_eq!(decode_and_verify(kind, &bytes, context), Err(Error::Verification), "{name}");
}

#[test]
fn swapped_chunks_fail() {
    let d = deploy_fixture(2, 140);
    let s = secret_fixture(9, 2, Purpose::Secret, 141);
    for (kind, bytes, ctx) in
        [(Kind::DeployKey, &d.bytes, &d.context), (Kind::Secret, &s.bytes, &s.context)]
    {
        let parts = Parts::parse(kind, bytes);
        let k = parts.C.len();
        for (a, b) in [(0, 1), (0, k - 1), (k - 2, k - 1)] {
            // The whole chunk (commitment and every handle): a consistent
            // ciphertext of the permuted payload.
            let mut swapped = parts.clone();
            swapped.swap_chunks(a, b);
            assert_decodes_but_fails(kind, &swapped, ctx, &format!("{kind:?} chunks {a}, {b}"));
            // The commitments only.
            let mut swapped = parts.clone();
            swapped.C.swap(a, b);
            assert_decodes_but_fails(kind, &swapped, ctx, &format!("{kind:?} C_{a}, C_{b}"));
        }
    }
}

#[test]
fn replaced_handles_fail() {
    let f = deploy_fixture(2, 150);
    let other = deploy_fixture(2, 150 + 7); // another sealing to other vaults
    let parts = Parts::parse(Kind::DeployKey, &f.bytes);
    let other_parts = Parts::parse(Kind::DeployKey, &other.bytes);
    let k = parts.C.len();
    let mut cases: Vec<(String, Parts)> = Vec::new();
    for j in 0..2 {
        for i in [0, k - 1] {
            let mut p = parts.clone();
            p.D[j][i] = p.D[j][(i + 1) % k];
            cases.push((format!("D_{i},{j} = D_{},{j}", (i + 1) % k), p));
            let mut p = parts.clone();
            p.D[j][i] = p.D[1 - j][i];
            cases.push((format!("D_{i},{j} = D_{i},{}", 1 - j), p));
            let mut p = parts.clone();
            p.D[j][i] = other_parts.D[j][i];
            cases.push((format!("D_{i},{j} from another sealing"), p));
            let mut p = parts.clone();
            p.D[j][i] = encode(&(point(&p.D[j][i]) + generator_g()));
            cases.push((format!("D_{i},{j} + G"), p));
        }
    }
    for (name, p) in cases {
        assert_decodes_but_fails(Kind::DeployKey, &p, &f.context, &name);
    }
}

/// `(C_i + δ·H, D_ij + δ·Y_j for every j)` encrypts the same chunk to every
/// vault (twisted ElGamal is homomorphic; the crate-internal tests show it
/// still decrypts): only the proofs, bound to the original ciphertext, can
/// refuse it.
#[test]
fn rerandomized_chunk_fails() {
    let H = generator_h();
    let d = deploy_fixture(3, 160);
    let s = secret_fixture(7, 2, Purpose::Secret, 161);
    for (kind, bytes, ctx) in
        [(Kind::DeployKey, &d.bytes, &d.context), (Kind::Secret, &s.bytes, &s.context)]
    {
        let parts = Parts::parse(kind, bytes);
        let k = parts.C.len();
        for (i, delta) in [(0, Scalar::ONE), (k - 1, Scalar::random(&mut rng(162)))] {
            let mut p = parts.clone();
            p.C[i] = encode(&(point(&p.C[i]) + delta * H));
            for (j, Y) in parts.Y.iter().enumerate() {
                p.D[j][i] = encode(&(point(&p.D[j][i]) + delta * point(Y)));
            }
            assert_decodes_but_fails(kind, &p, ctx, &format!("{kind:?}: chunk {i} re-randomized"));
        }
    }
}

#[test]
fn dropped_vault_fails() {
    let f = deploy_fixture(3, 170);
    let parts = Parts::parse(Kind::DeployKey, &f.bytes);
    for j in 0..3 {
        let mut p = parts.clone();
        p.drop_recipient(j);
        assert_decodes_but_fails(Kind::DeployKey, &p, &f.context, &format!("vault {j} dropped"));
    }
    // Down to one vault.
    let mut p = parts.clone();
    p.drop_recipient(2);
    p.drop_recipient(0);
    assert_decodes_but_fails(Kind::DeployKey, &p, &f.context, "vaults 0 and 2 dropped");
}

/// An added vault `Y′ = a·Y_0` with handles `a·D_i0` and `T′ = a·T_0` is
/// algebraically consistent: its handles carry the right `r_i` (the vault
/// with secret `x_0/a` would decrypt them) and its validity equation holds
/// for the original challenges. Only the transcript, which binds the
/// recipient list, refuses it; opening by the added vault fails.
#[test]
fn added_vault_fails_even_with_consistent_handles() {
    let f = deploy_fixture(2, 180);
    let parts = Parts::parse(Kind::DeployKey, &f.bytes);
    let Y_0 = point(&parts.Y[0]);
    // The added vault's secret key: x′ = x_0/a, so Y′ = a·Y_0.
    let vault_0 = f.vaults.iter().find(|v| v.public().sealing_key_bytes() == parts.Y[0]).unwrap();
    let secret_0 = vault_0.secret().to_bytes();
    let x_0 = Scalar::from_canonical_bytes(secret_0[..32].try_into().unwrap()).unwrap();
    for a in [2u64, 3, 5] {
        let a = Scalar::from(a);
        let Y_new = encode(&(a * Y_0));
        let mut secret = [0u8; 64];
        secret[..32].copy_from_slice((x_0 * a.invert()).as_bytes());
        secret[32..].copy_from_slice(&secret_0[32..]);
        let added_vault =
            VaultKeypair::from_secret(params(), VaultSecretKey::from_bytes(&secret).unwrap());
        assert_eq!(added_vault.public().sealing_key_bytes(), Y_new);

        let D_new: Vec<Element> = parts.D[0].iter().map(|D| encode(&(a * point(D)))).collect();
        let T_new = encode(&(a * point(&parts.Tj[0])));
        let mut p = parts.clone();
        let at = p.Y.iter().position(|Y| *Y > Y_new).unwrap_or(p.Y.len());
        p.insert_recipient(at, Y_new, D_new, T_new);
        assert_decodes_but_fails(Kind::DeployKey, &p, &f.context, "consistent added vault");
        let mauled = SealedDeployKey::from_bytes(&p.encode()).unwrap();
        assert_eq!(
            added_vault.open_deploy_key(params(), &mauled, &f.context, &mut rng(181)).map(|_| ()),
            Err(Error::Verification)
        );
        // With arbitrary handles too.
        let mut p = parts.clone();
        let junk: Vec<Element> = (0..parts.C.len()).map(|i| parts.C[i]).collect();
        p.insert_recipient(at, Y_new, junk, T_new);
        assert_decodes_but_fails(Kind::DeployKey, &p, &f.context, "added vault, junk handles");
    }
}

/// A permuted recipient list (keys with their handles and `T_j`) is refused
/// at decode; so is a duplicated vault.
#[test]
fn permuted_or_duplicated_vaults_are_unsorted() {
    let f = deploy_fixture(3, 190);
    let parts = Parts::parse(Kind::DeployKey, &f.bytes);
    let unsorted =
        Err(Error::Decode { what: Kind::DeployKey.object(), why: DecodeFailure::Unsorted });
    for (a, b) in [(0, 1), (1, 2), (0, 2)] {
        let mut p = parts.clone();
        p.swap_recipients(a, b);
        assert_eq!(
            decode_and_verify(Kind::DeployKey, &p.encode(), &f.context),
            unsorted,
            "{a} ↔ {b}"
        );
    }
    // Rotations.
    for shift in [1, 2] {
        let mut p = parts.clone();
        p.Y.rotate_left(shift);
        p.D.rotate_left(shift);
        p.Tj.rotate_left(shift);
        assert_eq!(decode_and_verify(Kind::DeployKey, &p.encode(), &f.context), unsorted);
    }
    // A vault listed twice.
    let mut p = parts.clone();
    p.insert_recipient(1, parts.Y[0], parts.D[0].clone(), parts.Tj[0]);
    assert_eq!(decode_and_verify(Kind::DeployKey, &p.encode(), &f.context), unsorted);
}

/// Proofs spliced from another sealing of the same key to the same vaults
/// under the same context (another RNG): every combination fails.
#[test]
fn spliced_proofs_fail() {
    let f = deploy_fixture(2, 200);
    let again = seal_deploy_key_again(&f, 299);
    assert!(again != f.bytes, "another RNG gives another sealing");
    let a = Parts::parse(Kind::DeployKey, &f.bytes);
    let b = Parts::parse(Kind::DeployKey, &again);
    assert_eq!(decode_and_verify(Kind::DeployKey, &again, &f.context), Ok(()));
    let mut cases: Vec<(&str, Parts)> = Vec::new();
    let mut p = a.clone();
    p.range_proof = b.range_proof.clone();
    cases.push(("range proof", p));
    let mut p = a.clone();
    (p.T0, p.Tj, p.binding, p.z) = (b.T0, b.Tj.clone(), b.binding.clone(), b.z.clone());
    cases.push(("sigma proof", p));
    let mut p = a.clone();
    p.range_proof = b.range_proof.clone();
    (p.T0, p.Tj, p.binding, p.z) = (b.T0, b.Tj.clone(), b.binding.clone(), b.z.clone());
    cases.push(("both proofs (ciphertext of one, proofs of the other)", p));
    let mut p = a.clone();
    p.range_proof[a.range_proof.len() - 2..]
        .copy_from_slice(&b.range_proof[b.range_proof.len() - 2..]);
    cases.push(("inner-product a, b", p));
    let mut p = a.clone();
    p.z = b.z.clone();
    cases.push(("responses", p));
    let mut p = a.clone();
    p.C = b.C.clone();
    p.D = b.D.clone();
    cases.push(("ciphertext", p));
    // A range proof of another key's sealing.
    let other = deploy_fixture(2, 202);
    let mut p = a.clone();
    p.range_proof = Parts::parse(Kind::DeployKey, &other.bytes).range_proof;
    cases.push(("range proof of another key", p));
    for (name, p) in cases {
        assert_decodes_but_fails(Kind::DeployKey, &p, &f.context, name);
    }
}

fn seal_deploy_key_again(f: &DeployFixture, seed: u64) -> Vec<u8> {
    vaultseal::seal_deploy_key(params(), &publics(&f.vaults), &f.context, &f.key, &mut rng(seed))
        .unwrap()
        .to_bytes()
}

/// `A′ + T` for each of the seven non-zero torsion points still satisfies
/// `[8]A′ = A` (it decodes), but `A′` is absorbed: the proofs fail. The same
/// for `U_1 + T`, which the cofactored equation (B1) alone would accept.
#[test]
fn torsion_on_a_prime_or_u1_fails() {
    let f = deploy_fixture(1, 210);
    let layout = Layout::deploy_key(1);
    for T in &EIGHT_TORSION[1..] {
        for field in [Field::APrime, Field::U1] {
            let mut bytes = f.bytes.clone();
            let P = CompressedEdwardsY(layout.get(&bytes, field)).decompress().unwrap();
            layout.set(&mut bytes, field, &(P + T).compress().to_bytes());
            assert_eq!(
                decode_and_verify(Kind::DeployKey, &bytes, &f.context),
                Err(Error::Verification),
                "{field:?} + torsion"
            );
        }
    }
}

/// Another `L` with the same chunk count (31 ↔ 32) decodes; `L` is absorbed,
/// so it fails.
#[test]
fn another_length_with_the_same_chunk_count_fails() {
    for (len, other) in [(31usize, 32u8), (32, 31), (1, 2), (128, 127)] {
        let f = secret_fixture(len, 1, Purpose::Secret, 220 + len as u64);
        let mut bytes = f.bytes.clone();
        bytes[1] = other;
        assert_eq!(
            decode_and_verify(Kind::Secret, &bytes, &f.context),
            Err(Error::Verification),
            "{len}"
        );
    }
}
