//! Vault keys: [`VaultSecretKey`], [`VaultPublicKey`], [`VaultKeypair`].
//!
//! A vault holds two independent secrets that never serve each other's mode
//! (`docs/PROTOCOL.md` §3.1 says why):
//!
//! - \\(x\\), a uniformly random non-zero scalar, the **sealing** key. The public
//!   sealing key is \\(Y = x^{-1} H\\) (the twisted-ElGamal convention), so a
//!   handle \\(D = rY\\) of a commitment \\(C = mG + rH\\) decrypts as
//!   \\(C - xD = mG\\). \\(x\\) only ever multiplies handles of verified items.
//! - \\(w\\), an X25519 secret, the **KEM** key of [`hybrid`](crate::hybrid)
//!   envelopes; its public key is \\(W = X25519(w, 9)\\).
//!
//! Why two keys: a KEM on \\(x\\) would let anyone submit a sealed handle
//! \\(D_{ij}\\) as a KEM element; the vault would compute
//! \\(x D_{ij} = C_i - m_i G\\), and whether the open succeeds would test a guess
//! of a 16-bit chunk — a deploy key would fall in about 2¹⁹ opens.
//!
//! Both secrets can be derived from one 32-byte seed with SHA-512 under two
//! distinct labels ([`VaultKeypair::from_seed`]).
//!
//! # Constant time
//! `x` and `w` enter constant-time arithmetic only: the SHA-512 derivations,
//! `x⁻¹` and the fixed-base `x⁻¹·H`, the clamped fixed-base X25519, the
//! proof of possession ([`VaultKeyProof::prove`]). The only branches on them
//! are on whether `x` is zero (probability 2⁻²⁵²: a retry in
//! [`VaultSecretKey::generate`], an error in [`VaultSecretKey::from_seed`])
//! and, in [`VaultSecretKey::from_bytes`], on whether the stored `x` is
//! canonical and non-zero (a decoding error). The `ctgrind/` harness checks
//! generation, derivation and proving with `x` and `w` secret.
//!
//! # Encodings
//! - [`VaultPublicKey`]: `Y (32) ‖ W (32)`; `Y` is a ristretto255 point, not the
//!   identity; `W` is a canonical Montgomery u-coordinate (`< 2²⁵⁵ − 19`) of a
//!   point on curve25519 (not its twist) that is not of small order.
//! - [`VaultSecretKey`]: `x (32) ‖ w (32)`; `x` canonical and non-zero.

pub mod proof;
pub mod record;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::montgomery::MontgomeryPoint;
use curve25519_dalek::scalar::Scalar;
use rand_core::CryptoRng;
use sha2::{Digest, Sha512};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::encoding::Decode;
use crate::encoding::{Reader, RistrettoElement, sha256_fingerprint};
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::params::Params;
use crate::transcript::labels;

pub use proof::VaultKeyProof;
pub(crate) use proof::VaultKeyProofItem;
pub use record::{VaultFields, VaultRecord};

/// Most recipients (vaults) a sealed item or an envelope may have.
pub use crate::limits::MAX_RECIPIENTS;

/// Encoded length of a [`VaultPublicKey`].
pub const VAULT_PUBLIC_KEY_LEN: usize = 64;
/// Encoded length of a [`VaultSecretKey`].
pub const VAULT_SECRET_KEY_LEN: usize = 64;

/// A vault's two secrets: the sealing scalar `x` and the X25519 KEM secret `w`.
///
/// Zeroized on drop, printed redacted, compared in constant time.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct VaultSecretKey {
    /// `x`, non-zero.
    x: Scalar,
    /// `w`, an X25519 secret (clamped when used).
    w: [u8; 32],
}

