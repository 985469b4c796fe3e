//! What a threshold signer agrees to sign (SPEC §13): threshold signing
//! keeps fewer than `t` vaults from *stealing* the key, not from *using* it.
//! A coordinator that can ask `t` honest vaults to sign anything holds the
//! key in all but name, so each signer passes every message through a
//! [`SigningPolicy`] before it signs.
//!
//! Two policies cover what a deploy key is for:
//! - [`GitUserauthPolicy`]: an SSH `publickey` user-authentication request
//!   (RFC 4252 §7) for one user (`git`) with this very key;
//! - [`SshSigPolicy`]: an SSHSIG signature (OpenSSH `PROTOCOL.sshsig`) in one
//!   namespace.
//!
//! Both parse the message strictly (every length checked, nothing left
//! over); anything else is refused. [`sshsig_signed_data`] and
//! [`sshsig_armor`] build what `ssh-keygen -Y sign` signs and writes.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha512};

use crate::deploy_key::{DeployPublicKey, OPENSSH_KEY_TYPE};

/// Decides whether a threshold signer signs `message` with the key `key`
/// (the dealing's `A`).
pub trait SigningPolicy: Send + Sync {
    /// Whether to sign.
    fn allows(&self, key: &DeployPublicKey, message: &[u8]) -> bool;
}

/// SSH `publickey` user authentication for one user with this key: the
/// message is `string session_id ‖ byte 50 (SSH_MSG_USERAUTH_REQUEST) ‖
/// string user ‖ string "ssh-connection" ‖ string "publickey" ‖ bool TRUE ‖
/// string "ssh-ed25519" ‖ string key blob`, with `user` the expected one
/// (`git` for git hosts), the blob this key's and a session identifier of
/// 1 to 64 bytes (an exchange hash).
///
/// OpenSSH's `publickey-hostbound-v00@openssh.com` form (the same request
/// with `publickey-hostbound-v00@openssh.com` as the method and the
/// server's host key blob after the key; OpenSSH 8.9 and later send it to
/// servers that offer it) is accepted too.
///
/// The session identifier is the coordinator's to choose: a signature it
/// obtains authenticates to any SSH server that trusts this key for that
/// user, so the coordinator is trusted to that extent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitUserauthPolicy {
    user: String,
}

impl GitUserauthPolicy {
    /// Allow authentication as `user` (`git` on git hosts; the user of the
    /// SSH URL otherwise).
    pub fn new(user: &str) -> Self {
        GitUserauthPolicy { user: String::from(user) }
    }
}

impl Default for GitUserauthPolicy {
    /// User `git`.
    fn default() -> Self {
        GitUserauthPolicy::new("git")
    }
}

/// SSH's `SSH_MSG_USERAUTH_REQUEST`.
const SSH_MSG_USERAUTH_REQUEST: u8 = 50;

/// OpenSSH's host-bound public key method (OpenSSH 8.9 and later use it
/// with servers that offer it): `publickey` plus the server's host key.
const HOSTBOUND_METHOD: &[u8] = b"publickey-hostbound-v00@openssh.com";

/// Longest SSH session identifier: an exchange hash (20, 32, 48 or 64
/// bytes for SHA-1 to SHA-512).
const MAX_SESSION_ID_LEN: usize = 64;

/// A reader of SSH wire data (RFC 4251 §5): every length checked.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn byte(&mut self) -> Option<u8> {
        self.bytes(1).map(|b| b[0])
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_be_bytes(self.bytes(4)?.try_into().ok()?);
        self.bytes(usize::try_from(len).ok()?)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Append an SSH `string`.
fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    // Every string here is short (names, a hash, a key blob, a signature).
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(bytes);
}

impl SigningPolicy for GitUserauthPolicy {
    fn allows(&self, key: &DeployPublicKey, message: &[u8]) -> bool {
        let mut r = SshReader(message);
        let parsed = (|| {
            let session_id = r.string()?;
            let ok = (1..=MAX_SESSION_ID_LEN).contains(&session_id.len())
                && r.byte()? == SSH_MSG_USERAUTH_REQUEST
                && r.string()? == self.user.as_bytes()
                && r.string()? == b"ssh-connection";
            let hostbound = match r.string()? {
                b"publickey" => false,
                HOSTBOUND_METHOD => true,
                _ => return Some(false),
            };
            let ok = ok
                && r.byte()? == 1
                && r.string()? == OPENSSH_KEY_TYPE.as_bytes()
                && r.string()? == key.to_openssh_blob();
            // The hostbound method binds the server's host key (any
            // non-empty key blob: the client has checked it).
            Some(ok && (!hostbound || !r.string()?.is_empty()))
        })();
        parsed == Some(true) && r.is_empty()
    }
}

/// SSHSIG signatures in one namespace: the message is `"SSHSIG" ‖ string
/// namespace ‖ string reserved (empty) ‖ string "sha512" ‖ string
/// SHA-512(data)` (or `"sha256"` with a 32-byte hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshSigPolicy {
    namespace: String,
}

impl SshSigPolicy {
    /// Allow SSHSIG signatures in `namespace` (e.g. `git` for signed
    /// commits, or an application's own).
    pub fn new(namespace: &str) -> Self {
        SshSigPolicy { namespace: String::from(namespace) }
    }
}

