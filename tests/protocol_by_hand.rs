//! The known-answer vectors re-derived from `docs/PROTOCOL.md` alone.
//!
//! Nothing here calls the crate to produce bytes: the seeded RNGs (§11:
//! PCG32 key expansion and the ChaCha20 keystream), vault keys (§3.1),
//! proofs of possession (§2.3), deploy keys and their signatures (§3.3,
//! §5.1), sealed items with every prover draw (§2.4, §2.6, §7, §8), vault
//! records (§9) and registrations (§10) are built here with merlin,
//! curve25519-dalek, ed25519-dalek (RFC 8032 signing with an owner seed) and
//! the hash functions, following the document step by step, and compared with
//! `tests/vectors/*.json` byte for byte. If the code changes a label, an
//! order, a witness or a draw without the document, this test fails.
//!
//! The crate is used once, as the verifier of a sealed deploy key whose `A′`
//! carries a torsion component (§8.3: such an item verifies).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs, non_snake_case)]

use base64::Engine as _;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use curve25519_dalek::constants::{EIGHT_TORSION, RISTRETTO_BASEPOINT_POINT};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::Signer as _;
use hmac::{Hmac, KeyInit, Mac};
use merlin::{Transcript, TranscriptRng};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512, Sha512_256};

// ----- §11: seeded RNGs -----

/// `ChaCha20Rng::seed_from_u64(n)` as §11 defines it: the ChaCha20 keystream
/// under eight PCG32 outputs, read as a byte stream.
struct SeededRng(chacha20::ChaCha20);

impl SeededRng {
    // PCG32's output is the low 32 bits of the shifted state.
    #[allow(clippy::cast_possible_truncation)]
    fn new(n: u64) -> Self {
        let mut state = n;
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(4) {
            state = state.wrapping_mul(0x5851_F42D_4C95_7F2D).wrapping_add(0xA176_54E4_6FBE_17F3);
            let x = (((state >> 18) ^ state) >> 27) as u32;
            let out = x.rotate_right((state >> 59) as u32);
            chunk.copy_from_slice(&out.to_le_bytes());
        }
        SeededRng(chacha20::ChaCha20::new(&key.into(), &[0u8; 12].into()))
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        let mut out = vec![0u8; n];
        self.0.apply_keystream(&mut out);
        out
    }

    fn take32(&mut self) -> [u8; 32] {
        self.take(32).try_into().unwrap()
    }
}

/// The caller's 32 bytes as merlin's `finalize` asks for them.
struct Finalize([u8; 32]);

impl rand_core_06::RngCore for Finalize {
    fn next_u32(&mut self) -> u32 {
        unreachable!("finalize draws bytes")
    }
    fn next_u64(&mut self) -> u64 {
        unreachable!("finalize draws bytes")
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        assert_eq!(dest.len(), 32);
        dest.copy_from_slice(&self.0);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}
impl rand_core_06::CryptoRng for Finalize {}

// ----- Conventions and §2.6: transcripts, challenges, prover RNGs -----

fn challenge(t: &mut Transcript, label: &'static [u8]) -> Scalar {
    let mut wide = [0u8; 64];
    t.challenge_bytes(label, &mut wide);
    Scalar::from_bytes_mod_order_wide(&wide)
}

/// `build_rng()`, one `rekey("witness", w)` per witness, `finalize` with the
/// next 32 bytes of the caller's RNG.
fn prover_rng(t: &Transcript, witnesses: &[&[u8]], caller: &mut SeededRng) -> TranscriptRng {
    let mut builder = t.build_rng();
    for w in witnesses {
        builder = builder.rekey_with_witness_bytes(b"witness", w);
    }
    builder.finalize(&mut Finalize(caller.take32()))
}

/// A prover scalar: `draw(64)` reduced modulo ℓ.
fn draw_scalar(rng: &mut TranscriptRng) -> Scalar {
    let mut wide = [0u8; 64];
    rand_core_06::RngCore::fill_bytes(rng, &mut wide);
    Scalar::from_bytes_mod_order_wide(&wide)
}

// ----- §1: generators -----

fn hash_to_ristretto(parts: &[&[u8]]) -> RistrettoPoint {
    let mut h = Sha512::new();
    for p in parts {
        h.update(p);
    }
    let wide: [u8; 64] = h.finalize().into();
    RistrettoPoint::from_uniform_bytes(&wide)
}

struct Generators {
    H: RistrettoPoint,
    G_vec: Vec<RistrettoPoint>,
    H_vec: Vec<RistrettoPoint>,
}

impl Generators {
    fn new(n: u32) -> Self {
        Generators {
            H: hash_to_ristretto(&[b"vaultseal-generator-H-v1"]),
            G_vec: (0..n)
                .map(|i| hash_to_ristretto(&[b"vaultseal-generator-G-vec-v1", &i.to_le_bytes()]))
                .collect(),
            H_vec: (0..n)
                .map(|i| hash_to_ristretto(&[b"vaultseal-generator-H-vec-v1", &i.to_le_bytes()]))
                .collect(),
        }
    }
}

const G: RistrettoPoint = RISTRETTO_BASEPOINT_POINT;

// ----- §3.1: vault keys -----

struct Vault {
    x: Scalar,
    w: [u8; 32],
    Y: [u8; 32],
    Y_point: RistrettoPoint,
    W: [u8; 32],
}

impl Vault {
    fn from_seed(gens: &Generators, seed: &[u8; 32]) -> Self {
        let x_wide: [u8; 64] = Sha512::new()
            .chain_update(b"vaultseal-vault-seed-x-v1")
            .chain_update(seed)
            .finalize()
            .into();
        let w_wide: [u8; 64] = Sha512::new()
            .chain_update(b"vaultseal-vault-seed-w-v1")
            .chain_update(seed)
            .finalize()
            .into();
        let x = Scalar::from_bytes_mod_order_wide(&x_wide);
        let w: [u8; 32] = w_wide[..32].try_into().unwrap();
        let Y_point = x.invert() * gens.H;
        Vault {
            x,
            w,
            Y: Y_point.compress().to_bytes(),
            Y_point,
            W: MontgomeryPoint::mul_base_clamped(w).to_bytes(),
        }
    }

