//! The messages of the SSH agent protocol (draft-miller-ssh-agent) that the
//! deploy-key agent speaks, decoded and encoded with RustCrypto's
//! `ssh-encoding` (RFC 4251 §5 `byte`, `uint32` and `string`).
//!
//! Every message on the socket is `uint32 length ‖ byte type ‖ contents`.
//! The agent answers:
//!
//! | request | contents | answer |
//! |---|---|---|
//! | `SSH_AGENTC_REQUEST_IDENTITIES` (11) | none | `SSH_AGENT_IDENTITIES_ANSWER` (12): `uint32 nkeys`, then per key `string key blob ‖ string comment` |
//! | `SSH_AGENTC_SIGN_REQUEST` (13) | `string key blob ‖ string data ‖ uint32 flags` | `SSH_AGENT_SIGN_RESPONSE` (14): `string signature`, where the signature is `string "ssh-ed25519" ‖ string R‖S` (RFC 8709 §6) |
//! | anything else | not read | `SSH_AGENT_FAILURE` (5) |
//!
//! A request of a known type whose contents do not parse exactly (a string
//! longer than the message, trailing bytes) is *malformed*: the server
//! closes that connection. A message of any other type is well formed
//! whatever it carries and gets `SSH_AGENT_FAILURE`: adding, removing,
//! locking, extensions (`session-bind@openssh.com`, which `ssh` sends and
//! for which failure is the documented answer of an agent without it).

use alloc::string::String;
use alloc::vec::Vec;

use ed25519_dalek::Signature;
use ssh_encoding::{Decode, Encode, Reader, Writer};

use crate::deploy_key::{OPENSSH_BLOB_LEN, OPENSSH_KEY_TYPE};

/// The largest message the agent reads (the length prefix excluded): 256 KiB,
/// OpenSSH's own `AGENT_MAX_LEN`. A longer one is refused unread.
pub const MAX_MESSAGE_LEN: usize = 256 * 1024;

/// `SSH_AGENT_FAILURE`.
const SSH_AGENT_FAILURE: u8 = 5;
/// `SSH_AGENTC_REQUEST_IDENTITIES`.
const SSH_AGENTC_REQUEST_IDENTITIES: u8 = 11;
/// `SSH_AGENT_IDENTITIES_ANSWER`.
const SSH_AGENT_IDENTITIES_ANSWER: u8 = 12;
/// `SSH_AGENTC_SIGN_REQUEST`.
const SSH_AGENTC_SIGN_REQUEST: u8 = 13;
/// `SSH_AGENT_SIGN_RESPONSE`.
const SSH_AGENT_SIGN_RESPONSE: u8 = 14;

/// `SSH_AGENT_RSA_SHA2_256`: the RSA signature hash; meaningless for
/// Ed25519 and ignored, as OpenSSH's agent ignores it for non-RSA keys.
pub(crate) const SSH_AGENT_RSA_SHA2_256: u32 = 2;
/// `SSH_AGENT_RSA_SHA2_512`: as [`SSH_AGENT_RSA_SHA2_256`].
pub(crate) const SSH_AGENT_RSA_SHA2_512: u32 = 4;
/// The sign-request flags the agent accepts (and ignores). Any other bit
/// (`SSH_AGENT_OLD_SIGNATURE` = 1, or one not yet defined) asks for a
/// signature other than `ssh-ed25519` and is refused with
/// `SSH_AGENT_FAILURE`.
pub(crate) const IGNORED_SIGN_FLAGS: u32 = SSH_AGENT_RSA_SHA2_256 | SSH_AGENT_RSA_SHA2_512;

/// Length of the signature string's contents: `string "ssh-ed25519"` ‖
/// `string R‖S` = 4 + 11 + 4 + 64.
const ED25519_SIGNATURE_BLOB_LEN: usize = 4 + OPENSSH_KEY_TYPE.len() + 4 + Signature::BYTE_SIZE;