/// SSHSIG's magic preamble.
const SSHSIG_MAGIC: &[u8] = b"SSHSIG";

impl SigningPolicy for SshSigPolicy {
    fn allows(&self, _key: &DeployPublicKey, message: &[u8]) -> bool {
        let mut r = SshReader(message);
        let parsed = (|| {
            let ok = r.bytes(SSHSIG_MAGIC.len())? == SSHSIG_MAGIC
                && r.string()? == self.namespace.as_bytes()
                && r.string()?.is_empty();
            let hash_len = match r.string()? {
                b"sha512" => 64,
                b"sha256" => 32,
                _ => return Some(false),
            };
            Some(ok && r.string()?.len() == hash_len)
        })();
        parsed == Some(true) && r.is_empty()
    }
}

/// The bytes an SSHSIG signature signs for `data` in `namespace` (hash
/// SHA-512): what `ssh-keygen -Y sign -n namespace` signs.
pub fn sshsig_signed_data(namespace: &str, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::from(SSHSIG_MAGIC);
    put_string(&mut out, namespace.as_bytes());
    put_string(&mut out, b"");
    put_string(&mut out, b"sha512");
    put_string(&mut out, &Sha512::digest(data));
    out
}

/// The armored SSHSIG signature file (`-----BEGIN SSH SIGNATURE-----`) for
/// an Ed25519 `signature` by `key` over [`sshsig_signed_data`]`(namespace,
/// data)`: what `ssh-keygen -Y verify -n namespace` checks.
pub fn sshsig_armor(
    key: &DeployPublicKey,
    namespace: &str,
    signature: &ed25519_dalek::Signature,
) -> String {
    let mut blob = Vec::from(SSHSIG_MAGIC);
    blob.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut blob, &key.to_openssh_blob());
    put_string(&mut blob, namespace.as_bytes());
    put_string(&mut blob, b"");
    put_string(&mut blob, b"sha512");
    let mut sig = Vec::new();
    put_string(&mut sig, OPENSSH_KEY_TYPE.as_bytes());
    put_string(&mut sig, &signature.to_bytes());
    put_string(&mut blob, &sig);
    let encoded = STANDARD.encode(&blob);
    let mut out = String::from("-----BEGIN SSH SIGNATURE-----\n");
    for line in encoded.as_bytes().chunks(70) {
        out.push_str(core::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END SSH SIGNATURE-----\n");
    out
}

/// An SSH `publickey` user-authentication request for `user` with `key`
/// under `session_id`: the message an SSH client signs (RFC 4252 §7), as
/// [`GitUserauthPolicy`] expects it.
pub fn ssh_userauth_request(session_id: &[u8], user: &str, key: &DeployPublicKey) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, session_id);
    out.push(SSH_MSG_USERAUTH_REQUEST);
    put_string(&mut out, user.as_bytes());
    put_string(&mut out, b"ssh-connection");
    put_string(&mut out, b"publickey");
    out.push(1);
    put_string(&mut out, OPENSSH_KEY_TYPE.as_bytes());
    put_string(&mut out, &key.to_openssh_blob());
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::deploy_key::DeployKey;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn key(seed: u64) -> DeployPublicKey {
        DeployKey::generate(&mut ChaCha20Rng::seed_from_u64(seed)).public_key()
    }

    #[test]
    fn userauth_policy_accepts_exactly_this_users_request_with_this_key() {
        let (a, b) = (key(1), key(2));
        let policy = GitUserauthPolicy::default();
        let request = ssh_userauth_request(&[7; 32], "git", &a);
        assert!(policy.allows(&a, &request));
        assert!(!policy.allows(&b, &request), "another key");
        assert!(!policy.allows(&a, &ssh_userauth_request(&[7; 32], "root", &a)), "another user");
        assert!(!policy.allows(&a, &ssh_userauth_request(&[], "git", &a)), "no session");
        assert!(policy.allows(&a, &ssh_userauth_request(&[1; 64], "git", &a)));
        assert!(!policy.allows(&a, &ssh_userauth_request(&[1; 65], "git", &a)), "long session");
        assert!(!policy.allows(&a, &[request.as_slice(), &[0]].concat()), "trailing data");
        assert!(!policy.allows(&a, &request[..request.len() - 1]), "truncated");
        // Every byte matters: the message type, the method, the bool.
        for at in [36, 66, 75] {
            let mut changed = request.clone();
            changed[at] ^= 1;
            assert!(!policy.allows(&a, &changed), "byte {at}");
        }
        assert!(!policy.allows(&a, &sshsig_signed_data("git", b"x")));
        assert!(
            GitUserauthPolicy::new("alice").allows(&a, &ssh_userauth_request(b"s", "alice", &a))
        );
    }

    #[test]
    fn sshsig_policy_accepts_exactly_its_namespace() {
        let a = key(3);
        let policy = SshSigPolicy::new("vaultseal-test");
        assert!(policy.allows(&a, &sshsig_signed_data("vaultseal-test", b"data")));
        assert!(!policy.allows(&a, &sshsig_signed_data("git", b"data")));
        let mut long = sshsig_signed_data("vaultseal-test", b"data");
        long.push(0);
        assert!(!policy.allows(&a, &long));
        assert!(!policy.allows(&a, &ssh_userauth_request(&[1], "git", &a)));
        assert!(!policy.allows(&a, b""));
    }
}
