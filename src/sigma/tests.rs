//! Sigma proofs against their statements (crate-internal).

#![allow(non_snake_case)]

use super::*;
use crate::transcript::new_transcript;
use crate::vault::{VaultKeypair, VaultPublicKey};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

struct Fixture {
    params: Params,
    recipients: Vec<RistrettoElement>,
    m: Vec<Scalar>,
    r: Vec<Scalar>,
    commitments: Vec<RistrettoElement>,
    handles: Vec<RistrettoElement>,
}

fn fixture(m: &[u64], v: usize) -> Fixture {
    let params = Params::new();
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let mut keys: Vec<VaultPublicKey> =
        (0..v).map(|_| *VaultKeypair::generate(&params, &mut rng).public()).collect();
    keys.sort();
    let recipients: Vec<RistrettoElement> = keys.iter().map(|k| k.Y).collect();
    let m: Vec<Scalar> = m.iter().map(|&x| Scalar::from(x)).collect();
    let r: Vec<Scalar> = m.iter().map(|_| Scalar::random(&mut rng)).collect();
    let commitments = m
        .iter()
        .zip(&r)
        .map(|(m, r)| RistrettoElement::from_point(params.G * m + params.H * r))
        .collect();
    let handles = recipients
        .iter()
        .flat_map(|Y| r.iter().map(move |r| RistrettoElement::from_point(Y.point * r)))
        .collect();
    Fixture { params, recipients, m, r, commitments, handles }
}

/// The fixture's statement, standing for one the sealed item absorbed.
fn absorbed<'a>(f: &'a Fixture, a: Option<&'a EdwardsElement>) -> AbsorbedStatement<'a> {
    let t = new_transcript(labels::PROTOCOL_SEALED);
    AbsorbedStatement::for_tests(t, &f.recipients, a.map(|a| &a.point), &f.commitments, &f.handles)
}

fn prove(f: &Fixture, a: Option<&EdwardsElement>, s_witness: Option<&[Scalar]>) -> SigmaProof {
    let mut statement = absorbed(f, a);
    let mut rng = statement.transcript().prover_rng().finalize(&mut ChaCha20Rng::seed_from_u64(3));
    SigmaProof::prove(&f.params, &mut statement, s_witness.unwrap_or(&f.m), &f.r, &mut rng)
}

fn verify(f: &Fixture, proof: &SigmaProof, a: Option<&EdwardsElement>) -> bool {
    let mut statement = absorbed(f, a);
    let mut weights = Weights::new([&b"test"[..]], &mut ChaCha20Rng::seed_from_u64(4));
    let mut msm = Msm::new();
    let mut coeffs = alloc::vec![MontgomeryScalar::ZERO; f.commitments.len()];
    if proof.push_equations(&mut statement, &mut weights, &mut msm, &mut coeffs).is_err() {
        return false;
    }
    for (coeff, c) in coeffs.iter().zip(&f.commitments) {
        msm.push(*coeff, c);
    }
    msm.vartime_is_satisfied(&f.params)
}

#[test]
fn validity_completeness_and_encoding() {
    for v in [1, 3, 8] {
        let f = fixture(&[0, 1, 0xffff, 1234], v);
        let proof = prove(&f, None, None);
        assert!(verify(&f, &proof, None));
        let mut bytes = Vec::new();
        proof.write(&mut bytes);
        assert_eq!(bytes.len(), SigmaProof::encoded_len(v, false));
        let mut r = Reader::new(&bytes, crate::error::Object::SealedSecret);
        assert_eq!(SigmaProof::read(&mut r, v, false).as_ref(), Ok(&proof));
    }
}

#[test]
fn a_handle_that_does_not_match_its_commitment_fails() {
    let mut f = fixture(&[5, 6, 7], 2);
    // The honest prover's steps on a statement whose D_{1,2} uses another r.
    f.handles[4] = RistrettoElement::from_point(f.recipients[1].point * Scalar::from(99u64));
    let proof = prove(&f, None, None);
    assert!(!verify(&f, &proof, None));
}

