//! Sealed payloads: verifiable chunked twisted ElGamal (SPEC §5).
//!
//! A payload `p` of `L` bytes (1 ≤ L ≤ 128; a deploy key's scalar is L = 32)
//! is split into \\(k = \lceil L/2 \rceil\\) little-endian 16-bit chunks
//! \\(m_i\\) and encrypted to \\(v\\) vaults (1 ≤ v ≤ 8, sorted by their key
//! \\(Y_j\\)):
//! $$
//! C_i = m_i G + r_i H, \qquad D_{ij} = r_i Y_j .
//! $$
//! One transcript carries three proofs that make the ciphertext checkable by
//! anyone without a vault key:
//!
//! 1. **statement**: protocol `vaultseal-sealed-v1`; `kind` (the purpose
//!    byte), `L`, `k`, `v`; the [`Context`]; every `Y_j`; for deploy keys `A`
//!    and `A′`; every `C_i`; every `D_ij` (recipient-major);
//! 2. **range proof** (aggregated Bulletproofs over \\(M = k\\) rounded up to a
//!    power of two, n = 16): every \\(m_i \in [0, 2^{16})\\);
//! 3. **validity proof**: every \\(D_{ij}\\) carries the \\(r_i\\) of \\(C_i\\);
//! 4. **key binding** (deploy keys): \\(\sum_i 2^{16i} m_i \equiv s\\) with
//!    \\(A = sB\\), and \\(A = \[8\]A'\\) so `A` is torsion-free;
//! 5. one sigma challenge `c` and the responses, absorbed.
//!
//! A verified item guarantees that every listed vault decrypts the same
//! payload, that decryption cannot fail, that the payload has exactly `L`
//! bytes and, for a deploy key, that the decrypted scalar is the secret key of
//! `A` — so the vault holds the key installed on the repository. The sealer
//! knew the plaintext and randomness, so the item cannot be moved to another
//! context or recipient list, or mauled into a related one.
//!
//! # Encodings
//! ```text
//! SealedSecret:    u8 version (=1) ‖ u8 L (1..=128) ‖ u8 v (1..=8) ‖ Y_j (32·v)
//!                  ‖ C_i (32·k) ‖ D_ij (32·v·k) ‖ range proof ‖ sigma proof
//! SealedDeployKey: u8 version (=1) ‖ u8 v (1..=8) ‖ Y_j (32·v) ‖ A (32) ‖ A′ (32)
//!                  ‖ C_i (32·16) ‖ D_ij (32·v·16) ‖ range proof ‖ sigma proof
//! ```
//! `Y_j` strictly increasing (by encoding); `C_i`, `D_ij` not the identity;
//! range proof `32·(2·log₂(16·M) + 9)` bytes; sigma proof `32·(3 + v)` bytes
//! for secrets and `32·(7 + v)` for deploy keys (see `docs/PROTOCOL.md`).
//!
//! # Security
//! See the module docs of the proofs and `docs/notes/sealing.md`. The purpose
//! (hence kind and, for deploy keys and webhook secrets, `L`) comes from the
//! verifier's [`Context`], never from the wire.
//!
//! # Constant time
//! Sealing handles the payload, the `r_i` and every nonce with constant-time
//! arithmetic only. Verification is variable-time on public data. Opening
//! decrypts with a fixed number of steps whatever the plaintext.

#[cfg(test)]
mod cancellation_tests;
mod open;
#[cfg(test)]
mod tests;
mod verified;

use alloc::boxed::Box;
use alloc::vec::Vec;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use merlin::Transcript;
use rand_core::CryptoRng;
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

use crate::context::{Context, Purpose};
use crate::deploy_key::{DeployKey, DeployPublicKey};
use crate::elgamal::ChunkedCiphertext;
use crate::elgamal::chunks::ChunkValues;
use crate::encoding::{EdwardsElement, Reader, RecipientCache, RistrettoElement};
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::msm::{
    BatchItem, Equations, Held, ItemKind, MontgomeryScalar, Msm, Source, TermCount, Weights,
    item_digest,
};
use crate::params::Params;
use crate::range_proof::RangeProof;
use crate::sigma::{SigmaProof, SigmaStatement};
use crate::transcript::{TranscriptProtocol, labels, new_transcript};
use crate::vault::{self, MAX_RECIPIENTS, VaultPublicKey};