impl VaultSecretKey {
    /// A fresh key from the caller's CSPRNG.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let x = loop {
            let x = Scalar::random(rng);
            // Probability of a retry: 2⁻²⁵². The loop branches on that
            // (public) event only.
            let zero = x.ct_eq(&Scalar::ZERO);
            #[cfg(feature = "__ctgrind")]
            let zero = crate::__ctgrind::declassified_choice(zero);
            if !bool::from(zero) {
                break x;
            }
        };
        let mut w = [0u8; 32];
        rng.fill_bytes(&mut w);
        VaultSecretKey { x, w }
    }

    /// Derive both secrets from a 32-byte seed:
    /// `x = SHA-512("vaultseal-vault-seed-x-v1" ‖ seed) mod ℓ`,
    /// `w = SHA-512("vaultseal-vault-seed-w-v1" ‖ seed)[0..32]`.
    ///
    /// # Errors
    /// [`InvalidInput::ZeroScalar`] if `x` reduces to zero (probability 2⁻²⁵²).
    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, Error> {
        let mut x_wide = Zeroizing::new([0u8; 64]);
        x_wide.copy_from_slice(
            &Sha512::new().chain_update(labels::VAULT_SEED_X).chain_update(seed).finalize(),
        );
        let x = Scalar::from_bytes_mod_order_wide(&x_wide);
        let mut w_wide = Zeroizing::new([0u8; 64]);
        w_wide.copy_from_slice(
            &Sha512::new().chain_update(labels::VAULT_SEED_W).chain_update(seed).finalize(),
        );
        let mut w = [0u8; 32];
        w.copy_from_slice(&w_wide[..32]);
        // The one secret-derived branch: an error, published (probability
        // 2⁻²⁵²).
        let zero = x.ct_eq(&Scalar::ZERO);
        #[cfg(feature = "__ctgrind")]
        let zero = crate::__ctgrind::declassified_choice(zero);
        if bool::from(zero) {
            w.zeroize();
            return Err(Error::input(InvalidInput::ZeroScalar));
        }
        Ok(VaultSecretKey { x, w })
    }

    /// The encoding `x ‖ w` (64 bytes). Handle it as the secret it is.
    pub fn to_bytes(&self) -> Zeroizing<[u8; VAULT_SECRET_KEY_LEN]> {
        let mut out = Zeroizing::new([0u8; VAULT_SECRET_KEY_LEN]);
        out[..32].copy_from_slice(self.x.as_bytes());
        out[32..].copy_from_slice(&self.w);
        out
    }

    /// Decode `x ‖ w`.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::VaultSecretKey`): wrong length, `x` not
    /// canonical or zero.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::VaultSecretKey);
        let x = r.secret_scalar()?;
        let w = r.array::<32>()?;
        r.finish()?;
        // The verdict is public; the comparison is constant time.
        let zero = x.ct_eq(&Scalar::ZERO);
        #[cfg(feature = "__ctgrind")]
        let zero = crate::__ctgrind::declassified_choice(zero);
        if bool::from(zero) {
            return Err(Error::decode(Object::VaultSecretKey, DecodeFailure::Limit));
        }
        Ok(VaultSecretKey { x, w })
    }

    /// The sealing scalar `x`.
    pub(crate) fn x(&self) -> &Scalar {
        &self.x
    }

    /// The X25519 KEM secret `w` (unclamped bytes).
    pub(crate) fn kem_secret_bytes(&self) -> &[u8; 32] {
        &self.w
    }

    /// The public key: `Y = x⁻¹·H`, `W = X25519(w, 9)`.
    #[allow(non_snake_case)]
    pub fn public_key(&self, params: &Params) -> VaultPublicKey {
        let x_inv = Zeroizing::new(self.x.invert());
        let Y = RistrettoElement::from_point(params.mul_H(&x_inv));
        let W = MontgomeryPoint::mul_base_clamped(self.w);
        let public = VaultPublicKey { Y, W };
        // Published: the secret-taint harness treats it as public from here.
        #[cfg(feature = "__ctgrind")]
        let public = crate::__ctgrind::declassified_vault_public_key(public);
        public
    }
}

impl ConstantTimeEq for VaultSecretKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.x.ct_eq(&other.x) & self.w.ct_eq(&other.w)
    }
}

