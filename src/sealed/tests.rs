//! Crate-internal tests of sealed items (the second pair of eyes on the
//! proofs):
//!
//! - **soundness by construction**: a test-only sealer takes explicit chunk
//!   values, blindings and handles, and runs the honest prover's steps
//!   ([`SealedItem::prove`], shared with [`SealedItem::seal`]) on statements
//!   that are false — a chunk of 2¹⁶, ℓ − 1 or 32 bits, handles that do not
//!   match the commitments, a key-binding proof against another key. Each must
//!   fail, and the tests say *which* proof catches it;
//! - **transcript coverage**: every statement element moves every verifier
//!   challenge, and every prover message moves exactly the challenges derived
//!   after it (the final responses move the state after the proof);
//! - **plaintext-preserving maulings**: re-randomized or chunk-swapped
//!   ciphertexts still decrypt (raw decryption, bypassing verification), yet
//!   fail verification, so `open_*` refuses them;
//! - **the padding byte**: a sealer may set it to anything; opening returns
//!   the first `L` bytes.
#![allow(
    non_snake_case,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_arguments,
    clippy::cast_possible_truncation
)]

use super::*;
use alloc::vec;
use curve25519_dalek::edwards::EdwardsPoint;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

use super::proofs::{Witness, sorted_recipients, statement};
use crate::elgamal::chunks::chunk_count;
use crate::encoding::{Reader, RecipientCache};
use crate::error::{DecodeFailure, Object};
use crate::msm::{MontgomeryScalar, Msm, Weights};
use crate::sigma::key_binding;
#[cfg(feature = "std")]
use crate::transcript::{TranscriptProtocol, labels};
use crate::vault::VaultKeypair;

fn params() -> &'static Params {
    #[cfg(feature = "std")]
    {
        Params::shared()
    }
    #[cfg(not(feature = "std"))]
    {
        alloc::boxed::Box::leak(alloc::boxed::Box::new(Params::new()))
    }
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn vaults(n: usize, seed: u64) -> Vec<VaultKeypair> {
    let mut rng = rng(seed);
    (0..n).map(|_| VaultKeypair::generate(params(), &mut rng)).collect()
}

fn publics(vaults: &[VaultKeypair]) -> Vec<VaultPublicKey> {
    vaults.iter().map(|v| *v.public()).collect()
}

fn context(purpose: Purpose) -> Context {
    Context::new(b"project", b"github:42", purpose, [5; 32]).unwrap()
}

fn random_scalars(k: usize, seed: u64) -> Vec<Scalar> {
    let mut rng = rng(seed);
    (0..k).map(|_| Scalar::random(&mut rng)).collect()
}

fn small(values: &[u64]) -> Vec<Scalar> {
    values.iter().map(|&v| Scalar::from(v)).collect()
}

/// The 16-bit chunks of a 32-byte scalar encoding (or of any integer given
/// little-endian).
fn chunks_of(bytes: &[u8; 32]) -> Vec<Scalar> {
    bytes
        .chunks_exact(2)
        .map(|c| Scalar::from(u64::from(u16::from_le_bytes([c[0], c[1]]))))
        .collect()
}

/// `A = s·B` and `A′ = (s/8)·B`.
fn key_points(s: &Scalar) -> (EdwardsElement, EdwardsElement) {
    let eighth = Scalar::from(8u64).invert();
    (
        EdwardsElement::from_point(EdwardsPoint::mul_base(s)),
        EdwardsElement::from_point(EdwardsPoint::mul_base(&(s * eighth))),
    )
}

/// Handles `r_i·Y_j`, recipient-major, for the *sorted* recipients.
fn honest_handles(recipients: &[RistrettoElement], r: &[Scalar]) -> Vec<RistrettoElement> {
    recipients
        .iter()
        .flat_map(|Y| r.iter().map(move |r_i| RistrettoElement::from_point(r_i * Y.point)))
        .collect()
}

/// The test-only sealer: commitments `C_i = m_i·G + r_i·H` for the given
/// scalars (in range or not), the given handles (recipient-major, for the
/// sorted recipients) or the honest `r_i·Y_j`, then the same statement
/// absorption, range proof and sigma proofs as the honest sealer.
fn seal_with(
    recipients: &[VaultPublicKey],
    context: &Context,
    len: usize,
    m: &[Scalar],
    r: &[Scalar],
    handles: Option<Vec<RistrettoElement>>,
    key: Option<KeyStatement<'_>>,
    seed: u64,
) -> SealedItem {
    let params = params();
    assert_eq!(chunk_count(len), m.len());
    assert_eq!(m.len(), r.len());
    let recipients = sorted_recipients(recipients).unwrap();
    let C_vec = m
        .iter()
        .zip(r)
        .map(|(m_i, r_i)| RistrettoElement::from_point(params.mul_G(m_i) + params.mul_H(r_i)))
        .collect();
    let D_vec = handles.unwrap_or_else(|| honest_handles(&recipients, r));
    let ciphertext = ChunkedCiphertext::from_parts(C_vec, D_vec).unwrap();
    let payload: Vec<u8> = m.iter().flat_map(|m_i| m_i.to_bytes()).collect();
    SealedItem::prove(
        params,
        context,
        len,
        recipients,
        ciphertext,
        Witness { payload: &payload, m, r },
        key,
        &mut rng(seed),
    )
}

fn verify_secret(item: &SealedItem, context: &Context) -> Result<(), Error> {
    SealedSecret::new(item.clone()).verify(params(), context, &mut rng(77))
}