use crate::limits::DEPLOY_KEY_LEN;

pub use crate::limits::MAX_SEALED_PAYLOAD_LEN as MAX_PAYLOAD_LEN;
pub use verified::{Verified, VerifiedSealedDeployKey, VerifiedSealedSecret};

/// Wire version of sealed items.
const SEALED_VERSION: u8 = 1;

/// A sealed secret (a webhook secret or any 1..=128-byte secret) with its
/// proofs. Created only by [`seal_secret`] and [`SealedSecret::from_bytes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedSecret {
    item: SealedItem,
    /// SHA-512 of the encoding (kept for the batch digest; not re-encoded).
    encoding_digest: EncodingDigest,
}

/// A sealed deploy key with its proofs, including the binding to its Ed25519
/// public key `A`. Created only by [`seal_deploy_key`] and
/// [`SealedDeployKey::from_bytes`].
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedDeployKey {
    /// `A`, the deploy public key (canonical, not the identity, `A = [8]A′`).
    A: EdwardsElement,
    /// `A′` with `A = [8]A′`.
    A_prime: EdwardsElement,
    item: SealedItem,
    /// SHA-512 of the encoding (kept for the batch digest; not re-encoded).
    encoding_digest: EncodingDigest,
}

/// SHA-512 of an item's canonical encoding: computed once, when the item is
/// sealed or decoded, and digested by every batch it joins.
#[derive(Clone, Copy, PartialEq, Eq)]
struct EncodingDigest([u8; 64]);

impl EncodingDigest {
    fn of(encoding: &[u8]) -> Self {
        let mut out = [0u8; 64];
        out.copy_from_slice(&Sha512::digest(encoding));
        EncodingDigest(out)
    }
}

impl core::fmt::Debug for EncodingDigest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("EncodingDigest(..)")
    }
}

/// The part shared by both sealed types.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
struct SealedItem {
    /// Payload length `L`.
    L: usize,
    /// Recipients' sealing keys `Y_j`, strictly increasing by encoding.
    recipients: Vec<RistrettoElement>,
    /// `C_i`, and `D_ij` recipient-major.
    ciphertext: ChunkedCiphertext,
    range_proof: RangeProof,
    sigma: SigmaProof,
}

/// The deploy-key part of a statement: `A` and `A′`.
#[allow(non_snake_case)]
#[derive(Clone, Copy)]
struct KeyStatement<'a> {
    A: &'a EdwardsElement,
    A_prime: &'a EdwardsElement,
}

/// The prover's witness: the payload (keys the prover RNG), the chunk values
/// `m_i` and the blindings `r_i`.
#[derive(Clone, Copy)]
struct Witness<'a> {
    payload: &'a [u8],
    m: &'a [Scalar],
    r: &'a [Scalar],
}

/// Number of 16-bit chunks of an `L`-byte payload.
const fn chunk_count(len: usize) -> usize {
    len.div_ceil(2)
}

/// Check the recipients (1..=8, distinct) and return their sealing keys
/// sorted by encoding.
fn sorted_recipients(recipients: &[VaultPublicKey]) -> Result<Vec<RistrettoElement>, Error> {
    Ok(vault::sorted_recipients(recipients)?.into_iter().map(|key| key.Y).collect())
}

/// Statement step 1, up to the ciphertext: protocol, kind, `L`, `k`, `v`,
/// context, `Y_j`, and `A`, `A′` for deploy keys. Shared by prover and
/// verifier.
#[allow(non_snake_case)]
fn absorb_header(
    context: &Context,
    len: usize,
    recipients: &[RistrettoElement],
    key: Option<KeyStatement<'_>>,
) -> Transcript {
    let mut t = new_transcript(labels::PROTOCOL_SEALED);
    t.append_u64_value(labels::KIND, u64::from(context.purpose().to_byte()));
    t.append_u64_value(labels::PAYLOAD_LEN, len as u64);
    t.append_u64_value(labels::CHUNK_COUNT, chunk_count(len) as u64);
    t.append_u64_value(labels::RECIPIENT_COUNT, recipients.len() as u64);
    context.append_to(&mut t);
    for Y in recipients {
        t.append_point(labels::VAULT_Y, &Y.compressed);
    }
    if let Some(key) = key {
        t.append_edwards(labels::DEPLOY_A, &key.A.compressed);
        t.append_edwards(labels::DEPLOY_A_PRIME, &key.A_prime.compressed);
    }
    t
}

