//! Secret-taint test (ctgrind): run under valgrind's memcheck with the
//! secrets marked *undefined*; memcheck reports every conditional branch and
//! memory index that depends on them. `run.sh` runs it and interprets the
//! exit code.
//!
//! `vaultseal-ctgrind [CASE ...]` runs the named cases, all of them when none
//! is named (expected: no memcheck error):
//!
//! - `elgamal`: chunked ElGamal encryption with a secret payload, and
//!   decryption (handle multiplications, the table scan, the confirmation)
//!   with a secret key, for several plaintexts;
//! - `sealing`: whole sealings — range proof, validity and key-binding
//!   proofs — of a secret deploy key and of secret payloads;
//! - `vault-key`: vault keys generated from a secret RNG and derived from a
//!   secret seed, and their proofs of possession with a secret nonce RNG;
//! - `hybrid-seal`: `hybrid::seal` of secret payloads with a secret RNG (so
//!   a secret file key and secret HPKE ephemeral keys);
//! - `deploy-sign`: `DeployKey::sign` with a secret scalar;
//! - `open`: `open_deploy_key` and `open_secret` by a vault whose keys are
//!   secret, so the decrypted chunks and everything after them (reassembly,
//!   the scalar, the check against `A`) are secret;
//! - `threshold-deal`: 2-of-3 and 3-of-5 dealings of a secret deploy key
//!   with a secret RNG (the coefficients `a_u`, every share `s_j`, each
//!   share's sealing);
//! - `threshold-open`: vaults whose keys are secret open their shares of a
//!   dealing (decryption of `s_j`, the check `s_j·B = A_j`);
//! - `combine`: key shares decoded from encodings whose `s_j` is secret
//!   (`KeyShare::from_bytes`), then `combine_shares` for several subsets;
//! - `frost-sign`: FROST signing (both rounds, through `frost-ed25519`) by
//!   signers whose shares are secret, with a secret RNG.
//!
//! Every RNG the provers and sealers draw from is secret too. The library
//! declassifies only what it publishes (every message absorbed into a
//! transcript, the inner-product argument's `l(x)`, `r(x)`, a vault's public
//! key, and the verdicts it acts on: a zero scalar, decryption's success bit,
//! an opened key matching `A`, a dealing's zero coefficient or degenerate
//! polynomial, a key share matching `A_j`); the harness declassifies outputs
//! (wire bytes, signatures) only once the operation has returned, to check
//! them. `accepted.supp` accepts a few branches in dependencies (hpke,
//! frost-ed25519), each justified there.
//!
//! `vaultseal-ctgrind control`: a deliberately variable-time discrete log
//! (early exit) on a secret; expected: memcheck errors. This shows the
//! harness can fail.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::SeedableRng;
use vaultseal::threshold::frost::{
    SignatureShare, SignerCommitment, SigningCoordinator, ThresholdSigner,
};
use vaultseal::threshold::{SshSigPolicy, sshsig_signed_data};
use vaultseal::{
    __ctgrind, Context, DeployKey, DeployPublicKey, KeyShare, Params, Purpose, Signature,
    ThresholdSealedDeployKey, VaultKeyProof, VaultKeypair, combine_shares, hybrid, seal_deploy_key,
    seal_deploy_key_shares, seal_secret,
};

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

/// Chunked ElGamal encryption with a secret payload and decryption with a
/// secret key.
fn elgamal() {
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
    println!("elgamal: {} payloads encrypted and decrypted", payloads.len());
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

impl SecretRng {
    fn seeded(seed: u64) -> Self {
        SecretRng(rand_chacha::ChaCha20Rng::seed_from_u64(seed))
    }
}

/// A public RNG (batch verification weights, test data).
fn public_rng(seed: u64) -> rand_chacha::ChaCha20Rng {
    rand_chacha::ChaCha20Rng::seed_from_u64(seed)
}

/// A public copy of secret-derived bytes that the library publishes.
fn published<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut copy = [0u8; N];
    copy.copy_from_slice(bytes);
    unpoison(&mut copy);
    copy
}