fn verify_deploy(
    item: &SealedItem,
    A: &EdwardsElement,
    A_prime: &EdwardsElement,
    context: &Context,
) -> Result<(), Error> {
    SealedDeployKey::new(*A, *A_prime, item.clone()).verify(params(), context, &mut rng(78))
}

/// Whether the range proof's equations and the sigma proofs' equations hold,
/// each checked alone on the verifier's replayed transcript: tells which proof
/// rejects a false statement.
fn proofs_hold(item: &SealedItem, context: &Context, key: Option<KeyStatement<'_>>) -> [bool; 2] {
    let params = params();
    let k = item.ciphertext.chunk_count();
    let mut absorbed = statement(context, item.L, &item.recipients, key)
        .absorb_header()
        .absorb_ciphertext(&item.ciphertext);
    let mut weights = Weights::new([&b"which"[..]], &mut rng(5));
    let commitments = item.ciphertext.commitments();
    fn holds<'a>(
        params: &Params,
        msm: &mut Msm<'a>,
        commitments: &'a [RistrettoElement],
        coeffs: Vec<Scalar>,
    ) -> bool {
        for (coeff, C) in coeffs.into_iter().zip(commitments) {
            msm.push(MontgomeryScalar::from_scalar(&coeff), C);
        }
        msm.vartime_is_satisfied(params)
    }
    let mut range = Msm::new();
    let mut coeffs = vec![MontgomeryScalar::ZERO; k];
    item.range_proof
        .push_equations(params, &mut absorbed, &mut weights, &mut range, &mut coeffs)
        .unwrap();
    let range_coeffs = coeffs.into_iter().map(MontgomeryScalar::to_scalar).collect();
    let range_ok = holds(params, &mut range, commitments, range_coeffs);
    let mut sigma = Msm::new();
    let mut coeffs = vec![MontgomeryScalar::ZERO; k];
    item.sigma.push_equations(&mut absorbed, &mut weights, &mut sigma, &mut coeffs).unwrap();
    let sigma_coeffs = coeffs.into_iter().map(MontgomeryScalar::to_scalar).collect();
    [range_ok, holds(params, &mut sigma, commitments, sigma_coeffs)]
}

// ----- The test-only sealer is complete (so its failures below mean something) -----

#[test]
fn test_sealer_is_complete_at_the_range_ends() {
    let vaults = vaults(2, 1);
    let ctx = context(Purpose::Secret);
    let m = small(&[0, 0xffff, 1, 0x8000]);
    let item = seal_with(&publics(&vaults), &ctx, 7, &m, &random_scalars(4, 2), None, None, 3);
    assert_eq!(verify_secret(&item, &ctx), Ok(()));
    assert_eq!(proofs_hold(&item, &ctx, None), [true, true]);
    for (j, vault) in vaults.iter().enumerate() {
        let j_item = item.vartime_recipient_index(&vault.public().Y.compressed).unwrap();
        let payload = item.ciphertext.decrypt(params(), j_item, vault.secret().x(), 7).unwrap();
        assert_eq!(&payload[..], &[0, 0, 0xff, 0xff, 1, 0, 0][..], "vault {j}");
    }

    // A deploy key through the test path verifies and opens.
    let ctx = context(Purpose::DeployKey);
    let s = Scalar::random(&mut rng(4));
    let (A, A_prime) = key_points(&s);
    let key = Some(KeyStatement { A: &A, A_prime: &A_prime });
    let item = seal_with(
        &publics(&vaults),
        &ctx,
        32,
        &chunks_of(s.as_bytes()),
        &random_scalars(16, 5),
        None,
        key,
        6,
    );
    assert_eq!(verify_deploy(&item, &A, &A_prime, &ctx), Ok(()));
    let sealed = SealedDeployKey::new(A, A_prime, item);
    let opened = vaults[1].open_deploy_key(params(), &sealed, &ctx, &mut rng(7)).unwrap();
    assert_eq!(opened.scalar(), &s);
}

// ----- Soundness by construction -----

/// A commitment to a value outside [0, 2¹⁶) — 2¹⁶, ℓ − 1, 32-bit values —
/// with the honest prover's steps: the range proof rejects it (the sigma
/// proofs, which hold for any opening, accept).
#[test]
fn out_of_range_chunks_fail() {
    let vaults = vaults(2, 10);
    let ctx = context(Purpose::Secret);
    let bad_values = [
        ("2^16", Scalar::from(1u64 << 16)),
        ("2^16 + 5", Scalar::from((1u64 << 16) + 5)),
        ("l - 1", -Scalar::ONE),
        ("l - 2^16", -Scalar::from(1u64 << 16)),
        ("2^32 - 1", Scalar::from(u64::from(u32::MAX))),
        ("0x1234_5678", Scalar::from(0x1234_5678u64)),
        ("2^200", (0..200).fold(Scalar::ONE, |acc, _| acc + acc)),
    ];
    for (position, len) in [(0usize, 6usize), (2, 6), (0, 1), (15, 31)] {
        let k = chunk_count(len);
        for (name, bad) in bad_values {
            let mut m = small(&vec![0x4242; k]);
            m[position] = bad;
            let item =
                seal_with(&publics(&vaults), &ctx, len, &m, &random_scalars(k, 11), None, None, 12);
            assert_eq!(
                verify_secret(&item, &ctx),
                Err(Error::Verification),
                "{name} at {position}"
            );
            assert_eq!(proofs_hold(&item, &ctx, None), [false, true], "{name} at {position}");
        }
    }
}