#[allow(non_snake_case)]
impl SealedItem {
    /// Seal `payload` (already checked against the purpose) to `recipients`.
    fn seal<R: CryptoRng + ?Sized>(
        params: &Params,
        recipients: &[VaultPublicKey],
        context: &Context,
        payload: &[u8],
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
    ) -> Result<Self, Error> {
        Self::seal_tweaked(params, recipients, context, payload, key, rng, |_| {})
    }

    /// [`SealedItem::seal`] with a hook on the sigma proofs' first move (see
    /// [`SigmaProof::prove_tweaked`]; tests only pass a cheating one).
    #[allow(non_snake_case)]
    fn seal_tweaked<R: CryptoRng + ?Sized>(
        params: &Params,
        recipients: &[VaultPublicKey],
        context: &Context,
        payload: &[u8],
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
        tweak: impl FnOnce(&mut crate::sigma::FirstMove<'_>),
    ) -> Result<Self, Error> {
        if !(1..=MAX_PAYLOAD_LEN).contains(&payload.len()) {
            return Err(Error::input(InvalidInput::PayloadLength));
        }
        let recipients = sorted_recipients(recipients)?;
        let chunks = ChunkValues::from_payload(payload)?;
        let m = chunks.scalars();
        let t = absorb_header(context, payload.len(), &recipients, key);

        // r_i from the transcript RNG keyed with the payload.
        let mut rng_r = t.prover_rng().witness_bytes(payload).finalize(rng);
        let (ciphertext, r) =
            ChunkedCiphertext::encrypt_with_rng(params, &chunks, &recipients, &mut rng_r)?;
        Ok(Self::prove_tweaked(
            params,
            t,
            payload.len(),
            recipients,
            ciphertext,
            Witness { payload, m: &m, r: r.as_slice() },
            key,
            rng,
            tweak,
        ))
    }

    /// Statement steps after the header, and the proofs: absorb the
    /// ciphertext, then prove the range and sigma statements for the witness
    /// `(m_i, r_i)` on transcript `t` (which has absorbed [`absorb_header`]).
    ///
    /// Shared by [`SealedItem::seal`] and the test-only sealer of the
    /// soundness tests, which differ only in how they build the witness and
    /// the ciphertext.
    #[cfg(test)]
    #[allow(clippy::too_many_arguments)]
    fn prove<R: CryptoRng + ?Sized>(
        params: &Params,
        t: Transcript,
        len: usize,
        recipients: Vec<RistrettoElement>,
        ciphertext: ChunkedCiphertext,
        witness: Witness<'_>,
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
    ) -> Self {
        Self::prove_tweaked(params, t, len, recipients, ciphertext, witness, key, rng, |_| {})
    }

    /// `SealedItem::prove` (test builds) with a hook on the sigma proofs' first move
    /// (see [`SigmaProof::prove_tweaked`]; only tests pass a cheating one).
    #[allow(clippy::too_many_arguments)]
    fn prove_tweaked<R: CryptoRng + ?Sized>(
        params: &Params,
        mut t: Transcript,
        len: usize,
        recipients: Vec<RistrettoElement>,
        ciphertext: ChunkedCiphertext,
        witness: Witness<'_>,
        key: Option<KeyStatement<'_>>,
        rng: &mut R,
        tweak: impl FnOnce(&mut crate::sigma::FirstMove<'_>),
    ) -> Self {
        ciphertext.append_to(&mut t);

        // Proof randomness: keyed with the payload and every r_i.
        let mut builder = t.prover_rng().witness_bytes(witness.payload);
        for r_i in witness.r {
            builder = builder.witness_scalar(r_i);
        }
        let mut rng_proof = builder.finalize(rng);
        let range_proof = RangeProof::prove(params, &mut t, witness.m, witness.r, &mut rng_proof);
        let statement = SigmaStatement {
            recipients: &recipients,
            commitments: ciphertext.commitments(),
            handles: ciphertext.all_handles(),
            A: key.map(|key| &key.A.point),
        };
        let sigma = SigmaProof::prove_tweaked(
            params,
            &mut t,
            &statement,
            witness.m,
            witness.r,
            &mut rng_proof,
            tweak,
        );
        SealedItem { L: len, recipients, ciphertext, range_proof, sigma }
    }

    /// Replay the transcript and add every weighted equation of the item.
    /// Every refusal comes before the first term is added, so a refused item
    /// leaves `msm` as it was (the batch relies on it).
    fn push_equations(
        &self,
        params: &Params,
        context: &Context,
        key: Option<KeyStatement<'_>>,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        self.replay(params, context, key, weights, msm).map(|_| ())
    }

    /// [`SealedItem::push_equations`], returning the transcript in its final
    /// state (after the last response), so tests can check that everything
    /// was absorbed.
    fn replay(
        &self,
        params: &Params,
        context: &Context,
        key: Option<KeyStatement<'_>>,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<Transcript, Error> {
        let k = self.ciphertext.chunk_count();
        // No commitment or handle is the identity (a zero blinding would
        // publish a chunk's image m_i·G): the decoder refuses them, and the
        // honest encryption makes one only for a zero blinding or
        // r_i = −m_i·log_H G, each of probability 2⁻²⁵² per chunk.
        debug_assert!(
            !self
                .ciphertext
                .commitments()
                .iter()
                .chain(self.ciphertext.all_handles())
                .any(RistrettoElement::is_identity)
        );
        let statement = SigmaStatement {
            recipients: &self.recipients,
            commitments: self.ciphertext.commitments(),
            handles: self.ciphertext.all_handles(),
            A: key.map(|key| &key.A.point),
        };
        // The sigma proof's shape first: the range proof pushes terms as soon
        // as its own checks pass.
        self.sigma.check_shape(&statement)?;
        let mut t = absorb_header(context, self.L, &self.recipients, key);
        self.ciphertext.append_to(&mut t);
        // Each C_i is pushed once, with its coefficients from every equation
        // summed (the range proof's as `Scalar`s, the sigma proofs' in
        // Montgomery form).
        let mut range_coeffs = alloc::vec![Scalar::ZERO; k];
        self.range_proof.push_equations(params, &mut t, k, weights, msm, &mut range_coeffs)?;
        let mut sigma_coeffs = alloc::vec![MontgomeryScalar::ZERO; k];
        self.sigma.push_equations(&mut t, &statement, weights, msm, &mut sigma_coeffs)?;
        for ((range, sigma), C) in
            range_coeffs.into_iter().zip(sigma_coeffs).zip(self.ciphertext.commitments())
        {
            msm.push(range + sigma.to_scalar(), C);
        }
        Ok(t)
    }

    /// How many ristretto and Edwards terms `push_equations` adds (each
    /// `C_i` once, each `D_ij`, `A`, `S`, `T_1`, `T_2`, every `L_j`, `R_j`,
    /// `T_0`, every `T_j`, and `U_0`; `U_1` and `A` in Edwards): a capacity
    /// hint for the batch's accumulators.
    fn msm_terms(&self, deploy_key: bool) -> TermCount {
        let (k, v) = (self.ciphertext.chunk_count(), self.recipients.len());
        let rounds = self.range_proof.ipp.L_vec.len();
        let ristretto = k * (1 + v) + 4 + 2 * rounds + 1 + v + usize::from(deploy_key);
        TermCount { ristretto, edwards: if deploy_key { 2 } else { 0 } }
    }

    /// Append `v ‖ Y_j`, then (after the caller's deploy-key fields) the rest.
    fn write_recipients(&self, out: &mut Vec<u8>) {
        // 1..=8 recipients by construction and decoding.
        out.push(u8::try_from(self.recipients.len()).unwrap_or(u8::MAX));
        for Y in &self.recipients {
            out.extend_from_slice(Y.compressed.as_bytes());
        }
    }

    /// Append `C_i ‖ D_ij ‖ range proof ‖ sigma proof`.
    fn write_body(&self, out: &mut Vec<u8>) {
        self.ciphertext.write(out);
        self.range_proof.write(out);
        self.sigma.write(out);
    }

    /// Encoded length without the version byte, `L` byte and deploy-key
    /// fields.
    fn encoded_len(len: usize, v: usize, deploy_key: bool) -> usize {
        let k = chunk_count(len);
        1 + 32 * v
            + 32 * k * (1 + v)
            + RangeProof::encoded_len(k)
            + SigmaProof::encoded_len(v, deploy_key)
    }

    /// Read `v ‖ Y_j` (strictly increasing, not the identity), taking keys
    /// already decompressed from `cache`.
    fn read_recipients(
        r: &mut Reader<'_>,
        cache: &mut RecipientCache,
    ) -> Result<Vec<RistrettoElement>, Error> {
        let claimed = usize::from(r.u8()?);
        let v = r.count(claimed, 1..=MAX_RECIPIENTS, 32)?;
        let recipients = (0..v).map(|_| cache.read(r)).collect::<Result<Vec<_>, _>>()?;
        if recipients.windows(2).any(|w| w[0].compressed.as_bytes() >= w[1].compressed.as_bytes()) {
            return Err(r.error(DecodeFailure::Unsorted));
        }
        Ok(recipients)
    }

    /// Read `C_i ‖ D_ij ‖ range proof ‖ sigma proof` for `L` and the
    /// recipients already read.
    fn read_body(
        r: &mut Reader<'_>,
        len: usize,
        recipients: Vec<RistrettoElement>,
        deploy_key: bool,
    ) -> Result<Self, Error> {
        let k = chunk_count(len);
        let v = recipients.len();
        let ciphertext = ChunkedCiphertext::read(r, k, v)?;
        let range_proof = RangeProof::read(r, k)?;
        let sigma = SigmaProof::read(r, v, deploy_key)?;
        Ok(SealedItem { L: len, recipients, ciphertext, range_proof, sigma })
    }

    /// The index of `Y` among the recipients (public data).
    fn vartime_recipient_index(&self, Y: &CompressedRistretto) -> Option<usize> {
        self.recipients.iter().position(|r| r.compressed == *Y)
    }

    /// The recipients' sealing-key encodings.
    fn recipient_keys(&self) -> impl ExactSizeIterator<Item = [u8; 32]> + '_ {
        self.recipients.iter().map(|Y| Y.compressed.to_bytes())
    }
}

/// Seal a deploy key's secret scalar to `recipients` under `context`
/// (purpose [`Purpose::DeployKey`]), with its range, validity and
/// key-binding proofs.
///
/// ```
/// # use vaultseal::*;
/// # let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
/// # use rand_core::SeedableRng;
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
/// let key = DeployKey::generate(&mut rng);
/// let ctx = Context::new(b"project", b"github:1", Purpose::DeployKey, [1; 32])?;
/// let sealed = seal_deploy_key(params, &[*vault.public()], &ctx, &key, &mut rng)?;
/// sealed.verify(params, &ctx, &mut rng)?;
/// let opened = vault.open_deploy_key(params, &sealed, &ctx, &mut rng)?;
/// assert_eq!(opened.public_key(), key.public_key());
/// # Ok::<(), vaultseal::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidInput`]: the context's purpose is not `DeployKey`
/// ([`InvalidInput::Purpose`]), no or more than 8 recipients, duplicate
/// recipients.
#[allow(non_snake_case)]
pub fn seal_deploy_key<R: CryptoRng + ?Sized>(
    params: &Params,
    recipients: &[VaultPublicKey],
    context: &Context,
    key: &DeployKey,
    rng: &mut R,
) -> Result<SealedDeployKey, Error> {
    if context.purpose() != Purpose::DeployKey {
        return Err(Error::input(InvalidInput::Purpose));
    }
    let A = *key.public_key().element();
    // A′ = (s·8⁻¹ mod ℓ)·B, so that [8]A′ = A.
    let eighth = Scalar::from(8u64).invert();
    let A_prime = EdwardsElement::from_point(params.mul_B(&Zeroizing::new(key.scalar() * eighth)));
    let payload = key.sealing_payload();
    let item = SealedItem::seal(
        params,
        recipients,
        context,
        &payload[..],
        Some(KeyStatement { A: &A, A_prime: &A_prime }),
        rng,
    )?;
    Ok(SealedDeployKey::new(A, A_prime, item))
}

/// Seal a secret (1..=128 bytes; exactly 32 for a webhook secret) to
/// `recipients` under `context` (purpose [`Purpose::WebhookSecret`] or
/// [`Purpose::Secret`]), with its range and validity proofs.
///
/// # Errors
/// [`Error::InvalidInput`]: the purpose is `DeployKey`
/// ([`InvalidInput::Purpose`]); the length is outside 1..=128 or differs from
/// the purpose's fixed length ([`InvalidInput::PayloadLength`]); no or more
/// than 8 recipients; duplicate recipients.
pub fn seal_secret<R: CryptoRng + ?Sized>(
    params: &Params,
    recipients: &[VaultPublicKey],
    context: &Context,
    secret: &[u8],
    rng: &mut R,
) -> Result<SealedSecret, Error> {
    check_secret_purpose(context)?;
    if context.purpose().fixed_payload_len().is_some_and(|len| len != secret.len()) {
        return Err(Error::input(InvalidInput::PayloadLength));
    }
    let item = SealedItem::seal(params, recipients, context, secret, None, rng)?;
    Ok(SealedSecret::new(item))
}

/// A sealed secret's context must be `WebhookSecret` or `Secret`.
fn check_secret_purpose(context: &Context) -> Result<(), Error> {
    match context.purpose() {
        Purpose::WebhookSecret | Purpose::Secret => Ok(()),
        _ => Err(Error::input(InvalidInput::Purpose)),
    }
}

impl SealedSecret {
    /// The sealed secret of `item`, with its encoding's digest.
    fn new(item: SealedItem) -> Self {
        let mut sealed = SealedSecret { item, encoding_digest: EncodingDigest([0; 64]) };
        sealed.encoding_digest = EncodingDigest::of(&sealed.to_bytes());
        sealed
    }