#[test]
fn key_binding_completeness_and_soundness() {
    let s = Scalar::from_bytes_mod_order([0x5a; 32]);
    let chunks: Vec<u64> =
        s.as_bytes().chunks_exact(2).map(|c| u64::from(u16::from_le_bytes([c[0], c[1]]))).collect();
    let f = fixture(&chunks, 1);
    let a = EdwardsElement::from_point(EdwardsPoint::mul_base(&s));
    let proof = prove(&f, Some(&a), None);
    assert!(verify(&f, &proof, Some(&a)));
    let mut bytes = Vec::new();
    proof.write(&mut bytes);
    assert_eq!(bytes.len(), SigmaProof::encoded_len(1, true));
    // Against another key.
    let other = EdwardsElement::from_point(EdwardsPoint::mul_base(&(s + Scalar::ONE)));
    assert!(!verify(&f, &proof, Some(&other)));
    // A prover that claims another key for the same chunks.
    let proof = prove(&f, Some(&other), None);
    assert!(!verify(&f, &proof, Some(&other)));
    // Shape mismatches are refused.
    assert!(!verify(&f, &proof, None));
    let secret_proof = prove(&f, None, None);
    assert!(!verify(&f, &secret_proof, Some(&a)));
}

#[test]
fn responses_are_absorbed() {
    let f = fixture(&[1, 2], 1);
    let proof = prove(&f, None, None);
    let mut altered = proof.clone();
    altered.validity.z_r += Scalar::ONE;
    let after = |p: &SigmaProof| {
        let mut statement = absorbed(&f, None);
        let mut weights = Weights::new([&b"x"[..]], &mut ChaCha20Rng::seed_from_u64(1));
        let mut coeffs = alloc::vec![MontgomeryScalar::ZERO; 2];
        let _ = p.push_equations(&mut statement, &mut weights, &mut Msm::new(), &mut coeffs);
        statement.transcript().challenge_scalar(b"after")
    };
    assert_ne!(after(&proof), after(&altered));
}

/// `push_equations` on `proof` against the fixture's statement with deploy
/// key `a`; how many terms it pushed.
fn push(f: &Fixture, proof: &SigmaProof, a: Option<&EdwardsElement>) -> (Result<(), Error>, usize) {
    let mut statement = absorbed(f, a);
    let mut weights = Weights::new([&b"test"[..]], &mut ChaCha20Rng::seed_from_u64(4));
    let mut msm = Msm::new();
    let mut coeffs = alloc::vec![MontgomeryScalar::ZERO; f.commitments.len()];
    let result = proof.push_equations(&mut statement, &mut weights, &mut msm, &mut coeffs);
    let size = msm.size();
    (result, size.shared_points + size.dynamic_points + size.edwards_points)
}

/// Each shape mismatch alone (one handle commitment too few or too many, a
/// handle missing, a key-binding part without a deploy key or none with
/// one) is refused as a verification failure before any term is pushed,
/// and so is the honest proof checked with too few commitment coefficients.
#[test]
fn each_shape_mismatch_alone_is_refused() {
    let f = fixture(&[1, 2, 3], 2);
    let s = Scalar::from(7u64);
    let a = EdwardsElement::from_point(EdwardsPoint::mul_base(&s));
    let secret_proof = prove(&f, None, None);
    let key_proof = prove(&f, Some(&a), None);
    // The honest shapes are accepted (and push terms).
    let (result, terms) = push(&f, &secret_proof, None);
    assert_eq!(result, Ok(()));
    assert!(terms > 0);
    assert_eq!(push(&f, &key_proof, Some(&a)).0, Ok(()));

    let refused = |proof: &SigmaProof, a: Option<&EdwardsElement>, f: &Fixture| {
        assert_eq!(push(f, proof, a), (Err(Error::Verification), 0));
        let statement = absorbed(f, a);
        assert_eq!(proof.check_shape(&statement), Err(Error::Verification));
    };
    // One handle commitment too few, or too many.
    let mut fewer = secret_proof.clone();
    fewer.validity.T_j.pop();
    refused(&fewer, None, &f);
    let mut more = secret_proof.clone();
    more.validity.T_j.push(more.validity.T_0);
    refused(&more, None, &f);
    // A handle missing from the statement.
    let mut short = fixture(&[1, 2, 3], 2);
    short.handles.pop();
    refused(&secret_proof, None, &short);
    // A key-binding part without a deploy key, and none with one.
    refused(&key_proof, None, &f);
    refused(&secret_proof, Some(&a), &f);

    // Too few coefficients for the statement's commitments.
    let mut statement = absorbed(&f, None);
    let mut weights = Weights::new([&b"test"[..]], &mut ChaCha20Rng::seed_from_u64(4));
    let mut coeffs = alloc::vec![MontgomeryScalar::ZERO; 2];
    assert_eq!(
        secret_proof.push_equations(&mut statement, &mut weights, &mut Msm::new(), &mut coeffs),
        Err(Error::Verification)
    );
}
