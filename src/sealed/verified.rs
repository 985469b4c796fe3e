//! [`Verified`]: a sealed item that passed verification under its context.
//!
//! Verification is the expensive step of opening (a multiscalar
//! multiplication of ~570 points for a deploy key, against ~1.4 ms of
//! constant-time decryption), and a vault usually verifies many items in
//! one batch before it opens any. A `Verified` token records that the item
//! was checked, under which context, so that opening it
//! ([`VaultKeypair::open_verified_deploy_key`](crate::VaultKeypair::open_verified_deploy_key),
//! [`open_verified_secret`](crate::VaultKeypair::open_verified_secret))
//! does not verify it again. Only verification creates one: single
//! ([`SealedDeployKey::verified`], [`SealedSecret::verified`]) or batched
//! ([`verify_sealed_deploy_keys`](crate::batch::verify_sealed_deploy_keys),
//! [`verify_sealed_secrets`](crate::batch::verify_sealed_secrets)).
//!
//! The token borrows the item and the context: they cannot change after
//! the check.

use core::fmt;

use rand_core::CryptoRng;

use super::{SealedDeployKey, SealedDeployKeyItem, SealedSecret, SealedSecretItem};
use crate::context::Context;
use crate::error::Error;
use crate::msm::{Source, verify_one};
use crate::params::Params;

/// A sealed item of type `T` ([`SealedDeployKey`] or [`SealedSecret`]) that
/// passed every proof under [`context`](Self::context).
///
/// Created only by verification: single ([`SealedDeployKey::verified`],
/// [`SealedSecret::verified`]) or batched
/// ([`verify_sealed_deploy_keys`](crate::batch::verify_sealed_deploy_keys),
/// [`verify_sealed_secrets`](crate::batch::verify_sealed_secrets)). Opening
/// it
/// ([`VaultKeypair::open_verified_deploy_key`](crate::VaultKeypair::open_verified_deploy_key),
/// [`open_verified_secret`](crate::VaultKeypair::open_verified_secret))
/// does not verify it again. The token borrows the item and the context, so
/// neither can change after the check.
pub struct Verified<'a, T> {
    item: &'a T,
    context: &'a Context,
}

/// A [`SealedDeployKey`] verified under its context.
pub type VerifiedSealedDeployKey<'a> = Verified<'a, SealedDeployKey>;

/// A [`SealedSecret`] verified under its context.
pub type VerifiedSealedSecret<'a> = Verified<'a, SealedSecret>;

impl<'a, T> Verified<'a, T> {
    /// The token for `item` under `context`; only for an item whose
    /// verification under `context` just succeeded.
    pub(crate) fn after_verification(item: &'a T, context: &'a Context) -> Self {
        Verified { item, context }
    }

    /// The verified item.
    pub fn item(&self) -> &'a T {
        self.item
    }

    /// The context it was verified under.
    pub fn context(&self) -> &'a Context {
        self.context
    }
}

impl<T> Clone for Verified<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Verified<'_, T> {}

impl<T: fmt::Debug> fmt::Debug for Verified<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified").field("item", self.item).field("context", self.context).finish()
    }
}

impl SealedDeployKey {
    /// Verify every proof under `context` (as [`SealedDeployKey::verify`]),
    /// and return the token that opens the key without verifying it again.
    ///
    /// # Errors
    /// As [`SealedDeployKey::verify`].
    pub fn verified<'a, R: CryptoRng + ?Sized>(
        &'a self,
        params: &Params,
        context: &'a Context,
        rng: &mut R,
    ) -> Result<VerifiedSealedDeployKey<'a>, Error> {
        verify_one(params, &SealedDeployKeyItem::new(Source::Decoded(self), context), rng)?;
        Ok(Verified::after_verification(self, context))
    }
}

impl SealedSecret {
    /// Verify every proof under `context` (as [`SealedSecret::verify`]), and
    /// return the token that opens the secret without verifying it again.
    ///
    /// # Errors
    /// As [`SealedSecret::verify`].
    pub fn verified<'a, R: CryptoRng + ?Sized>(
        &'a self,
        params: &Params,
        context: &'a Context,
        rng: &mut R,
    ) -> Result<VerifiedSealedSecret<'a>, Error> {
        verify_one(params, &SealedSecretItem::new(Source::Decoded(self), context), rng)?;
        Ok(Verified::after_verification(self, context))
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloc::format;

    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    use super::*;
    use crate::context::Purpose;
    use crate::deploy_key::DeployKey;
    use crate::msm::counter;
    use crate::sealed::seal_deploy_key;
    use crate::vault::VaultKeypair;

    /// Opening a verified token runs no check at all (no multiscalar
    /// multiplication); opening with `open_deploy_key` runs exactly one.
    #[test]
    fn opening_a_token_does_not_verify_again() {
        let params = Params::shared();
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let vault = VaultKeypair::generate(params, &mut rng);
        let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
        let key = DeployKey::generate(&mut rng);
        let sealed = seal_deploy_key(params, &[*vault.public()], &context, &key, &mut rng).unwrap();
        let token = sealed.verified(params, &context, &mut rng).unwrap();
        assert_eq!(counter::take(), (1, 1));
        assert_eq!(vault.open_verified_deploy_key(params, &token).unwrap(), key);
        assert_eq!(counter::take(), (0, 0));
        assert_eq!(vault.open_deploy_key(params, &sealed, &context, &mut rng).unwrap(), key);
        assert_eq!(counter::take(), (1, 1));
    }

    /// The token's `Debug` shows the item and the context it was verified
    /// under, as their own `Debug` does.
    #[test]
    fn debug_shows_the_item_and_its_context() {
        let params = Params::shared();
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let vault = VaultKeypair::generate(params, &mut rng);
        let context = Context::new(b"p", b"r", Purpose::DeployKey, [1; 32]).unwrap();
        let key = DeployKey::generate(&mut rng);
        let sealed = seal_deploy_key(params, &[*vault.public()], &context, &key, &mut rng).unwrap();
        let token = sealed.verified(params, &context, &mut rng).unwrap();
        assert_eq!(
            format!("{token:?}"),
            format!("Verified {{ item: {sealed:?}, context: {context:?} }}")
        );
    }
}
