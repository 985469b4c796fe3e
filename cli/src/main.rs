//! `vaultseal`: the command-line tool of the `vaultseal` crate.
//!
//! Operators and CI pipelines use it to create vault and deploy keys, seal
//! deploy keys and secrets to vaults, verify sealed items offline (no secret
//! key needed), and open them as a vault. See `cli/README.md`, or
//! `vaultseal --help`. The commands live in the package's library target
//! (`src/lib.rs`).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    vaultseal_cli::run(vaultseal_cli::Cli::parse())
}
