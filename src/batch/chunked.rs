//! Verifying any number of items in bounded memory: items pulled from an
//! iterator and checked in chunks, each chunk one [`BatchVerifier`].
//!
//! A batch holds every item, decoded, and every term of its equations until
//! its one multiscalar multiplication: memory grows with the batch (about
//! 200 KB per registration, see `docs/PERFORMANCE.md`). [`verify_in_chunks`]
//! keeps at most `chunk_size` items at a time, so its memory is bounded by the
//! chunk, whatever the number of items. Each chunk is an independent batch
//! verification — its own digest, weights from the caller's RNG, its own
//! bisection when it fails — so the soundness of each chunk is that of a
//! batch; the items' indices stay global.
//!
//! ```
//! # use vaultseal::*;
//! # use rand_core::UnwrapErr;
//! let mut rng = UnwrapErr(getrandom::SysRng); // the operating system's CSPRNG
//! let params = Params::shared();
//! let vault = VaultKeypair::generate(params, &mut rng);
//! let ctx = Context::new(b"project", b"github:1", Purpose::DeployKey, [1; 32])?;
//! // Encoded items, as read one by one from a registry (here: made up).
//! let mut wire: Vec<Vec<u8>> = (0..5)
//!     .map(|_| seal_deploy_key(params, &[*vault.public()], &ctx, &DeployKey::generate(&mut rng), &mut rng))
//!     .map(|sealed| sealed.map(|s| s.to_bytes()))
//!     .collect::<Result<_, _>>()?;
//! wire[3][100] ^= 1;
//!
//! let result = batch::verify_in_chunks(
//!     params,
//!     wire.into_iter().map(|bytes| (bytes, &ctx)),
//!     2,
//!     |batch, (bytes, ctx)| {
//!         batch.push_sealed_deploy_key_bytes(bytes, ctx);
//!     },
//!     &mut rng,
//! );
//! assert_eq!(result.unwrap_err().invalid_indices().collect::<Vec<_>>(), [3]);
//! # Ok::<(), vaultseal::Error>(())
//! ```

use alloc::vec::Vec;

use rand_core::CryptoRng;

use super::{BatchError, BatchVerifier};
use crate::params::Params;