/// A request read from a client (the contents borrowed from the message).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Request<'a> {
    /// `SSH_AGENTC_REQUEST_IDENTITIES`.
    Identities,
    /// `SSH_AGENTC_SIGN_REQUEST`.
    Sign {
        /// The public key blob of the key asked for.
        key_blob: &'a [u8],
        /// The data to sign.
        data: &'a [u8],
        /// The flags (`SSH_AGENT_RSA_SHA2_*`, ...).
        flags: u32,
    },
    /// Any other message type: not read, answered with failure.
    Unsupported(u8),
}

/// Why a message is malformed (the connection is closed).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// An empty message (no type byte).
    Empty,
    /// A field that does not parse: a string longer than what remains,
    /// a truncated `uint32`, trailing bytes.
    Encoding(ssh_encoding::Error),
}

impl From<ssh_encoding::Error> for Malformed {
    fn from(error: ssh_encoding::Error) -> Self {
        Malformed::Encoding(error)
    }
}

/// Read a `string` without copying it: the slice of the message it spans.
fn read_string<'a>(reader: &mut &'a [u8]) -> Result<&'a [u8], ssh_encoding::Error> {
    reader.read_prefixed(|contents: &mut &'a [u8]| {
        let string = *contents;
        *contents = &[];
        Ok(string)
    })
}

impl<'a> Request<'a> {
    /// Decode a message (without its length prefix). Total: any bytes give a
    /// request or [`Malformed`].
    pub(crate) fn decode(message: &'a [u8]) -> Result<Self, Malformed> {
        let mut reader = message;
        if reader.is_empty() {
            return Err(Malformed::Empty);
        }
        let message_type = u8::decode(&mut reader)?;
        let request = match message_type {
            SSH_AGENTC_REQUEST_IDENTITIES => Request::Identities,
            SSH_AGENTC_SIGN_REQUEST => {
                let key_blob = read_string(&mut reader)?;
                let data = read_string(&mut reader)?;
                let flags = u32::decode(&mut reader)?;
                Request::Sign { key_blob, data, flags }
            }
            other => return Ok(Request::Unsupported(other)),
        };
        Ok(reader.finish(request)?)
    }
}

/// One identity of an `SSH_AGENT_IDENTITIES_ANSWER`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdentityEntry {
    /// The `ssh-ed25519` public key blob.
    pub(crate) key_blob: [u8; OPENSSH_BLOB_LEN],
    /// Its comment.
    pub(crate) comment: String,
}

/// An answer to a client.
#[derive(Debug)]
pub(crate) enum Reply {
    /// `SSH_AGENT_FAILURE`.
    Failure,
    /// `SSH_AGENT_IDENTITIES_ANSWER`.
    Identities(Vec<IdentityEntry>),
    /// `SSH_AGENT_SIGN_RESPONSE` with an `ssh-ed25519` signature.
    Signature(Signature),
}

impl Reply {
    /// The framed answer: `uint32 length ‖ message`.
    ///
    /// # Errors
    /// An `ssh-encoding` error if a length does not fit a `uint32` (a
    /// comment of 4 GiB; never for the identities the agent holds).
    pub(crate) fn to_frame(&self) -> Result<Vec<u8>, ssh_encoding::Error> {
        let mut frame = Vec::with_capacity(self.encoded_len_prefixed()?);
        self.encode_prefixed(&mut frame)?;
        Ok(frame)
    }
}

impl Encode for Reply {
    fn encoded_len(&self) -> Result<usize, ssh_encoding::Error> {
        Ok(1 + match self {
            Reply::Failure => 0,
            Reply::Identities(entries) => {
                let mut len = 4usize;
                for entry in entries {
                    let blob_len = entry.key_blob.as_slice().encoded_len()?;
                    let comment_len = entry.comment.encoded_len()?;
                    len = len
                        .checked_add(blob_len)
                        .and_then(|len| len.checked_add(comment_len))
                        .ok_or(ssh_encoding::Error::Length)?;
                }
                len
            }
            Reply::Signature(_) => 4 + ED25519_SIGNATURE_BLOB_LEN,
        })
    }

