//! Every protocol limit and size, defined once (PROTOCOL.md lists them with
//! the layouts that use them).
//!
//! The modules that expose a limit publicly re-export it from here
//! ([`vault::MAX_RECIPIENTS`](crate::vault::MAX_RECIPIENTS),
//! [`sealed::MAX_PAYLOAD_LEN`](crate::sealed::MAX_PAYLOAD_LEN), …). Limits
//! that soundness ties together are defined in terms of each other, or
//! checked at compile time.

/// Most recipients (vaults) of one sealed item, hybrid envelope or
/// registration.
pub const MAX_RECIPIENTS: usize = 8;

/// Fewest shares, and the smallest threshold, of a threshold dealing.
pub const MIN_THRESHOLD: usize = 2;

/// Most shares of a threshold dealing: one per recipient.
pub const MAX_SHARES: usize = MAX_RECIPIENTS;

/// Longest payload of a sealed item (chunked ElGamal with proofs), in bytes.
pub const MAX_SEALED_PAYLOAD_LEN: usize = 128;

/// Longest payload of a hybrid envelope: 16 MiB.
pub const MAX_HYBRID_PAYLOAD_LEN: usize = 16 * 1024 * 1024;

/// Length of a deploy key's secret scalar, its sealed payload.
pub const DEPLOY_KEY_LEN: usize = 32;

/// Length of a webhook secret.
pub const WEBHOOK_SECRET_LEN: usize = 32;

/// Bits per chunk of a sealed payload.
pub(crate) const CHUNK_BITS: usize = 16;

/// Most chunks of a sealed payload: `⌈128 / 2⌉`.
pub(crate) const MAX_CHUNKS: usize = MAX_SEALED_PAYLOAD_LEN.div_ceil(2);

/// The range proof's bit length `n`: exactly the chunk size, so that a
/// proved value is a chunk the vault's table can decrypt.
pub(crate) const RANGE_BITS: usize = CHUNK_BITS;

/// Most (unpadded) values one range proof aggregates: one per chunk.
pub(crate) const MAX_RANGE_VALUES: usize = MAX_CHUNKS;

// Chunking and the range proof must agree on bits per chunk, and a deploy
// key or webhook secret fits in a sealed item.
const _: () = assert!(RANGE_BITS == CHUNK_BITS && MAX_RANGE_VALUES == MAX_CHUNKS);
const _: () = assert!(DEPLOY_KEY_LEN <= MAX_SEALED_PAYLOAD_LEN);
const _: () = assert!(WEBHOOK_SECRET_LEN <= MAX_SEALED_PAYLOAD_LEN);