/// Sealing with secret inputs: a deploy key's scalar, secret payloads of
/// several lengths, and secret RNG output, to one and to three vaults.
fn sealing() {
    let params = Params::shared();
    let vaults: Vec<_> = [7u8, 8, 9]
        .iter()
        .map(|s| *VaultKeypair::from_seed(params, &[*s; 32]).expect("seed").public())
        .collect();
    let mut rng = SecretRng::seeded(2);
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
    println!("sealing: deploy keys and secrets sealed to 1 and 3 vaults");
}

/// Vault keys with secret `x` and `w` — generated from a secret RNG, derived
/// from a secret seed — and their proofs of possession, the nonce RNG secret
/// too. The proof is declassified once returned, then verified.
fn vault_key() {
    let params = Params::shared();
    let mut rng = SecretRng::seeded(3);
    let mut seed = [0x42u8; 32];
    poison(&mut seed);
    let keypairs = [
        VaultKeypair::from_seed(params, &seed).expect("non-zero x"),
        VaultKeypair::generate(params, &mut rng),
    ];
    let record: &[u8] = b"region=eu-west;endpoint=https://vault.example;epoch=7";
    for keypair in &keypairs {
        for record in [record, b""] {
            let proof = VaultKeyProof::prove(keypair, record, &mut rng);
            let bytes: [u8; 64] = published(&proof.to_bytes());
            let proof = VaultKeyProof::from_bytes(&bytes).expect("decodes");
            proof.verify(params, keypair.public(), record, &mut public_rng(4)).expect("verifies");
        }
    }
    println!("vault-key: 2 keys made, 4 proofs of possession verified");
}

/// `hybrid::seal` of secret payloads (several lengths, 1 and 3 recipients)
/// with a secret RNG: the file key, its derived keys and the HPKE ephemeral
/// keys are secret. Only the finished envelope is declassified (it is sent),
/// then opened to check it.
fn hybrid_seal() {
    let params = Params::shared();
    let vaults: Vec<_> = [7u8, 8, 9]
        .iter()
        .map(|s| VaultKeypair::from_seed(params, &[*s; 32]).expect("seed"))
        .collect();
    let publics: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
    let ctx = Context::new(b"ct", b"github:1", Purpose::Secret, [3; 32]).expect("context");
    let ad: &[u8] = b"associated data";
    let mut rng = SecretRng::seeded(5);
    let mut sealed = 0;
    for recipients in [&publics[..1], &publics[..]] {
        for len in [0usize, 1, 32, 1000] {
            let plaintext: Vec<u8> = (0..len).map(|i| (i * 7 + 1) as u8).collect();
            let mut payload = plaintext.clone();
            poison(&mut payload);
            let envelope = hybrid::seal(recipients, &ctx, ad, &payload, &mut rng).expect("seals");
            let mut bytes = envelope.to_bytes();
            unpoison(&mut bytes); // sent
            let opened = hybrid::open_bytes(&vaults[0], &bytes, &ctx, ad).expect("opens");
            assert_eq!(&opened[..], &plaintext[..], "wrong plaintext");
            sealed += 1;
        }
    }
    println!("hybrid-seal: {sealed} envelopes sealed and opened");
}

/// `DeployKey::sign` with a secret scalar (built from secret bytes, and
/// generated from a secret RNG). Signatures are declassified once returned,
/// then verified under a public copy of `A`.
fn deploy_sign() {
    let mut scalar = [0xa5u8; 32];
    scalar[31] = 0x05;
    poison(&mut scalar);
    // Decoded by the strict decoder (canonicity and zero: declassified
    // verdicts), from secret bytes.
    let decoded = DeployKey::from_bytes(&scalar).expect("a canonical non-zero scalar");
    let keys = [decoded, DeployKey::generate(&mut SecretRng::seeded(6))];
    let long = vec![0x3cu8; 1000];
    let messages: [&[u8]; 3] = [b"", b"git-upload-pack 'org/repo.git'", &long];
    for key in &keys {
        let public = DeployPublicKey::from_bytes(&published::<32>(&key.public_key().to_bytes()))
            .expect("a valid key");
        for message in messages {
            let signature = key.sign(message);
            let signature = Signature::from_bytes(&published(&signature.to_bytes()));
            public.verify(message, &signature).expect("verifies");
        }
    }
    // A vault secret key decoded from secret bytes, likewise.
    let mut stored = [0x42u8; 64];
    stored[31] = 0x03;
    poison(&mut stored);
    let secret = vaultseal::VaultSecretKey::from_bytes(&stored).expect("a canonical non-zero x");
    let public = secret.public_key(Params::shared());
    let _ = published::<64>(&public.to_bytes());
    println!(
        "deploy-sign: 2 keys (one decoded from secret bytes), 6 signatures verified; a vault key decoded"
    );
}