/// A deploy key whose chunks recombine to `s` exactly, but one chunk is
/// `s_0 + 2¹⁶` (and the next one less by one): key binding holds, the range
/// proof does not.
#[test]
fn deploy_key_with_an_overflowing_chunk_fails() {
    let vaults = vaults(1, 13);
    let ctx = context(Purpose::DeployKey);
    let mut bytes = Scalar::random(&mut rng(14)).to_bytes();
    bytes[3] |= 1; // chunk 1 is at least 256: it can lend 1 to chunk 0.
    let s = Scalar::from_canonical_bytes(bytes).unwrap();
    let (A, A_prime) = key_points(&s);
    let key = Some(KeyStatement { A: &A, A_prime: &A_prime });
    let mut m = chunks_of(&bytes);
    m[0] += Scalar::from(1u64 << 16);
    m[1] -= Scalar::ONE;
    assert_eq!(*key_binding::recombine(&m), s);
    let item = seal_with(&publics(&vaults), &ctx, 32, &m, &random_scalars(16, 15), None, key, 16);
    assert_eq!(verify_deploy(&item, &A, &A_prime, &ctx), Err(Error::Verification));
    assert_eq!(proofs_hold(&item, &ctx, key), [false, true]);
}

/// Chunks of `s + t·ℓ` (an integer below 2²⁵⁶, every chunk in range) are a
/// valid sealing of `s`: it verifies and opens to `s` (the opener reduces
/// modulo ℓ, `docs/PROTOCOL.md` §8.5).
#[test]
fn deploy_key_chunks_of_s_plus_multiples_of_ell_open_to_s() {
    let vaults = vaults(1, 17);
    let ctx = context(Purpose::DeployKey);
    // s small enough that s + 14·ℓ < 2²⁵⁶.
    let mut s_bytes = Scalar::random(&mut rng(18)).to_bytes();
    s_bytes[31] &= 0x07;
    let s = Scalar::from_canonical_bytes(s_bytes).unwrap();
    let (A, A_prime) = key_points(&s);
    let key = Some(KeyStatement { A: &A, A_prime: &A_prime });
    // ℓ little-endian.
    let ell: [u8; 32] = (-Scalar::ONE).to_bytes();
    for t in [1u16, 14] {
        // s + t·ℓ as a 256-bit little-endian integer, t·ℓ = t·(ℓ − 1) + t.
        let mut acc = [0u32; 33];
        for (i, byte) in s_bytes.iter().enumerate() {
            acc[i] += u32::from(*byte);
        }
        for (i, byte) in ell.iter().enumerate() {
            acc[i] += u32::from(t) * u32::from(*byte);
        }
        acc[0] += u32::from(t);
        let mut big = [0u8; 32];
        let mut carry = 0u32;
        for (i, out) in big.iter_mut().enumerate() {
            let v = acc[i] + carry;
            *out = (v & 0xff) as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0, "s + {t}·ℓ overflows 256 bits");
        assert_eq!(Scalar::from_bytes_mod_order(big), s);
        let m = chunks_of(&big);
        let item =
            seal_with(&publics(&vaults), &ctx, 32, &m, &random_scalars(16, 19), None, key, 20);
        let sealed = SealedDeployKey::new(A, A_prime, item);
        let opened = vaults[0].open_deploy_key(params(), &sealed, &ctx, &mut rng(21)).unwrap();
        assert_eq!(opened.scalar(), &s, "t = {t}");
    }
}

/// Handles that do not match the commitments, with the honest prover's
/// steps: the validity proof rejects them (the range proof, which only looks
/// at the commitments, accepts).
#[test]
fn mismatched_handles_fail() {
    let vaults = vaults(3, 22);
    let ctx = context(Purpose::Secret);
    let keys = sorted_recipients(&publics(&vaults)).unwrap();
    let (k, v) = (3usize, 3usize);
    let m = small(&[1, 2, 3]);
    let r = random_scalars(k, 23);
    let other_r = random_scalars(k, 24);
    let honest = honest_handles(&keys, &r);
    let point = |p| RistrettoElement::from_point(p);
    let mut cases: Vec<(&str, Vec<RistrettoElement>)> = Vec::new();
    // One handle with another blinding.
    let mut one = honest.clone();
    one[k + 1] = point(other_r[1] * keys[1].point);
    cases.push(("D_1,1 = r'·Y_1", one));
    // One recipient's handles consistent among themselves, with other r.
    let mut row = honest.clone();
    row[2 * k..].copy_from_slice(&honest_handles(&keys[2..], &other_r));
    cases.push(("recipient 2 gets r'", row));
    // Every handle with other r (a different ciphertext for every vault).
    cases.push(("all r'", honest_handles(&keys, &other_r)));
    // Recipients' handle rows swapped.
    let mut swapped = honest.clone();
    swapped[..k].copy_from_slice(&honest[k..2 * k]);
    swapped[k..2 * k].copy_from_slice(&honest[..k]);
    cases.push(("rows 0 and 1 swapped", swapped));
    // A handle for another chunk.
    let mut chunk_swap = honest.clone();
    chunk_swap.swap(0, 1);
    cases.push(("D_0,0 and D_1,0 swapped", chunk_swap));
    // A handle shifted by a multiple of G (shifts that vault's plaintext).
    let mut shifted = honest.clone();
    shifted[v * k - 1] = point(shifted[v * k - 1].point + params().G);
    cases.push(("D_2,2 + G", shifted));
    // Handles to a key that is not the listed one (x·Y for some other x).
    let mut foreign = honest.clone();
    let stranger = VaultKeypair::generate(params(), &mut rng(25));
    foreign[..k].copy_from_slice(&honest_handles(&[stranger.public().Y], &r));
    cases.push(("recipient 0 handles to a stranger", foreign));

    for (name, handles) in cases {
        let item = seal_with(&publics(&vaults), &ctx, 6, &m, &r, Some(handles), None, 26);
        assert_eq!(verify_secret(&item, &ctx), Err(Error::Verification), "{name}");
        assert_eq!(proofs_hold(&item, &ctx, None), [true, false], "{name}");
    }
}

