//! Unit tests of the aggregated range proof (the API is crate-internal).
//!
//! The tests play the sealing code's role: they absorb a statement (`k` and
//! every commitment) into a fresh transcript before proving or verifying.
#![allow(non_snake_case, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use alloc::vec;
use alloc::vec::Vec;
use curve25519_dalek::traits::IsIdentity;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

use crate::transcript::new_transcript;

// The test harness links std even when the crate is built without it.
extern crate std;

/// One `Params` for every test (building it is the slow part).
fn params() -> &'static Params {
    static PARAMS: std::sync::OnceLock<Params> = std::sync::OnceLock::new();
    PARAMS.get_or_init(Params::new)
}

/// The caller's part of the transcript: the statement, every `C_j`.
fn statement(commitments: &[RistrettoElement]) -> AbsorbedStatement<'_> {
    let mut t = new_transcript(labels::PROTOCOL_SEALED);
    t.append_u64_value(labels::CHUNK_COUNT, commitments.len() as u64);
    for C in commitments {
        t.append_point(labels::COMMITMENT, &C.compressed);
    }
    AbsorbedStatement::for_tests(t, &[], None, commitments, &[])
}

fn commit(params: &Params, v: &Scalar, gamma: &Scalar) -> RistrettoElement {
    RistrettoElement::from_point(params.mul_G(v) + params.mul_H(gamma))
}

/// A proof of `values` (as given, possibly out of range) with random
/// blindings, the commitments, and the prover transcript's final challenge.
struct Proved {
    proof: RangeProof,
    commitments: Vec<RistrettoElement>,
    end: Scalar,
}

fn prove_values(values: &[Scalar], seed: u64) -> Proved {
    let params = params();
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let blindings: Vec<Scalar> = values.iter().map(|_| Scalar::random(&mut rng)).collect();
    let commitments: Vec<RistrettoElement> =
        values.iter().zip(&blindings).map(|(v, g)| commit(params, v, g)).collect();
    let mut t = statement(&commitments);
    let mut builder = t.transcript().prover_rng();
    for (v, g) in values.iter().zip(&blindings) {
        builder = builder.witness_scalar(v).witness_scalar(g);
    }
    let mut prover_rng = builder.finalize(&mut rng);
    let proof = RangeProof::prove(params, &mut t, values, &blindings, &mut prover_rng);
    let end = t.transcript().challenge_scalar(b"end");
    Proved { proof, commitments, end }
}

fn random_chunks(k: usize, rng: &mut ChaCha20Rng) -> Vec<Scalar> {
    (0..k).map(|_| Scalar::from(rng.next_u32() & 0xffff)).collect()
}

/// Verify as the sealing code will: statement, push, the commitments once
/// with their summed coefficients, one MSM check. Returns the verifier
/// transcript's final challenge.
fn verify(
    proof: &RangeProof,
    commitments: &[RistrettoElement],
    seed: u64,
) -> Result<Scalar, Error> {
    let params = params();
    let k = commitments.len();
    let mut bytes = Vec::new();
    proof.write(&mut bytes);
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut weights = Weights::new([&bytes[..]], &mut rng);
    let mut msm = Msm::new();
    let mut coeffs = vec![MontgomeryScalar::ZERO; k];
    let mut t = statement(commitments);
    proof.push_equations(params, &mut t, &mut weights, &mut msm, &mut coeffs)?;
    for (c, C) in coeffs.iter().zip(commitments) {
        msm.push(*c, C);
    }
    if msm.vartime_is_satisfied(params) {
        Ok(t.transcript().challenge_scalar(b"end"))
    } else {
        Err(Error::Verification)
    }
}

/// Decode `bytes` for `k` commitments (whole input) and verify.
fn verify_bytes(bytes: &[u8], commitments: &[RistrettoElement]) -> Result<(), Error> {
    let mut r = Reader::new(bytes, Object::RangeProof);
    let proof = RangeProof::read(&mut r, commitments.len())?;
    r.finish()?;
    verify(&proof, commitments, 99).map(|_| ())
}

