//! [`BatchVerifier`]: many proofs, one multiscalar multiplication per group.
//!
//! Push vault key proofs, sealed deploy keys, sealed secrets and whole
//! project registrations — decoded, or still encoded — in any mix and
//! number, then call [`BatchVerifier::verify`]. Every single-item `verify` of
//! the crate ([`VaultKeyProof::verify`], [`SealedDeployKey::verify`],
//! [`SealedSecret::verify`], [`ProjectRegistration::verify`]) is a batch of
//! one through this same code: there is no second verifier to drift out of
//! step.
//!
//! ```
//! # use vaultseal::*;
//! # use rand_core::SeedableRng;
//! # let mut rng = rand_chacha::ChaCha20Rng::from_seed([7; 32]);
//! let params = Params::shared();
//! let vault = VaultKeypair::generate(params, &mut rng);
//! let ctx = Context::new(b"project", b"github:1", Purpose::DeployKey, [1; 32])?;
//! let sealed: Vec<SealedDeployKey> = (0..3)
//!     .map(|_| seal_deploy_key(params, &[*vault.public()], &ctx, &DeployKey::generate(&mut rng), &mut rng))
//!     .collect::<Result<_, _>>()?;
//! let wire: Vec<u8> = sealed[0].to_bytes();
//!
//! let mut batch = BatchVerifier::new(params);
//! for item in &sealed {
//!     batch.push_sealed_deploy_key(item, &ctx);
//! }
//! batch.push_sealed_deploy_key_bytes(&wire, &ctx); // decoded inside `verify`
//! assert!(batch.verify(&mut rng).is_ok());
//!
//! // A byte that does not decode names its item, with its reason.
//! let garbage = [0u8; 5];
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
//! (`docs/notes/batching.md`).
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
//! A kind is a `Pending` variant (how it was pushed), a `Ready` variant
//! (decoded) and one arm in each of `Pending::digest`, `Pending::decode` and
//! `Ready::push_equations`. An item may push the equations of several
//! proofs (a registration pushes its four sealed items' and its recipients'
//! proofs of possession), each drawing its own weights from the item's
//! stream; it is named as one index, and its arm in `Ready::failure` names
//! the proof that fails once bisection has found the item invalid.

mod bisect;
#[cfg(feature = "std")]
mod profile;
#[cfg(all(test, feature = "std"))]
mod tests;

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;
use core::ops::Deref;

use rand_core::CryptoRng;
use sha2::{Digest, Sha512};

use crate::context::Context;
use crate::error::Error;
use crate::msm::{Msm, WeightSource, Weights};
use crate::params::Params;
use crate::registration::{PreparedRegistration, ProjectRegistration, registration_id};
use crate::sealed::{RecipientCache, SealedDeployKey, SealedSecret};
use crate::selection::VaultRecord;
use crate::transcript::labels;
use crate::vault::{VaultKeyProof, VaultPublicKey};

#[cfg(feature = "std")]
#[doc(hidden)]
pub use profile::BatchProfile;

/// A batch of proofs to verify together (see the [module documentation](self)).
///
/// Items are borrowed for `'a`; each `push_*` returns the item's index, the
/// index a [`BatchError`] names it by.
pub struct BatchVerifier<'a> {
    params: &'a Params,
    items: Vec<Pending<'a>>,
}

impl fmt::Debug for BatchVerifier<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchVerifier").field("items", &self.items.len()).finish_non_exhaustive()
    }
}

/// An item as pushed: decoded (borrowed) or encoded (decoded in `verify`).
#[derive(Clone, Copy)]
enum Pending<'a> {
    VaultKeyProof {
        proof: Source<'a, VaultKeyProof>,
        public: Source<'a, VaultPublicKey>,
        record: &'a [u8],
    },
    DeployKey {
        sealed: Source<'a, SealedDeployKey>,
        context: &'a Context,
    },
    Secret {
        sealed: Source<'a, SealedSecret>,
        context: &'a Context,
    },
    Registration {
        registration: Source<'a, ProjectRegistration>,
        /// The encoding a decoded registration came from, if known: its
        /// signature is then checked over these bytes, not a re-encoding.
        encoding: Option<&'a [u8]>,
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    },
}