impl PartialEq for VaultSecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for VaultSecretKey {}

impl fmt::Debug for VaultSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VaultSecretKey(<redacted>)")
    }
}

/// A vault's public key: the sealing key `Y = x⁻¹·H` and the KEM key `W`.
///
/// Ordered by the encoding of `Y`, the order in which sealed items list their
/// recipients.
#[allow(non_snake_case)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct VaultPublicKey {
    pub(crate) Y: RistrettoElement,
    pub(crate) W: MontgomeryPoint,
}

/// Check a recipient list — 1..=8 vaults with distinct sealing keys — and
/// sort it by the encoding of `Y`: the order in which sealed items and
/// registrations list their recipients.
pub(crate) fn sorted_recipients(
    recipients: &[VaultPublicKey],
) -> Result<Vec<VaultPublicKey>, Error> {
    if !(1..=MAX_RECIPIENTS).contains(&recipients.len()) {
        return Err(Error::input(InvalidInput::RecipientCount));
    }
    let mut sorted = recipients.to_vec();
    sorted.sort_by_key(VaultPublicKey::sealing_key_bytes);
    if sorted.windows(2).any(|w| w[0].sealing_key_bytes() == w[1].sealing_key_bytes()) {
        return Err(Error::input(InvalidInput::DuplicateRecipient));
    }
    Ok(sorted)
}

impl VaultPublicKey {
    /// The encoding `Y ‖ W` (64 bytes).
    pub fn to_bytes(&self) -> [u8; VAULT_PUBLIC_KEY_LEN] {
        let mut out = [0u8; VAULT_PUBLIC_KEY_LEN];
        out[..32].copy_from_slice(self.Y.compressed.as_bytes());
        out[32..].copy_from_slice(self.W.as_bytes());
        out
    }

    /// Decode `Y ‖ W`.
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::VaultPublicKey`): wrong length
    /// ([`DecodeFailure::Length`], [`DecodeFailure::TrailingData`]); `Y` not
    /// a point ([`DecodeFailure::NotOnCurve`]) or the identity
    /// ([`DecodeFailure::Identity`]); `W` not below `2²⁵⁵ − 19`
    /// ([`DecodeFailure::NonCanonical`]), on the twist
    /// ([`DecodeFailure::NotOnCurve`]) or of small order
    /// ([`DecodeFailure::SmallOrder`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(bytes)
    }

    /// Append the encoding to `out`.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    /// The 32-byte encoding of the sealing key `Y` (the sort key of
    /// recipient lists).
    pub fn sealing_key_bytes(&self) -> [u8; 32] {
        self.Y.compressed.to_bytes()
    }

    /// The 32-byte X25519 KEM public key `W`.
    pub fn kem_key_bytes(&self) -> [u8; 32] {
        self.W.to_bytes()
    }

    /// The key's fingerprint, for people comparing keys: `SHA256:` ‖
    /// unpadded standard base64 of SHA-256(`Y ‖ W`), the 64-byte encoding
    /// (the form of OpenSSH's fingerprints, `DeployPublicKey::fingerprint`).
    ///
    /// ```
    /// use rand_core::UnwrapErr;
    /// use vaultseal::{Params, VaultKeypair};
    ///
    /// let vault = VaultKeypair::generate(Params::shared(), &mut UnwrapErr(getrandom::SysRng));
    /// let fingerprint = vault.public().fingerprint();
    /// assert!(fingerprint.starts_with("SHA256:") && fingerprint.len() == 7 + 43);
    /// ```
    pub fn fingerprint(&self) -> String {
        sha256_fingerprint(&self.to_bytes())
    }
}

impl Decode for VaultPublicKey {
    const OBJECT: Object = Object::VaultPublicKey;

    /// Read a public key from a larger encoding.
    #[allow(non_snake_case)]
    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let Y = r.ristretto_non_identity()?;
        let W = decode_kem_public(r.array()?, r.what())?;
        Ok(VaultPublicKey { Y, W })
    }
}