fn encode(proof: &RangeProof) -> Vec<u8> {
    let mut out = Vec::new();
    proof.write(&mut out);
    out
}

fn roundtrip(proof: &RangeProof, k: usize) {
    let bytes = encode(proof);
    assert_eq!(bytes.len(), RangeProof::encoded_len(k));
    let mut r = Reader::new(&bytes, Object::RangeProof);
    let decoded = RangeProof::read(&mut r, k).expect("decodes");
    assert_eq!(r.finish(), Ok(()));
    assert_eq!(&decoded, proof);
}

// ----- Completeness -----

#[test]
fn sizes_follow_the_formula() {
    let expected = [
        (1, 544),
        (2, 608),
        (3, 672),
        (4, 672),
        (5, 736),
        (16, 800),
        (17, 864),
        (33, 928),
        (64, 928),
    ];
    for (k, len) in expected {
        assert_eq!(RangeProof::encoded_len(k), len, "k = {k}");
        let m = padded_values(k);
        assert_eq!(len, 32 * (2 * (16 * m).ilog2() as usize + 9));
    }
}

#[test]
fn complete_for_every_power_of_two() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    for m in [1usize, 2, 4, 8, 16, 32, 64] {
        let values = random_chunks(m, &mut rng);
        let proved = prove_values(&values, m as u64);
        assert_eq!(proved.proof.ipp.L_vec.len(), (16 * m).ilog2() as usize);
        roundtrip(&proved.proof, m);
        // The verifier's transcript ends where the prover's did (the sigma
        // proofs continue on it).
        assert_eq!(verify(&proved.proof, &proved.commitments, 5), Ok(proved.end), "M = {m}");
    }
}

#[test]
fn complete_for_every_k_with_padding() {
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    for k in 1..=MAX_VALUES {
        let mut values = random_chunks(k, &mut rng);
        values[0] = Scalar::ZERO;
        values[k - 1] = Scalar::from(0xffffu64);
        let proved = prove_values(&values, 100 + k as u64);
        roundtrip(&proved.proof, k);
        assert_eq!(verify(&proved.proof, &proved.commitments, 6), Ok(proved.end), "k = {k}");
    }
}

#[test]
fn complete_at_the_range_ends() {
    for (k, v) in [(1, 0u64), (1, 0xffff), (16, 0), (16, 0xffff), (5, 0xffff)] {
        let proved = prove_values(&vec![Scalar::from(v); k], 7);
        assert!(verify(&proved.proof, &proved.commitments, 7).is_ok(), "k = {k}, v = {v}");
    }
}

// ----- Soundness by construction: the honest prover fed bad values -----

#[test]
fn out_of_range_values_fail() {
    let ell_minus_one = -Scalar::ONE;
    let bad = [
        Scalar::from(1u64 << 16),
        ell_minus_one,
        Scalar::from(u64::from(u32::MAX)),
        Scalar::from(0x1_2345u64),
    ];
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    for (i, bad_value) in bad.iter().enumerate() {
        for k in [1usize, 3, 16] {
            let mut values = random_chunks(k, &mut rng);
            values[(i + k) % k] = *bad_value;
            let proved = prove_values(&values, 30 + i as u64);
            assert_eq!(
                verify(&proved.proof, &proved.commitments, 8),
                Err(Error::Verification),
                "value {i}, k = {k}"
            );
        }
    }
}

// ----- Tampering -----

