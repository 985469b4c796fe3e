//! Deploy keys: [`DeployKey`] (an Ed25519 secret scalar) and
//! [`DeployPublicKey`] (its public key `A`), with OpenSSH export and RFC 8032
//! signing.
//!
//! A deploy key is a uniformly random non-zero scalar \\(s \bmod \ell\\) and
//! its public key \\(A = sB\\), with \\(B\\) the Ed25519 basepoint.
//! Unlike an RFC 8032 key it has no 32-byte seed: the scalar itself is the
//! secret, because that is what a sealed deploy key encrypts (the
//! payload is the 32-byte canonical little-endian encoding of \\(s\\)) and what
//! the key-binding proof ties to \\(A\\).
//!
//! # OpenSSH
//!
//! [`DeployPublicKey::to_openssh`] writes the public line a git host accepts
//! as a deploy key, `ssh-ed25519 <base64(blob)> <comment>`, where the blob is
//! the RFC 8709 / RFC 4253 §6.6 public key encoding (`string` = `u32`
//! big-endian length ‖ bytes):
//!
//! ```text
//! 00 00 00 0b  "ssh-ed25519"      key type (11 bytes)
//! 00 00 00 20  A                  the 32-byte compressed point
//! ```
//!
//! 51 bytes, 68 base64 characters (standard alphabet, padded; 51 is a multiple
//! of 3, so there is no padding in practice). [`DeployPublicKey::fingerprint`]
//! is `SHA256:` followed by the unpadded standard base64 of SHA-256(blob),
//! exactly the fingerprint `ssh-keygen -l` prints (it prints the whole line
//! `256 SHA256:… comment (ED25519)`).
//!
//! OpenSSH cannot load a raw-scalar private key (its private key format holds
//! an RFC 8032 seed): the vault signs in-process ([`DeployKey::sign`]) or
//! through an ssh-agent that accepts raw signing.
//!
//! # Signing
//!
//! [`DeployKey::sign`] makes an ordinary RFC 8032 Ed25519 signature
//! \\((R, S)\\) from the raw scalar:
//!
//! $$
//! \begin{aligned}
//! \mathit{prefix} &= \mathrm{SHA512}(\texttt{\"vaultseal-deploy-key-nonce-prefix-v1\"} \Vert s)[0..32] \\\\
//! r &= \mathrm{SHA512}(\mathit{prefix} \Vert M) \bmod \ell, \quad R = rB \\\\
//! k &= \mathrm{SHA512}(R \Vert A \Vert M) \bmod \ell, \quad S = r + k s \bmod \ell
//! \end{aligned}
//! $$
//!
//! Only the nonce prefix differs from RFC 8032 (which takes the second half of
//! the seed's hash); the prefix is a secret, deterministic function of \\(s\\)
//! under a versioned label, so nonces never repeat across messages and never
//! collide with another use of \\(s\\). The signature is produced by
//! ed25519-dalek's `hazmat::raw_sign` and verifies under any RFC 8032
//! verifier, including `VerifyingKey::verify_strict` (which
//! [`DeployPublicKey::verify`] uses).
//!
//! # Security
//!
//! - [`DeployPublicKey`] decoding accepts exactly the keys an honest
//!   [`DeployKey`] produces: canonical encodings only (re-compressed and
//!   compared), never the identity, never a point with a torsion component
//!   (implementations that accepted them disagree on what verifies; the
//!   C2SP CCTV `ed25519vectors` keys are tested).
//! - Signing uses the key's own `A`, computed from `s`; `raw_sign` with a
//!   mismatched public key would leak `s`, and no API here accepts one.
//! - [`DeployPublicKey::from_openssh`] is total: any string gives a key or a
//!   typed [`Error`]; it never allocates.
//!
//! # Constant time
//!
//! `A = s·B` uses the constant-time fixed-base multiplication
//! (`EdwardsPoint::mul_base`); signing is dalek's constant-time
//! `raw_sign`; secret comparisons go through `subtle`. Public-key decoding
//! and OpenSSH parsing handle public data and are variable time.

use alloc::string::String;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use ed25519_dalek::hazmat::{ExpandedSecretKey, raw_sign};
use ed25519_dalek::{Signature, VerifyingKey};
use rand_core::CryptoRng;
use sha2::{Digest, Sha512};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::encoding::Decode;
use crate::encoding::{EdwardsElement, Reader, sha256_fingerprint};
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::transcript::labels;

/// Encoded length of a [`DeployKey`] (its scalar) and of a
/// [`DeployPublicKey`].
pub use crate::limits::DEPLOY_KEY_LEN;