/// Verify every item of `items`, `chunk_size` of them at a time (a
/// `chunk_size` of 0 is taken as 1): `push` adds an item to the chunk's
/// batch with the `BatchVerifier::push_*` method of its kind.
///
/// `push` may keep references into its item for the chunk: data the items
/// share (a context, a vault key) goes into `T` as a reference (`(bytes,
/// &context)`), borrowed from outside for as long as the call.
///
/// An item's index is its position among everything pushed, over all chunks
/// (the index it would have in one batch holding them all). Memory is bounded
/// by the chunk: the chunk's items (owned by this function while their chunk
/// is checked), their decoded forms and their equations' terms. Chunks of
/// about 1 024 items verify at the throughput of one big batch (each chunk's
/// multiscalar multiplication is already past the size where a larger one
/// pays).
///
/// # Errors
/// A [`BatchError`] naming exactly the invalid items of every chunk, by
/// global index, each with the error its single verification gives (as
/// [`BatchVerifier::verify`]).
pub fn verify_in_chunks<T, R>(
    params: &Params,
    items: impl IntoIterator<Item = T>,
    chunk_size: usize,
    mut push: impl for<'b> FnMut(&mut BatchVerifier<'b>, &'b T),
    rng: &mut R,
) -> Result<(), BatchError>
where
    R: CryptoRng + ?Sized,
{
    let chunk_size = chunk_size.max(1);
    let mut items = items.into_iter();
    let mut chunk: Vec<T> = Vec::with_capacity(chunk_size);
    let mut invalid = Vec::new();
    let mut offset = 0;
    loop {
        chunk.clear();
        chunk.extend(items.by_ref().take(chunk_size));
        if chunk.is_empty() {
            break;
        }
        let mut batch = BatchVerifier::with_capacity(params, chunk.len());
        for item in &chunk {
            push(&mut batch, item);
        }
        let pushed = batch.len();
        if let Err(error) = batch.verify(rng) {
            invalid.extend(error.invalid.into_iter().map(|(index, why)| (offset + index, why)));
        }
        offset += pushed;
    }
    if invalid.is_empty() { Ok(()) } else { Err(BatchError { invalid }) }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use alloc::rc::Rc;
    use alloc::vec;
    use core::cell::Cell;

    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    use super::*;
    use crate::context::{Context, Purpose};
    use crate::error::Error;
    use crate::sealed::seal_secret;
    use crate::vault::VaultKeypair;

    /// Ten encoded sealed secrets, with their contexts: item 0 does not
    /// decode, item 4 has a flipped proof byte, item 9 is checked under a
    /// deploy-key context (the wrong purpose).
    fn items() -> Vec<(Vec<u8>, Context)> {
        let params = Params::shared();
        let mut rng = ChaCha20Rng::seed_from_u64(31);
        let vault = VaultKeypair::generate(params, &mut rng);
        let secret = Context::new(b"p", b"github:1", Purpose::Secret, [2; 32]).unwrap();
        let deploy = Context::new(b"p", b"github:1", Purpose::DeployKey, [2; 32]).unwrap();
        let mut items: Vec<(Vec<u8>, Context)> = (0..10u8)
            .map(|i| {
                let sealed =
                    seal_secret(params, &[*vault.public()], &secret, &[i; 5], &mut rng).unwrap();
                (sealed.to_bytes(), secret.clone())
            })
            .collect();
        items[0].0 = vec![0xff; 7];
        let last = items[4].0.len() - 1;
        items[4].0[last] ^= 1;
        items[9].1 = deploy;
        items
    }

    fn push<'b>(batch: &mut BatchVerifier<'b>, item: &'b (Vec<u8>, Context)) {
        batch.push_sealed_secret_bytes(&item.0, &item.1);
    }

    /// Every chunk size names the same items, with the same errors, as one
    /// batch holding them all.
    #[test]
    fn chunks_name_the_same_items_as_one_batch() {
        let params = Params::shared();
        let items = items();
        let mut one = BatchVerifier::new(params);
        for item in &items {
            push(&mut one, item);
        }
        let expected = one.verify(&mut ChaCha20Rng::seed_from_u64(1)).unwrap_err();
        drop(one);
        assert_eq!(expected.invalid_indices().collect::<Vec<_>>(), [0, 4, 9]);
        assert!(matches!(expected.error_for(0), Some(Error::Decode { .. })));
        assert_eq!(expected.error_for(4), Some(Error::Verification));
        assert!(matches!(expected.error_for(9), Some(Error::InvalidInput { .. })));
        for chunk_size in [0, 1, 3, 4, 10, 11] {
            let mut rng = ChaCha20Rng::seed_from_u64(2);
            let got = verify_in_chunks(params, items.clone(), chunk_size, push, &mut rng);
            assert_eq!(got, Err(expected.clone()), "chunk size {chunk_size}");
        }
        let valid = items.into_iter().enumerate().filter(|(i, _)| ![0, 4, 9].contains(i));
        let valid: Vec<_> = valid.map(|(_, item)| item).collect();
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        assert_eq!(verify_in_chunks(params, valid, 3, push, &mut rng), Ok(()));
    }

    /// An item that counts how many of its kind are alive.
    struct Tracked {
        item: (Vec<u8>, Context),
        live: Rc<Cell<usize>>,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.live.set(self.live.get() - 1);
        }
    }

    /// The items are pulled a chunk at a time: never more than a chunk of
    /// them is alive, and every one of them is checked.
    #[test]
    fn at_most_a_chunk_of_items_is_alive() {
        let params = Params::shared();
        let (live, peak, pushed) = (Rc::new(Cell::new(0)), Cell::new(0), Cell::new(0));
        let tracked = items().into_iter().map(|item| {
            live.set(live.get() + 1);
            peak.set(peak.get().max(live.get()));
            Tracked { item, live: Rc::clone(&live) }
        });
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        let result = verify_in_chunks(
            params,
            tracked,
            3,
            |batch, tracked| {
                pushed.set(pushed.get() + 1);
                push(batch, &tracked.item);
            },
            &mut rng,
        );
        assert_eq!(result.unwrap_err().invalid_indices().collect::<Vec<_>>(), [0, 4, 9]);
        assert_eq!(pushed.get(), 10);
        assert_eq!(peak.get(), 3);
        assert_eq!(live.get(), 0);
    }
}