/// Every byte flipped (two patterns): a typed decode error or a failed
/// verification, never acceptance.
#[test]
fn every_byte_flip_fails() {
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    for k in [1usize, 16] {
        let proved = prove_values(&random_chunks(k, &mut rng), 40 + k as u64);
        let bytes = encode(&proved.proof);
        assert_eq!(verify_bytes(&bytes, &proved.commitments), Ok(()));
        for pos in 0..bytes.len() {
            for pattern in [0x01u8, 0x80] {
                let mut tampered = bytes.clone();
                tampered[pos] ^= pattern;
                match verify_bytes(&tampered, &proved.commitments) {
                    Err(Error::Decode { what: Object::RangeProof, .. })
                    | Err(Error::Verification) => {}
                    other => panic!("k = {k}, byte {pos} ^ {pattern:#x}: {other:?}"),
                }
            }
        }
    }
}

/// Decoding is total and the length comes from `k` only.
#[test]
fn decoding_errors_are_typed() {
    let proved = prove_values(&[Scalar::from(7u64); 2], 9);
    let bytes = encode(&proved.proof);
    let err = |why| Err(Error::decode(Object::RangeProof, why));
    for k in [0usize, 65, usize::MAX] {
        let mut r = Reader::new(&bytes, Object::RangeProof);
        assert_eq!(RangeProof::read(&mut r, k), err(DecodeFailure::Limit));
    }
    for len in [0, 31, 32, bytes.len() - 1] {
        let mut r = Reader::new(&bytes[..len], Object::SealedSecret);
        assert_eq!(RangeProof::read(&mut r, 2), err(DecodeFailure::Length), "len {len}");
    }
    // Trailing bytes are left to the caller's `finish`.
    let mut longer = bytes.clone();
    longer.push(0);
    let mut r = Reader::new(&longer, Object::RangeProof);
    assert_eq!(RangeProof::read(&mut r, 2).as_ref(), Ok(&proved.proof));
    assert_eq!(r.finish(), Err(Error::decode(Object::RangeProof, DecodeFailure::TrailingData)));
    // Read for a smaller k (fewer rounds): a point lands where `a` is read.
    let mut r = Reader::new(&bytes, Object::RangeProof);
    assert!(
        matches!(RangeProof::read(&mut r, 1), Err(Error::Decode { what: Object::RangeProof, .. }))
            || r.finish().is_err()
    );
    // Non-canonical scalar (t̂ = 2²⁵⁶ − 1).
    let mut bad = bytes.clone();
    bad[192..224].fill(0xff);
    assert_eq!(
        RangeProof::read(&mut Reader::new(&bad, Object::RangeProof), 2),
        err(DecodeFailure::NonCanonical)
    );
    // Not a point (a non-canonical field element).
    let mut bad = bytes.clone();
    bad[0..32].fill(0xff);
    assert_eq!(
        RangeProof::read(&mut Reader::new(&bad, Object::RangeProof), 2),
        err(DecodeFailure::NotOnCurve)
    );
}

/// A, S, T_1, T_2 must not be the identity — refused by the decoder, the
/// only way a proof that the prover did not make comes in (`push_equations`
/// asserts it in debug builds); L_j and R_j may be the identity.
#[test]
fn identity_prover_messages() {
    let proved = prove_values(&[Scalar::from(7u64); 2], 10);
    let bytes = encode(&proved.proof);
    let identity_err = Err(Error::decode(Object::RangeProof, DecodeFailure::Identity));
    for field in 0..4 {
        let mut bad = bytes.clone();
        bad[32 * field..32 * (field + 1)].fill(0);
        assert_eq!(verify_bytes(&bad, &proved.commitments), identity_err, "field {field}");
    }
    // An identity L_0 decodes and simply fails verification.
    let mut bad = bytes.clone();
    bad[224..256].fill(0);
    assert_eq!(verify_bytes(&bad, &proved.commitments), Err(Error::Verification));
}

