//! The per-recipient key wrap: RFC 9180 HPKE, base mode, suite
//! DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305
//! (`kem_id = 0x0020`, `kdf_id = 0x0001`, `aead_id = 0x0003`).
//!
//! A wrap is one single-shot HPKE encryption (sequence number 0) of the
//! 32-byte file key `K` to a vault's KEM key `W`:
//!
//! ```text
//! enc, ct = SealBase(pkR = W, info, aad = header, pt = K)
//! wrap    = enc (32) ‖ ct (32 + 16)
//! ```
//!
//! so a vault written in any language opens its wrap with a standard HPKE
//! library. Only the vault's KEM secret `w` is ever used here, never the
//! sealing scalar `x` (SPEC §3).
//!
//! # Constant time
//! X25519, HKDF and ChaCha20-Poly1305 are constant-time in the `hpke`,
//! `x25519-dalek` and RustCrypto crates. `K` is encrypted and decrypted in
//! buffers owned here and zeroized on drop; the HPKE shared secret and key
//! schedule are zeroized by `hpke`. The one secret-dependent branch is
//! `hpke`'s all-zero check of the DH output (RFC 9180 §7.1.4), whose outcome
//! is public anyway: an error (when wrapping, never for a `W` that decoded;
//! when unwrapping, for a small-order `enc` the sender chose). The `ctgrind/`
//! harness accepts exactly that branch when wrapping
//! (`ctgrind/accepted.supp`).

use hpke::aead::{AeadTag, ChaCha20Poly1305};
use hpke::inout::InOutBuf;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::encoding::Reader;
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::vault::decode_kem_public;

/// Length of a file key `K`.
pub(crate) const FILE_KEY_LEN: usize = 32;
/// Length of an HPKE encapsulated key (`Nenc` of DHKEM(X25519)).
pub(crate) const ENC_LEN: usize = 32;
/// Length of an AEAD tag (HPKE and payload alike: ChaCha20-Poly1305).
pub(crate) const TAG_LEN: usize = 16;
/// Length of a wrapped file key: `K` encrypted, then its tag.
pub(crate) const WRAPPED_KEY_LEN: usize = FILE_KEY_LEN + TAG_LEN;
/// Encoded length of a [`Wrap`].
pub(crate) const WRAP_LEN: usize = ENC_LEN + WRAPPED_KEY_LEN;

/// The HPKE KEM of the suite.
type Kem = X25519HkdfSha256;
/// The HPKE AEAD of the suite.
type Aead = ChaCha20Poly1305;
/// The HPKE KDF of the suite.
type Kdf = HkdfSha256;

/// The 32-byte file key `K` of one envelope. Zeroized on drop, never
/// printed, never compared except through its commitment.
pub(crate) type FileKey = Zeroizing<[u8; FILE_KEY_LEN]>;

/// One recipient's wrap of the file key: the HPKE encapsulated key and the
/// HPKE ciphertext of `K` (public data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Wrap {
    /// `enc`, the ephemeral X25519 public key (canonical, `u < p`).
    pub(crate) enc: [u8; ENC_LEN],
    /// `ct`, HPKE `Seal(aad, K)`: 32 ciphertext bytes then the 16-byte tag.
    pub(crate) ct: [u8; WRAPPED_KEY_LEN],
}

impl Wrap {
    /// Read `enc ‖ ct` (80 bytes), refusing a non-canonical `enc`.
    ///
    /// `enc` is not otherwise validated here: [`unwrap`] refuses an `enc` on
    /// the twist or of small order, and any other change of `enc` changes the
    /// KEM context and so the key schedule.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let enc = r.array::<ENC_LEN>()?;
        if !is_canonical_u(&enc) {
            return Err(r.error(DecodeFailure::NonCanonical));
        }
        let ct = r.array::<WRAPPED_KEY_LEN>()?;
        Ok(Wrap { enc, ct })
    }

    /// Append `enc ‖ ct`.
    pub(crate) fn write(&self, out: &mut alloc::vec::Vec<u8>) {
        out.extend_from_slice(&self.enc);
        out.extend_from_slice(&self.ct);
    }
}

/// Whether 32 bytes are a canonical Montgomery u-coordinate, `u < 2²⁵⁵ − 19`
/// (little-endian; public data, variable time).
fn is_canonical_u(bytes: &[u8; 32]) -> bool {
    // p = 2²⁵⁵ − 19 = ed ff … ff 7f (little-endian).
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    bytes.iter().rev().zip(p.iter().rev()).find(|(b, p)| b != p).is_some_and(|(b, p)| b < p)
}

