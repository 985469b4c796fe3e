//! Secret-taint test (ctgrind): run under valgrind's memcheck with the
//! secrets marked *undefined*; memcheck reports every conditional branch and
//! memory index that depends on them. `run.sh` runs it and interprets the
//! exit code.
//!
//! - `vaultseal-ctgrind` (default): chunked ElGamal encryption with a secret
//!   payload, and decryption (handle multiplications, the table scan, the
//!   confirmation) with a secret key, for several plaintexts; then whole
//!   sealings — range proof, validity and key-binding proofs — of a secret
//!   deploy key and of secret payloads, with every RNG output secret too.
//!   The library declassifies only what it publishes (every message absorbed
//!   into a transcript, and the inner-product argument's `l(x)`, `r(x)`).
//!   Expected: no memcheck error.
//! - `vaultseal-ctgrind control`: a deliberately variable-time discrete log
//!   (early exit) on a secret; expected: memcheck errors. This shows the
//!   harness can fail.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::SeedableRng;
use vaultseal::{__ctgrind, Context, Params, Purpose, VaultKeypair, seal_deploy_key, seal_secret};

unsafe extern "C" {
    fn vaultseal_ct_poison(p: *mut u8, n: usize);
    fn vaultseal_ct_unpoison(p: *mut u8, n: usize);
    fn vaultseal_ct_on_valgrind() -> usize;
}

/// Mark `bytes` secret (undefined). `&mut`, so that the compiler cannot
/// assume it still knows the value afterwards (no constant folding).
fn poison(bytes: &mut [u8]) {
    // SAFETY: a client request on memory we borrow exclusively; it changes
    // only memcheck's shadow state.
    unsafe { vaultseal_ct_poison(bytes.as_mut_ptr(), bytes.len()) }
}

/// Declassify `bytes` (mark defined). Takes `&mut` so that the compiler
/// reloads the bytes afterwards instead of reusing a register copy whose
/// shadow state is still undefined.
fn unpoison(bytes: &mut [u8]) {
    // SAFETY: as for `poison`.
    unsafe { vaultseal_ct_unpoison(bytes.as_mut_ptr(), bytes.len()) }
}

fn chunks(payload: &[u8]) -> Vec<u16> {
    payload
        .chunks(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
        .collect()
}

fn constant_time_paths() {
    let params = Params::shared();
    let vault = VaultKeypair::from_seed(params, &[7; 32]).expect("seed");
    let mut x = [0u8; 32];
    x.copy_from_slice(&vault.secret().to_bytes()[..32]);
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
    let mut random = [0u8; 32];
    rand_core::Rng::fill_bytes(&mut rng, &mut random);
    let payloads: [&[u8]; 5] = [&[0; 32], &[0xff; 32], &random, &[1], b"an odd-length secret"];
    for payload in payloads {
        // 1. Encryption with a secret payload.
        let mut secret_payload = payload.to_vec();
        poison(&mut secret_payload);
        let mut encoding = __ctgrind::encrypt(params, &secret_payload, vault.public(), &mut rng)
            .expect("valid length");
        unpoison(&mut encoding); // the ciphertext is public
        // 2. Decryption with a secret key.
        let k = payload.len().div_ceil(2);
        let ciphertext = __ctgrind::ciphertext_from_bytes(&encoding, k).expect("decodes");
        let mut secret_x = x;
        poison(&mut secret_x);
        let (m_vec, found) = __ctgrind::decrypt(params, &ciphertext, &secret_x);
        // Declassify the results only to check them.
        let mut m_bytes: Vec<u8> = m_vec.iter().flat_map(|m| m.to_le_bytes()).collect();
        unpoison(&mut m_bytes);
        let m_vec: Vec<u16> = m_bytes.chunks(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
        let mut found_byte = [found];
        unpoison(&mut found_byte);
        assert_eq!(std::hint::black_box(found_byte)[0], 1, "decryption failed");
        assert_eq!(m_vec, chunks(payload), "wrong plaintext");
    }
    println!("constant-time paths: {} payloads encrypted and decrypted", payloads.len());
}

/// An RNG whose every output is secret (poisoned): the provers' blindings
/// and nonces.
struct SecretRng(rand_chacha::ChaCha20Rng);

impl rand_core::TryRng for SecretRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        rand_core::Rng::fill_bytes(&mut self.0, dest);
        poison(dest);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for SecretRng {}

/// Sealing with secret inputs: a deploy key's scalar, secret payloads of
/// several lengths, and secret RNG output, to one and to three vaults.
fn sealing_paths() {
    let params = Params::shared();
    __ctgrind::set_declassify(unpoison);
    let vaults: Vec<_> = [7u8, 8, 9]
        .iter()
        .map(|s| *VaultKeypair::from_seed(params, &[*s; 32]).expect("seed").public())
        .collect();
    let mut rng = SecretRng(rand_chacha::ChaCha20Rng::seed_from_u64(2));
    let context = |purpose| Context::new(b"ct", b"github:1", purpose, [3; 32]).expect("context");
    for recipients in [&vaults[..1], &vaults[..]] {
        // A deploy key with a secret scalar.
        let mut scalar = [0x5au8; 32];
        scalar[31] = 0x0a;
        poison(&mut scalar);
        let key = __ctgrind::deploy_key(&scalar);
        let ctx = context(Purpose::DeployKey);
        let sealed = seal_deploy_key(params, recipients, &ctx, &key, &mut rng).expect("seals");
        let mut bytes = sealed.to_bytes();
        unpoison(&mut bytes); // published
        // Secrets of even and odd length.
        for len in [1usize, 31, 32] {
            let mut payload = vec![0xc3u8; len];
            poison(&mut payload);
            let sealed =
                seal_secret(params, recipients, &context(Purpose::Secret), &payload, &mut rng)
                    .expect("seals");
            let mut bytes = sealed.to_bytes();
            unpoison(&mut bytes);
        }
    }
    println!("sealing paths: deploy keys and secrets sealed to 1 and 3 vaults");
}

/// A variable-time discrete log: early exit on the first match.
fn control() {
    let mut secret = [5u8];
    poison(&mut secret);
    let target = Scalar::from(secret[0]) * RISTRETTO_BASEPOINT_POINT;
    let mut point = RistrettoPoint::default();
    let mut m = 0u32;
    while point != target {
        point += RISTRETTO_BASEPOINT_POINT;
        m += 1;
    }
    println!("control: variable-time dlog found {m}");
}

fn main() {
    // SAFETY: a client request with no arguments.
    let on_valgrind = unsafe { vaultseal_ct_on_valgrind() } != 0;
    if !on_valgrind {
        eprintln!("note: not running under valgrind; the taint checks are no-ops");
    }
    match std::env::args().nth(1).as_deref() {
        None => {
            constant_time_paths();
            sealing_paths();
        }
        Some("control") => control(),
        Some(other) => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    }
}