/// A key-binding proof for chunks of `s` against another key `A₂` (with its
/// honest `A₂′`), and for the key of `s` with chunks of `s + 1`: the sigma
/// proofs reject both.
#[test]
fn deploy_key_proof_against_another_key_fails() {
    let vaults = vaults(2, 27);
    let ctx = context(Purpose::DeployKey);
    let s = Scalar::random(&mut rng(28));
    let (A, A_prime) = key_points(&s);
    let other = s + Scalar::ONE;
    let (A_2, A_2_prime) = key_points(&other);
    let r = random_scalars(16, 29);

    // Chunks of s, statement about A₂.
    let key_2 = Some(KeyStatement { A: &A_2, A_prime: &A_2_prime });
    let item =
        seal_with(&publics(&vaults), &ctx, 32, &chunks_of(s.as_bytes()), &r, None, key_2, 30);
    assert_eq!(verify_deploy(&item, &A_2, &A_2_prime, &ctx), Err(Error::Verification));
    assert_eq!(proofs_hold(&item, &ctx, key_2), [true, false]);

    // Chunks of s + 1, statement about A.
    let key = Some(KeyStatement { A: &A, A_prime: &A_prime });
    let item =
        seal_with(&publics(&vaults), &ctx, 32, &chunks_of(other.as_bytes()), &r, None, key, 31);
    assert_eq!(verify_deploy(&item, &A, &A_prime, &ctx), Err(Error::Verification));
    assert_eq!(proofs_hold(&item, &ctx, key), [true, false]);

    // An honest proof for A presented with A₂ (same chunks): refused.
    let item = seal_with(&publics(&vaults), &ctx, 32, &chunks_of(s.as_bytes()), &r, None, key, 32);
    assert_eq!(verify_deploy(&item, &A, &A_prime, &ctx), Ok(()));
    assert_eq!(verify_deploy(&item, &A_2, &A_2_prime, &ctx), Err(Error::Verification));
}

/// A zero blinding makes an identity handle and a public chunk image
/// `C_i = m_i·G`: such an item never decodes, and does not verify even when
/// built in memory.
#[test]
fn zero_blinding_is_refused() {
    let vaults = vaults(1, 33);
    let ctx = context(Purpose::Secret);
    let mut r = random_scalars(2, 34);
    r[1] = Scalar::ZERO;
    // The identity handle r_1·Y cannot be put in a ciphertext in memory…
    let recipients = sorted_recipients(&publics(&vaults)).unwrap();
    let C_vec: Vec<RistrettoElement> = small(&[7, 8])
        .iter()
        .zip(&r)
        .map(|(m, r)| RistrettoElement::from_point(params().mul_G(m) + params().mul_H(r)))
        .collect();
    let D_vec = honest_handles(&recipients, &r);
    assert!(D_vec[1].is_identity());
    assert_eq!(
        ChunkedCiphertext::from_parts(C_vec, D_vec).map(|_| ()),
        Err(Error::decode(Object::RistrettoPoint, DecodeFailure::Identity))
    );
    // …and the decoder refuses it in an encoding: an honest item with its
    // second handle replaced by the identity's bytes.
    let honest = seal_with(
        &publics(&vaults),
        &ctx,
        4,
        &small(&[7, 8]),
        &random_scalars(2, 36),
        None,
        None,
        35,
    );
    let mut bytes = SealedSecret::new(honest).to_bytes();
    // version ‖ L ‖ v ‖ Y ‖ C_0 ‖ C_1 ‖ D_0 ‖ D_1 …
    let d1 = 3 + 32 + 2 * 32 + 32;
    bytes[d1..d1 + 32].fill(0);
    assert_eq!(
        SealedSecret::from_bytes(&bytes),
        Err(Error::decode(Object::SealedSecret, DecodeFailure::Identity))
    );
}

// ----- Plaintext-preserving maulings: decryptable, but refused -----

fn with_ciphertext(
    item: &SealedItem,
    C_vec: Vec<RistrettoElement>,
    D_vec: Vec<RistrettoElement>,
) -> SealedItem {
    SealedItem { ciphertext: ChunkedCiphertext::from_parts(C_vec, D_vec).unwrap(), ..item.clone() }
}

/// Raw decryption of every vault's view, bypassing verification.
fn raw_decrypt(item: &SealedItem, vaults: &[VaultKeypair]) -> Vec<Result<Vec<u8>, Error>> {
    vaults
        .iter()
        .map(|vault| {
            let j = item.vartime_recipient_index(&vault.public().Y.compressed).unwrap();
            item.ciphertext.decrypt(params(), j, vault.secret().x(), item.L).map(|p| p.to_vec())
        })
        .collect()
}

