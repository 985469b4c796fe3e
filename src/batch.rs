//! [`BatchVerifier`]: many proofs, one multiscalar multiplication per group.
//!
//! Push vault key proofs, sealed deploy keys, sealed secrets and whole
//! project registrations — decoded, or still encoded — in any mix and
//! number, then call [`BatchVerifier::verify`]. Every single-item `verify` of
//! the crate ([`VaultKeyProof::verify`], [`SealedDeployKey::verify`],
//! [`SealedSecret::verify`], [`ProjectRegistration::verify`](crate::ProjectRegistration::verify)) is a batch of
//! one through this same code: there is no second verifier to drift out of
//! step.
//!
//! ```
//! # use vaultseal::*;
//! # use rand_core::UnwrapErr;
//! let mut rng = UnwrapErr(getrandom::SysRng); // the operating system's CSPRNG
//! let params = Params::shared();
//! let vault = VaultKeypair::generate(params, &mut rng);
//! let ctx = Context::new(b"project", b"github:1", Purpose::DeployKey, [1; 32])?;
//! let sealed: Vec<SealedDeployKey> = (0..3)
//!     .map(|_| seal_deploy_key(params, &[*vault.public()], &ctx, &DeployKey::generate(&mut rng), &mut rng))
//!     .collect::<Result<_, _>>()?;
//! let wire: Vec<u8> = sealed[0].to_bytes();
//! let garbage = [0u8; 5];
//!
//! // Items are borrowed: they must outlive the batch (declared before it).
//! let mut batch = BatchVerifier::new(params);
//! for item in &sealed {
//!     batch.push_sealed_deploy_key(item, &ctx);
//! }
//! batch.push_sealed_deploy_key_bytes(&wire, &ctx); // decoded inside `verify`
//! assert!(batch.verify(&mut rng).is_ok());
//!
//! // A byte that does not decode names its item, with its reason.
//! batch.push_sealed_deploy_key_bytes(&garbage, &ctx);
//! let err = batch.verify(&mut rng).unwrap_err();
//! assert_eq!(err.invalid_indices().collect::<Vec<_>>(), [4]);
//! assert!(matches!(err.error_for(4), Some(Error::Decode { .. })));
//! # Ok::<(), vaultseal::Error>(())
//! ```
//!
//! # How `verify` works
//! 1. **Digest** every item (its kind, canonical encoding and statement:
//!    context, public key, record) with SHA-512.
//! 2. **Decode** the encoded items (decompressing each of their points once).
//!    An item that does not decode is invalid, with its decode error. A
//!    registration is also *prepared* here, once: its owner signature and
//!    every check that is not an equation (see
//!    [`registration`](crate::registration)).
//! 3. **Randomness**: merlin's `TranscriptRng` over the number of items and
//!    every digest, finalized with the caller's CSPRNG. Each check draws a
//!    fresh 32-byte seed from it; item `i`'s weights are a SHA-512 stream of
//!    `(seed, i)` (see `msm`). The prover data only adds to the CSPRNG's
//!    output, and every prover message of every item is fixed before it is
//!    drawn.
//! 4. **Equations**: each item replays its transcripts and adds its weighted
//!    equations to an accumulator — static points (`G`, `H`, `B`, `G_vec`,
//!    `H_vec`) with one coefficient for the whole batch, a vault key shared
//!    by many items as one point. Item-level refusals (a context of the wrong
//!    purpose, a shape mismatch) name the item and push nothing.
//! 5. **Check**: one multiscalar multiplication for all ristretto equations
//!    (ristretto equality), one for all Edwards equations, cofactored.
//! 6. **Bisection** on failure: halves are re-checked with fresh weights
//!    until every invalid item is isolated (`bisect`): about
//!    \\( f \log_2 N \\) further checks of shrinking halves for \\( f \\)
//!    invalid items among \\( N \\). An invalid registration's proofs are
//!    then checked one by one, so that its error names the one that fails.
//!
//! Steps 1, 2 and 4 run per item, in parallel under the `parallel` feature;
//! the multiscalar multiplications are split across threads
//! ([`notes::batching`](crate::notes::batching)).
//!
//! # Security
//! A batch accepts exactly when every item would be accepted on its own,
//! except with probability about \\( 2^{-252} \\) per failing equation (the
//! weights are uniform modulo ℓ and drawn after the items are fixed). The
//! checks that are not equations (canonical encodings, identities, `A =
//! [8]A′`, lengths, the purpose of the context) run in the one code path
//! every verification uses.
//!
//! # Constant time
//! Verification is variable time: every input is public.
//!
//! # Adding an item kind
//! A kind implements `msm::BatchItem` (its digest, and how it is decoded
//! and prepared) and `msm::Equations` (its weighted equations, and how a
//! failure is named) next to its type, and gets a `push_*` method here, or
//! in its own module when it sits above this one (registrations). The
//! facade itself names no kind: digesting, decoding, weighting, checking
//! and bisection are the same code for all. An item may push the equations
//! of several proofs (a registration pushes its four sealed items' and its
//! recipients' proofs of possession), each drawing its own weights from the
//! item's stream; it is named as one index, and its `Equations::failure`
//! names the proof that fails once bisection has found the item invalid.