/// A pushed object: already decoded, or its encoding.
enum Source<'a, T> {
    Decoded(&'a T),
    Encoded(&'a [u8]),
}

impl<T> Clone for Source<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Source<'_, T> {}

/// An item ready to push its equations.
enum Ready<'a> {
    VaultKeyProof {
        proof: Held<'a, VaultKeyProof>,
        public: Held<'a, VaultPublicKey>,
        record: &'a [u8],
    },
    DeployKey {
        sealed: Held<'a, SealedDeployKey>,
        context: &'a Context,
    },
    Secret {
        sealed: Held<'a, SealedSecret>,
        context: &'a Context,
    },
    Registration {
        registration: Held<'a, ProjectRegistration>,
        prepared: Box<PreparedRegistration<'a>>,
    },
}

/// A decoded object: the caller's, or decoded by `verify`.
enum Held<'a, T> {
    Borrowed(&'a T),
    Owned(Box<T>),
}

impl<T> Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Held::Borrowed(t) => t,
            Held::Owned(t) => t,
        }
    }
}

/// Item kinds, as digested.
#[repr(u8)]
enum Kind {
    VaultKeyProof = 1,
    SealedDeployKey = 2,
    SealedSecret = 3,
    Registration = 4,
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

    fn push(&mut self, item: Pending<'a>) -> usize {
        self.items.push(item);
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
        self.push(Pending::VaultKeyProof {
            proof: Source::Decoded(proof),
            public: Source::Decoded(public),
            record,
        })
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
        self.push(Pending::VaultKeyProof {
            proof: Source::Encoded(proof),
            public: Source::Encoded(public),
            record,
        })
    }

    /// Push a sealed deploy key with the context it must verify under (as
    /// [`SealedDeployKey::verify`]).
    pub fn push_sealed_deploy_key(
        &mut self,
        sealed: &'a SealedDeployKey,
        context: &'a Context,
    ) -> usize {
        self.push(Pending::DeployKey { sealed: Source::Decoded(sealed), context })
    }

    /// Push an encoded sealed deploy key (decoded by [`verify`](Self::verify),
    /// in parallel under `parallel`; a decoding error names the item).
    pub fn push_sealed_deploy_key_bytes(&mut self, bytes: &'a [u8], context: &'a Context) -> usize {
        self.push(Pending::DeployKey { sealed: Source::Encoded(bytes), context })
    }

    /// Push a sealed secret with the context it must verify under (as
    /// [`SealedSecret::verify`]).
    pub fn push_sealed_secret(&mut self, sealed: &'a SealedSecret, context: &'a Context) -> usize {
        self.push(Pending::Secret { sealed: Source::Decoded(sealed), context })
    }

    /// Push an encoded sealed secret (decoded by [`verify`](Self::verify); a
    /// decoding error names the item).
    pub fn push_sealed_secret_bytes(&mut self, bytes: &'a [u8], context: &'a Context) -> usize {
        self.push(Pending::Secret { sealed: Source::Encoded(bytes), context })
    }

