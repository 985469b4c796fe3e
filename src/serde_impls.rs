//! `serde` support for the public wire types (feature `serde`).
//!
//! Every wire type serializes as its canonical encoding (`to_bytes`) and
//! deserializes through its strict decoder (`from_bytes`), so a serde format
//! can never produce a value the decoder would refuse. Human-readable
//! formats (JSON, TOML, …) carry the encoding as a lowercase hex string;
//! binary formats as bytes. Secret types (vault secret keys, deploy keys,
//! secrets) deliberately have no serde support: store them with their
//! `to_bytes` on purpose, not by accident through a derived struct.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;

/// Serialize `bytes` as hex (human-readable formats) or bytes.
fn serialize_encoding<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        let mut hex = String::with_capacity(2 * bytes.len());
        for b in bytes {
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        serializer.serialize_str(&hex)
    } else {
        serializer.serialize_bytes(bytes)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The encoding carried by a hex string or a byte string.
struct EncodingVisitor;

impl Visitor<'_> for EncodingVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a canonical vaultseal encoding (bytes, or lowercase hex)")
    }

    fn visit_str<E: de::Error>(self, hex: &str) -> Result<Vec<u8>, E> {
        let nibble = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            _ => Err(E::custom("not lowercase hex")),
        };
        if !hex.len().is_multiple_of(2) {
            return Err(E::custom("odd hex length"));
        }
        hex.as_bytes()
            .chunks_exact(2)
            .map(|pair| Ok(nibble(pair[0])? << 4 | nibble(pair[1])?))
            .collect()
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Vec<u8>, E> {
        Ok(bytes.to_vec())
    }
}

/// Read the encoding, in the form the format chose.
fn deserialize_encoding<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    if deserializer.is_human_readable() {
        deserializer.deserialize_str(EncodingVisitor)
    } else {
        deserializer.deserialize_byte_buf(EncodingVisitor)
    }
}

/// `Serialize`/`Deserialize` through `to_bytes`/`from_bytes`.
macro_rules! serde_via_bytes {
    ($($ty:ty),* $(,)?) => {$(
        impl serde::Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_encoding(&self.to_bytes()[..], serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let bytes = deserialize_encoding(deserializer)?;
                <$ty>::from_bytes(&bytes).map_err(de::Error::custom)
            }
        }
    )*};
}

serde_via_bytes!(
    crate::Context,
    crate::VaultPublicKey,
    crate::VaultKeyProof,
    crate::VaultRecord,
    crate::DeployPublicKey,
    crate::SealedDeployKey,
    crate::SealedSecret,
    crate::hybrid::Envelope,
    crate::ProjectRegistration,
);
