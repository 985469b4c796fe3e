//! The vocabulary every layer shares: what a sealed payload is for
//! ([`Purpose`]) and the role of a repository in a project
//! ([`RepositoryRole`]).
//!
//! This module imports only the limits, so that [`Error`] can name
//! these in its variants without tying the error type to the modules that
//! use them. Decoding a purpose byte, which can fail, lives with
//! [`Context`](crate::context::Context) (`Purpose::from_byte`).
//!
//! [`Error`]: crate::Error

use core::fmt;

use crate::limits::{DEPLOY_KEY_LEN, WEBHOOK_SECRET_LEN};

/// What a sealed payload is for. Determines its kind and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Purpose {
    /// An Ed25519 deploy key: the payload is its 32-byte scalar.
    DeployKey,
    /// A webhook secret: 32 bytes.
    WebhookSecret,
    /// Any other secret: 1..=128 bytes, the length stated by the item.
    Secret,
}

impl Purpose {
    /// The wire and transcript byte of this purpose.
    pub const fn to_byte(self) -> u8 {
        match self {
            Purpose::DeployKey => 1,
            Purpose::WebhookSecret => 2,
            Purpose::Secret => 3,
        }
    }

    /// The payload length this purpose fixes, or `None` when the item states
    /// it (`Secret`, 1..=128).
    pub const fn fixed_payload_len(self) -> Option<usize> {
        match self {
            Purpose::DeployKey => Some(DEPLOY_KEY_LEN),
            Purpose::WebhookSecret => Some(WEBHOOK_SECRET_LEN),
            Purpose::Secret => None,
        }
    }
}

/// The role of a repository in a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RepositoryRole {
    /// The configuration repository (YAML resources).
    Config,
    /// The inline code repository.
    Code,
}

impl RepositoryRole {
    /// Both roles, in registration order.
    pub const ALL: [RepositoryRole; 2] = [RepositoryRole::Config, RepositoryRole::Code];

    /// The wire byte: 1 = `Config`, 2 = `Code`.
    pub const fn to_byte(self) -> u8 {
        match self {
            RepositoryRole::Config => 1,
            RepositoryRole::Code => 2,
        }
    }

    /// The role of a wire byte, if it is one.
    pub const fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(RepositoryRole::Config),
            2 => Some(RepositoryRole::Code),
            _ => None,
        }
    }
}

impl fmt::Display for RepositoryRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RepositoryRole::Config => "config",
            RepositoryRole::Code => "code",
        })
    }
}