#[test]
fn homomorphic_maulings_decrypt_but_never_open() {
    let params = params();
    let vaults = vaults(2, 36);
    let ctx = context(Purpose::Secret);
    let payload = *b"mauled?";
    let sealed = seal_secret(params, &publics(&vaults), &ctx, &payload, &mut rng(37)).unwrap();
    let item = &sealed.item;
    let (k, C, D) = (
        item.ciphertext.chunk_count(),
        item.ciphertext.commitments(),
        item.ciphertext.all_handles(),
    );
    let point = |p| RistrettoElement::from_point(p);

    // Re-randomize chunk 1: C + δ·H, D_j + δ·Y_j. Same plaintext for everyone.
    let delta = Scalar::random(&mut rng(38));
    let mut C_vec = C.to_vec();
    let mut D_vec = D.to_vec();
    C_vec[1] = point(C[1].point + delta * params.H);
    for (j, Y) in item.recipients.iter().enumerate() {
        D_vec[j * k + 1] = point(D[j * k + 1].point + delta * Y.point);
    }
    let rerandomized = with_ciphertext(item, C_vec, D_vec);
    for plain in raw_decrypt(&rerandomized, &vaults) {
        assert_eq!(plain.unwrap(), payload.to_vec());
    }

    // Swap chunks 0 and 2 with their handles: decrypts to the swapped payload.
    let mut C_vec = C.to_vec();
    let mut D_vec = D.to_vec();
    C_vec.swap(0, 2);
    for j in 0..item.recipients.len() {
        D_vec.swap(j * k, j * k + 2);
    }
    let swapped = with_ciphertext(item, C_vec, D_vec);
    let mut expected = payload.to_vec();
    expected[..2].copy_from_slice(&payload[4..6]);
    expected[4..6].copy_from_slice(&payload[..2]);
    for plain in raw_decrypt(&swapped, &vaults) {
        assert_eq!(plain.unwrap(), expected);
    }

    // Shift chunk 0 by G: decrypts to m_0 + 1.
    let mut C_vec = C.to_vec();
    C_vec[0] = point(C[0].point + params.G);
    let shifted = with_ciphertext(item, C_vec, D.to_vec());
    let mut expected = payload.to_vec();
    expected[0] += 1;
    for plain in raw_decrypt(&shifted, &vaults) {
        assert_eq!(plain.unwrap(), expected);
    }

    // None of them verifies, so none opens.
    for (name, mauled) in
        [("re-randomized", rerandomized), ("swapped", swapped), ("shifted", shifted)]
    {
        let mauled = SealedSecret::new(mauled);
        assert_eq!(mauled.verify(params, &ctx, &mut rng(39)), Err(Error::Verification), "{name}");
        for vault in &vaults {
            assert_eq!(
                vault
                    .open_secret(params, &mauled, &ctx, &mut rng(40))
                    .map(|s| s.as_bytes().to_vec()),
                Err(Error::Verification),
                "{name}"
            );
        }
    }
    // The original opens.
    let opened = vaults[0].open_secret(params, &sealed, &ctx, &mut rng(41)).unwrap();
    assert_eq!(opened.as_bytes(), &payload);
}

// ----- The padding byte of an odd length -----

#[test]
fn honest_sealers_zero_the_padding_byte() {
    let vaults = vaults(1, 42);
    let ctx = context(Purpose::Secret);
    for payload in [&[0xffu8][..], &[0xff; 31][..], &[0xab; 127][..]] {
        let sealed = seal_secret(params(), &publics(&vaults), &ctx, payload, &mut rng(43)).unwrap();
        let chunks =
            sealed.item.ciphertext.decrypt_chunks(params(), 0, vaults[0].secret().x()).unwrap();
        let last = *chunks.as_slice().last().unwrap();
        assert_eq!(last >> 8, 0, "L = {}", payload.len());
    }
}

/// A test-only sealer sets the unconstrained high byte of the last chunk of
/// an odd-length secret: the item verifies and opens to exactly the `L`
/// payload bytes.
#[test]
fn nonzero_padding_byte_opens_to_the_first_l_bytes() {
    let params = params();
    let vaults = vaults(2, 44);
    let ctx = context(Purpose::Secret);
    for (len, pad) in [(1usize, 0xffu64), (5, 0xab), (127, 0x01)] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let k = chunk_count(len);
        let mut padded = payload.clone();
        padded.push(0);
        let mut m: Vec<Scalar> = padded
            .chunks_exact(2)
            .map(|c| Scalar::from(u64::from(u16::from_le_bytes([c[0], c[1]]))))
            .collect();
        m[k - 1] += Scalar::from(pad << 8);
        let item =
            seal_with(&publics(&vaults), &ctx, len, &m, &random_scalars(k, 45), None, None, 46);
        let sealed = SealedSecret::new(item);
        let sealed = SealedSecret::from_bytes(&sealed.to_bytes()).unwrap();
        for vault in &vaults {
            let opened = vault.open_secret(params, &sealed, &ctx, &mut rng(47)).unwrap();
            assert_eq!(opened.as_bytes(), &payload[..], "L = {len}");
        }
    }
}

// ----- Transcript coverage -----

#[cfg(feature = "std")]
mod coverage {
    use super::*;
    use crate::transcript::challenge_log::{Log, capture};
    use alloc::boxed::Box;
    use alloc::string::String;
    use curve25519_dalek::constants::EIGHT_TORSION;

    /// Label of the probe challenge drawn from the verifier's transcript
    /// after the whole replay: it depends on everything absorbed.
    const PROBE: &[u8] = b"test-probe";

    /// The verifier's challenges for `item` under `context`, in order, ending
    /// with the probe.
    fn challenges(item: &SealedItem, context: &Context, key: Option<KeyStatement<'_>>) -> Log {
        let (result, log) = capture(|| {
            let (_, mut t) = item.replay_with_transcript(context, key)?;
            t.challenge_scalar(PROBE);
            Ok::<_, Error>(())
        });
        result.unwrap();
        log
    }

