//! `vaultseal`: the command-line tool of the `vaultseal` crate.
//!
//! Operators and CI pipelines use it to create vault and deploy keys, seal
//! deploy keys and secrets to vaults, verify sealed items offline (no secret
//! key needed), and open them as a vault. See the README's "Command-line
//! tool" section, or `vaultseal --help`.
//!
//! The library never touches the operating system's randomness; this binary
//! is the top level that does, with `getrandom`'s `SysRng`.
// A `std` binary: `std::` paths are the natural ones here.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

// The modules live in `src/bin/vaultseal/` (a binary's root resolves
// modules beside itself, hence the paths).
#[path = "vaultseal/args.rs"]
mod args;
#[path = "vaultseal/armor.rs"]
mod armor;
#[path = "vaultseal/commands.rs"]
mod commands;
#[path = "vaultseal/error.rs"]
mod error;
#[path = "vaultseal/files.rs"]
mod files;
#[path = "vaultseal/inputs.rs"]
mod inputs;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("vaultseal: {error}");
            error.exit_code()
        }
    }
}