/// HPKE-encrypt `buffer` in place to the X25519 key `W` (single shot, base
/// mode, sequence number 0), with a fresh ephemeral key drawn from `rng`:
/// `Nsk = 32` bytes of `ikmE`, then `DeriveKeyPair(ikmE)` (RFC 9180 §7.1.3).
/// Returns `enc` and the tag; `buffer` then holds the ciphertext body.
///
/// # Errors
/// [`InvalidInput::RecipientKey`] if the encapsulation fails (an all-zero DH
/// output, impossible for a validated `W`).
#[allow(non_snake_case)]
pub(crate) fn seal_in_place<R: CryptoRng + ?Sized>(
    W: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    buffer: &mut [u8],
    rng: &mut R,
) -> Result<([u8; ENC_LEN], [u8; TAG_LEN]), Error> {
    let bad_key = Error::input(InvalidInput::RecipientKey);
    let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(W).map_err(|_| bad_key)?;
    let (encapped, tag) = hpke::single_shot_seal_inout_detached_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &pk,
        info,
        InOutBuf::from(buffer),
        aad,
        &mut &mut *rng,
    )
    .map_err(|_| bad_key)?;
    let mut enc = [0u8; ENC_LEN];
    enc.copy_from_slice(&encapped.to_bytes());
    let mut tag_bytes = [0u8; TAG_LEN];
    tag_bytes.copy_from_slice(&tag.to_bytes());
    Ok((enc, tag_bytes))
}

/// Wrap the file key `K` to the KEM key `W`.
///
/// # Errors
/// As [`seal_in_place`].
#[allow(non_snake_case)]
pub(crate) fn wrap<R: CryptoRng + ?Sized>(
    W: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    K: &FileKey,
    rng: &mut R,
) -> Result<Wrap, Error> {
    // The buffer holds K until it is encrypted in place; zeroized if the
    // encryption fails part-way.
    let mut buffer: FileKey = K.clone();
    let (enc, tag) = seal_in_place(W, info, aad, &mut buffer[..], rng)?;
    let mut ct = [0u8; WRAPPED_KEY_LEN];
    ct[..FILE_KEY_LEN].copy_from_slice(&buffer[..]);
    ct[FILE_KEY_LEN..].copy_from_slice(&tag);
    Ok(Wrap { enc, ct })
}

/// Open a wrap with the vault's X25519 secret `w` (clamped by HPKE's
/// `DeserializePrivateKey`).
///
/// `enc` must pass the rule of a vault's KEM key `W`: a point of curve25519,
/// not of small order. HPKE alone refuses only an all-zero DH output, and
/// would compute with a point of the twist, which no honest sender (whose
/// `enc` is `X25519(e, 9)`) produces.
///
/// # Errors
/// [`Error::Decryption`] for any failure (bad `enc`, wrong key, wrong `info`
/// or `aad`, tampered ciphertext), one opaque error.
#[allow(non_snake_case)]
pub(crate) fn unwrap(w: &[u8; 32], wrap: &Wrap, info: &[u8], aad: &[u8]) -> Result<FileKey, Error> {
    decode_kem_public(wrap.enc, Object::HybridEnvelope).map_err(|_| Error::Decryption)?;
    let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(w).map_err(|_| Error::Decryption)?;
    let enc =
        <Kem as hpke::Kem>::EncappedKey::from_bytes(&wrap.enc).map_err(|_| Error::Decryption)?;
    let tag =
        AeadTag::<Aead>::from_bytes(&wrap.ct[FILE_KEY_LEN..]).map_err(|_| Error::Decryption)?;
    let mut K: FileKey = Zeroizing::new([0u8; FILE_KEY_LEN]);
    K.copy_from_slice(&wrap.ct[..FILE_KEY_LEN]);
    hpke::single_shot_open_inout_detached::<Aead, Kdf, Kem>(
        &OpModeR::Base,
        &sk,
        &enc,
        info,
        InOutBuf::from(&mut K[..]),
        aad,
        &tag,
    )
    .map_err(|_| Error::Decryption)?;
    Ok(K)
}