    /// The labels a replay derives, in order.
    fn expected_labels(item: &SealedItem) -> Vec<&'static [u8]> {
        let mut labels_vec = vec![labels::RP_Y, labels::RP_Z, labels::RP_X, labels::RP_W];
        labels_vec.extend(item.range_proof.ipp.L_vec.iter().map(|_| labels::IPP_U));
        labels_vec.extend([labels::SIGMA_T, labels::SIGMA_C, PROBE]);
        labels_vec
    }

    /// `changed` equals `base` before index `first` and differs at every
    /// index from `first` on.
    fn assert_moves_from(base: &Log, changed: &Log, first: usize, name: &str) {
        assert_eq!(base.len(), changed.len(), "{name}");
        for (i, ((label, b), (label_2, c))) in base.iter().zip(changed).enumerate() {
            assert_eq!(label, label_2);
            let label = core::str::from_utf8(label).unwrap();
            if i < first {
                assert_eq!(b, c, "{name} moved challenge {i} ({label}), absorbed too early?");
            } else {
                assert_ne!(b, c, "{name} does not move challenge {i} ({label})");
            }
        }
    }

    struct Fixture {
        secret: SealedItem,
        secret_ctx: Context,
        deploy: SealedItem,
        deploy_ctx: Context,
        A: EdwardsElement,
        A_prime: EdwardsElement,
    }

    fn fixture() -> Fixture {
        let params = params();
        let vaults = vaults(2, 50);
        let secret_ctx = context(Purpose::Secret).with_extra(b"x").unwrap();
        let secret = seal_secret(params, &publics(&vaults), &secret_ctx, b"odd-L", &mut rng(51))
            .unwrap()
            .item;
        let deploy_ctx = context(Purpose::DeployKey);
        let key = DeployKey::generate(&mut rng(52));
        let deploy =
            seal_deploy_key(params, &publics(&vaults), &deploy_ctx, &key, &mut rng(53)).unwrap();
        Fixture {
            secret,
            secret_ctx,
            A: deploy.A,
            A_prime: deploy.A_prime,
            deploy: deploy.item,
            deploy_ctx,
        }
    }

    fn shift(P: &RistrettoElement) -> RistrettoElement {
        RistrettoElement::from_point(P.point + params().G)
    }

    fn with_parts(
        item: &SealedItem,
        f: impl FnOnce(&mut Vec<RistrettoElement>, &mut Vec<RistrettoElement>),
    ) -> SealedItem {
        let mut C_vec = item.ciphertext.commitments().to_vec();
        let mut D_vec = item.ciphertext.all_handles().to_vec();
        f(&mut C_vec, &mut D_vec);
        SealedItem {
            ciphertext: ChunkedCiphertext::from_parts(C_vec, D_vec).unwrap(),
            ..item.clone()
        }
    }

    /// The prover derives exactly the challenges the verifier replays.
    #[test]
    fn prover_and_verifier_agree() {
        let params = params();
        let vaults = vaults(3, 54);
        let ctx = context(Purpose::Secret);
        let (sealed, prover) = capture(|| {
            seal_secret(params, &publics(&vaults), &ctx, &[9; 13], &mut rng(55)).unwrap()
        });
        let verifier = challenges(&sealed.item, &ctx, None);
        assert_eq!(
            verifier.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            expected_labels(&sealed.item)
        );
        assert_eq!(&verifier[..verifier.len() - 1], &prover[..]);
    }

    /// Every statement element — kind, `L`, each context field, each `Y_j`,
    /// `A`, `A′`, each `C_i`, each `D_ij` — moves every challenge, from the
    /// range proof's first (`y`) to the sigma challenge `c`.
    #[test]
    fn every_statement_element_moves_every_challenge() {
        let f = fixture();
        let owner = [6u8; 32];
        let ctx_variants = |ctx: &Context| -> Vec<(String, Context)> {
            let purpose = ctx.purpose();
            let rebuilt = |project: &[u8], repository: &[u8], purpose, owner| {
                Context::new(project, repository, purpose, owner).unwrap()
            };
            let base = rebuilt(ctx.project_id(), ctx.repository_id(), purpose, *ctx.owner());
            let with_extra = |c: Context| match ctx.extra() {
                Some(e) => c.with_extra(e).unwrap(),
                None => c,
            };
            let mut out = vec![
                (
                    "project".into(),
                    with_extra(rebuilt(b"projecu", ctx.repository_id(), purpose, *ctx.owner())),
                ),
                (
                    "repository".into(),
                    with_extra(rebuilt(ctx.project_id(), b"github:43", purpose, *ctx.owner())),
                ),
                (
                    "owner".into(),
                    with_extra(rebuilt(ctx.project_id(), ctx.repository_id(), purpose, owner)),
                ),
                ("extra other".into(), base.clone().with_extra(b"y").unwrap()),
                ("extra empty".into(), base.clone().with_extra(b"").unwrap()),
            ];
            if ctx.extra().is_some() {
                out.push(("extra absent".into(), base.clone()));
            }
            for other in [Purpose::DeployKey, Purpose::WebhookSecret, Purpose::Secret] {
                if other != purpose {
                    out.push((alloc::format!("kind/purpose {other:?}"), ctx.with_purpose(other)));
                }
            }
            out
        };

        for (kind, item, ctx, key) in [
            ("secret", &f.secret, &f.secret_ctx, None),
            (
                "deploy",
                &f.deploy,
                &f.deploy_ctx,
                Some(KeyStatement { A: &f.A, A_prime: &f.A_prime }),
            ),
        ] {
            let base = challenges(item, ctx, key);
            assert_eq!(base.iter().map(|(l, _)| *l).collect::<Vec<_>>(), expected_labels(item));
            let check =
                |name: &str, item: &SealedItem, ctx: &Context, key: Option<KeyStatement<'_>>| {
                    let changed = challenges(item, ctx, key);
                    assert_moves_from(&base, &changed, 0, &alloc::format!("{kind}: {name}"));
                };
            for (name, other_ctx) in ctx_variants(ctx) {
                check(&name, item, &other_ctx, key);
            }
            // L (same k): only the secret states it.
            if key.is_none() {
                let other_len = SealedItem { L: item.L + 1, ..item.clone() };
                assert_eq!(chunk_count(other_len.L), item.ciphertext.chunk_count());
                check("L", &other_len, ctx, key);
            }
            for j in 0..item.recipients.len() {
                let mut other = item.clone();
                other.recipients[j] = shift(&other.recipients[j]);
                check(&alloc::format!("Y_{j}"), &other, ctx, key);
            }
            if let Some(key) = key {
                let A_2 =
                    EdwardsElement::from_point(key.A.point + EdwardsPoint::mul_base(&Scalar::ONE));
                check("A", item, ctx, Some(KeyStatement { A: &A_2, A_prime: key.A_prime }));
                for T in &EIGHT_TORSION[1..] {
                    let A_prime_2 = EdwardsElement::from_point(key.A_prime.point + T);
                    // Still a valid A′ for A: only the transcript can tell.
                    assert_eq!(A_prime_2.point.mul_by_cofactor(), key.A.point);
                    check(
                        "A' + torsion",
                        item,
                        ctx,
                        Some(KeyStatement { A: key.A, A_prime: &A_prime_2 }),
                    );
                }
            }
            let k = item.ciphertext.chunk_count();
            for i in 0..k {
                check(
                    &alloc::format!("C_{i}"),
                    &with_parts(item, |C, _| C[i] = shift(&C[i])),
                    ctx,
                    key,
                );
            }
            for idx in 0..item.ciphertext.all_handles().len() {
                let name = alloc::format!("D_{},{}", idx % k, idx / k);
                check(&name, &with_parts(item, |_, D| D[idx] = shift(&D[idx])), ctx, key);
            }
        }
    }

    /// Every prover message moves exactly the challenges derived after it:
    /// range proof `A, S → y`; `T₁, T₂ → x`; `τx, μ, t̂ → w`; `L_j, R_j → u_j`;
    /// the inner-product `a, b → t`; `T_0, T_j, U_0, U_1 → c`; the responses
    /// `z_m, z_r, z_s, z_rs` → the state after the proof (the probe).
    #[test]
    fn every_prover_message_moves_the_challenges_after_it() {
        let f = fixture();
        for (kind, item, ctx, key) in [
            ("secret", &f.secret, &f.secret_ctx, None),
            (
                "deploy",
                &f.deploy,
                &f.deploy_ctx,
                Some(KeyStatement { A: &f.A, A_prime: &f.A_prime }),
            ),
        ] {
            let base = challenges(item, ctx, key);
            let index_of = |label: &[u8], nth: usize| {
                base.iter().enumerate().filter(|(_, (l, _))| *l == label).nth(nth).unwrap().0
            };
            let rounds = item.range_proof.ipp.L_vec.len();
            type Mutation = Box<dyn Fn(&mut SealedItem)>;
            fn m(f: impl Fn(&mut SealedItem) + 'static) -> Mutation {
                Box::new(f)
            }
            let mut cases: Vec<(String, usize, Mutation)> = vec![
                (
                    "rp A".into(),
                    index_of(labels::RP_Y, 0),
                    m(|i| i.range_proof.A = shift(&i.range_proof.A)),
                ),
                (
                    "rp S".into(),
                    index_of(labels::RP_Y, 0),
                    m(|i| i.range_proof.S = shift(&i.range_proof.S)),
                ),
                (
                    "rp T1".into(),
                    index_of(labels::RP_X, 0),
                    m(|i| i.range_proof.T_1 = shift(&i.range_proof.T_1)),
                ),
                (
                    "rp T2".into(),
                    index_of(labels::RP_X, 0),
                    m(|i| i.range_proof.T_2 = shift(&i.range_proof.T_2)),
                ),
                (
                    "rp tau_x".into(),
                    index_of(labels::RP_W, 0),
                    m(|i| i.range_proof.t_x_blinding += Scalar::ONE),
                ),
                (
                    "rp mu".into(),
                    index_of(labels::RP_W, 0),
                    m(|i| i.range_proof.e_blinding += Scalar::ONE),
                ),
                (
                    "rp t_hat".into(),
                    index_of(labels::RP_W, 0),
                    m(|i| i.range_proof.t_x += Scalar::ONE),
                ),
                (
                    "ipp a".into(),
                    index_of(labels::SIGMA_T, 0),
                    m(|i| i.range_proof.ipp.a += Scalar::ONE),
                ),
                (
                    "ipp b".into(),
                    index_of(labels::SIGMA_T, 0),
                    m(|i| i.range_proof.ipp.b += Scalar::ONE),
                ),
                (
                    "T_0".into(),
                    index_of(labels::SIGMA_C, 0),
                    m(|i| i.sigma.validity.T_0 = shift(&i.sigma.validity.T_0)),
                ),
                ("z_m".into(), index_of(PROBE, 0), m(|i| i.sigma.validity.z_m += Scalar::ONE)),
                ("z_r".into(), index_of(PROBE, 0), m(|i| i.sigma.validity.z_r += Scalar::ONE)),
            ];
            for j in 0..rounds {
                cases.push((
                    alloc::format!("ipp L_{j}"),
                    index_of(labels::IPP_U, j),
                    m(move |i| {
                        i.range_proof.ipp.L_vec[j] = shift(&i.range_proof.ipp.L_vec[j]);
                    }),
                ));
                cases.push((
                    alloc::format!("ipp R_{j}"),
                    index_of(labels::IPP_U, j),
                    m(move |i| {
                        i.range_proof.ipp.R_vec[j] = shift(&i.range_proof.ipp.R_vec[j]);
                    }),
                ));
            }
            for j in 0..item.recipients.len() {
                cases.push((
                    alloc::format!("T_{j}"),
                    index_of(labels::SIGMA_C, 0),
                    m(move |i| {
                        i.sigma.validity.T_j[j] = shift(&i.sigma.validity.T_j[j]);
                    }),
                ));
            }
            if key.is_some() {
                let c = index_of(labels::SIGMA_C, 0);
                let probe = index_of(PROBE, 0);
                let binding = |f: fn(&mut key_binding::KeyBindingProof)| -> Mutation {
                    Box::new(move |i: &mut SealedItem| f(i.sigma.binding.as_mut().unwrap()))
                };
                cases.push(("U_0".into(), c, binding(|b| b.U_0 = shift(&b.U_0))));
                cases.push((
                    "U_1".into(),
                    c,
                    binding(|b| b.U_1 = EdwardsElement::from_point(b.U_1.point + EIGHT_TORSION[1])),
                ));
                cases.push(("z_s".into(), probe, binding(|b| b.z_s += Scalar::ONE)));
                cases.push(("z_rs".into(), probe, binding(|b| b.z_rs += Scalar::ONE)));
            }
            let expected_cases =
                12 + 2 * rounds + item.recipients.len() + if key.is_some() { 4 } else { 0 };
            assert_eq!(cases.len(), expected_cases);
            for (name, first, mutate) in cases {
                let mut changed = item.clone();
                mutate(&mut changed);
                assert_moves_from(
                    &base,
                    &challenges(&changed, ctx, key),
                    first,
                    &alloc::format!("{kind}: {name}"),
                );
                // And the item no longer verifies.
                let result = match key {
                    None => verify_secret(&changed, ctx),
                    Some(key) => verify_deploy(&changed, key.A, key.A_prime, ctx),
                };
                assert_eq!(result, Err(Error::Verification), "{kind}: {name}");
            }
        }
    }
}