    /// Push a project registration to verify for `vault` against
    /// `directory`: one item (one index) that checks the owner's signature,
    /// every structural check, the recipients' records and all four sealed
    /// items, exactly as [`ProjectRegistration::verify`] does before it asks
    /// the git host about ownership (which a batch never does).
    pub fn push_registration(
        &mut self,
        registration: &'a ProjectRegistration,
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> usize {
        self.push(Pending::Registration {
            registration: Source::Decoded(registration),
            encoding: None,
            vault,
            directory,
        })
    }

    /// [`push_registration`](Self::push_registration) for a registration
    /// decoded from `encoding` (exactly its bytes: decoding is strict), so
    /// that its body is not encoded again for the signature check.
    pub(crate) fn push_registration_decoded_from(
        &mut self,
        registration: &'a ProjectRegistration,
        encoding: &'a [u8],
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> usize {
        self.push(Pending::Registration {
            registration: Source::Decoded(registration),
            encoding: Some(encoding),
            vault,
            directory,
        })
    }

    /// Push an encoded project registration (decoded by
    /// [`verify`](Self::verify), in parallel under `parallel`; a decoding
    /// error names the item).
    pub fn push_registration_bytes(
        &mut self,
        bytes: &'a [u8],
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> usize {
        self.push(Pending::Registration {
            registration: Source::Encoded(bytes),
            encoding: Some(bytes),
            vault,
            directory,
        })
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
        self.run(rng, &mut bisect::NoClock)
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

    fn run<R: CryptoRng + ?Sized, C: bisect::Clock>(
        &self,
        rng: &mut R,
        clock: &mut C,
    ) -> Result<(), BatchError> {
        if self.items.is_empty() {
            return Ok(());
        }
        let digests = bisect::map_items(&self.items, Pending::digest);
        clock.lap(bisect::Stage::Digest);
        let ready = bisect::map_items_with(&self.items, RecipientCache::default, Pending::decode);
        clock.lap(bisect::Stage::Decode);
        let mut source = WeightSource::new(&digests, rng);
        clock.lap(bisect::Stage::Weights);
        let invalid = bisect::find_invalid(self.params, &ready, &mut source, clock);
        if invalid.is_empty() { Ok(()) } else { Err(BatchError { invalid }) }
    }
}

/// `items.map(f)` with a per-thread [`RecipientCache`], in parallel under
/// `parallel` (decoding many registrations that share their vaults).
pub(crate) fn map_with_recipient_cache<T: Sync, U: Send>(
    items: &[T],
    f: impl Fn(&mut RecipientCache, &T) -> U + Sync + Send,
) -> Vec<U> {
    bisect::map_items_with(items, RecipientCache::default, f)
}

/// SHA-512 of `kind ‖ (u64 length ‖ part)…` under the item-digest label.
fn digest_parts(kind: Kind, parts: &[&[u8]]) -> [u8; 64] {
    let mut hash = Sha512::new();
    hash.update(labels::BATCH_ITEM_DIGEST);
    hash.update([kind as u8]);
    for part in parts {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    let mut out = [0u8; 64];
    out.copy_from_slice(&hash.finalize());
    out
}

impl<T> Source<'_, T> {
    /// The canonical encoding, borrowed if pushed encoded.
    fn bytes<'s, B: AsRef<[u8]>>(&'s self, encode: impl FnOnce(&T) -> B) -> EncodedBytes<'s, B> {
        match self {
            Source::Decoded(t) => EncodedBytes::Owned(encode(t)),
            Source::Encoded(bytes) => EncodedBytes::Borrowed(bytes),
        }
    }
}

/// Bytes to digest: borrowed from the caller, or encoded for the digest.
enum EncodedBytes<'s, B> {
    Borrowed(&'s [u8]),
    Owned(B),
}

impl<B: AsRef<[u8]>> EncodedBytes<'_, B> {
    fn as_slice(&self) -> &[u8] {
        match self {
            EncodedBytes::Borrowed(bytes) => bytes,
            EncodedBytes::Owned(b) => b.as_ref(),
        }
    }
}

impl<'a> Pending<'a> {
    /// The item's digest (step 1): its kind, its canonical encoding and its
    /// statement.
    fn digest(&self) -> [u8; 64] {
        match self {
            Pending::VaultKeyProof { proof, public, record } => {
                let proof = proof.bytes(VaultKeyProof::to_bytes);
                let public = public.bytes(VaultPublicKey::to_bytes);
                digest_parts(Kind::VaultKeyProof, &[proof.as_slice(), public.as_slice(), record])
            }
            Pending::DeployKey { sealed, context } => {
                let sealed = sealed.bytes(SealedDeployKey::to_bytes);
                let context = context.to_bytes();
                digest_parts(Kind::SealedDeployKey, &[sealed.as_slice(), &context])
            }
            Pending::Secret { sealed, context } => {
                let sealed = sealed.bytes(SealedSecret::to_bytes);
                let context = context.to_bytes();
                digest_parts(Kind::SealedSecret, &[sealed.as_slice(), &context])
            }
            // The registration id (a collision-resistant digest of the whole
            // encoding) stands for the encoding, and the vault key for the
            // statement; the directory records' proofs are weighted from the
            // same CSPRNG-keyed stream.
            Pending::Registration { registration, vault, .. } => {
                let id = match registration {
                    Source::Decoded(registration) => registration.registration_id(),
                    Source::Encoded(bytes) => registration_id(bytes),
                };
                digest_parts(Kind::Registration, &[&id, &vault.to_bytes()])
            }
        }
    }