    fn public(&self) -> Vec<u8> {
        [self.Y, self.W].concat()
    }
}

// ----- §2.3: proof of possession -----

fn prove_possession(vault: &Vault, record: &[u8], caller: &mut SeededRng) -> Vec<u8> {
    let mut t = Transcript::new(b"vaultseal-vault-key-proof-v1");
    t.append_message(b"Y", &vault.Y);
    t.append_message(b"W", &vault.W);
    t.append_message(b"record", record);
    let mut rng = prover_rng(&t, &[vault.x.as_bytes()], caller);
    let k = draw_scalar(&mut rng);
    let T = (k * vault.Y_point).compress();
    t.append_message(b"T", T.as_bytes());
    let c = challenge(&mut t, b"c");
    let z = k + c * vault.x;
    t.append_message(b"z", z.as_bytes());
    [T.to_bytes(), z.to_bytes()].concat()
}

// ----- §3.3, §5.1: deploy keys -----

fn deploy_key(rng: &mut SeededRng) -> Scalar {
    loop {
        let s = Scalar::from_bytes_mod_order_wide(&rng.take(64).try_into().unwrap());
        if s != Scalar::ZERO {
            return s;
        }
    }
}

fn deploy_sign(s: &Scalar, message: &[u8]) -> Vec<u8> {
    let A = EdwardsPoint::mul_base(s).compress();
    let prefix: [u8; 64] = Sha512::new()
        .chain_update(b"vaultseal-deploy-key-nonce-prefix-v1")
        .chain_update(s.as_bytes())
        .finalize()
        .into();
    let wide = |parts: &[&[u8]]| {
        let mut h = Sha512::new();
        for p in parts {
            h.update(p);
        }
        let out: [u8; 64] = h.finalize().into();
        Scalar::from_bytes_mod_order_wide(&out)
    };
    let r = wide(&[&prefix[..32], message]);
    let R = EdwardsPoint::mul_base(&r).compress();
    let k = wide(&[R.as_bytes(), A.as_bytes(), message]);
    [R.to_bytes(), (r + k * s).to_bytes()].concat()
}

// ----- §4.1, §2.1: contexts -----

struct ContextFields {
    project: Vec<u8>,
    repository: Vec<u8>,
    purpose: u8,
    owner: [u8; 32],
    extra: Option<Vec<u8>>,
}

impl ContextFields {
    fn parse(bytes: &[u8]) -> Self {
        assert_eq!(bytes[0], 1);
        let p = usize::from(bytes[1]);
        let project = bytes[2..2 + p].to_vec();
        let at = 2 + p;
        let r = usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
        let repository = bytes[at + 2..at + 2 + r].to_vec();
        let at = at + 2 + r;
        let purpose = bytes[at];
        let owner = bytes[at + 1..at + 33].try_into().unwrap();
        let extra = match bytes[at + 33] {
            0 => None,
            _ => {
                let e = usize::from(u16::from_le_bytes([bytes[at + 34], bytes[at + 35]]));
                Some(bytes[at + 36..at + 36 + e].to_vec())
            }
        };
        let fields = ContextFields { project, repository, purpose, owner, extra };
        assert_eq!(fields.to_bytes(), bytes);
        fields
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![1, u8::try_from(self.project.len()).unwrap()];
        out.extend_from_slice(&self.project);
        out.extend_from_slice(&u16::try_from(self.repository.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&self.repository);
        out.push(self.purpose);
        out.extend_from_slice(&self.owner);
        match &self.extra {
            None => out.push(0),
            Some(extra) => {
                out.push(1);
                out.extend_from_slice(&u16::try_from(extra.len()).unwrap().to_le_bytes());
                out.extend_from_slice(extra);
            }
        }
        out
    }

    fn absorb(&self, t: &mut Transcript) {
        t.append_message(b"ctx-project", &self.project);
        t.append_message(b"ctx-repository", &self.repository);
        t.append_u64(b"ctx-purpose", u64::from(self.purpose));
        t.append_message(b"ctx-owner", &self.owner);
        match &self.extra {
            None => t.append_u64(b"ctx-extra-present", 0),
            Some(extra) => {
                t.append_u64(b"ctx-extra-present", 1);
                t.append_message(b"ctx-extra", extra);
            }
        }
    }
}

// ----- §7, §8, §2.4, §2.6: sealed items -----

fn inner(a: &[Scalar], b: &[Scalar]) -> Scalar {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn msm(s: &[Scalar], p: &[RistrettoPoint]) -> RistrettoPoint {
    s.iter().zip(p).map(|(s, p)| s * p).sum()
}

/// Seal `payload` to `recipients` (any order) under `context`; for a deploy
/// key, `key = (s, A′)`. The caller's RNG gives 32 + 32 bytes.
fn seal(
    gens: &Generators,
    recipients: &[&Vault],
    context: &ContextFields,
    payload: &[u8],
    key: Option<(Scalar, EdwardsPoint)>,
    caller: &mut SeededRng,
) -> Vec<u8> {
    let mut recipients = recipients.to_vec();
    recipients.sort_by_key(|r| r.Y);
    let (L, v) = (payload.len(), recipients.len());
    let k = L.div_ceil(2);
    let m: Vec<Scalar> = payload
        .chunks(2)
        .map(|c| Scalar::from(u64::from(c[0]) + 256 * u64::from(*c.get(1).unwrap_or(&0))))
        .collect();
    let A = key.map(|(s, A_prime)| (EdwardsPoint::mul_base(&s).compress(), A_prime.compress()));

    // §8.1 step 1: kind, L, k, v BEFORE the context.
    let mut t = Transcript::new(b"vaultseal-sealed-v1");
    t.append_u64(b"kind", u64::from(context.purpose));
    t.append_u64(b"L", L as u64);
    t.append_u64(b"k", k as u64);
    t.append_u64(b"v", v as u64);
    context.absorb(&mut t);
    for r in &recipients {
        t.append_message(b"Y", &r.Y);
    }
    if let Some((A, A_prime)) = &A {
        t.append_message(b"A", A.as_bytes());
        t.append_message(b"A-prime", A_prime.as_bytes());
    }
    // First prover RNG: the blindings.
    let mut rng_r = prover_rng(&t, &[payload], caller);
    let r: Vec<Scalar> = (0..k).map(|_| draw_scalar(&mut rng_r)).collect();
    let C: Vec<RistrettoPoint> = (0..k).map(|i| m[i] * G + r[i] * gens.H).collect();
    let D: Vec<RistrettoPoint> =
        recipients.iter().flat_map(|y| r.iter().map(|r_i| r_i * y.Y_point)).collect();
    for C_i in &C {
        t.append_message(b"C", C_i.compress().as_bytes());
    }
    for D_ij in &D {
        t.append_message(b"D", D_ij.compress().as_bytes());
    }
    // Second prover RNG: every nonce.
    let r_bytes: Vec<[u8; 32]> = r.iter().map(Scalar::to_bytes).collect();
    let mut witnesses: Vec<&[u8]> = vec![payload];
    witnesses.extend(r_bytes.iter().map(|b| &b[..]));
    let mut rng = prover_rng(&t, &witnesses, caller);

    // Range proof (§2.4, §2.6).
    let M = k.next_power_of_two();
    let N = 16 * M;
    t.append_message(b"dom-sep", b"vaultseal-range-proof-v1");
    t.append_u64(b"n", 16);
    t.append_u64(b"M", M as u64);
    let alpha = draw_scalar(&mut rng);
    let rho = draw_scalar(&mut rng);
    let s_L: Vec<Scalar> = (0..N).map(|_| draw_scalar(&mut rng)).collect();
    let s_R: Vec<Scalar> = (0..N).map(|_| draw_scalar(&mut rng)).collect();
    let value = |j: usize| {
        if j < k { m[j].as_bytes()[0] as u64 + 256 * m[j].as_bytes()[1] as u64 } else { 0 }
    };
    let a_L: Vec<Scalar> = (0..N).map(|i| Scalar::from((value(i / 16) >> (i % 16)) & 1)).collect();
    let a_R: Vec<Scalar> = a_L.iter().map(|b| b - Scalar::ONE).collect();
    let rp_A = alpha * gens.H + msm(&a_L, &gens.G_vec) + msm(&a_R, &gens.H_vec);
    let rp_S = rho * gens.H + msm(&s_L, &gens.G_vec) + msm(&s_R, &gens.H_vec);
    t.append_message(b"rp-A", rp_A.compress().as_bytes());
    t.append_message(b"rp-S", rp_S.compress().as_bytes());
    let y = challenge(&mut t, b"rp-y");
    let z = challenge(&mut t, b"rp-z");
    let tau_1 = draw_scalar(&mut rng);
    let tau_2 = draw_scalar(&mut rng);
    let mut y_pow = vec![Scalar::ONE; N];
    for i in 1..N {
        y_pow[i] = y_pow[i - 1] * y;
    }
    let z_pow = |e: usize| (0..e).fold(Scalar::ONE, |acc, _| acc * z);
    let two_pow = |b: usize| Scalar::from(1u64 << b);
    let l_0: Vec<Scalar> = a_L.iter().map(|a| a - z).collect();
    let l_1 = s_L.clone();
    let r_0: Vec<Scalar> =
        (0..N).map(|i| y_pow[i] * (a_R[i] + z) + z_pow(2 + i / 16) * two_pow(i % 16)).collect();
    let r_1: Vec<Scalar> = (0..N).map(|i| y_pow[i] * s_R[i]).collect();
    let t_1 = inner(&l_0, &r_1) + inner(&l_1, &r_0);
    let t_2 = inner(&l_1, &r_1);
    let T_1 = t_1 * G + tau_1 * gens.H;
    let T_2 = t_2 * G + tau_2 * gens.H;
    t.append_message(b"rp-T1", T_1.compress().as_bytes());
    t.append_message(b"rp-T2", T_2.compress().as_bytes());
    let x = challenge(&mut t, b"rp-x");
    let tau_x = tau_1 * x + tau_2 * x * x + (0..k).map(|j| z_pow(2 + j) * r[j]).sum::<Scalar>();
    let mu = alpha + rho * x;
    let mut a: Vec<Scalar> = (0..N).map(|i| l_0[i] + l_1[i] * x).collect();
    let mut b: Vec<Scalar> = (0..N).map(|i| r_0[i] + r_1[i] * x).collect();
    let t_hat = inner(&a, &b);
    t.append_message(b"rp-tau-x", tau_x.as_bytes());
    t.append_message(b"rp-mu", mu.as_bytes());
    t.append_message(b"rp-t-hat", t_hat.as_bytes());
    let w = challenge(&mut t, b"rp-w");
    let Q = w * G;
    // Inner-product argument.
    t.append_message(b"dom-sep", b"vaultseal-inner-product-v1");
    t.append_u64(b"ipp-n", N as u64);
    let y_inv = y.invert();
    let mut g: Vec<RistrettoPoint> = gens.G_vec[..N].to_vec();
    let mut h: Vec<RistrettoPoint> =
        (0..N).map(|i| (0..i).fold(Scalar::ONE, |acc, _| acc * y_inv) * gens.H_vec[i]).collect();
    let mut rounds = Vec::new();
    while a.len() > 1 {
        let half = a.len() / 2;
        let (a_lo, a_hi) = a.split_at(half);
        let (b_lo, b_hi) = b.split_at(half);
        let (g_lo, g_hi) = g.split_at(half);
        let (h_lo, h_hi) = h.split_at(half);
        let L = msm(a_lo, g_hi) + msm(b_hi, h_lo) + inner(a_lo, b_hi) * Q;
        let R = msm(a_hi, g_lo) + msm(b_lo, h_hi) + inner(a_hi, b_lo) * Q;
        t.append_message(b"ipp-L", L.compress().as_bytes());
        t.append_message(b"ipp-R", R.compress().as_bytes());
        let u = challenge(&mut t, b"ipp-u");
        let u_inv = u.invert();
        rounds.push((L, R));
        a = (0..half).map(|i| u * a_lo[i] + u_inv * a_hi[i]).collect();
        b = (0..half).map(|i| u_inv * b_lo[i] + u * b_hi[i]).collect();
        g = (0..half).map(|i| u_inv * g_lo[i] + u * g_hi[i]).collect();
        h = (0..half).map(|i| u * h_lo[i] + u_inv * h_hi[i]).collect();
    }
    t.append_message(b"ipp-a", a[0].as_bytes());
    t.append_message(b"ipp-b", b[0].as_bytes());

    // Validity and key binding (§2.6, §8.1 steps 3–5).
    t.append_message(b"dom-sep", b"vaultseal-validity-v1");
    t.append_u64(b"k", k as u64);
    t.append_u64(b"v", v as u64);
    let tch = challenge(&mut t, b"sigma-t");
    if key.is_some() {
        t.append_message(b"dom-sep", b"vaultseal-key-binding-v1");
    }
    let (va, vb) = (draw_scalar(&mut rng), draw_scalar(&mut rng));
    let binding_nonces = key.map(|_| (draw_scalar(&mut rng), draw_scalar(&mut rng)));
    let T_0 = va * G + vb * gens.H;
    let T_Y: Vec<RistrettoPoint> = recipients.iter().map(|y| vb * y.Y_point).collect();
    t.append_message(b"sigma-T0", T_0.compress().as_bytes());
    for T in &T_Y {
        t.append_message(b"sigma-Tj", T.compress().as_bytes());
    }
    let binding_points =
        binding_nonces.map(|(a1, b1)| (a1 * G + b1 * gens.H, EdwardsPoint::mul_base(&a1)));
    if let Some((U_0, U_1)) = &binding_points {
        t.append_message(b"sigma-U0", U_0.compress().as_bytes());
        t.append_message(b"sigma-U1", U_1.compress().as_bytes());
    }
    let c = challenge(&mut t, b"sigma-c");
    let t_pow: Vec<Scalar> = (0..k).map(|i| (0..i).fold(Scalar::ONE, |acc, _| acc * tch)).collect();
    let z_m = va + c * inner(&t_pow, &m);
    let z_r = vb + c * inner(&t_pow, &r);
    let radix: Vec<Scalar> =
        (0..k).map(|i| (0..i).fold(Scalar::ONE, |acc, _| acc * Scalar::from(1u64 << 16))).collect();
    let binding_responses =
        binding_nonces.map(|(a1, b1)| (a1 + c * inner(&radix, &m), b1 + c * inner(&radix, &r)));

    // The encoding (§8.3).
    let mut out = vec![1u8];
    if key.is_none() {
        out.push(u8::try_from(L).unwrap());
    }
    out.push(u8::try_from(v).unwrap());
    for y in &recipients {
        out.extend_from_slice(&y.Y);
    }
    if let Some((A, A_prime)) = &A {
        out.extend_from_slice(A.as_bytes());
        out.extend_from_slice(A_prime.as_bytes());
    }
    for P in C.iter().chain(&D) {
        out.extend_from_slice(P.compress().as_bytes());
    }
    for P in [rp_A, rp_S, T_1, T_2] {
        out.extend_from_slice(P.compress().as_bytes());
    }
    for s in [tau_x, mu, t_hat] {
        out.extend_from_slice(s.as_bytes());
    }
    for (L, R) in rounds {
        out.extend_from_slice(L.compress().as_bytes());
        out.extend_from_slice(R.compress().as_bytes());
    }
    out.extend_from_slice(a[0].as_bytes());
    out.extend_from_slice(b[0].as_bytes());
    out.extend_from_slice(T_0.compress().as_bytes());
    for T in &T_Y {
        out.extend_from_slice(T.compress().as_bytes());
    }
    if let Some((U_0, U_1)) = binding_points {
        out.extend_from_slice(U_0.compress().as_bytes());
        out.extend_from_slice(U_1.compress().as_bytes());
    }
    out.extend_from_slice(z_m.as_bytes());
    out.extend_from_slice(z_r.as_bytes());
    if let Some((z_s, z_rs)) = binding_responses {
        out.extend_from_slice(z_s.as_bytes());
        out.extend_from_slice(z_rs.as_bytes());
    }
    out
}

/// `A′ = (s·8⁻¹ mod ℓ)·B`, the honest cofactor preimage.
fn honest_a_prime(s: &Scalar) -> EdwardsPoint {
    EdwardsPoint::mul_base(&(s * Scalar::from(8u64).invert()))
}

// ----- The vectors -----

fn vectors(name: &str) -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/vectors/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn field(v: &Value, name: &str) -> Vec<u8> {
    hex::decode(v[name].as_str().unwrap_or_else(|| panic!("{name}"))).unwrap()
}

fn seed_of(v: &Value) -> [u8; 32] {
    hex::decode(v.as_str().unwrap()).unwrap().try_into().unwrap()
}

#[test]
fn seeded_rng_is_the_chacha20_keystream_under_the_pcg32_key() {
    // hybrid.json stores the first 32 bytes of seed 11.
    let v = vectors("hybrid");
    assert_eq!(v["rng"], "ChaCha20Rng::seed_from_u64(11)");
    assert_eq!(SeededRng::new(11).take(32), field(&v, "rng_output"));
}

#[test]
fn foundation_by_hand() {
    let v = vectors("foundation");
    let gens = Generators::new(0);
    let vault = Vault::from_seed(&gens, &seed_of(&v["vault_seed"]));
    assert_eq!([vault.x.to_bytes(), vault.w].concat(), field(&v, "vault_secret_key"));
    assert_eq!(vault.public(), field(&v, "vault_public_key"));
    assert_eq!(v["vault_key_proof_rng_seed"], 1);
    let proof = prove_possession(&vault, &field(&v, "vault_record_fields"), &mut SeededRng::new(1));
    assert_eq!(proof, field(&v, "vault_key_proof"));
    ContextFields::parse(&field(&v, "context"));
}

#[test]
fn deploy_key_by_hand() {
    let v = vectors("deploy_key");
    assert_eq!(v["deploy_key_rng_seed"], 7);
    let s = deploy_key(&mut SeededRng::new(7));
    let A = EdwardsPoint::mul_base(&s).compress().to_bytes();
    assert_eq!(s.to_bytes().to_vec(), field(&v, "deploy_key_scalar"));
    assert_eq!(A.to_vec(), field(&v, "deploy_public_key"));
    let blob = [&b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"[..], &A].concat();
    assert_eq!(blob, field(&v, "openssh_blob"));
    let b64 = base64::engine::general_purpose::STANDARD.encode(&blob);
    let comment = v["openssh_comment"].as_str().unwrap();
    assert_eq!(v["openssh_line"], format!("ssh-ed25519 {b64} {comment}"));
    let fingerprint =
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(Sha256::digest(&blob));
    assert_eq!(v["fingerprint"], format!("SHA256:{fingerprint}"));
    assert_eq!(deploy_sign(&s, &field(&v, "message")), field(&v, "signature"));

    assert_eq!(v["webhook_secret_rng_seed"], 8);
    let secret = SeededRng::new(8).take(32);
    assert_eq!(secret, field(&v, "webhook_secret"));
    let string = hex::encode(&secret);
    assert_eq!(v["webhook_secret_string"], string.as_str());
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(string.as_bytes()).unwrap();
    mac.update(&field(&v, "github_body"));
    assert_eq!(
        v["github_signature_header"],
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    );
}

#[test]
fn sealed_by_hand() {
    let all = vectors("sealed");
    let gens = Generators::new(256);
    for name in
        ["sealed_deploy_key_1_vault", "sealed_deploy_key_3_vaults", "sealed_secret_odd_length"]
    {
        let v = &all[name];
        let vaults: Vec<Vault> = v["vault_seeds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| Vault::from_seed(&gens, &seed_of(s)))
            .collect();
        let publics: Vec<Value> =
            vaults.iter().map(|x| Value::from(hex::encode(x.public()))).collect();
        assert_eq!(v["vault_public_keys"].as_array().unwrap(), &publics, "{name}");
        let context = ContextFields::parse(&field(v, "context"));
        let recipients: Vec<&Vault> = vaults.iter().collect();
        let mut caller = SeededRng::new(v["sealing_rng_seed"].as_u64().unwrap());
        let sealed = if v.get("deploy_key_rng_seed").is_some() {
            let s = deploy_key(&mut SeededRng::new(v["deploy_key_rng_seed"].as_u64().unwrap()));
            assert_eq!(s.to_bytes().to_vec(), field(v, "deploy_key_scalar"), "{name}");
            assert_eq!(
                EdwardsPoint::mul_base(&s).compress().to_bytes().to_vec(),
                field(v, "deploy_public_key")
            );
            seal(
                &gens,
                &recipients,
                &context,
                &s.to_bytes(),
                Some((s, honest_a_prime(&s))),
                &mut caller,
            )
        } else {
            seal(&gens, &recipients, &context, &field(v, "payload"), None, &mut caller)
        };
        assert_eq!(sealed.len() as u64, v["sealed_len"].as_u64().unwrap(), "{name}");
        assert_eq!(hex::encode(&sealed), v["sealed"].as_str().unwrap(), "{name}");
    }
}

/// §8.3: `A′` may carry a torsion component. An item sealed (here, by hand)
/// with `A′ = (s·8⁻¹)·B + T`, `T` of order 8, decodes and verifies with the
/// crate; the same bytes with the honest `A′` put back fail.
#[test]
fn a_prime_with_torsion_verifies() {
    let gens = Generators::new(256);
    let vault = Vault::from_seed(&gens, &[0x61; 32]);
    let context = ContextFields {
        project: b"p".to_vec(),
        repository: b"github:1".to_vec(),
        purpose: 1,
        owner: [3; 32],
        extra: None,
    };
    let s = deploy_key(&mut SeededRng::new(70));
    let torsioned = honest_a_prime(&s) + EIGHT_TORSION[1];
    assert!(!torsioned.is_torsion_free());
    let bytes = seal(
        &gens,
        &[&vault],
        &context,
        &s.to_bytes(),
        Some((s, torsioned)),
        &mut SeededRng::new(71),
    );
    let params = vaultseal::Params::new();
    let ctx = vaultseal::Context::from_bytes(&context.to_bytes()).unwrap();
    let sealed = vaultseal::SealedDeployKey::from_bytes(&bytes).unwrap();
    sealed.verify(&params, &ctx, &mut rand_core_rng()).unwrap();
    // A′ sits after version, v and one Y, then A.
    let mut honest = bytes.clone();
    honest[2 + 32 + 32..2 + 32 + 64].copy_from_slice(honest_a_prime(&s).compress().as_bytes());
    let sealed = vaultseal::SealedDeployKey::from_bytes(&honest).unwrap();
    assert_eq!(
        sealed.verify(&params, &ctx, &mut rand_core_rng()),
        Err(vaultseal::Error::Verification)
    );
}

fn rand_core_rng() -> rand_chacha::ChaCha20Rng {
    use rand_core::SeedableRng;
    rand_chacha::ChaCha20Rng::seed_from_u64(5)
}

#[test]
fn registration_by_hand() {
    let v = vectors("registration");
    let gens = Generators::new(256);
    // §3.2: the owner key from its RFC 8032 seed.
    let owner = ed25519_dalek::SigningKey::from_bytes(&seed_of(&v["owner_seed"]));
    let A_o = owner.verifying_key().to_bytes();
    assert_eq!(A_o.to_vec(), field(&v, "owner_public_key"));
    // §10.1.
    let name = v["project_name"].as_str().unwrap();
    let project_id = hex::encode(
        Sha512_256::new()
            .chain_update(b"vaultseal-project-id-v1")
            .chain_update(A_o)
            .chain_update([u8::try_from(name.len()).unwrap()])
            .chain_update(name)
            .finalize(),
    );
    assert_eq!(v["project_id"], project_id.as_str());
    // §3.1 and §9: vaults and their records, each proof from a fresh seed 60.
    let vaults: Vec<Vault> = v["vault_seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Vault::from_seed(&gens, &seed_of(s)))
        .collect();
    for ((vault, region), (public, record)) in vaults.iter().zip(["eu-west", "us-east"]).zip(
        v["vault_public_keys"]
            .as_array()
            .unwrap()
            .iter()
            .zip(v["vault_records"].as_array().unwrap()),
    ) {
        assert_eq!(hex::encode(vault.public()), public.as_str().unwrap());
        let endpoint = b"vault.example:4242";
        let mut fields = vec![u8::try_from(region.len()).unwrap()];
        fields.extend_from_slice(region.as_bytes());
        fields.extend_from_slice(&u16::try_from(endpoint.len()).unwrap().to_le_bytes());
        fields.extend_from_slice(endpoint);
        fields.extend_from_slice(&1u64.to_le_bytes());
        fields.extend_from_slice(&0u64.to_le_bytes());
        let proof = prove_possession(vault, &fields, &mut SeededRng::new(60));
        let encoded = [
            &[1u8][..],
            &vault.public(),
            &fields,
            &proof,
            &900u16.to_le_bytes(),
            &1000u64.to_le_bytes(),
        ]
        .concat();
        assert_eq!(hex::encode(encoded), record.as_str().unwrap());
    }

    // §10.6: the builder's draws, from one RNG.
    let mut rng = SeededRng::new(v["build_rng_seed"].as_u64().unwrap());
    let nonce = rng.take(16);
    let timestamp = v["timestamp"].as_u64().unwrap();
    let mut recipients: Vec<&Vault> = vaults.iter().collect();
    recipients.sort_by_key(|r| r.Y);
    let mut body = vec![1u8];
    body.extend_from_slice(&A_o);
    body.push(u8::try_from(name.len()).unwrap());
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(&nonce);
    body.extend_from_slice(&timestamp.to_le_bytes());
    body.push(u8::try_from(recipients.len()).unwrap());
    for r in &recipients {
        body.extend_from_slice(&r.public());
    }
    let mut contexts = Vec::new();
    for (role, entry) in [1u8, 2].into_iter().zip(v["repositories"].as_array().unwrap()) {
        let repository = entry["repository"].as_str().unwrap();
        let context = |purpose: u8| ContextFields {
            project: project_id.as_bytes().to_vec(),
            repository: repository.as_bytes().to_vec(),
            purpose,
            owner: A_o,
            extra: Some([&b"vaultseal-registration-context-v1"[..], &[role]].concat()),
        };
        let s = deploy_key(&mut rng);
        let webhook = rng.take(32);
        let A = EdwardsPoint::mul_base(&s).compress().to_bytes();
        assert_eq!(entry["deploy_public_key"], hex::encode(A).as_str());
        assert_eq!(entry["webhook_secret"], hex::encode(&webhook).as_str());
        let sealed_key = seal(
            &gens,
            &recipients,
            &context(1),
            &s.to_bytes(),
            Some((s, honest_a_prime(&s))),
            &mut rng,
        );
        let sealed_secret = seal(&gens, &recipients, &context(2), &webhook, None, &mut rng);
        contexts.push(hex::encode(context(1).to_bytes()));
        contexts.push(hex::encode(context(2).to_bytes()));
        body.push(role);
        body.extend_from_slice(&u16::try_from(repository.len()).unwrap().to_le_bytes());
        body.extend_from_slice(repository.as_bytes());
        body.extend_from_slice(&A);
        for item in [&sealed_key, &sealed_secret] {
            body.extend_from_slice(&u16::try_from(item.len()).unwrap().to_le_bytes());
            body.extend_from_slice(item);
        }
    }
    let expected: Vec<Value> = contexts.into_iter().map(Value::from).collect();
    assert_eq!(v["contexts"].as_array().unwrap(), &expected);
    let signature = owner.sign(&[&b"vaultseal-registration-v1"[..], &body].concat());
    let encoding = [body, signature.to_bytes().to_vec()].concat();
    assert_eq!(encoding.len() as u64, v["registration_len"].as_u64().unwrap());
    assert_eq!(hex::encode(&encoding), v["registration"].as_str().unwrap());
    let id = Sha512_256::new()
        .chain_update(b"vaultseal-registration-id-v1")
        .chain_update(&encoding)
        .finalize();
    assert_eq!(v["registration_id"], hex::encode(id).as_str());
}