mod bisect;
mod chunked;
#[cfg(feature = "std")]
mod profile;
#[cfg(all(test, feature = "std"))]
mod tests;

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

use rand_core::CryptoRng;

use crate::context::Context;
use crate::encoding::RecipientCache;
use crate::error::Error;
use crate::msm::{
    BatchItem, Clock, NoClock, Source, Stage, WeightSource, map_items, map_items_with,
};
use crate::params::Params;
use crate::sealed::{
    SealedDeployKey, SealedDeployKeyItem, SealedSecret, SealedSecretItem, Verified,
    VerifiedSealedDeployKey, VerifiedSealedSecret,
};
use crate::threshold::{ThresholdItem, ThresholdSealedDeployKey};
use crate::vault::{VaultKeyProof, VaultKeyProofItem, VaultPublicKey, VaultRecord};

pub use chunked::verify_in_chunks;
#[cfg(feature = "std")]
#[doc(hidden)]
pub use profile::BatchProfile;

/// A batch of proofs to verify together (see the [module documentation](self)).
///
/// Items are borrowed for `'a` and must outlive the batch; each `push_*`
/// returns the item's index, the index a [`BatchError`] names it by.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{BatchVerifier, Context, DeployKey, Params, Purpose, VaultKeypair, seal_deploy_key};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
/// let contexts: Vec<Context> = (1..=3)
///     .map(|i| Context::new(b"my-project", format!("github:{i}").as_bytes(), Purpose::DeployKey, [0x11; 32]))
///     .collect::<Result<_, _>>()?;
/// let mut items = Vec::new();
/// for ctx in &contexts {
///     let key = DeployKey::generate(&mut rng);
///     items.push(seal_deploy_key(params, &[*vault.public()], ctx, &key, &mut rng)?.to_bytes());
/// }
/// items[1][200] ^= 1; // damaged in transit
///
/// // One multiscalar multiplication for all; the failures are named by index.
/// let mut batch = BatchVerifier::new(params);
/// for (bytes, ctx) in items.iter().zip(&contexts) {
///     batch.push_sealed_deploy_key_bytes(bytes, ctx);
/// }
/// let failure = batch.verify(&mut rng).unwrap_err();
/// assert_eq!(failure.invalid_indices().collect::<Vec<_>>(), [1]);
/// # Ok::<(), vaultseal::Error>(())
/// ```
pub struct BatchVerifier<'a> {
    params: &'a Params,
    items: Vec<Box<dyn BatchItem<'a> + 'a>>,
}

impl fmt::Debug for BatchVerifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchVerifier").field("items", &self.items.len()).finish_non_exhaustive()
    }
}

impl<'a> BatchVerifier<'a> {
    /// An empty batch (it verifies).
    pub fn new(params: &'a Params) -> Self {
        BatchVerifier { params, items: Vec::new() }
    }

    /// An empty batch with room for `capacity` items.
    pub fn with_capacity(params: &'a Params, capacity: usize) -> Self {
        BatchVerifier { params, items: Vec::with_capacity(capacity) }
    }

    /// The number of items pushed.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no item has been pushed.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Push an item of any kind; its index.
    pub(crate) fn push_item(&mut self, item: impl BatchItem<'a> + 'a) -> usize {
        self.items.push(Box::new(item));
        self.items.len() - 1
    }