/// The proof's shape comes from `k`: the decoder reads exactly the rounds
/// `k` commitments need, so a proof for 3 values cannot be read for 5 (one
/// more round) or for 2 (one fewer).
#[test]
fn shape_comes_from_k() {
    let proved = prove_values(&[Scalar::from(7u64); 3], 12);
    let bytes = encode(&proved.proof);
    let read = |k: usize| RangeProof::read(&mut Reader::new(&bytes, Object::RangeProof), k);
    assert!(read(3).is_ok());
    assert!(read(4).is_ok(), "k = 4 pads to the same M = 4");
    for k in [5, 2] {
        let mut r = Reader::new(&bytes, Object::RangeProof);
        let outcome = RangeProof::read(&mut r, k).and_then(|_| r.finish());
        // Misread fields fail as whatever they land on (a length, a
        // non-canonical scalar…): a decode error of the range proof.
        assert!(
            matches!(outcome, Err(Error::Decode { what: Object::RangeProof, .. })),
            "k = {k}: {outcome:?}"
        );
    }
}

// ----- Transcript coverage -----

/// Every prover message, changed to another valid value, changes the final
/// transcript state and breaks verification; so does changing a commitment
/// the caller absorbed.
#[test]
fn every_prover_message_is_bound() {
    let params = params();
    let proved = prove_values(&[Scalar::from(1u64), Scalar::from(2u64), Scalar::from(3u64)], 13);
    let rounds = proved.proof.ipp.L_vec.len();
    let shift = |P: &RistrettoElement| RistrettoElement::from_point(P.point + params.G);
    let mut variants: Vec<(alloc::string::String, RangeProof)> = Vec::new();
    let mut add = |name: &str, f: &dyn Fn(&mut RangeProof)| {
        let mut p = proved.proof.clone();
        f(&mut p);
        variants.push((name.into(), p));
    };
    add("A", &|p| p.A = shift(&p.A));
    add("S", &|p| p.S = shift(&p.S));
    add("T_1", &|p| p.T_1 = shift(&p.T_1));
    add("T_2", &|p| p.T_2 = shift(&p.T_2));
    add("tau_x", &|p| p.t_x_blinding += Scalar::ONE);
    add("mu", &|p| p.e_blinding += Scalar::ONE);
    add("t_hat", &|p| p.t_x += Scalar::ONE);
    add("a", &|p| p.ipp.a += Scalar::ONE);
    add("b", &|p| p.ipp.b += Scalar::ONE);
    for j in 0..rounds {
        add(&alloc::format!("L_{j}"), &|p| p.ipp.L_vec[j] = shift(&p.ipp.L_vec[j]));
        add(&alloc::format!("R_{j}"), &|p| p.ipp.R_vec[j] = shift(&p.ipp.R_vec[j]));
    }
    assert_eq!(variants.len(), 9 + 2 * rounds);
    for (name, proof) in &variants {
        assert_eq!(verify(proof, &proved.commitments, 14), Err(Error::Verification), "{name}");
        // The final transcript state depends on the message: replay it alone.
        let mut t = statement(&proved.commitments);
        let mut weights = Weights::new([&b"x"[..]], &mut ChaCha20Rng::seed_from_u64(1));
        let mut coeffs = vec![MontgomeryScalar::ZERO; 3];
        proof
            .push_equations(params, &mut t, &mut weights, &mut Msm::new(), &mut coeffs)
            .expect("replays");
        assert_ne!(t.transcript().challenge_scalar(b"end"), proved.end, "{name} is not absorbed");
    }
    // A commitment the caller absorbed before the proof.
    for j in 0..3 {
        let mut commitments = proved.commitments.clone();
        commitments[j] = shift(&commitments[j]);
        assert_eq!(verify(&proved.proof, &commitments, 15), Err(Error::Verification), "C_{j}");
    }
}