/// The OpenSSH key type of a deploy key.
pub const OPENSSH_KEY_TYPE: &str = "ssh-ed25519";

/// Length of the OpenSSH public key blob: `string "ssh-ed25519"` ‖
/// `string A` = 4 + 11 + 4 + 32.
pub const OPENSSH_BLOB_LEN: usize = 51;

/// Length of the base64 encoding of the blob (51 bytes, no padding needed).
const OPENSSH_BLOB_BASE64_LEN: usize = 68;

/// The fixed first 19 bytes of the blob: the two length prefixes and the key
/// type.
const OPENSSH_BLOB_PREFIX: [u8; 19] = *b"\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20";

/// A deploy key: the Ed25519 secret scalar `s` (uniform, non-zero) and its
/// public key `A = s·B`.
///
/// Zeroized on drop, not `Copy` or `Clone`, printed redacted, compared in
/// constant time. Store it with [`DeployKey::to_bytes`]; seal it to vaults
/// with the crate's sealing API.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{DeployKey, DeployPublicKey};
///
/// let key = DeployKey::generate(&mut UnwrapErr(getrandom::SysRng));
/// // The line the git host installs, and its fingerprint (as `ssh-keygen -l` shows it).
/// let line = key.public_key().to_openssh("vaultseal deploy key")?;
/// assert_eq!(DeployPublicKey::from_openssh(&line)?, key.public_key());
/// assert!(key.public_key().fingerprint().starts_with("SHA256:"));
/// // It signs as Ed25519.
/// let signature = key.sign(b"message");
/// key.public_key().verify(b"message", &signature)?;
/// // Stored as 32 bytes (zeroized on drop).
/// assert_eq!(DeployKey::from_bytes(&key.to_bytes()[..])?.public_key(), key.public_key());
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct DeployKey {
    /// `s`, non-zero.
    s: Scalar,
    /// `A = s·B`, computed once.
    #[zeroize(skip)]
    public: DeployPublicKey,
    /// `A` in the form `raw_sign` wants, computed once.
    #[zeroize(skip)]
    verifying_key: VerifyingKey,
}

