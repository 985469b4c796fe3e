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

/// What a batch needs of a sealed kind: its digest tag, the digest of its
/// encoding, its cached decoder and its equations under a context.
pub(crate) trait SealedKind: Sized + Send + Sync + 'static {
    /// The kind's tag in the batch digest.
    const KIND: ItemKind;

    /// The SHA-512 of the item's encoding, kept from sealing or decoding.
    fn encoding_digest(&self) -> [u8; 64];

    /// Decode, with recipient keys from `cache`.
    fn decode_cached(bytes: &[u8], cache: &mut RecipientCache) -> Result<Self, Error>;

    /// Ristretto and Edwards terms the item pushes (capacity hint).
    fn msm_terms(&self) -> TermCount;

    /// Add the item's weighted equations under `context`; a refusal adds
    /// nothing.
    fn push_equations(
        &self,
        params: &Params,
        context: &Context,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error>;
}

impl SealedKind for SealedDeployKey {
    const KIND: ItemKind = ItemKind::SealedDeployKey;

    fn encoding_digest(&self) -> [u8; 64] {
        self.encoding_digest.0
    }

    fn decode_cached(bytes: &[u8], cache: &mut RecipientCache) -> Result<Self, Error> {
        SealedDeployKey::from_bytes_cached(bytes, cache)
    }

    fn msm_terms(&self) -> TermCount {
        SealedDeployKey::msm_terms(self)
    }

    fn push_equations(
        &self,
        params: &Params,
        context: &Context,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        SealedDeployKey::push_equations(self, params, context, weights, msm)
    }
}

impl SealedKind for SealedSecret {
    const KIND: ItemKind = ItemKind::SealedSecret;

    fn encoding_digest(&self) -> [u8; 64] {
        self.encoding_digest.0
    }

    fn decode_cached(bytes: &[u8], cache: &mut RecipientCache) -> Result<Self, Error> {
        SealedSecret::from_bytes_cached(bytes, cache)
    }

    fn msm_terms(&self) -> TermCount {
        SealedSecret::msm_terms(self)
    }

    fn push_equations(
        &self,
        params: &Params,
        context: &Context,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        SealedSecret::push_equations(self, params, context, weights, msm)
    }
}

/// A sealed item of kind `T` as a batch item: decoded or encoded, with the
/// context it must verify under.
#[derive(Debug)]
pub(crate) struct SealedBatchItem<'a, T> {
    sealed: Source<'a, T>,
    context: &'a Context,
}

/// A sealed deploy key as a batch item (kind 2).
pub(crate) type SealedDeployKeyItem<'a> = SealedBatchItem<'a, SealedDeployKey>;
/// A sealed secret as a batch item (kind 3).
pub(crate) type SealedSecretItem<'a> = SealedBatchItem<'a, SealedSecret>;

impl<'a, T> SealedBatchItem<'a, T> {
    /// The item of `sealed` under `context`.
    pub(crate) fn new(sealed: Source<'a, T>, context: &'a Context) -> Self {
        SealedBatchItem { sealed, context }
    }
}

impl<'a, T: SealedKind> BatchItem<'a> for SealedBatchItem<'a, T> {
    /// Kind 2 (deploy key) or 3 (secret); parts: SHA-512 of the item's
    /// encoding (kept by a decoded item), the context's encoding.
    fn digest(&self) -> [u8; 64] {
        let encoding = match self.sealed {
            Source::Decoded(sealed) => sealed.encoding_digest(),
            Source::Encoded(bytes) => EncodingDigest::of(bytes).0,
        };
        item_digest(T::KIND, &[&encoding, &self.context.to_bytes()])
    }

    fn prepare(&self, cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        let sealed = self.sealed.held(|b| T::decode_cached(b, cache))?;
        Ok(Box::new(WithContext { sealed, context: self.context }))
    }
}

/// A decoded sealed item with the context it is verified under.
struct WithContext<'a, T> {
    sealed: Held<'a, T>,
    context: &'a Context,
}

impl<T: SealedKind> Equations for WithContext<'_, T> {
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