/// The final inner-product scalars are absorbed: with `a` or `b` changed the
/// transcript after the proof differs, while every earlier challenge is the
/// same.
#[test]
fn a_and_b_are_absorbed() {
    let params = params();
    let proved = prove_values(&[Scalar::from(9u64)], 16);
    let replay = |proof: &RangeProof| {
        let mut t = statement(&proved.commitments);
        let mut weights = Weights::new([&b"x"[..]], &mut ChaCha20Rng::seed_from_u64(1));
        let mut msm = Msm::new();
        let mut coeffs = vec![MontgomeryScalar::ZERO; 1];
        proof.push_equations(params, &mut t, &mut weights, &mut msm, &mut coeffs).expect("replays");
        t.transcript().challenge_scalar(b"after")
    };
    let base = replay(&proved.proof);
    let mut with_a = proved.proof.clone();
    with_a.ipp.a += Scalar::ONE;
    let mut with_b = proved.proof.clone();
    with_b.ipp.b = -with_b.ipp.b;
    assert_ne!(replay(&with_a), base);
    assert_ne!(replay(&with_b), base);
    assert_ne!(replay(&with_a), replay(&with_b));
}

// ----- Algebra -----

/// δ(y, z) from its closed form equals t₀ − Σ z^(2+j)·v_j computed from the
/// vectors' definition, for random bits, y and z.
#[test]
fn delta_matches_direct_computation() {
    let mut rng = ChaCha20Rng::seed_from_u64(17);
    for m in [1usize, 2, 4, 16] {
        let n = RANGE_BITS * m;
        let (y, z) = (Scalar::random(&mut rng), Scalar::random(&mut rng));
        let values: Vec<u64> = (0..m).map(|_| u64::from(rng.next_u32() & 0xffff)).collect();
        let mut t_0 = Scalar::ZERO;
        let mut y_pow = Scalar::ONE;
        for idx in 0..n {
            let (j, i) = (idx / RANGE_BITS, idx % RANGE_BITS);
            let a_L = Scalar::from((values[j] >> i) & 1);
            let a_R = a_L - Scalar::ONE;
            let z_j = (0..2 + j).fold(Scalar::ONE, |acc, _| acc * z);
            let two_i = Scalar::from(1u64 << i);
            t_0 += (a_L - z) * (y_pow * (a_R + z) + z_j * two_i);
            y_pow *= y;
        }
        let committed = values.iter().enumerate().fold(Scalar::ZERO, |acc, (j, v)| {
            acc + (0..2 + j).fold(Scalar::ONE, |p, _| p * z) * Scalar::from(*v)
        });
        // And δ from a plain double loop.
        let mut direct = Scalar::ZERO;
        let mut y_pow = Scalar::ONE;
        for _ in 0..n {
            direct += (z - z * z) * y_pow;
            y_pow *= y;
        }
        for j in 0..m {
            for i in 0..RANGE_BITS {
                direct -= (0..3 + j).fold(Scalar::ONE, |acc, _| acc * z) * Scalar::from(1u64 << i);
            }
        }
        let ms = MontgomeryScalar::from_scalar;
        let delta = delta(ms(&y), ms(&z), m).to_scalar();
        assert_eq!(delta, direct, "M = {m}");
        assert_eq!(t_0, committed + delta, "M = {m}");
    }
}

// ----- Differential: pushed terms vs the paper's unbatched equations -----