impl DeployKey {
    /// A fresh deploy key from the caller's CSPRNG: `s` uniform in
    /// `[1, ℓ)`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let s = loop {
            let s = Scalar::random(rng);
            // A retry has probability 2⁻²⁵²; the loop branches on that
            // (public) event only.
            let zero = s.ct_eq(&Scalar::ZERO);
            #[cfg(feature = "__ctgrind")]
            let zero = crate::__ctgrind::declassified_choice(zero);
            if !bool::from(zero) {
                break s;
            }
        };
        Self::from_nonzero_scalar(s)
    }

    /// The key with scalar `s`, if its public key is `expected` (the `A` a
    /// verified sealed deploy key binds): the opener's final check (`docs/PROTOCOL.md` §8.5).
    /// The opener reduces the decrypted integer modulo ℓ and builds the key
    /// here.
    ///
    /// Constant time in `s`: `s·B` is computed whatever `s` is, `s ≠ 0` and
    /// `s·B = A` are combined into one [`Choice`], and the only branch is on
    /// that verdict, which the caller learns anyway (the key or an error).
    ///
    /// # Errors
    /// [`Error::Decryption`] (opaque, like every open failure) if `s = 0` or
    /// `s·B ≠ A`.
    pub(crate) fn from_opened_scalar(s: Scalar, expected: &DeployPublicKey) -> Result<Self, Error> {
        // For s = 0 this key (A = identity) is built only to be dropped.
        let key = Self::from_nonzero_scalar(s);
        let valid = !s.ct_eq(&Scalar::ZERO) & key.public.A.compressed.ct_eq(&expected.A.compressed);
        #[cfg(feature = "__ctgrind")]
        let valid = crate::__ctgrind::declassified_choice(valid);
        if !bool::from(valid) {
            return Err(Error::Decryption);
        }
        Ok(key)
    }

    /// Build the key of a scalar known to be non-zero (or, in
    /// [`DeployKey::from_opened_scalar`], about to be refused if it is zero).
    #[allow(non_snake_case)]
    pub(crate) fn from_nonzero_scalar(s: Scalar) -> Self {
        let A = EdwardsPoint::mul_base(&s);
        // `VerifyingKey::from` compresses `A` once; reuse that encoding.
        let verifying_key = VerifyingKey::from(A);
        let public = DeployPublicKey {
            A: EdwardsElement {
                compressed: CompressedEdwardsY(verifying_key.to_bytes()),
                point: A,
            },
        };
        DeployKey { s, public, verifying_key }
    }

    /// The 32-byte canonical little-endian encoding of `s`, for vault
    /// storage. Handle it as the secret it is.
    pub fn to_bytes(&self) -> Zeroizing<[u8; DEPLOY_KEY_LEN]> {
        Zeroizing::new(self.s.to_bytes())
    }

    /// Decode a stored key: 32 bytes, a canonical scalar (`< ℓ`), non-zero.
    ///
    /// # Errors
    /// [`Error::Decode`] with [`Object::DeployKey`]: [`DecodeFailure::Length`]
    /// (too short), [`DecodeFailure::TrailingData`] (too long),
    /// [`DecodeFailure::NonCanonical`] (`≥ ℓ`), [`DecodeFailure::Limit`]
    /// (zero, as for a vault secret key).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::DeployKey);
        let s = Zeroizing::new(r.secret_scalar()?);
        r.finish()?;
        // The verdict (an error or a key) is public; the comparison is not
        // branched on before it is declassified.
        let zero = s.ct_eq(&Scalar::ZERO);
        #[cfg(feature = "__ctgrind")]
        let zero = crate::__ctgrind::declassified_choice(zero);
        if bool::from(zero) {
            return Err(Error::decode(Object::DeployKey, DecodeFailure::Limit));
        }
        Ok(Self::from_nonzero_scalar(*s))
    }

    /// The public key `A = s·B`.
    pub fn public_key(&self) -> DeployPublicKey {
        self.public
    }

    /// The secret scalar `s` (for the key-binding proof).
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.s
    }

    /// The sealing payload: the 32-byte canonical little-endian encoding of
    /// `s` (`L = 32`, `docs/PROTOCOL.md` §8).
    pub(crate) fn sealing_payload(&self) -> Zeroizing<[u8; DEPLOY_KEY_LEN]> {
        self.to_bytes()
    }

    /// The RFC 8032 nonce prefix:
    /// `SHA-512("vaultseal-deploy-key-nonce-prefix-v1" ‖ s)[0..32]`.
    fn nonce_prefix(&self) -> [u8; 32] {
        let mut wide = Zeroizing::new([0u8; 64]);
        wide.copy_from_slice(
            &Sha512::new()
                .chain_update(labels::DEPLOY_KEY_NONCE_PREFIX)
                .chain_update(self.s.as_bytes())
                .finalize(),
        );
        let mut prefix = [0u8; 32];
        prefix.copy_from_slice(&wide[..32]);
        prefix
    }

    /// Sign `message` with RFC 8032 Ed25519 (pure, no context): a 64-byte
    /// signature `R ‖ S` that verifies under `A` with any Ed25519 verifier.
    ///
    /// Deterministic: the nonce is derived from the secret prefix and the
    /// message (see the module documentation).
    pub fn sign(&self, message: &[u8]) -> Signature {
        // `ExpandedSecretKey` zeroizes itself on drop.
        let esk = ExpandedSecretKey { scalar: self.s, hash_prefix: self.nonce_prefix() };
        raw_sign::<Sha512>(&esk, message, &self.verifying_key)
    }
}

impl ed25519_dalek::Signer<Signature> for DeployKey {
    fn try_sign(&self, message: &[u8]) -> Result<Signature, ed25519_dalek::SignatureError> {
        Ok(self.sign(message))
    }
}

impl ConstantTimeEq for DeployKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.s.ct_eq(&other.s)
    }
}

impl PartialEq for DeployKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for DeployKey {}

impl fmt::Debug for DeployKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeployKey").field("public", &self.public).field("s", &"<redacted>").finish()
    }
}

/// A deploy public key `A`: a canonical, non-identity, torsion-free
/// edwards25519 point (an Ed25519 public key).
///
/// Every value of this type was either computed from a [`DeployKey`] or passed
/// the checks of [`DeployPublicKey::from_bytes`].
#[allow(non_snake_case)]
#[derive(Clone, Copy)]
pub struct DeployPublicKey {
    /// `A`, decoded once.
    A: EdwardsElement,
}

impl DeployPublicKey {
    /// The 32-byte compressed encoding of `A`.
    pub fn to_bytes(&self) -> [u8; DEPLOY_KEY_LEN] {
        self.A.compressed.to_bytes()
    }

