//! Sealed items as batch items ([`BatchItem`], [`Equations`]): each kind
//! with the context it must verify under, decoded inside the batch or
//! borrowed already decoded.

use alloc::boxed::Box;

use crate::context::Context;
use crate::encoding::RecipientCache;
use crate::error::Error;
use crate::msm::{
    BatchItem, Equations, Held, ItemKind, Msm, Source, TermCount, Weights, item_digest,
};
use crate::params::Params;

use super::{EncodingDigest, SealedDeployKey, SealedSecret};

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