/// Validate an X25519 public key: canonical (`u < p`), on the curve (not the
/// twist) and not of small order. Honest keys `X25519(w, 9)` lie in the
/// prime-order subgroup and always pass. The rule of a vault's `W`, and of a
/// wrap's `enc` when a vault opens it ([`hybrid`](crate::hybrid)).
///
/// # Errors
/// [`Error::Decode`] naming `what`: [`DecodeFailure::NonCanonical`],
/// [`DecodeFailure::NotOnCurve`] (the twist), [`DecodeFailure::Identity`]
/// (small order).
pub(crate) fn decode_kem_public(bytes: [u8; 32], what: Object) -> Result<MontgomeryPoint, Error> {
    // p = 2²⁵⁵ − 19, little-endian: ed ff … ff 7f.
    const P: [u8; 32] = {
        let mut p = [0xffu8; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        p
    };
    let below_p =
        bytes.iter().rev().zip(P.iter().rev()).find(|(b, p)| b != p).is_some_and(|(b, p)| b < p);
    if !below_p {
        return Err(Error::decode(what, DecodeFailure::NonCanonical));
    }
    let point = MontgomeryPoint(bytes);
    let edwards = point.to_edwards(0).ok_or(Error::decode(what, DecodeFailure::NotOnCurve))?;
    if edwards.is_small_order() {
        return Err(Error::decode(what, DecodeFailure::SmallOrder));
    }
    Ok(point)
}

impl PartialOrd for VaultPublicKey {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for VaultPublicKey {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.Y
            .compressed
            .as_bytes()
            .cmp(other.Y.compressed.as_bytes())
            .then_with(|| self.W.as_bytes().cmp(other.W.as_bytes()))
    }
}

impl core::hash::Hash for VaultPublicKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.to_bytes().hash(state);
    }
}

impl fmt::Debug for VaultPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VaultPublicKey(Y=")?;
        for b in &self.Y.compressed.as_bytes()[..8] {
            write!(f, "{b:02x}")?;
        }
        f.write_str("…)")
    }
}

/// A vault's secret key together with its public key.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Params, VaultKeypair, VaultPublicKey, VaultSecretKey};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
///
/// // Publish the public key (64 bytes: sealing key Y, KEM key W), or a VaultRecord.
/// let public = VaultPublicKey::from_bytes(&vault.public().to_bytes())?;
/// assert_eq!(&public, vault.public());
/// // Store the secret key (zeroized on drop) and load it back.
/// let stored = vault.secret().to_bytes();
/// let loaded = VaultKeypair::from_secret(params, VaultSecretKey::from_bytes(&stored[..])?);
/// assert_eq!(loaded.public(), vault.public());
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Clone)]
pub struct VaultKeypair {
    secret: VaultSecretKey,
    public: VaultPublicKey,
}

impl VaultKeypair {
    /// A fresh keypair from the caller's CSPRNG.
    pub fn generate<R: CryptoRng + ?Sized>(params: &Params, rng: &mut R) -> Self {
        Self::from_secret(params, VaultSecretKey::generate(rng))
    }

    /// The keypair derived from a 32-byte seed (see
    /// [`VaultSecretKey::from_seed`]).
    ///
    /// # Errors
    /// [`InvalidInput::ZeroScalar`] with probability 2⁻²⁵².
    pub fn from_seed(params: &Params, seed: &[u8; 32]) -> Result<Self, Error> {
        Ok(Self::from_secret(params, VaultSecretKey::from_seed(seed)?))
    }

    /// The keypair of a secret key.
    pub fn from_secret(params: &Params, secret: VaultSecretKey) -> Self {
        let public = secret.public_key(params);
        VaultKeypair { secret, public }
    }

    /// The public key.
    pub fn public(&self) -> &VaultPublicKey {
        &self.public
    }

    /// The secret key.
    pub fn secret(&self) -> &VaultSecretKey {
        &self.secret
    }
}

