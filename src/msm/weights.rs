//! Batch weights: where the verifier's randomness comes from, and how each
//! item's equations get independent weights from it (PROTOCOL §2.7).
//!
//! An item is first reduced to a **digest** of its kind, encoding and
//! statement (`item_digest`). `WeightSource` is merlin's
//! `TranscriptRng` over the number of items and every digest, finalized
//! with the verifier's CSPRNG: the prover data only adds to the CSPRNG's
//! output. Each check draws a fresh `WeightSeed` from it, and item `i`'s
//! weights are a SHA-512 stream of `(seed, i)` (`Weights`).
//!
//! Crate-internal like its parent module: public only in the rendered
//! documentation (`cfg(doc)`), for the mathematics above.

use core::fmt;

#[cfg(test)]
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;
use sha2::{Digest, Sha512};

use crate::montgomery::MontgomeryScalar;
use crate::transcript::{ProverRng, TranscriptProtocol, labels, new_transcript};

/// The kinds of batch items, as their digests name them (one byte each,
/// PROTOCOL §2.7). Listed here, once, so that two kinds never share a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ItemKind {
    /// A vault's proof of possession (a vault record's, or a bare one).
    VaultKeyProof = 1,
    /// A sealed deploy key.
    SealedDeployKey = 2,
    /// A sealed secret.
    SealedSecret = 3,
    /// A project registration.
    Registration = 4,
    /// A threshold dealing of a deploy key.
    ThresholdDealing = 5,
    /// A key share re-sealed to a combiner.
    ShareTransfer = 6,
}

/// An item's digest: `SHA-512("vaultseal-batch-item-v1" ‖ u8 kind ‖
/// (u64_le len ‖ part)…)` over the parts that fix its statement and proof.
pub(crate) fn item_digest(kind: ItemKind, parts: &[&[u8]]) -> [u8; 64] {
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

/// The seed of one check's weights: 32 bytes from the verifier's randomness.
#[derive(Clone)]
pub(crate) struct WeightSeed(pub(crate) [u8; 32]);

impl fmt::Debug for WeightSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WeightSeed(..)")
    }
}

/// The verifier's randomness for one batch: merlin's `TranscriptRng` over
/// the number of items and every item's digest, finalized with the caller's
/// CSPRNG. Each check (the batch, then every bisection step) draws a fresh
/// [`WeightSeed`] from it.
pub(crate) struct WeightSource(ProverRng);

impl WeightSource {
    /// Randomness for a batch whose items have the given digests.
    pub(crate) fn new<R: CryptoRng + ?Sized>(digests: &[[u8; 64]], rng: &mut R) -> Self {
        let mut t = new_transcript(labels::PROTOCOL_BATCH_WEIGHTS);
        t.append_u64_value(labels::BATCH_LEN, digests.len() as u64);
        for digest in digests {
            t.append_bytes(labels::BATCH_ITEM, digest);
        }
        WeightSource(t.prover_rng().finalize(rng))
    }

    /// A fresh seed for one check.
    pub(crate) fn seed(&mut self) -> WeightSeed {
        let mut seed = [0u8; 32];
        self.0.fill_bytes(&mut seed);
        WeightSeed(seed)
    }
}

impl fmt::Debug for WeightSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WeightSource(..)")
    }
}

/// The weight stream of one item in one check (see the module documentation).
/// Its `Debug` shows the item and the position, not the seed nor the
/// unused half of the last output (the next weight).
pub(crate) struct Weights {
    seed: WeightSeed,
    item: u64,
    counter: u64,
    /// The second half of the last SHA-512 output, not yet used.
    spare: Option<[u8; 32]>,
    /// Tests only: every weight is 1 (what a careless verifier would use).
    #[cfg(test)]
    unit: bool,
}

impl fmt::Debug for Weights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Weights")
            .field("seed", &self.seed)
            .field("item", &self.item)
            .field("counter", &self.counter)
            .finish_non_exhaustive()
    }
}

impl Weights {
    /// The weights of item `item` under `seed`.
    pub(crate) fn for_item(seed: &WeightSeed, item: usize) -> Self {
        Weights {
            seed: seed.clone(),
            item: item as u64,
            counter: 0,
            spare: None,
            #[cfg(test)]
            unit: false,
        }
    }

    /// The weight [`Weights::next_montgomery`] would draw, as a `Scalar`
    /// (tests).
    #[cfg(test)]
    pub(crate) fn next(&mut self) -> Scalar {
        #[cfg(test)]
        if self.unit {
            return Scalar::ONE;
        }
        loop {
            // `Scalar::from_bytes_mod_order(half)`, in one product.
            let omega = crate::montgomery::reduce(&self.next_half());
            if omega != Scalar::ZERO {
                return omega;
            }
        }
    }

    /// The next weight, in Montgomery form: a non-zero scalar, 32 bytes of
    /// a SHA-512 output reduced modulo ℓ (each output gives two weights, its
    /// first half then its second; zero, probability < 2⁻²⁵², is skipped),
    /// straight into Montgomery form in one product. Not exactly uniform
    /// (2²⁵⁶ is not a multiple of ℓ), but no value has probability above
    /// ⌈2²⁵⁶/ℓ⌉/2²⁵⁶ = 2⁻²⁵², which is what soundness needs
    /// (`docs/notes/batching.md` §1).
    pub(crate) fn next_montgomery(&mut self) -> MontgomeryScalar {
        #[cfg(test)]
        if self.unit {
            return MontgomeryScalar::ONE;
        }
        loop {
            let omega = MontgomeryScalar::reduce_bytes(&self.next_half());
            if omega != MontgomeryScalar::ZERO {
                return omega;
            }
        }
    }

    /// The next 32 bytes of this item's stream: the halves of
    /// `SHA-512(label ‖ seed ‖ item ‖ counter)`, counter 0, 1, ….
    fn next_half(&mut self) -> [u8; 32] {
        if let Some(half) = self.spare.take() {
            return half;
        }
        let digest = Sha512::new()
            .chain_update(labels::BATCH_WEIGHT)
            .chain_update(self.seed.0)
            .chain_update(self.item.to_le_bytes())
            .chain_update(self.counter.to_le_bytes())
            .finalize();
        self.counter += 1;
        let (first, second) = digest.split_at(32);
        let mut spare = [0u8; 32];
        spare.copy_from_slice(second);
        self.spare = Some(spare);
        let mut half = [0u8; 32];
        half.copy_from_slice(first);
        half
    }

    /// Test weights that are all 1: the equations summed unweighted.
    #[cfg(test)]
    pub(crate) fn unit() -> Self {
        Weights { unit: true, ..Weights::for_item(&WeightSeed([0; 32]), 0) }
    }

    /// Test weights for one item whose bytes are `items`, from `rng` (the
    /// batch derivation of a one-item batch).
    #[cfg(test)]
    pub(crate) fn new<'a, R: CryptoRng + ?Sized>(
        items: impl IntoIterator<Item = &'a [u8]>,
        rng: &mut R,
    ) -> Self {
        let mut t = new_transcript(labels::PROTOCOL_BATCH_WEIGHTS);
        for item in items {
            t.append_bytes(labels::BATCH_ITEM, item);
        }
        let mut seed = [0u8; 32];
        t.prover_rng().finalize(rng).fill_bytes(&mut seed);
        Weights::for_item(&WeightSeed(seed), 0)
    }
}
