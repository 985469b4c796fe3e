//! Mathematical notes behind the protocols (documentation only).
//!
//! Each submodule renders one file of `docs/notes/`.

/// Notation used throughout the crate's documentation.
pub mod notation {
    #![doc = include_str!("../docs/notes/notation.md")]
}

/// The aggregated range proof: relation, equations, the single
/// multiscalar multiplication and its coefficients.
pub mod range_proof {
    #![doc = include_str!("../docs/notes/range_proof.md")]
}