    /// Verify every proof under `context` (a batch of one, weighted with the
    /// caller's RNG). [`SealedSecret::verified`] also returns the token that
    /// opens it without verifying again.
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] if `context` is for a deploy key;
    /// [`Error::Verification`] if the item's length does not fit the purpose
    /// or any proof fails (including under another context or recipient list).
    pub fn verify<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        context: &Context,
        rng: &mut R,
    ) -> Result<(), Error> {
        self.verified(params, context, rng).map(drop)
    }

    /// Add the item's weighted equations to `msm` (the batch path); a
    /// refusal adds nothing.
    pub(crate) fn push_equations(
        &self,
        params: &Params,
        context: &Context,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        check_secret_purpose(context)?;
        if context.purpose().fixed_payload_len().is_some_and(|len| len != self.item.L) {
            return Err(Error::Verification);
        }
        self.item.push_equations(params, context, None, weights, msm)
    }

    /// Ristretto and Edwards terms the item pushes (capacity hint).
    pub(crate) fn msm_terms(&self) -> TermCount {
        self.item.msm_terms(false)
    }

    /// The payload length `L`.
    pub fn payload_len(&self) -> usize {
        self.item.L
    }

    /// The recipients' sealing-key encodings (`Y_j`), in order.
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = [u8; 32]> + '_ {
        self.item.recipient_keys()
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let v = self.item.recipients.len();
        let mut out = Vec::with_capacity(2 + SealedItem::encoded_len(self.item.L, v, false));
        out.push(SEALED_VERSION);
        // 1..=128 by construction and decoding.
        out.push(u8::try_from(self.item.L).unwrap_or(u8::MAX));
        self.item.write_recipients(&mut out);
        self.item.write_body(&mut out);
        out
    }

    /// Decode, checking every length before allocating.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::SealedSecret`): unknown version, `L` or `v`
    /// out of range, unsorted or duplicate recipients, identity keys,
    /// commitments, handles or range-proof messages, invalid points,
    /// non-canonical scalars, short input, trailing data.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_cached(bytes, &mut RecipientCache::default())
    }

    /// [`SealedSecret::from_bytes`], with recipient keys from `cache`.
    pub(crate) fn from_bytes_cached(
        bytes: &[u8],
        cache: &mut RecipientCache,
    ) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::SealedSecret);
        if r.u8()? != SEALED_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let claimed = usize::from(r.u8()?);
        let len = r.count(claimed, 1..=MAX_PAYLOAD_LEN, 0)?;
        let recipients = SealedItem::read_recipients(&mut r, cache)?;
        let item = SealedItem::read_body(&mut r, len, recipients, false)?;
        r.finish()?;
        Ok(SealedSecret { item, encoding_digest: EncodingDigest::of(bytes) })
    }
}