/// The X25519 public key of a KEM secret, as HPKE computes it (tests only).
#[cfg(test)]
pub(crate) fn kem_public(w: &[u8; 32]) -> Option<[u8; 32]> {
    let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(w).ok()?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&<Kem as hpke::Kem>::sk_to_pk(&sk).to_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap_or_else(|_| unreachable!());
        }
        out
    }

    /// An RNG that returns fixed bytes: the RFC's `ikmE`.
    struct FixedRng([u8; 32], usize);

    impl rand_core::TryRng for FixedRng {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            unreachable!()
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            unreachable!()
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for d in dst {
                *d = self.0[self.1 % 32];
                self.1 += 1;
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for FixedRng {}

    /// Our wrap path (`seal_in_place` with an RNG yielding `ikmE`)
    /// reproduces RFC 9180 A.2.1 (base mode), sequence number 0, and
    /// `unwrap`'s path opens it with `skRm`.
    #[test]
    #[allow(non_snake_case)]
    fn rfc9180_a_2_1_sequence_0() {
        let ikmE = unhex::<32>("909a9b35d3dc4713a5e72a4da274b55d3d3821a37e5d099e74a647db583a904b");
        let pkRm = unhex::<32>("4310ee97d88cc1f088a5576c77ab0cf5c3ac797f3d95139c6c84b5429c59662a");
        let skRm = unhex::<32>("8057991eef8f1f1af18f4a9491d16a1ce333f695d4db8e38da75975c4478e0fb");
        let pkEm = unhex::<32>("1afa08d3dec047a643885163f1180476fa7ddb54c6a8029ea33f95796bf2ac4a");
        let info = unhex::<20>("4f6465206f6e2061204772656369616e2055726e");
        let aad = unhex::<7>("436f756e742d30");
        let pt = unhex::<29>("4265617574792069732074727574682c20747275746820626561757479");
        let ct = unhex::<45>(
            "1c5250d8034ec2b784ba2cfd69dbdb8af406cfe3ff938e131f0def8c8b60b4db21993c62ce81883d2dd1b51a28",
        );
        assert_eq!(kem_public(&skRm), Some(pkRm));
        let mut buffer = pt;
        let (enc, tag) = seal_in_place(&pkRm, &info, &aad, &mut buffer, &mut FixedRng(ikmE, 0))
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(enc, pkEm);
        assert_eq!(&buffer[..], &ct[..29]);
        assert_eq!(&tag[..], &ct[29..]);

        // The same open path `unwrap` uses.
        let sk =
            <Kem as hpke::Kem>::PrivateKey::from_bytes(&skRm).unwrap_or_else(|_| unreachable!());
        let encapped =
            <Kem as hpke::Kem>::EncappedKey::from_bytes(&enc).unwrap_or_else(|_| unreachable!());
        let tag = AeadTag::<Aead>::from_bytes(&tag).unwrap_or_else(|_| unreachable!());
        hpke::single_shot_open_inout_detached::<Aead, Kdf, Kem>(
            &OpModeR::Base,
            &sk,
            &encapped,
            &info,
            InOutBuf::from(&mut buffer[..]),
            &aad,
            &tag,
        )
        .unwrap_or_else(|_| unreachable!());
        assert_eq!(buffer, pt);
    }

    #[test]
    #[allow(non_snake_case)]
    fn wrap_round_trip_and_wrong_key() {
        let w = [7u8; 32];
        let W = kem_public(&w).unwrap_or_else(|| unreachable!());
        let K: FileKey = Zeroizing::new([9u8; 32]);
        let mut rng = FixedRng([3u8; 32], 0);
        let wrap = wrap(&W, b"info", b"aad", &K, &mut rng).unwrap_or_else(|_| unreachable!());
        assert_eq!(unwrap(&w, &wrap, b"info", b"aad").map(|k| *k), Ok(*K));
        assert_eq!(unwrap(&[8u8; 32], &wrap, b"info", b"aad").map(|k| *k), Err(Error::Decryption));
        assert_eq!(unwrap(&w, &wrap, b"infO", b"aad").map(|k| *k), Err(Error::Decryption));
        assert_eq!(unwrap(&w, &wrap, b"info", b"aaD").map(|k| *k), Err(Error::Decryption));
    }

    #[test]
    fn canonical_u() {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(!is_canonical_u(&p));
        let mut p_minus_1 = p;
        p_minus_1[0] = 0xec;
        assert!(is_canonical_u(&p_minus_1));
        assert!(is_canonical_u(&[0u8; 32]));
        assert!(!is_canonical_u(&[0xffu8; 32]));
    }
}