/// Opening by a vault whose `x` and `w` are secret (derived from a secret
/// seed): verification (public), decryption with `x`, then the tail — the
/// chunks joined and reduced to a scalar, the check `s·B = A` — and the
/// secret's copy, all on secret chunk values. The opened deploy key then
/// signs (its scalar still secret).
fn open() {
    let params = Params::shared();
    let mut seed = [0x24u8; 32];
    poison(&mut seed);
    let vault = VaultKeypair::from_seed(params, &seed).expect("non-zero x");
    // One recipient: sealing and verifying are public work, kept small.
    let recipients = [*vault.public()];
    let mut rng = public_rng(7);
    let context = |purpose| Context::new(b"ct", b"github:1", purpose, [3; 32]).expect("context");

    let ctx = context(Purpose::DeployKey);
    let original = DeployKey::generate(&mut rng);
    let sealed = seal_deploy_key(params, &recipients, &ctx, &original, &mut rng).expect("seals");
    let key = vault.open_deploy_key(params, &sealed, &ctx, &mut rng).expect("opens");
    assert_eq!(published::<32>(&key.to_bytes()[..]), *original.to_bytes(), "wrong scalar");
    let public: [u8; 32] = published(&key.public_key().to_bytes());
    assert_eq!(public, original.public_key().to_bytes(), "wrong public key");
    let signature = Signature::from_bytes(&published(&key.sign(b"push").to_bytes()));
    original.public_key().verify(b"push", &signature).expect("verifies");

    let ctx = context(Purpose::Secret);
    let plaintext = b"an odd-length secret";
    let sealed = seal_secret(params, &recipients, &ctx, plaintext, &mut rng).expect("seals");
    let secret = vault.open_secret(params, &sealed, &ctx, &mut rng).expect("opens");
    let opened: [u8; 20] = published(secret.as_bytes());
    assert_eq!(&opened, plaintext, "wrong secret");
    println!("open: a deploy key and a secret opened with a secret vault key");
}

/// The deploy-key context of the threshold cases.
fn deploy_context() -> Context {
    Context::new(b"ct", b"github:1", Purpose::DeployKey, [3; 32]).expect("context")
}

/// Vaults with public keys (the threshold cases that test other secrets).
fn public_vaults(params: &Params, n: u8) -> Vec<VaultKeypair> {
    (1..=n).map(|s| VaultKeypair::from_seed(params, &[0x10 + s; 32]).expect("seed")).collect()
}

/// Dealings with secret inputs: a 2-of-3 and a 3-of-5 dealing of a deploy
/// key whose scalar is secret, with a secret RNG (so secret coefficients
/// `a_u`, shares `s_j` and sealing randomness). The dealing is declassified
/// once returned, then decoded and verified.
fn threshold_deal() {
    let params = Params::shared();
    let vaults = public_vaults(params, 5);
    let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
    let ctx = deploy_context();
    let mut rng = SecretRng::seeded(8);
    for (t, n) in [(2, 3), (3, 5)] {
        let mut scalar = [0x6bu8; 32];
        scalar[0] = n as u8;
        scalar[31] = 0x03;
        let public = __ctgrind::deploy_key(&scalar).public_key();
        poison(&mut scalar);
        let key = __ctgrind::deploy_key(&scalar);
        let dealing = seal_deploy_key_shares(params, &recipients[..n], t, &ctx, key, &mut rng)
            .expect("deals");
        let mut bytes = dealing.to_bytes();
        unpoison(&mut bytes); // published
        let dealing = ThresholdSealedDeployKey::from_bytes(&bytes).expect("decodes");
        dealing.verify(params, &ctx, &mut public_rng(9)).expect("verifies");
        assert_eq!(dealing.deploy_public_key(), public, "wrong public key");
        assert_eq!((dealing.threshold(), dealing.share_count()), (t, n));
    }
    println!("threshold-deal: a 2-of-3 and a 3-of-5 dealing of a secret key verified");
}

