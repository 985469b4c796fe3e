//! Mathematical notes behind the protocols (documentation only).
//!
//! Each submodule renders one file of `docs/notes/`.

/// Notation used throughout the crate's documentation.
pub mod notation {
    #![doc = include_str!("../docs/notes/notation.md")]
}

/// Chunked twisted ElGamal: keys, encryption, decryption, chunks, the
/// homomorphism, and the constant-time discrete logarithm.
pub mod twisted_elgamal {
    #![doc = include_str!("../docs/notes/twisted_elgamal.md")]
}

/// Batch verification: weights and their soundness, the cofactored Edwards
/// check, bisection and its cost, what a check costs and what was measured.
pub mod batching {
    #![doc = include_str!("../docs/notes/batching.md")]
}