    /// Decode `A`: 32 bytes, the canonical encoding of a point (re-compressed
    /// and compared), not the identity, torsion-free.
    ///
    /// # Errors
    /// [`Error::Decode`] with [`Object::DeployPublicKey`]:
    /// [`DecodeFailure::Length`] / [`DecodeFailure::TrailingData`] for a
    /// wrong length, [`DecodeFailure::NotOnCurve`] for bytes that do not
    /// decompress, [`DecodeFailure::NonCanonical`] for a non-canonical
    /// encoding (`y ≥ p`, or the sign bit set on `x = 0`),
    /// [`DecodeFailure::Identity`] for the identity and
    /// [`DecodeFailure::Torsion`] for any other point outside the prime-order
    /// subgroup (the seven other small-order points and every `P + T`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(bytes)
    }

    /// Wrap an element already known to be canonical, not the identity and
    /// torsion-free (a sealed deploy key checks `A = [8]A′`, which implies
    /// it, instead of the costlier `is_torsion_free`).
    #[allow(non_snake_case)]
    pub(crate) fn from_checked_element(A: EdwardsElement) -> Self {
        debug_assert!(A.point.is_torsion_free() && !A.point.is_identity());
        DeployPublicKey { A }
    }

    /// `A` with its encoding, for the sealing proofs.
    pub(crate) fn element(&self) -> &EdwardsElement {
        &self.A
    }

    /// `A` as an ed25519-dalek verifying key.
    pub fn to_verifying_key(&self) -> VerifyingKey {
        VerifyingKey::from(self.A.point)
    }

    /// Verify an Ed25519 signature on `message` with ed25519-dalek's
    /// `verify_strict` (canonical `S`, non-small-order `R`, the rule the whole
    /// crate uses).
    ///
    /// # Errors
    /// [`Error::Verification`] if the signature does not verify.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> Result<(), Error> {
        self.to_verifying_key().verify_strict(message, signature).map_err(|_| Error::Verification)
    }

    /// The OpenSSH public key blob (RFC 8709): `u32_be(11) ‖ "ssh-ed25519" ‖
    /// u32_be(32) ‖ A`, 51 bytes. This is what an ssh-agent or a git host
    /// identifies the key by.
    pub fn to_openssh_blob(&self) -> [u8; OPENSSH_BLOB_LEN] {
        let mut blob = [0u8; OPENSSH_BLOB_LEN];
        blob[..OPENSSH_BLOB_PREFIX.len()].copy_from_slice(&OPENSSH_BLOB_PREFIX);
        blob[OPENSSH_BLOB_PREFIX.len()..].copy_from_slice(self.A.compressed.as_bytes());
        blob
    }

    /// The OpenSSH public key line `ssh-ed25519 AAAA… comment` (without a
    /// line break), as `ssh-keygen` writes it to `id_ed25519.pub` and as git
    /// hosts take deploy keys. An empty comment gives `ssh-ed25519 AAAA…`.
    ///
    /// # Errors
    /// [`InvalidInput::OpensshComment`] if the comment contains a control
    /// character (`char::is_control`: a line break in it would start a new
    /// `authorized_keys` line, with options of the commenter's choosing).
    pub fn to_openssh(&self, comment: &str) -> Result<String, Error> {
        if comment.chars().any(char::is_control) {
            return Err(Error::input(InvalidInput::OpensshComment));
        }
        let mut line = String::with_capacity(
            OPENSSH_KEY_TYPE.len() + 1 + OPENSSH_BLOB_BASE64_LEN + 1 + comment.len(),
        );
        line.push_str(OPENSSH_KEY_TYPE);
        line.push(' ');
        STANDARD.encode_string(self.to_openssh_blob(), &mut line);
        if !comment.is_empty() {
            line.push(' ');
            line.push_str(comment);
        }
        Ok(line)
    }

    /// The OpenSSH SHA-256 fingerprint, `SHA256:` ‖ unpadded standard base64
    /// of SHA-256(blob): the same string `ssh-keygen -l -f key.pub` prints
    /// (its full output is `256 SHA256:… comment (ED25519)`).
    pub fn fingerprint(&self) -> String {
        sha256_fingerprint(&self.to_openssh_blob())
    }

    /// Parse an OpenSSH public key line: `ssh-ed25519 <base64 blob>
    /// [comment]`. The comment is ignored; one trailing `\n` or `\r\n` is
    /// accepted (a line read from a `.pub` file); fields are separated by
    /// spaces or tabs. `authorized_keys` options and certificates are not
    /// accepted.
    ///
    /// Total: any string gives a key or an error, without allocating.
    ///
    /// # Errors
    /// [`Error::Decode`] with [`Object::OpensshPublicKey`]:
    /// [`DecodeFailure::NonCanonical`] for a control character (other than
    /// tab) in the line or invalid base64, [`DecodeFailure::Length`] for a
    /// missing field or a blob of the wrong length, [`DecodeFailure::Tag`] for
    /// a key type other than `ssh-ed25519` (in the line or in the blob).
    /// The key itself is then checked as by [`DeployPublicKey::from_bytes`]
    /// (errors with [`Object::DeployPublicKey`]).
    pub fn from_openssh(line: &str) -> Result<Self, Error> {
        let err = |why| Error::decode(Object::OpensshPublicKey, why);
        let line = match line.strip_suffix('\n') {
            Some(rest) => rest.strip_suffix('\r').unwrap_or(rest),
            None => line,
        };
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(err(DecodeFailure::NonCanonical));
        }
        let mut fields = line.split([' ', '\t']).filter(|field| !field.is_empty());
        let key_type = fields.next().ok_or(err(DecodeFailure::Length))?;
        if key_type != OPENSSH_KEY_TYPE {
            return Err(err(DecodeFailure::Tag));
        }
        let encoded = fields.next().ok_or(err(DecodeFailure::Length))?;
        if encoded.len() != OPENSSH_BLOB_BASE64_LEN {
            return Err(err(DecodeFailure::Length));
        }
        let mut blob = [0u8; OPENSSH_BLOB_LEN];
        let written = STANDARD
            .decode_slice(encoded, &mut blob)
            .map_err(|_| err(DecodeFailure::NonCanonical))?;
        if written != OPENSSH_BLOB_LEN {
            // Padding inside the 68 characters: a shorter blob.
            return Err(err(DecodeFailure::Length));
        }
        let (prefix, key) = blob.split_at(OPENSSH_BLOB_PREFIX.len());
        if prefix != OPENSSH_BLOB_PREFIX {
            return Err(err(DecodeFailure::Tag));
        }
        Self::from_bytes(key)
    }
}