impl fmt::Debug for VaultKeypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultKeypair").field("public", &self.public).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn public_key_relation() {
        let params = Params::new();
        let kp = VaultKeypair::generate(&params, &mut ChaCha20Rng::seed_from_u64(1));
        // x·Y = H.
        assert_eq!(kp.secret.x * kp.public.Y.point, params.H);
        let decoded = VaultPublicKey::from_bytes(&kp.public.to_bytes());
        assert_eq!(decoded, Ok(kp.public));
    }

    #[test]
    fn fingerprint_is_sha256_of_the_encoding() {
        let kp =
            VaultKeypair::from_seed(&Params::new(), &[7; 32]).unwrap_or_else(|_| unreachable!());
        // Computed outside the crate: Python's hashlib and base64 over the
        // 64-byte encoding below.
        assert_eq!(
            hex::encode(kp.public.to_bytes()),
            "b2b9aaad5ce455dcb07acd8243af26c8c997a4a44150663758e9c24031116b29dae6ebc74d3218e8610c0a254d4c494acf11038d1027aee67192d270e497012c"
        );
        assert_eq!(kp.public.fingerprint(), "SHA256:1J0gSgDDUGDPbyeraIh5lHBVHbhT19bBmHRMqDdhkt0");
    }

    #[test]
    fn seeds_derive_independent_secrets() {
        let a = VaultSecretKey::from_seed(&[1; 32]).unwrap_or_else(|_| unreachable!());
        let b = VaultSecretKey::from_seed(&[2; 32]).unwrap_or_else(|_| unreachable!());
        assert_ne!(a, b);
        assert_ne!(a.x.as_bytes(), &a.w);
        assert_eq!(a, VaultSecretKey::from_seed(&[1; 32]).unwrap_or_else(|_| unreachable!()));
    }

    #[test]
    fn small_order_and_twist_kem_keys_are_refused() {
        let params = Params::new();
        let kp = VaultKeypair::generate(&params, &mut ChaCha20Rng::seed_from_u64(2));
        let y = kp.public.Y.compressed.to_bytes();
        let with_w = |w: [u8; 32]| {
            let mut b = [0u8; 64];
            b[..32].copy_from_slice(&y);
            b[32..].copy_from_slice(&w);
            VaultPublicKey::from_bytes(&b)
        };
        let mut one = [0u8; 32];
        one[0] = 1;
        // u = 0 and u = 1 are of small order; u = 2 lies on the twist.
        let mut two = [0u8; 32];
        two[0] = 2;
        let small_order = Err(Error::decode(Object::VaultPublicKey, DecodeFailure::SmallOrder));
        assert_eq!(with_w([0; 32]), small_order);
        assert_eq!(with_w(one), small_order);
        assert!(matches!(with_w(two), Err(Error::Decode { why: DecodeFailure::NotOnCurve, .. })));
        assert!(matches!(
            with_w([0xff; 32]),
            Err(Error::Decode { why: DecodeFailure::NonCanonical, .. })
        ));
        assert!(with_w(kp.public.W.to_bytes()).is_ok());
    }

    #[test]
    fn debug_is_redacted() {
        let sk = VaultSecretKey::from_seed(&[3; 32]).unwrap_or_else(|_| unreachable!());
        let text = alloc::format!("{sk:?}");
        assert_eq!(text, "VaultSecretKey(<redacted>)");
    }

    /// A record's `encoded_len` is exact, and it decodes back.
    #[test]
    #[allow(clippy::unwrap_used)]
    fn record_encoded_len_is_exact() {
        use crate::encoding::{Decode, Encode};
        let params = Params::new();
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let kp = VaultKeypair::generate(&params, &mut rng);
        let fields = VaultFields::new("eu-west", "https://vault.example", 3, 1_900_000_000);
        let record = VaultRecord::new(&kp, fields.unwrap(), &mut rng);
        let bytes = record.to_bytes();
        assert_eq!(bytes.len(), record.encoded_len());
        assert_eq!(VaultRecord::decode(&bytes), Ok(record));
    }
}