impl SealedDeployKey {
    /// The sealed deploy key of `item` bound to `A`, `A′`, with its
    /// encoding's digest.
    #[allow(non_snake_case)]
    fn new(A: EdwardsElement, A_prime: EdwardsElement, item: SealedItem) -> Self {
        let zero = EncodingDigest([0; 64]);
        let mut sealed = SealedDeployKey { A, A_prime, item, encoding_digest: zero };
        sealed.encoding_digest = EncodingDigest::of(&sealed.to_bytes());
        sealed
    }

    /// Verify every proof under `context` (a batch of one, weighted with the
    /// caller's RNG). [`SealedDeployKey::verified`] also returns the token
    /// that opens it without verifying again.
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] if `context` is not for a deploy key;
    /// [`Error::Verification`] if any proof fails (including under another
    /// context or recipient list).
    pub fn verify<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        context: &Context,
        rng: &mut R,
    ) -> Result<(), Error> {
        self.verified(params, context, rng).map(drop)
    }

    /// Add the item's weighted equations to `msm` (the batch path); a
    /// refusal adds nothing.
    pub(crate) fn push_equations(
        &self,
        params: &Params,
        context: &Context,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        if context.purpose() != Purpose::DeployKey {
            return Err(Error::input(InvalidInput::Purpose));
        }
        let key = KeyStatement { A: &self.A, A_prime: &self.A_prime };
        self.item.push_equations(params, context, Some(key), weights, msm)
    }

    /// Ristretto and Edwards terms the item pushes (capacity hint).
    pub(crate) fn msm_terms(&self) -> TermCount {
        self.item.msm_terms(true)
    }

    /// The deploy public key `A` that the proofs bind.
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        DeployPublicKey::from_checked_element(self.A)
    }

    /// The recipients' sealing-key encodings (`Y_j`), in order.
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = [u8; 32]> + '_ {
        self.item.recipient_keys()
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let v = self.item.recipients.len();
        let mut out = Vec::with_capacity(65 + SealedItem::encoded_len(DEPLOY_KEY_LEN, v, true));
        out.push(SEALED_VERSION);
        self.item.write_recipients(&mut out);
        out.extend_from_slice(self.A.compressed.as_bytes());
        out.extend_from_slice(self.A_prime.compressed.as_bytes());
        self.item.write_body(&mut out);
        out
    }

    /// Decode, checking every length before allocating.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::SealedDeployKey`): as
    /// [`SealedSecret::from_bytes`], and `A` non-canonical, the identity, or
    /// not `[8]A′` (a torsion component: [`DecodeFailure::Torsion`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_cached(bytes, &mut RecipientCache::default())
    }

    /// [`SealedDeployKey::from_bytes`], with recipient keys from `cache`.
    #[allow(non_snake_case)]
    pub(crate) fn from_bytes_cached(
        bytes: &[u8],
        cache: &mut RecipientCache,
    ) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::SealedDeployKey);
        if r.u8()? != SEALED_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let recipients = SealedItem::read_recipients(&mut r, cache)?;
        let A = r.edwards()?;
        let A_prime = r.edwards()?;
        check_cofactor_preimage(&A, &A_prime).map_err(|why| r.error(why))?;
        let item = SealedItem::read_body(&mut r, DEPLOY_KEY_LEN, recipients, true)?;
        r.finish()?;
        Ok(SealedDeployKey { A, A_prime, item, encoding_digest: EncodingDigest::of(bytes) })
    }
}

