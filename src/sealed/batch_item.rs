//! Sealed items as batch items ([`BatchItem`], [`Equations`]): each kind
//! with the context it must verify under, decoded inside the batch or
//! borrowed already decoded.

use alloc::boxed::Box;

use crate::context::{Context, Purpose};
use crate::encoding::RecipientCache;
use crate::error::{Error, InvalidInput};
use crate::msm::{BatchItem, Equations, Held, ItemKind, Replayed, Source, TermCount, item_digest};
use crate::params::Params;
use crate::statement::KeyStatement;

use super::proofs::SealedReplay;
use super::{EncodingDigest, SealedDeployKey, SealedSecret, check_secret_purpose};

/// What a batch needs of a sealed kind: its digest tag, the digest of its
/// encoding, its cached decoder and its replay under a context.
pub(crate) trait SealedKind: Sized + Send + Sync + 'static {
    /// The kind's tag in the batch digest.
    const KIND: ItemKind;

    /// The SHA-512 of the item's encoding, kept from sealing or decoding.
    fn encoding_digest(&self) -> [u8; 64];

    /// Decode, with recipient keys from `cache`.
    fn decode_cached(bytes: &[u8], cache: &mut RecipientCache) -> Result<Self, Error>;

    /// Ristretto and Edwards terms the item pushes (capacity hint).
    fn msm_terms(&self) -> TermCount;

    /// Replay the item's transcript under `context` (nothing pushed yet).
    ///
    /// # Errors
    /// [`InvalidInput::Purpose`] for a context of another kind;
    /// [`Error::Verification`] for a payload length the purpose does not
    /// allow, a proof of the wrong shape or a zero challenge.
    fn replay<'s>(&'s self, context: &'s Context) -> Result<SealedReplay<'s>, Error>;
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
        self.item.msm_terms(true)
    }

    fn replay<'s>(&'s self, context: &'s Context) -> Result<SealedReplay<'s>, Error> {
        if context.purpose() != Purpose::DeployKey {
            return Err(Error::input(InvalidInput::Purpose));
        }
        let key = KeyStatement { A: &self.A, A_prime: &self.A_prime };
        self.item.replay(context, Some(key))
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
        self.item.msm_terms(false)
    }

    fn replay<'s>(&'s self, context: &'s Context) -> Result<SealedReplay<'s>, Error> {
        check_secret_purpose(context)?;
        if context.purpose().fixed_payload_len().is_some_and(|len| len != self.item.L) {
            return Err(Error::Verification);
        }
        self.item.replay(context, None)
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

    fn replay(&self, _params: &Params) -> Result<Box<dyn Replayed<'_> + '_>, Error> {
        Ok(Box::new(self.sealed.replay(self.context)?))
    }
}
