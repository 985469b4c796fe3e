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

/// The aggregated range proof: relation, equations, the single
/// multiscalar multiplication and its coefficients.
pub mod range_proof {
    #![doc = include_str!("../docs/notes/range_proof.md")]
}

/// Sealing: what a verified sealed item guarantees, and why.
pub mod sealing {
    #![doc = include_str!("../docs/notes/sealing.md")]
}

/// Batch verification: weights, soundness, the cofactored Edwards check,
/// bisection and measurements.
pub mod batching {
    #![doc = include_str!("../docs/notes/batching.md")]
}