/// The two equations of the paper computed with plain point arithmetic from
/// an independent transcript replay: (1) the t̂ check, (2) the P check with
/// the inner-product argument verified by folding the generators round by
/// round. Returns (LHS − RHS) of each.
fn naive_equations(
    proof: &RangeProof,
    commitments: &[RistrettoElement],
) -> (RistrettoPoint, RistrettoPoint) {
    let params = params();
    let k = commitments.len();
    let m = k.next_power_of_two();
    let n = 16 * m;
    let mut statement = statement(commitments);
    let t = statement.transcript();
    t.append_bytes(labels::DOM_SEP, labels::RANGE_PROOF_DOM_SEP);
    t.append_u64_value(labels::RANGE_BITS, 16);
    t.append_u64_value(labels::RANGE_VALUES, m as u64);
    t.append_point(labels::RP_A, &proof.A.compressed);
    t.append_point(labels::RP_S, &proof.S.compressed);
    let y = t.challenge_scalar(labels::RP_Y);
    let z = t.challenge_scalar(labels::RP_Z);
    t.append_point(labels::RP_T1, &proof.T_1.compressed);
    t.append_point(labels::RP_T2, &proof.T_2.compressed);
    let x = t.challenge_scalar(labels::RP_X);
    t.append_scalar(labels::RP_TAU_X, &proof.t_x_blinding);
    t.append_scalar(labels::RP_MU, &proof.e_blinding);
    t.append_scalar(labels::RP_T_HAT, &proof.t_x);
    let w = t.challenge_scalar(labels::RP_W);
    t.append_bytes(labels::DOM_SEP, labels::INNER_PRODUCT_DOM_SEP);
    t.append_u64_value(labels::IPP_LEN, n as u64);

    let z_pow = |e: usize| (0..e).fold(Scalar::ONE, |acc, _| acc * z);
    let y_pow: Vec<Scalar> = (0..n)
        .scan(Scalar::ONE, |acc, _| {
            let out = *acc;
            *acc *= y;
            Some(out)
        })
        .collect();

    // (1): t̂·G + τx·H = Σ z^(2+j)·V_j + δ·G + x·T_1 + x²·T_2, δ by loops.
    let mut delta = Scalar::ZERO;
    for y_i in &y_pow {
        delta += (z - z * z) * y_i;
    }
    for j in 0..m {
        delta -= z_pow(3 + j) * Scalar::from(0xffffu64);
    }
    let mut rhs = delta * params.G + x * proof.T_1.point + (x * x) * proof.T_2.point;
    for (j, C) in commitments.iter().enumerate() {
        rhs += z_pow(2 + j) * C.point;
    }
    let e1 = rhs - (proof.t_x * params.G + proof.t_x_blinding * params.H);

    // (2): P = A + x·S − z·Σ G_i + Σ (z·y^i + z^(2+j)·2^i)·H'_i with
    // H'_i = y^(−i)·H_i; then P − μ·H + t̂·Q folded by the argument.
    let y_inv = y.invert();
    let mut G: Vec<RistrettoPoint> = params.G_vec[..n].to_vec();
    let mut H: Vec<RistrettoPoint> = params.H_vec[..n]
        .iter()
        .enumerate()
        .map(|(i, H_i)| (0..i).fold(Scalar::ONE, |acc, _| acc * y_inv) * H_i)
        .collect();
    let Q = w * params.G;
    let mut P = proof.A.point + x * proof.S.point - proof.e_blinding * params.H + proof.t_x * Q;
    for i in 0..n {
        let h_exp = z * y_pow[i] + z_pow(2 + i / 16) * Scalar::from(1u64 << (i % 16));
        P += h_exp * H[i] - z * G[i];
    }
    for (L, R) in proof.ipp.L_vec.iter().zip(&proof.ipp.R_vec) {
        t.append_point(labels::IPP_L, &L.compressed);
        t.append_point(labels::IPP_R, &R.compressed);
        let u = t.challenge_scalar(labels::IPP_U);
        let u_inv = u.invert();
        let half = G.len() / 2;
        G = (0..half).map(|i| u_inv * G[i] + u * G[i + half]).collect();
        H = (0..half).map(|i| u * H[i] + u_inv * H[i + half]).collect();
        P += (u * u) * L.point + (u_inv * u_inv) * R.point;
    }
    assert_eq!(G.len(), 1);
    let (a, b) = (proof.ipp.a, proof.ipp.b);
    let e2 = P - (a * G[0] + b * H[0] + (a * b) * Q);
    (e1, e2)
}