/// The per-thread recipient cache gives exactly what decoding without it
/// gives, in every order: a refused key (the identity, a non-canonical or
/// off-curve encoding) is refused every time it comes back, never served
/// from the cache; more distinct keys than the cache holds all decode; it
/// fills up to its capacity and stops there.
#[test]
fn recipient_cache_decodes_as_the_reader_does() {
    let decode_uncached =
        |bytes: &[u8; 32]| Reader::new(bytes, Object::SealedDeployKey).ristretto_non_identity();
    let decode_cached = |cache: &mut RecipientCache, bytes: &[u8; 32]| {
        cache.read(&mut Reader::new(bytes, Object::SealedDeployKey))
    };
    let identity = [0u8; 32];
    let mut non_canonical = [0xffu8; 32];
    non_canonical[31] = 0x7f;
    let refused = [identity, non_canonical, [0x01; 32]];
    let keys: Vec<[u8; 32]> = (0..2 * RecipientCache::CAPACITY as u64 + 3)
        .map(|i| (params().G * Scalar::from(i + 2)).compress().to_bytes())
        .collect();
    for bytes in &refused {
        assert!(decode_uncached(bytes).is_err());
    }
    let mut cache = RecipientCache::default();
    for round in 0..3 {
        for (i, key) in keys.iter().enumerate() {
            for bytes in refused.iter().chain([key]) {
                assert_eq!(
                    decode_cached(&mut cache, bytes),
                    decode_uncached(bytes),
                    "round {round}, key {i}"
                );
            }
        }
    }
    // It caches, up to its capacity and no further.
    assert_eq!(cache.0.len(), RecipientCache::CAPACITY);
    assert_eq!(
        decode_cached(&mut cache, &identity),
        Err(Error::Decode { what: Object::SealedDeployKey, why: DecodeFailure::Identity })
    );
}