    /// Push a vault's proof of possession for `public` and its `record`
    /// fields (as [`VaultKeyProof::verify`]).
    pub fn push_vault_key_proof(
        &mut self,
        proof: &'a VaultKeyProof,
        public: &'a VaultPublicKey,
        record: &'a [u8],
    ) -> usize {
        self.push_item(VaultKeyProofItem::new(
            Source::Decoded(proof),
            Source::Decoded(public),
            record,
        ))
    }

    /// Push a vault record's proof of possession (its key and the stable
    /// fields it covers; as [`VaultRecord::verify`]).
    pub fn push_vault_record(&mut self, record: &'a VaultRecord) -> usize {
        self.push_vault_key_proof(record.proof(), record.public_key(), record.fields_bytes())
    }

    /// Push an encoded proof of possession with its encoded public key
    /// (decoded by [`verify`](Self::verify); a decoding error names the item).
    pub fn push_vault_key_proof_bytes(
        &mut self,
        proof: &'a [u8],
        public: &'a [u8],
        record: &'a [u8],
    ) -> usize {
        self.push_item(VaultKeyProofItem::new(
            Source::Encoded(proof),
            Source::Encoded(public),
            record,
        ))
    }

    /// Push a sealed deploy key with the context it must verify under (as
    /// [`SealedDeployKey::verify`]).
    pub fn push_sealed_deploy_key(
        &mut self,
        sealed: &'a SealedDeployKey,
        context: &'a Context,
    ) -> usize {
        self.push_item(SealedDeployKeyItem::new(Source::Decoded(sealed), context))
    }

    /// Push an encoded sealed deploy key (decoded by [`verify`](Self::verify),
    /// in parallel under `parallel`; a decoding error names the item).
    pub fn push_sealed_deploy_key_bytes(&mut self, bytes: &'a [u8], context: &'a Context) -> usize {
        self.push_item(SealedDeployKeyItem::new(Source::Encoded(bytes), context))
    }

    /// Push a threshold dealing of a deploy key with the context it must
    /// verify under (as [`ThresholdSealedDeployKey::verify`]): one item,
    /// every share's proofs. Once bisection finds it invalid, its error
    /// names the share ([`ThresholdFailure::ShareProof`](crate::ThresholdFailure::ShareProof)).
    pub fn push_threshold_sealed_deploy_key(
        &mut self,
        dealing: &'a ThresholdSealedDeployKey,
        context: &'a Context,
    ) -> usize {
        self.push_item(ThresholdItem::new(Source::Decoded(dealing), context))
    }

    /// Push an encoded threshold dealing (decoded by [`verify`](Self::verify);
    /// a decoding error names the item).
    pub fn push_threshold_sealed_deploy_key_bytes(
        &mut self,
        bytes: &'a [u8],
        context: &'a Context,
    ) -> usize {
        self.push_item(ThresholdItem::new(Source::Encoded(bytes), context))
    }

    /// Push a sealed secret with the context it must verify under (as
    /// [`SealedSecret::verify`]).
    pub fn push_sealed_secret(&mut self, sealed: &'a SealedSecret, context: &'a Context) -> usize {
        self.push_item(SealedSecretItem::new(Source::Decoded(sealed), context))
    }

    /// Push an encoded sealed secret (decoded by [`verify`](Self::verify); a
    /// decoding error names the item).
    pub fn push_sealed_secret_bytes(&mut self, bytes: &'a [u8], context: &'a Context) -> usize {
        self.push_item(SealedSecretItem::new(Source::Encoded(bytes), context))
    }

    /// Verify every item; weights come from `rng` (mixed with a digest of
    /// the items).
    ///
    /// # Errors
    /// A [`BatchError`] naming exactly the invalid items (indices as returned
    /// by the `push_*` calls), each with the error its single verification
    /// gives: [`Error::Decode`] for an encoding that does not decode,
    /// [`Error::InvalidInput`] for a context of the wrong purpose,
    /// [`Error::Verification`] for a proof that fails, and
    /// [`Error::Registration`] naming the check a registration fails.
    pub fn verify<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> Result<(), BatchError> {
        self.run(rng, &mut NoClock)
    }

    /// [`verify`](Self::verify), timing each stage (for benchmarks).
    #[cfg(feature = "std")]
    #[doc(hidden)]
    pub fn verify_profiled<R: CryptoRng + ?Sized>(
        &self,
        rng: &mut R,
    ) -> (Result<(), BatchError>, BatchProfile) {
        let mut profiler = profile::Profiler::new(self.items.len());
        let result = self.run(rng, &mut profiler);
        (result, profiler.finish())
    }