/// `A` is not the identity and `A = [8]A′` (three doublings): `A` lies in the
/// prime-order subgroup.
#[allow(non_snake_case)]
fn check_cofactor_preimage(
    A: &EdwardsElement,
    A_prime: &EdwardsElement,
) -> Result<(), DecodeFailure> {
    if A.point.is_identity() {
        return Err(DecodeFailure::Identity);
    }
    if A_prime.point.mul_by_cofactor() != A.point {
        return Err(DecodeFailure::Torsion);
    }
    Ok(())
}

/// A sealed deploy key as a batch item: decoded or encoded, with the
/// context it must verify under.
#[derive(Debug)]
pub(crate) struct SealedDeployKeyItem<'a> {
    sealed: Source<'a, SealedDeployKey>,
    context: &'a Context,
}

impl<'a> SealedDeployKeyItem<'a> {
    /// The item of `sealed` under `context`.
    pub(crate) fn new(sealed: Source<'a, SealedDeployKey>, context: &'a Context) -> Self {
        SealedDeployKeyItem { sealed, context }
    }
}

impl<'a> BatchItem<'a> for SealedDeployKeyItem<'a> {
    /// Kind 2; parts: SHA-512 of the item's encoding (kept by a decoded
    /// item), the context's encoding.
    fn digest(&self) -> [u8; 64] {
        let encoding = match self.sealed {
            Source::Decoded(sealed) => sealed.encoding_digest,
            Source::Encoded(bytes) => EncodingDigest::of(bytes),
        };
        item_digest(ItemKind::SealedDeployKey, &[&encoding.0, &self.context.to_bytes()])
    }

    fn prepare(&self, cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        let sealed = self.sealed.held(|b| SealedDeployKey::from_bytes_cached(b, cache))?;
        Ok(Box::new(WithContext { sealed, context: self.context }))
    }
}