    /// Decode what was pushed encoded (step 2), with the recipient keys
    /// this thread decoded before.
    fn decode(cache: &mut RecipientCache, item: &Self) -> Result<Ready<'a>, Error> {
        Ok(match *item {
            Pending::VaultKeyProof { proof, public, record } => Ready::VaultKeyProof {
                proof: held(proof, VaultKeyProof::from_bytes)?,
                public: held(public, VaultPublicKey::from_bytes)?,
                record,
            },
            Pending::DeployKey { sealed, context } => {
                let sealed = held(sealed, |b| SealedDeployKey::from_bytes_cached(b, cache))?;
                Ready::DeployKey { sealed, context }
            }
            Pending::Secret { sealed, context } => {
                let sealed = held(sealed, |b| SealedSecret::from_bytes_cached(b, cache))?;
                Ready::Secret { sealed, context }
            }
            Pending::Registration { registration, encoding, vault, directory } => {
                let registration =
                    held(registration, |b| ProjectRegistration::from_bytes_cached(b, cache))?;
                let prepared =
                    PreparedRegistration::new(&registration, encoding, vault, directory)?;
                Ready::Registration { registration, prepared: Box::new(prepared) }
            }
        })
    }
}

/// `source` as a decoded object.
fn held<'a, T>(
    source: Source<'a, T>,
    decode: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<Held<'a, T>, Error> {
    match source {
        Source::Decoded(t) => Ok(Held::Borrowed(t)),
        Source::Encoded(bytes) => decode(bytes).map(|t| Held::Owned(Box::new(t))),
    }
}

impl Ready<'_> {
    /// Ristretto and Edwards terms the item pushes (capacity hint).
    fn msm_terms(&self) -> (usize, usize) {
        match self {
            Ready::VaultKeyProof { .. } => (1, 0),
            Ready::DeployKey { sealed, .. } => sealed.msm_terms(),
            Ready::Secret { sealed, .. } => sealed.msm_terms(),
            Ready::Registration { registration, prepared } => prepared.msm_terms(registration),
        }
    }

    /// Add the item's weighted equations (step 4). Refuses before pushing
    /// anything, so a refused item leaves `msm` untouched.
    fn push_equations(
        &self,
        params: &Params,
        weights: &mut Weights,
        msm: &mut Msm,
    ) -> Result<(), Error> {
        match self {
            Ready::VaultKeyProof { proof, public, record } => {
                proof.push_equations(public, record, weights, msm);
                Ok(())
            }
            Ready::DeployKey { sealed, context } => {
                sealed.push_equations(params, context, weights, msm)
            }
            Ready::Secret { sealed, context } => {
                sealed.push_equations(params, context, weights, msm)
            }
            Ready::Registration { registration, prepared } => {
                prepared.push_equations(registration, params, weights, msm)
            }
        }
    }

    /// The error of item `index`, which bisection found invalid: a
    /// registration names the proof that fails (checked alone, with fresh
    /// weights from `source`); other kinds are one proof each.
    fn failure(&self, params: &Params, index: usize, source: &mut WeightSource) -> Error {
        match self {
            Ready::Registration { registration, prepared } => {
                prepared.locate_failure(registration, params, index, source)
            }
            _ => Error::Verification,
        }
    }
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

    /// The error of a batch of one: its only item's.
    pub(crate) fn into_single(self) -> Error {
        self.error_for(0).unwrap_or(Error::Verification)
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
