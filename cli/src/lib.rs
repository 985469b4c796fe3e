//! The modules of the `vaultseal` command-line tool (`src/main.rs` is the
//! binary: it parses the command line into a [`Cli`] and calls [`run`]).
//!
//! **Not a stable API.** This library target exists so that the binary stays
//! a few lines and so that tests and the fuzz crate can reach the armor
//! parser (`vaultseal_cli::armor::decode`); everything here may change in any
//! release. Use the `vaultseal` crate for a Rust API.
//!
//! - `commands`: the command line, one module per command (or group of
//!   subcommands) with its `#[derive(Args)]` struct next to its handler;
//! - `armor`: the PEM armor (RFC 7468), the `vaultseal-armor` crate re-exported;
//! - `files`: bounded, zeroizing reads and atomic writes (secret files with
//!   mode 0600);
//! - `inputs`: files decoded into the library's types; contexts, owners,
//!   recipients, and the flags that name them;
//! - `expiry`: vault record expiry, one rule for every command;
//! - `error`: the failures and their exit codes.
//!
//! The library never touches the operating system's randomness; this tool is
//! the top level that does, with `getrandom`'s `SysRng`.
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod armor;
mod commands;
mod error;
mod expiry;
mod files;
mod inputs;

use std::process::ExitCode;

pub use commands::Cli;

/// Run a parsed command line: its exit status, after printing any error as
/// `vaultseal: <error>` on standard error.
#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    match commands::run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("vaultseal: {error}");
            error.exit_code()
        }
    }
}