/// Where `s_j` lies in `KeyShare::to_bytes` (after the version, the dealing
/// id and `j`, `t`, `n`).
const S_J: core::ops::Range<usize> = 36..68;

/// Vaults whose `x` and `w` are secret (derived from secret seeds).
fn secret_vaults(params: &Params, seeds: &[u8]) -> Vec<VaultKeypair> {
    seeds
        .iter()
        .map(|s| {
            let mut seed = [*s; 32];
            poison(&mut seed);
            VaultKeypair::from_seed(params, &seed).expect("non-zero x")
        })
        .collect()
}

/// Opening of shares by vaults whose `x` and `w` are secret: verification
/// (public), decryption of `s_j` with `x`, the reduction and the check
/// `s_j·B = A_j`. Each `s_j` is declassified only to check it against the
/// dealing's public share.
#[allow(non_snake_case)]
fn threshold_open() {
    let params = Params::shared();
    let vaults = secret_vaults(params, &[0x31, 0x32, 0x33]);
    let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
    let ctx = deploy_context();
    let mut rng = public_rng(10);
    let key = DeployKey::generate(&mut rng);
    let dealing =
        seal_deploy_key_shares(params, &recipients, 2, &ctx, key, &mut rng).expect("deals");
    let mut indices = Vec::new();
    for vault in &vaults {
        let share = vault
            .open_deploy_key_share(params, &dealing, &ctx, &recipients, &mut rng)
            .expect("opens");
        let s_j: [u8; 32] = published(&share.to_bytes()[S_J]);
        let s_j = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_j)).expect("canonical");
        let A_j = dealing.public_share(share.index()).expect("an index of the dealing");
        assert_eq!(EdwardsPoint::mul_base(&s_j).compress().to_bytes(), A_j.to_bytes());
        indices.push(share.index());
    }
    indices.sort_unstable();
    assert_eq!(indices, [1, 2, 3], "wrong share indices");
    println!("threshold-open: 3 shares of a 2-of-3 dealing opened with secret vault keys");
}

/// A `t`-of-`n` dealing of a public deploy key to `vaults`, and every
/// vault's opened share (in index order); secret only if the vaults' keys
/// are.
struct Dealt {
    dealing: ThresholdSealedDeployKey,
    ctx: Context,
    /// The key's scalar.
    key: [u8; 32],
    shares: Vec<KeyShare>,
}

impl Dealt {
    fn new(params: &Params, vaults: &[VaultKeypair], t: usize, seed: u64) -> Self {
        let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
        let ctx = deploy_context();
        let mut rng = public_rng(seed);
        let key = DeployKey::generate(&mut rng);
        let key_bytes = *key.to_bytes();
        let dealing =
            seal_deploy_key_shares(params, &recipients, t, &ctx, key, &mut rng).expect("deals");
        let mut shares: Vec<KeyShare> = vaults
            .iter()
            .map(|v| {
                v.open_deploy_key_share(params, &dealing, &ctx, &recipients, &mut rng)
                    .expect("opens")
            })
            .collect();
        shares.sort_by_key(KeyShare::index);
        Dealt { dealing, ctx, key: key_bytes, shares }
    }
}

/// Key recovery with secret shares: each `s_j` decoded from secret bytes
/// (`KeyShare::from_bytes`: the canonical check, `s_j·B = A_j`), then
/// `combine_shares` (the checks, Lagrange interpolation at 0, `s·B = A`)
/// for several subsets of a 3-of-5 dealing, one larger than `t`. The
/// decoder branches on the public fields (version, `j`, `t`, `n`, the
/// points), so only `s_j` is poisoned. The key is declassified once
/// returned.
fn combine() {
    let params = Params::shared();
    let dealt = Dealt::new(params, &public_vaults(params, 5), 3, 11);
    let public = dealt.dealing.deploy_public_key().to_bytes();
    let encodings: Vec<Vec<u8>> = dealt.shares.iter().map(|s| s.to_bytes().to_vec()).collect();
    let secret_share = |j: usize| {
        let mut bytes = encodings[j - 1].clone();
        poison(&mut bytes[S_J]);
        KeyShare::from_bytes(&bytes).expect("decodes")
    };
    let subsets: [&[usize]; 4] = [&[1, 2, 3], &[3, 4, 5], &[5, 1, 3], &[2, 4, 5, 1]];
    for subset in subsets {
        let shares: Vec<KeyShare> = subset.iter().map(|&j| secret_share(j)).collect();
        let key = combine_shares(&shares).expect("recovers");
        assert_eq!(published::<32>(&key.to_bytes()[..]), dealt.key, "wrong scalar");
        assert_eq!(published::<32>(&key.public_key().to_bytes()), public, "wrong public key");
    }
    println!("combine: the key recovered from {} subsets of secret shares", subsets.len());
}