impl Decode for DeployPublicKey {
    const OBJECT: Object = Object::DeployPublicKey;

    /// Read `A` from a larger encoding (errors name the reader's object).
    ///
    /// # Errors
    /// As [`DeployPublicKey::from_bytes`].
    #[allow(non_snake_case)]
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let A = r.edwards()?;
        if A.point.is_identity() {
            return Err(r.error(DecodeFailure::Identity));
        }
        if !A.point.is_torsion_free() {
            return Err(r.error(DecodeFailure::Torsion));
        }
        Ok(DeployPublicKey { A })
    }
}

impl PartialEq for DeployPublicKey {
    fn eq(&self, other: &Self) -> bool {
        // Canonical encodings: equal points ⇔ equal bytes.
        self.A.compressed == other.A.compressed
    }
}

impl Eq for DeployPublicKey {}

impl core::hash::Hash for DeployPublicKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.A.compressed.as_bytes().hash(state);
    }
}

impl fmt::Debug for DeployPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeployPublicKey(")?;
        for b in self.A.compressed.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        f.write_str(")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_prefix_is_the_rfc_4253_encoding() {
        let mut expected = alloc::vec::Vec::new();
        expected.extend_from_slice(&11u32.to_be_bytes());
        expected.extend_from_slice(OPENSSH_KEY_TYPE.as_bytes());
        expected.extend_from_slice(&32u32.to_be_bytes());
        assert_eq!(&OPENSSH_BLOB_PREFIX[..], &expected[..]);
        assert_eq!(OPENSSH_BLOB_LEN, expected.len() + 32);
        assert_eq!(OPENSSH_BLOB_BASE64_LEN, OPENSSH_BLOB_LEN / 3 * 4);
    }

    #[test]
    fn scalar_one_gives_the_basepoint() {
        let key = DeployKey::from_nonzero_scalar(Scalar::ONE);
        assert_eq!(
            key.public_key().element().point,
            curve25519_dalek::constants::ED25519_BASEPOINT_POINT
        );
        assert_eq!(&*key.sealing_payload(), Scalar::ONE.as_bytes());
        assert_eq!(key.scalar(), &Scalar::ONE);
    }

    #[test]
    fn opened_scalar_must_match_the_bound_key() {
        let two = Scalar::from(2u8);
        let a_two = DeployKey::from_nonzero_scalar(two).public_key();
        assert!(DeployKey::from_opened_scalar(two, &a_two).is_ok());
        assert_eq!(
            DeployKey::from_opened_scalar(Scalar::ONE, &a_two).map(|_| ()),
            Err(Error::Decryption)
        );
        assert_eq!(
            DeployKey::from_opened_scalar(Scalar::ZERO, &a_two).map(|_| ()),
            Err(Error::Decryption)
        );
    }
}