    fn run<R: CryptoRng + ?Sized, C: Clock>(
        &self,
        rng: &mut R,
        clock: &mut C,
    ) -> Result<(), BatchError> {
        if self.items.is_empty() {
            return Ok(());
        }
        let digests = map_items(&self.items, |item| item.digest());
        clock.lap(Stage::Digest);
        let ready =
            map_items_with(&self.items, RecipientCache::default, |cache, item| item.prepare(cache));
        clock.lap(Stage::Decode);
        let mut source = WeightSource::new(&digests, rng);
        clock.lap(Stage::Weights);
        let invalid = bisect::find_invalid(self.params, &ready, &mut source, clock);
        if invalid.is_empty() { Ok(()) } else { Err(BatchError { invalid }) }
    }
}

/// Verify sealed deploy keys, each under its context, in one batch; result
/// `i` is item `i`'s: its [`VerifiedSealedDeployKey`], which opens without
/// verifying again, or exactly the error its single verification gives.
pub fn verify_sealed_deploy_keys<'a, R: CryptoRng + ?Sized>(
    params: &Params,
    items: &[(&'a SealedDeployKey, &'a Context)],
    rng: &mut R,
) -> Vec<Result<VerifiedSealedDeployKey<'a>, Error>> {
    let outcome = {
        let mut batch = BatchVerifier::with_capacity(params, items.len());
        for (sealed, context) in items {
            batch.push_sealed_deploy_key(sealed, context);
        }
        batch.verify(rng)
    };
    tokens(items, &outcome)
}

/// Verify sealed secrets, each under its context, in one batch; result `i`
/// is item `i`'s (see [`verify_sealed_deploy_keys`]).
pub fn verify_sealed_secrets<'a, R: CryptoRng + ?Sized>(
    params: &Params,
    items: &[(&'a SealedSecret, &'a Context)],
    rng: &mut R,
) -> Vec<Result<VerifiedSealedSecret<'a>, Error>> {
    let outcome = {
        let mut batch = BatchVerifier::with_capacity(params, items.len());
        for (sealed, context) in items {
            batch.push_sealed_secret(sealed, context);
        }
        batch.verify(rng)
    };
    tokens(items, &outcome)
}

/// A batch's outcome as one result per item: a token for the valid ones.
fn tokens<'a, T>(
    items: &[(&'a T, &'a Context)],
    outcome: &Result<(), BatchError>,
) -> Vec<Result<Verified<'a, T>, Error>> {
    items
        .iter()
        .enumerate()
        .map(|(i, &(item, context))| match outcome.as_ref().err().and_then(|e| e.error_for(i)) {
            Some(error) => Err(error),
            None => Ok(Verified::after_verification(item, context)),
        })
        .collect()
}

/// The invalid items of a batch: their indices (as returned by the
/// `BatchVerifier::push_*` calls), in increasing order, each with the error
/// its own verification gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchError {
    invalid: Vec<(usize, Error)>,
}

impl BatchError {
    /// The indices of the invalid items, in increasing order.
    pub fn invalid_indices(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.invalid.iter().map(|(index, _)| *index)
    }

    /// `(index, error)` for every invalid item, by increasing index.
    pub fn invalid(&self) -> &[(usize, Error)] {
        &self.invalid
    }

    /// The error of item `index`, or `None` if it is valid (or was never
    /// pushed).
    pub fn error_for(&self, index: usize) -> Option<Error> {
        self.invalid
            .binary_search_by_key(&index, |(i, _)| *i)
            .ok()
            .and_then(|at| self.invalid.get(at))
            .map(|(_, error)| *error)
    }
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "batch verification failed: {} invalid item(s)", self.invalid.len())?;
        const SHOWN: usize = 4;
        for (n, (index, error)) in self.invalid.iter().take(SHOWN).enumerate() {
            let sep = if n == 0 { ": " } else { "; " };
            write!(f, "{sep}#{index} ({error})")?;
        }
        if self.invalid.len() > SHOWN {
            f.write_str("; …")?;
        }
        Ok(())
    }
}

impl core::error::Error for BatchError {}