/// FROST signing with secret shares, opened by vaults whose keys are
/// secret: `ThresholdSigner::new` (frost's decoding and check of `s_j`),
/// round one (nonces from a secret RNG, hedged with `s_j`) and round two.
/// Commitments and signature shares are declassified once returned (they
/// are sent), then aggregated and verified.
fn frost_sign() {
    let params = Params::shared();
    let dealt = Dealt::new(params, &secret_vaults(params, &[0x41, 0x42, 0x43]), 2, 12);
    let verified = dealt.dealing.verified(params, &dealt.ctx, &mut public_rng(14));
    let coordinator = SigningCoordinator::new(&verified.expect("verifies")).expect("coordinator");
    let message = sshsig_signed_data("file", b"release v1.0");
    let mut rng = SecretRng::seeded(13);
    let subsets = [[1usize, 2], [3, 1]];
    for subset in subsets {
        let signers: Vec<ThresholdSigner> = subset
            .iter()
            .map(|&j| {
                ThresholdSigner::new(&dealt.shares[j - 1], SshSigPolicy::new("file"))
                    .expect("signer")
            })
            .collect();
        let (nonces, commitments): (Vec<_>, Vec<_>) =
            signers.iter().map(|signer| signer.commit(&mut rng)).unzip();
        let commitments: Vec<_> = commitments
            .iter()
            .map(|c| {
                let mut bytes = c.to_bytes();
                unpoison(&mut bytes); // sent
                SignerCommitment::from_bytes(&bytes).expect("decodes")
            })
            .collect();
        let request = coordinator.request(&message, &commitments).expect("request");
        let shares: Vec<_> = signers
            .iter()
            .zip(nonces)
            .map(|(signer, nonces)| {
                let mut bytes = signer.sign(&request, nonces).expect("signs").to_bytes();
                unpoison(&mut bytes); // sent
                SignatureShare::from_bytes(&bytes).expect("decodes")
            })
            .collect();
        let signature = coordinator.aggregate(&request, &shares).expect("aggregates");
        coordinator.public_key().verify(&message, &signature).expect("verifies");
    }
    println!("frost-sign: {} signatures by 2 of 3 secret shares verified", subsets.len());
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

/// The cases a default run checks, by name.
const CASES: [(&str, fn()); 10] = [
    ("elgamal", elgamal),
    ("sealing", sealing),
    ("vault-key", vault_key),
    ("hybrid-seal", hybrid_seal),
    ("deploy-sign", deploy_sign),
    ("open", open),
    ("threshold-deal", threshold_deal),
    ("threshold-open", threshold_open),
    ("combine", combine),
    ("frost-sign", frost_sign),
];

fn main() {
    // SAFETY: a client request with no arguments.
    let on_valgrind = unsafe { vaultseal_ct_on_valgrind() } != 0;
    if !on_valgrind {
        eprintln!("note: not running under valgrind; the taint checks are no-ops");
    }
    __ctgrind::set_declassify(unpoison);
    let names: Vec<String> = std::env::args().skip(1).collect();
    if names.iter().any(|name| name == "control") {
        control();
        return;
    }
    for name in &names {
        if !CASES.iter().any(|(case, _)| case == name) {
            eprintln!("unknown case {name}; cases: control, {}", CASES.map(|(n, _)| n).join(", "));
            std::process::exit(2);
        }
    }
    for (name, case) in CASES {
        if names.is_empty() || names.iter().any(|n| n == name) {
            case();
        }
    }
}
