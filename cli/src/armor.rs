//! PEM armor (RFC 7468) for the crate's binary encodings: the
//! `vaultseal-armor` crate, shared with the WebAssembly package so that files
//! move freely between the browser and this tool.
//!
//! **Not a stable API**: public only so that tests and the fuzz crate reach
//! it (see the crate documentation).

pub use vaultseal_armor::{ArmorError, Kind, decode, encode, is_armored};