    fn encode(&self, writer: &mut impl Writer) -> Result<(), ssh_encoding::Error> {
        match self {
            Reply::Failure => SSH_AGENT_FAILURE.encode(writer),
            Reply::Identities(entries) => {
                SSH_AGENT_IDENTITIES_ANSWER.encode(writer)?;
                entries.len().encode(writer)?;
                for entry in entries {
                    // `string`s: a slice is length-prefixed (an array would not be).
                    entry.key_blob.as_slice().encode(writer)?;
                    entry.comment.encode(writer)?;
                }
                Ok(())
            }
            Reply::Signature(signature) => {
                SSH_AGENT_SIGN_RESPONSE.encode(writer)?;
                ED25519_SIGNATURE_BLOB_LEN.encode(writer)?;
                OPENSSH_KEY_TYPE.encode(writer)?;
                signature.to_bytes().as_slice().encode(writer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn string(bytes: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes().to_vec();
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn sign_request_decodes_its_three_fields() {
        let mut message = vec![SSH_AGENTC_SIGN_REQUEST];
        message.extend(string(b"blob"));
        message.extend(string(b"data to sign"));
        message.extend(6u32.to_be_bytes());
        assert_eq!(
            Request::decode(&message),
            Ok(Request::Sign { key_blob: b"blob", data: b"data to sign", flags: 6 })
        );
    }

    #[test]
    fn every_truncation_of_a_sign_request_is_malformed() {
        let mut message = vec![SSH_AGENTC_SIGN_REQUEST];
        message.extend(string(b"blob"));
        message.extend(string(b"data"));
        message.extend(0u32.to_be_bytes());
        assert_eq!(Request::decode(&[]), Err(Malformed::Empty));
        for len in 1..message.len() {
            assert_eq!(
                Request::decode(&message[..len]),
                Err(Malformed::Encoding(ssh_encoding::Error::Length)),
                "truncated at {len}"
            );
        }
    }

    #[test]
    fn trailing_bytes_are_malformed() {
        assert_eq!(
            Request::decode(&[SSH_AGENTC_REQUEST_IDENTITIES, 0]),
            Err(Malformed::Encoding(ssh_encoding::Error::TrailingData { remaining: 1 }))
        );
        let mut message = vec![SSH_AGENTC_SIGN_REQUEST];
        message.extend(string(b"blob"));
        message.extend(string(b"data"));
        message.extend(0u32.to_be_bytes());
        message.push(0);
        assert_eq!(
            Request::decode(&message),
            Err(Malformed::Encoding(ssh_encoding::Error::TrailingData { remaining: 1 }))
        );
    }

    #[test]
    fn other_types_are_unsupported_whatever_they_carry() {
        // SSH_AGENTC_ADD_IDENTITY (17) with garbage, SSH_AGENTC_EXTENSION (27).
        assert_eq!(Request::decode(&[17, 1, 2, 3]), Ok(Request::Unsupported(17)));
        assert_eq!(Request::decode(&[27]), Ok(Request::Unsupported(27)));
    }

    #[test]
    fn replies_are_framed_as_the_draft_lays_them_out() {
        assert_eq!(Reply::Failure.to_frame(), Ok(vec![0, 0, 0, 1, SSH_AGENT_FAILURE]));

        let entry = IdentityEntry { key_blob: [7; OPENSSH_BLOB_LEN], comment: "c".into() };
        let mut expected = vec![SSH_AGENT_IDENTITIES_ANSWER];
        expected.extend(1u32.to_be_bytes());
        expected.extend(string(&[7; OPENSSH_BLOB_LEN]));
        expected.extend(string(b"c"));
        let mut framed = string(&expected);
        assert_eq!(Reply::Identities(vec![entry]).to_frame(), Ok(framed));

        let signature = Signature::from_bytes(&[9; 64]);
        let mut blob = string(b"ssh-ed25519");
        blob.extend(string(&[9; 64]));
        expected = vec![SSH_AGENT_SIGN_RESPONSE];
        expected.extend(string(&blob));
        framed = string(&expected);
        assert_eq!(Reply::Signature(signature).to_frame(), Ok(framed));
    }
}
