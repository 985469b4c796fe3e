//! Opening sealed items: verify first, then decrypt in constant time.
//!
//! The ciphertext is homomorphic: an unverified `(C_i + δ·G, D_ij)` would
//! decrypt to `m_i + δ`, so a vault that decrypted unverified items would
//! answer chosen-ciphertext queries about its payloads. Every `open_*` method
//! therefore verifies the item under the vault's own expected [`Context`]
//! before its sealing key `x` touches a handle; the `open_verified_*`
//! methods take the proof of that, a [`Verified`] token, instead of checking
//! again.

use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{SealedDeployKey, SealedItem, SealedSecret, Verified};
use crate::context::{Context, Purpose};
use crate::deploy_key::DeployKey;
use crate::error::{Error, InvalidInput};
use crate::params::Params;
use crate::vault::VaultKeypair;
use crate::webhook::{Secret, WebhookSecret};

impl SealedItem {
    /// Decrypt the payload as `vault` (the caller has verified the item).
    pub(crate) fn decrypt_verified(
        &self,
        params: &Params,
        vault: &VaultKeypair,
    ) -> Result<Zeroizing<alloc::vec::Vec<u8>>, Error> {
        let j =
            self.vartime_recipient_index(&vault.public().Y.compressed).ok_or(Error::Decryption)?;
        self.ciphertext.decrypt(params, j, vault.secret().x(), self.L)
    }
}

impl SealedDeployKey {
    /// Decrypt a deploy key already verified under its context (by
    /// [`VaultKeypair::open_deploy_key`] or a batch): the chunks recombine to
    /// an integer `s + t·ℓ` (256 bits of chunks exceed ℓ), reduced modulo ℓ,
    /// and `s·B = A` is checked again before the key is returned.
    pub(crate) fn open_verified(
        &self,
        params: &Params,
        vault: &VaultKeypair,
    ) -> Result<DeployKey, Error> {
        let payload = self.item.decrypt_verified(params, vault)?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        // Every deploy key has L = 32 (the decoder and the sealer fix it).
        debug_assert_eq!(payload.len(), bytes.len());
        bytes.copy_from_slice(payload.get(..32).ok_or(Error::Decryption)?);
        let s = Zeroizing::new(Scalar::from_bytes_mod_order(*bytes));
        DeployKey::from_opened_scalar(*s, &self.deploy_public_key())
    }
}

impl SealedSecret {
    /// Decrypt a secret already verified under its context.
    pub(crate) fn open_verified(
        &self,
        params: &Params,
        vault: &VaultKeypair,
    ) -> Result<Secret, Error> {
        let payload = self.item.decrypt_verified(params, vault)?;
        Secret::new(&payload).map_err(|_| Error::Decryption)
    }
}

impl VaultKeypair {
    /// Verify `sealed` under `context`, then decrypt the deploy key as this
    /// vault.
    ///
    /// # Errors
    /// [`Error::Verification`] (or [`Error::InvalidInput`] for a context whose
    /// purpose is not `DeployKey`) when the item does not verify under
    /// `context`; [`Error::Decryption`] when this vault is not a recipient.
    pub fn open_deploy_key<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        sealed: &SealedDeployKey,
        context: &Context,
        rng: &mut R,
    ) -> Result<DeployKey, Error> {
        self.open_verified_deploy_key(params, &sealed.verified(params, context, rng)?)
    }

    /// Decrypt a deploy key that verification (single or batched) has
    /// already accepted under its context, without verifying it again:
    /// constant-time decryption, then the opened scalar is checked against
    /// the bound public key `A` (defence in depth; the key-binding proof
    /// already guarantees it).
    ///
    /// # Errors
    /// [`Error::Decryption`] when this vault is not a recipient (or the
    /// opened scalar does not match `A`).
    pub fn open_verified_deploy_key(
        &self,
        params: &Params,
        verified: &Verified<'_, SealedDeployKey>,
    ) -> Result<DeployKey, Error> {
        verified.item().open_verified(params, self)
    }

    /// Verify `sealed` under `context`, then decrypt the secret as this vault.
    ///
    /// # Errors
    /// As [`VaultKeypair::open_deploy_key`] (the context's purpose must be
    /// `WebhookSecret` or `Secret`).
    pub fn open_secret<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        sealed: &SealedSecret,
        context: &Context,
        rng: &mut R,
    ) -> Result<Secret, Error> {
        self.open_verified_secret(params, &sealed.verified(params, context, rng)?)
    }

    /// Decrypt a secret that verification has already accepted under its
    /// context, without verifying it again.
    ///
    /// # Errors
    /// [`Error::Decryption`] when this vault is not a recipient.
    pub fn open_verified_secret(
        &self,
        params: &Params,
        verified: &Verified<'_, SealedSecret>,
    ) -> Result<Secret, Error> {
        verified.item().open_verified(params, self)
    }

    /// [`VaultKeypair::open_secret`] for a webhook secret (32 bytes, sealed
    /// under a context of purpose [`Purpose::WebhookSecret`]).
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] for a context of another purpose (a 32-byte
    /// `Secret` is not a webhook secret); otherwise as
    /// [`VaultKeypair::open_secret`].
    pub fn open_webhook_secret<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        sealed: &SealedSecret,
        context: &Context,
        rng: &mut R,
    ) -> Result<WebhookSecret, Error> {
        if context.purpose() != Purpose::WebhookSecret {
            return Err(Error::input(InvalidInput::Purpose));
        }
        self.open_verified_webhook_secret(params, &sealed.verified(params, context, rng)?)
    }

    /// [`VaultKeypair::open_verified_secret`] for a webhook secret.
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] if the item was verified under a context of
    /// another purpose; [`Error::Decryption`] when this vault is not a
    /// recipient.
    pub fn open_verified_webhook_secret(
        &self,
        params: &Params,
        verified: &Verified<'_, SealedSecret>,
    ) -> Result<WebhookSecret, Error> {
        if verified.context().purpose() != Purpose::WebhookSecret {
            return Err(Error::input(InvalidInput::Purpose));
        }
        let secret = verified.item().open_verified(params, self)?;
        WebhookSecret::from_bytes(secret.as_bytes()).map_err(|_| Error::Decryption)
    }
}