/// The weighted sum the MSM holds equals ω₁·(1) + ω₂·(2) from the naive
/// equations exactly: for honest proofs (both zero) and for garbage proofs
/// (random messages, so every coefficient matters).
#[test]
fn pushed_terms_equal_the_papers_equations() {
    let params = params();
    let mut rng = ChaCha20Rng::seed_from_u64(18);
    for k in [1usize, 3, 16] {
        let honest = prove_values(&random_chunks(k, &mut rng), 180 + k as u64);
        let random_point =
            |rng: &mut ChaCha20Rng| RistrettoElement::from_point(RistrettoPoint::random(rng));
        let mut garbage = honest.proof.clone();
        garbage.A = random_point(&mut rng);
        garbage.S = random_point(&mut rng);
        garbage.T_1 = random_point(&mut rng);
        garbage.T_2 = random_point(&mut rng);
        garbage.t_x_blinding = Scalar::random(&mut rng);
        garbage.e_blinding = Scalar::random(&mut rng);
        garbage.t_x = Scalar::random(&mut rng);
        for (L, R) in garbage.ipp.L_vec.iter_mut().zip(garbage.ipp.R_vec.iter_mut()) {
            *L = random_point(&mut rng);
            *R = random_point(&mut rng);
        }
        garbage.ipp.a = Scalar::random(&mut rng);
        garbage.ipp.b = Scalar::random(&mut rng);

        for (which, proof) in [("honest", &honest.proof), ("garbage", &garbage)] {
            let (e1, e2) = naive_equations(proof, &honest.commitments);
            if which == "honest" {
                assert!(
                    e1.is_identity() && e2.is_identity(),
                    "k = {k}: honest proof fails the paper's checks"
                );
            } else {
                assert!(!e1.is_identity() && !e2.is_identity());
            }
            // Same weights on both sides: two Weights from the same seed.
            let mut weights =
                Weights::new([&b"diff"[..]], &mut ChaCha20Rng::seed_from_u64(k as u64));
            let mut twin = Weights::new([&b"diff"[..]], &mut ChaCha20Rng::seed_from_u64(k as u64));
            let (omega_1, omega_2) = (twin.next(), twin.next());
            let mut msm = Msm::new();
            let mut coeffs = vec![MontgomeryScalar::ZERO; k];
            let mut t = statement(&honest.commitments);
            proof
                .push_equations(params, &mut t, &mut weights, &mut msm, &mut coeffs)
                .expect("shape ok");
            for (c, C) in coeffs.iter().zip(&honest.commitments) {
                msm.push(*c, C);
            }
            assert_eq!(msm.vartime_is_satisfied(params), which == "honest");
            // msm − (ω₁·e1 + ω₂·e2) = 0.
            let expected = RistrettoElement::from_point(omega_1 * e1 + omega_2 * e2);
            msm.push(-MontgomeryScalar::ONE, &expected);
            assert!(
                msm.vartime_is_satisfied(params),
                "k = {k}, {which}: pushed terms differ from the paper's equations"
            );
        }
    }
}

/// Each of the proof's two equations gets its own weight: `push_equations`
/// draws exactly two, and they differ (a shared weight would let errors in
/// the two equations cancel).
#[test]
fn equations_get_distinct_weights() {
    let params = params();
    let proved = prove_values(&[Scalar::from(3u64)], 19);
    let mut weights = Weights::new([&b"w"[..]], &mut ChaCha20Rng::seed_from_u64(19));
    let mut twin = Weights::new([&b"w"[..]], &mut ChaCha20Rng::seed_from_u64(19));
    let mut coeffs = vec![MontgomeryScalar::ZERO; 1];
    let mut t = statement(&proved.commitments);
    let mut msm = Msm::new();
    proved.proof.push_equations(params, &mut t, &mut weights, &mut msm, &mut coeffs).expect("ok");
    let (omega_1, omega_2) = (twin.next(), twin.next());
    assert_ne!(omega_1, omega_2);
    // push_equations drew exactly two weights: the next ones coincide.
    assert_eq!(weights.next(), twin.next());
}
