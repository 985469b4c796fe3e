//! Known-answer tests: seeded RNGs, pinned bytes in `tests/vectors/*.json`.
//! Regenerate deliberately with `VAULTSEAL_WRITE_VECTORS=1 cargo test --test kat`
//! (and say why in the commit).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "common/sealed_layout.rs"]
mod sealed_layout;
#[path = "common/vectors.rs"]
mod vectors;

// One module per area; each pins its own vector file.
#[path = "kat/deploy_key.rs"]
mod deploy_key;
#[path = "kat/foundation.rs"]
mod foundation;
#[path = "kat/hybrid.rs"]
mod hybrid;
#[path = "kat/registration.rs"]
mod registration;
#[path = "kat/sealed.rs"]
mod sealed;
#[path = "kat/selection.rs"]
mod selection;
#[path = "kat/threshold.rs"]
mod threshold;
