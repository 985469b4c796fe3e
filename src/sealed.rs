//! Sealed payloads: verifiable chunked twisted ElGamal (`docs/PROTOCOL.md` §8).
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
//!    \\(A = sB\\), and \\(A = \[8\]A^\prime\\) so `A` is torsion-free;
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
//! See the module docs of the proofs and [`notes::sealing`](crate::notes::sealing). The purpose
//! (hence kind and, for deploy keys and webhook secrets, `L`) comes from the
//! verifier's [`Context`], never from the wire.
//!
//! # Constant time
//! Sealing handles the payload, the `r_i` and every nonce with constant-time
//! arithmetic only. Verification is variable-time on public data. Opening
//! decrypts with a fixed number of steps whatever the plaintext.

mod batch_item;
#[cfg(test)]
mod cancellation_tests;
mod open;
mod proofs;
#[cfg(test)]
mod tests;
mod verified;
mod wire;

use alloc::vec::Vec;
use curve25519_dalek::ristretto::CompressedRistretto;
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

use crate::context::{Context, Purpose};
use crate::deploy_key::{DeployKey, DeployPublicKey};
use crate::elgamal::ChunkedCiphertext;
use crate::encoding::{EdwardsElement, RistrettoElement};
use crate::error::{Error, InvalidInput};
use crate::params::Params;
use crate::range_proof::RangeProof;
use crate::sigma::SigmaProof;
use crate::statement::KeyStatement;
use crate::vault::VaultPublicKey;

pub use crate::limits::MAX_SEALED_PAYLOAD_LEN as MAX_PAYLOAD_LEN;
pub(crate) use batch_item::{SealedDeployKeyItem, SealedKind, SealedSecretItem};
pub(crate) use proofs::SealedReplay;
#[cfg(all(test, feature = "std"))]
pub(crate) use proofs::reused_nonces;
pub use verified::{Verified, VerifiedSealedDeployKey, VerifiedSealedSecret};
pub(crate) use wire::check_cofactor_preimage;

/// A sealed secret (a webhook secret or any 1..=128-byte secret) with its
/// proofs. Created only by [`seal_secret`] and [`SealedSecret::from_bytes`].
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Context, Params, Purpose, SealedSecret, VaultKeypair, seal_secret};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::Secret, [0x11; 32])?;
/// let sealed = seal_secret(params, &[*vault.public()], &ctx, b"s3cr3t token", &mut rng)?;
///
/// // The vault decodes, then opens (opening verifies the proofs first).
/// let received = SealedSecret::from_bytes(&sealed.to_bytes())?;
/// let secret = vault.open_secret(params, &received, &ctx, &mut rng)?;
/// assert_eq!(secret.as_bytes(), b"s3cr3t token");
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedSecret {
    item: SealedItem,
    /// SHA-512 of the encoding (kept for the batch digest; not re-encoded).
    encoding_digest: EncodingDigest,
}

/// A sealed deploy key with its proofs, including the binding to its Ed25519
/// public key `A`. Created only by [`seal_deploy_key`] and
/// [`SealedDeployKey::from_bytes`].
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Context, DeployKey, Params, Purpose, SealedDeployKey, VaultKeypair};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::DeployKey, [0x11; 32])?;
/// let key = DeployKey::generate(&mut rng);
/// let sealed = vaultseal::seal_deploy_key(params, &[*vault.public()], &ctx, &key, &mut rng)?;
///
/// // Sent as bytes, decoded strictly, checked by anyone (no secret key needed).
/// let received = SealedDeployKey::from_bytes(&sealed.to_bytes())?;
/// received.verify(params, &ctx, &mut rng)?;
/// assert_eq!(received.deploy_public_key(), key.public_key());
/// # Ok::<(), vaultseal::Error>(())
/// ```
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

/// SHA-512 of an item's canonical encoding (a sealed item's, a threshold dealing's, a
/// sealed key share's): computed once, when the item is
/// sealed or decoded, and digested by every batch it joins.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncodingDigest(pub(crate) [u8; 64]);

impl EncodingDigest {
    /// The digest of `encoding`.
    pub(crate) fn of(encoding: &[u8]) -> Self {
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

/// The part shared by both sealed types (and by the shares of a threshold
/// dealing, whose one recipient is their vault's).
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SealedItem {
    /// Payload length `L`.
    pub(crate) L: usize,
    /// Recipients' sealing keys `Y_j`, strictly increasing by encoding.
    pub(crate) recipients: Vec<RistrettoElement>,
    /// `C_i`, and `D_ij` recipient-major.
    pub(crate) ciphertext: ChunkedCiphertext,
    pub(crate) range_proof: RangeProof,
    pub(crate) sigma: SigmaProof,
}

#[allow(non_snake_case)]
impl SealedItem {
    /// The index of `Y` among the recipients (public data).
    pub(crate) fn vartime_recipient_index(&self, Y: &CompressedRistretto) -> Option<usize> {
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
/// # use rand_core::UnwrapErr;
/// let mut rng = UnwrapErr(getrandom::SysRng); // the operating system's CSPRNG
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
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Context, Params, Purpose, VaultKeypair, WebhookSecret, seal_secret};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vaults = [VaultKeypair::generate(params, &mut rng), VaultKeypair::generate(params, &mut rng)];
/// let recipients = [*vaults[0].public(), *vaults[1].public()];
/// // A webhook secret (exactly 32 bytes) to two vaults.
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::WebhookSecret, [0x11; 32])?;
/// let webhook = WebhookSecret::generate(&mut rng);
/// let sealed = seal_secret(params, &recipients, &ctx, webhook.as_bytes(), &mut rng)?;
/// for vault in &vaults {
///     let opened = vault.open_webhook_secret(params, &sealed, &ctx, &mut rng)?;
///     assert_eq!(opened, webhook);
/// }
/// # Ok::<(), vaultseal::Error>(())
/// ```
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

    /// The payload length `L`.
    pub fn payload_len(&self) -> usize {
        self.item.L
    }

    /// The recipients' sealing-key encodings (`Y_j`), in order.
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = [u8; 32]> + '_ {
        self.item.recipient_keys()
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

    /// The deploy public key `A` that the proofs bind.
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        DeployPublicKey::from_checked_element(self.A)
    }

    /// The recipients' sealing-key encodings (`Y_j`), in order.
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = [u8; 32]> + '_ {
        self.item.recipient_keys()
    }
}