/// A sealed item's `Debug` abbreviates the encoding digest it keeps (public,
/// but 64 bytes of noise in a log) to `EncodingDigest(..)`.
#[test]
fn debug_abbreviates_the_encoding_digest() {
    let vaults = vaults(1, 60);
    let ctx = context(Purpose::Secret);
    let sealed = seal_secret(params(), &publics(&vaults), &ctx, b"hello", &mut rng(61)).unwrap();
    let debug = alloc::format!("{sealed:?}");
    assert!(debug.contains("encoding_digest: EncodingDigest(..)"), "{debug}");
}

/// Encodings are written into an allocation of exactly their size: the
/// length computed up front is the encoded length, for secrets of odd and
/// even lengths and deploy keys, to one to three vaults.
#[test]
fn encodings_are_allocated_at_their_exact_length() {
    let params = params();
    let secret_ctx = context(Purpose::Secret);
    let deploy_ctx = context(Purpose::DeployKey);
    let key = DeployKey::generate(&mut rng(62));
    for v in 1..=3 {
        let vaults = vaults(v, 63);
        for payload in [&b"a"[..], b"even", b"odd-L"] {
            let sealed =
                seal_secret(params, &publics(&vaults), &secret_ctx, payload, &mut rng(64)).unwrap();
            let bytes = sealed.to_bytes();
            assert_eq!(bytes.capacity(), bytes.len(), "secret of {} bytes to {v}", payload.len());
        }
        let sealed =
            seal_deploy_key(params, &publics(&vaults), &deploy_ctx, &key, &mut rng(65)).unwrap();
        let bytes = sealed.to_bytes();
        assert_eq!(bytes.capacity(), bytes.len(), "deploy key to {v}");
    }
}