/// A sealed secret as a batch item: decoded or encoded, with the context it
/// must verify under.
#[derive(Debug)]
pub(crate) struct SealedSecretItem<'a> {
    sealed: Source<'a, SealedSecret>,
    context: &'a Context,
}

impl<'a> SealedSecretItem<'a> {
    /// The item of `sealed` under `context`.
    pub(crate) fn new(sealed: Source<'a, SealedSecret>, context: &'a Context) -> Self {
        SealedSecretItem { sealed, context }
    }
}

impl<'a> BatchItem<'a> for SealedSecretItem<'a> {
    /// Kind 3; parts: SHA-512 of the item's encoding (kept by a decoded
    /// item), the context's encoding.
    fn digest(&self) -> [u8; 64] {
        let encoding = match self.sealed {
            Source::Decoded(sealed) => sealed.encoding_digest,
            Source::Encoded(bytes) => EncodingDigest::of(bytes),
        };
        item_digest(ItemKind::SealedSecret, &[&encoding.0, &self.context.to_bytes()])
    }

    fn prepare(&self, cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        let sealed = self.sealed.held(|b| SealedSecret::from_bytes_cached(b, cache))?;
        Ok(Box::new(WithContext { sealed, context: self.context }))
    }
}

/// A decoded sealed item with the context it is verified under.
struct WithContext<'a, T> {
    sealed: Held<'a, T>,
    context: &'a Context,
}

impl Equations for WithContext<'_, SealedDeployKey> {
    fn msm_terms(&self) -> TermCount {
        self.sealed.msm_terms()
    }

    fn push_equations(
        &self,
        params: &Params,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        self.sealed.push_equations(params, self.context, weights, msm)
    }
}

impl Equations for WithContext<'_, SealedSecret> {
    fn msm_terms(&self) -> TermCount {
        self.sealed.msm_terms()
    }

    fn push_equations(
        &self,
        params: &Params,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        self.sealed.push_equations(params, self.context, weights, msm)
    }
}
