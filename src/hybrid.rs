//! Hybrid encryption of payloads of any length to one or more vaults
//! ([`seal`], [`open`], [`Envelope`]); the protocol is `docs/PROTOCOL.md` §6.
//!
//! Sealed payloads (chunked twisted ElGamal with proofs) carry at most 128
//! bytes; tokens, files and other secrets up to [`MAX_PAYLOAD_LEN`] (16 MiB)
//! travel in a hybrid envelope instead: a KEM/DEM composition on each vault's
//! KEM key `W` — never on the sealing key `x` (`docs/PROTOCOL.md` §3.1).
//!
//! # Construction
//! Sealing a payload `p` to the vaults \\(W_1, \dots, W_v\\) (\\(1 \le v \le 8\\),
//! sorted, no duplicates) under a [`Context`] `ctx` and caller associated data
//! `ad`:
//!
//! 1. draw a fresh file key `K`, 32 bytes of a synthetic stream keyed with
//!    32 bytes of the caller's RNG and with everything the envelope seals
//!    (the context, the recipients, `SHA-256(ad)`, `SHA-256(p)`;
//!    `docs/PROTOCOL.md` §6.2), so that a repeated RNG state never reuses a keystream
//!    across different payloads;
//! 2. `prk = HKDF-SHA256-Extract(salt = "vaultseal-hybrid-kdf-v1", ikm = K)`,
//!    `payload_key = HKDF-Expand(prk, "payload", 32)`,
//!    `commit = HKDF-Expand(prk, "key-commit", 32)`;
//! 3. `header = version ‖ v ‖ recipients ‖ commit` (see [`Envelope`]);
//! 4. for each recipient `j`, in header order: `(enc_j, ct_j) =`
//!    RFC 9180 `SealBase(pkR = W_j, info, aad = header, pt = K)` with suite
//!    DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305,
//!    `info = "vaultseal-hybrid-wrap-v1" ‖ ctx.to_bytes()` and the ephemeral
//!    key's `ikmE` the next 32 bytes of the same synthetic stream;
//! 5. `payload_ct = ChaCha20-Poly1305(payload_key, nonce = 0¹², AD, p)` with
//!    `AD = header ‖ wrap_1 ‖ … ‖ wrap_v ‖ ad`: every envelope byte before the
//!    payload length, then the caller's associated data.
//!
//! `payload_key` is used for exactly one message, so the zero nonce is never
//! repeated under a key: even if the caller's RNG repeats, a different
//! payload (or context, recipient list or `ad`) gives a different `K`. `ad` is not stored: the opener supplies it again.
//! The wraps cannot authenticate themselves (a wrap's `aad` is the header
//! only), so the payload's AD covers them: a vault then refuses an envelope in
//! which *another* vault's wrap was altered, and all recipients accept or
//! refuse the same bytes.
//!
//! Opening by the vault with KEM secret `w`:
//!
//! 1. the recipient list must be canonical (decoding already refuses any
//!    other; [`open`] checks again) and contain the vault's public key;
//! 2. `enc_j` must be a point of curve25519 not of small order (the rule of
//!    a `W`), then `K = OpenBase(enc_j, w, info, aad = header, ct_j)`;
//! 3. recompute `commit` from `K` and compare it with the header's **in
//!    constant time, before touching the payload**;
//! 4. decrypt the payload with `payload_key` and
//!    `AD = header ‖ wrap_1 ‖ … ‖ wrap_v ‖ ad`.
//!
//! Every failure of steps 1–4 is the one opaque [`Error::Decryption`].
//!
//! # Security
//! - **Confidentiality** (IND-CCA2) follows from the KEM/DEM composition:
//!   HPKE base mode is IND-CCA2 for `K`, and a fresh random `K` per envelope
//!   gives a one-time key to an AEAD that is IND-CPA and INT-CTXT.
//! - **Binding.** The wraps' `info` binds the context and their `aad` binds
//!   the whole header (recipient list and commitment); the payload's
//!   associated data binds the header, every wrap and the caller's `ad`. An
//!   envelope opened under another context, with other associated data, or
//!   with any byte changed — another recipient's wrap included — fails.
//! - **Key commitment.** ChaCha20-Poly1305 is not key-committing: one
//!   ciphertext can be made to verify under two keys, to two different
//!   plaintexts ("invisible salamanders", Dodis–Grubbs–Ristenpart–Woodage;
//!   Poly1305 multi-key collisions). A sender who wraps different file keys for different vaults
//!   could then make them open different plaintexts. `commit` is a
//!   collision-resistant function of `K` (HKDF-SHA256), fixed in the header
//!   that every wrap authenticates, so every vault that opens the envelope
//!   holds the same `K` and gets the same plaintext.
//! - **No sender authentication.** Every recipient knows `K` and could make
//!   another envelope; authenticity comes only from a signature over the
//!   envelope (the owner's, in a registration). There is no proof of
//!   well-formedness either: that is what sealed payloads are for.
//! - **Opaque failure.** One error value for a wrong key, a wrong context, a
//!   tampered byte, a failed commitment or a malformed envelope given to
//!   [`open_bytes`]: an attacker learns nothing about which step refused.
//!   [`Envelope::from_bytes`] does report typed decoding errors, for callers
//!   that want to tell malformed from forged.
//!
//! # Constant time
//! `K`, `prk`, `payload_key` and the HPKE shared secrets are handled by
//! constant-time X25519, HKDF-SHA256 and ChaCha20-Poly1305 implementations,
//! live in buffers that are zeroized on drop, and the commitment is compared
//! with [`subtle::ConstantTimeEq`]. Finding the vault's own wrap compares
//! public keys (public data). The opened plaintext is returned in a
//! [`Zeroizing`] buffer.
//!
//! # Example
//! ```
//! use rand_core::UnwrapErr;
//! use vaultseal::{hybrid, Context, Params, Purpose, VaultKeypair};
//!
//! let params = Params::shared();
//! let mut rng = UnwrapErr(getrandom::SysRng);
//! let vault = VaultKeypair::generate(&params, &mut rng);
//! let ctx = Context::new(b"my-project", b"github:123456789", Purpose::Secret, [7u8; 32])?;
//!
//! let envelope = hybrid::seal(&[*vault.public()], &ctx, b"header", b"a token", &mut rng)?;
//! let bytes = envelope.to_bytes();
//! let plaintext = hybrid::open_bytes(&vault, &bytes, &ctx, b"header")?;
//! assert_eq!(&plaintext[..], b"a token");
//! # Ok::<(), vaultseal::Error>(())
//! ```

mod header;
mod kem;
mod synthetic;
#[cfg(test)]
mod wycheproof;

use alloc::vec::Vec;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce, Tag};
use hkdf::Hkdf;
use rand_core::CryptoRng;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::context::Context;
use crate::encoding::{Decode, Encode, Reader, WriteLen};
use crate::error::{Error, InvalidInput, Object};
use crate::transcript::labels;
use crate::vault::{VaultKeypair, VaultPublicKey};

use header::{COMMIT_LEN, Header};
use kem::{FILE_KEY_LEN, FileKey, TAG_LEN, WRAP_LEN, Wrap};

/// Longest payload [`seal`] accepts: 16 MiB.
pub use crate::limits::MAX_HYBRID_PAYLOAD_LEN as MAX_PAYLOAD_LEN;

/// Most recipients of one envelope.
pub const MAX_RECIPIENTS: usize = header::MAX_RECIPIENTS;

/// Bytes an envelope adds to its payload for `v` recipients:
/// `54 + 144·v` (see [`Envelope`]).
pub const fn envelope_overhead(v: usize) -> usize {
    // header 34 + 64v, wraps 80v, payload length 4, payload tag 16.
    2 + COMMIT_LEN + (64 + WRAP_LEN) * v + 4 + TAG_LEN
}

/// A hybrid envelope: a header, one HPKE wrap of the file key per recipient,
/// and the payload sealed once.
///
/// Only [`seal`] and [`Envelope::from_bytes`] create one, so every envelope
/// has a canonical recipient list.
///
/// # Encoding
/// ```text
/// u8        version (= 1)                                  ┐
/// u8        v, the number of recipients (1..=8)            │ header,
/// v × [64]  recipient j: VaultPublicKey Y_j ‖ W_j,          │ 34 + 64·v
///           Y_j strictly increasing, W_j pairwise distinct │ bytes
/// [32]      commit                                         ┘
/// v × [80]  wrap j: enc_j (32, canonical X25519 u) ‖ ct_j (32 + 16 tag)
/// u32       n = payload length + 16  (16 ..= 16 MiB + 16)
/// [n]       payload ciphertext ‖ tag (16)
/// ```
/// Total `54 + 144·v + L` bytes for an `L`-byte payload. Integers are
/// little-endian.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// Version, recipients and commitment.
    header: Header,
    /// `wraps[j]` belongs to `header.recipients[j]`.
    wraps: Vec<Wrap>,
    /// Payload ciphertext followed by its 16-byte tag.
    payload: Vec<u8>,
}

impl Envelope {
    /// The recipients, in canonical order (by their sealing key `Y`).
    pub fn recipients(&self) -> &[VaultPublicKey] {
        &self.header.recipients
    }

    /// The length of the sealed payload, in bytes.
    pub fn payload_len(&self) -> usize {
        self.payload.len().saturating_sub(TAG_LEN)
    }

    /// The encoded length, `54 + 144·v + L`.
    pub fn encoded_len(&self) -> usize {
        self.header.encoded_len() + WRAP_LEN * self.wraps.len() + 4 + self.payload.len()
    }

    /// The encoding (see the type documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode()
    }

    /// Decode an envelope, strictly: every field is checked, lengths before
    /// any allocation, and trailing bytes are refused, so an accepted input
    /// re-encodes to exactly the same bytes.
    ///
    /// # Errors
    /// [`Error::Decode`] with `what = Object::HybridEnvelope`: `Tag` (another
    /// version), `Limit` (`v` outside `1..=8`, payload length outside
    /// `16..=16 MiB + 16`), `Length` (input too short), `NotOnCurve`,
    /// `Identity`, `SmallOrder` or `NonCanonical` (a recipient key, as
    /// [`VaultPublicKey::from_bytes`](crate::VaultPublicKey::from_bytes)
    /// refuses it, or a non-canonical `enc`), `Unsorted` (recipient list not
    /// canonical), `TrailingData`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(bytes)
    }
}

impl Encode for Envelope {
    fn write(&self, out: &mut Vec<u8>) {
        self.header.write(out);
        for wrap in &self.wraps {
            wrap.write(out);
        }
        // n ≤ 16 MiB + 16 by construction (seal and from_bytes check it).
        out.put_len_u32(self.payload.len());
        out.extend_from_slice(&self.payload);
    }

    fn encoded_len(&self) -> usize {
        Envelope::encoded_len(self)
    }
}

impl Decode for Envelope {
    const OBJECT: Object = Object::HybridEnvelope;

    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let header = Header::read(r)?;
        // `Header::read` checked that v wraps fit in the input.
        let mut wraps = Vec::with_capacity(header.recipients.len());
        for _ in 0..header.recipients.len() {
            wraps.push(Wrap::read(r)?);
        }
        let payload = r.bytes_u32(TAG_LEN..=MAX_PAYLOAD_LEN + TAG_LEN)?.to_vec();
        Ok(Envelope { header, wraps, payload })
    }
}

/// The keys derived from a file key: `payload_key` (secret) and `commit`.
struct FileKeys {
    /// `HKDF-Expand(prk, "payload", 32)`.
    payload_key: Zeroizing<[u8; 32]>,
    /// `HKDF-Expand(prk, "key-commit", 32)`.
    commit: [u8; COMMIT_LEN],
}

impl FileKeys {
    /// `prk = HKDF-Extract(salt = "vaultseal-hybrid-kdf-v1", K)`, then the two
    /// expansions. `prk` is wiped; the HMAC state keyed with it is zeroized on
    /// drop (sha2 `zeroize`).
    ///
    /// # Errors
    /// `hkdf::InvalidLength`, impossible for 32-byte outputs.
    #[allow(non_snake_case)]
    fn derive(K: &FileKey) -> Result<Self, hkdf::InvalidLength> {
        let mut payload_key = Zeroizing::new([0u8; 32]);
        let mut commit = [0u8; COMMIT_LEN];
        hkdf_sha256(
            labels::HYBRID_KDF_SALT,
            &K[..],
            [
                (labels::HYBRID_PAYLOAD_KEY, &mut payload_key[..]),
                (labels::HYBRID_KEY_COMMIT, &mut commit[..]),
            ],
        )?;
        Ok(FileKeys { payload_key, commit })
    }
}

/// HKDF-SHA256 (RFC 5869): `prk = Extract(salt, ikm)`, then
/// `okm = Expand(prk, info, okm.len())` for each `(info, okm)`. The copy of
/// `prk` that `hkdf` returns is wiped.
///
/// # Errors
/// `hkdf::InvalidLength` for an output over 255·32 bytes.
fn hkdf_sha256<const N: usize>(
    salt: &[u8],
    ikm: &[u8],
    outputs: [(&[u8], &mut [u8]); N],
) -> Result<(), hkdf::InvalidLength> {
    let (mut prk, hkdf) = Hkdf::<Sha256>::extract(Some(salt), ikm);
    prk.as_mut_slice().zeroize();
    for (info, okm) in outputs {
        hkdf.expand(info, okm)?;
    }
    Ok(())
}

/// ChaCha20-Poly1305 encryption of `plaintext`: `ciphertext ‖ tag`. The
/// envelope uses it once per payload key, with the zero nonce. The buffer
/// holds plaintext until encrypted in place, so it is zeroized if
/// encryption fails.
///
/// # Errors
/// `aead::Error` for a plaintext over ChaCha20's 256 GiB.
fn aead_seal(
    key: &[u8; 32],
    nonce: &Nonce,
    associated_data: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, chacha20poly1305::aead::Error> {
    let mut body = Zeroizing::new(Vec::with_capacity(plaintext.len() + TAG_LEN));
    body.extend_from_slice(plaintext);
    let tag = ChaCha20Poly1305::new(key.into()).encrypt_inout_detached(
        nonce,
        associated_data,
        body.as_mut_slice().into(),
    )?;
    // Ciphertext from here on: move it out of the zeroizing wrapper.
    let mut sealed = core::mem::take(&mut *body);
    sealed.extend_from_slice(&tag);
    Ok(sealed)
}

/// ChaCha20-Poly1305 decryption of `ciphertext ‖ tag`.
///
/// # Errors
/// [`Error::Decryption`] if `sealed` is shorter than a tag or does not
/// authenticate.
fn aead_open(
    key: &[u8; 32],
    nonce: &Nonce,
    associated_data: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let body_len = sealed.len().checked_sub(TAG_LEN).ok_or(Error::Decryption)?;
    let (body, tag) = sealed.split_at(body_len);
    let tag = Tag::try_from(tag).map_err(|_| Error::Decryption)?;
    let mut plaintext = Zeroizing::new(body.to_vec());
    ChaCha20Poly1305::new(key.into())
        .decrypt_inout_detached(nonce, associated_data, plaintext.as_mut_slice().into(), &tag)
        .map_err(|_| Error::Decryption)?;
    Ok(plaintext)
}

/// HPKE `info` of every wrap: `"vaultseal-hybrid-wrap-v1" ‖ ctx.to_bytes()`.
fn wrap_info(context: &Context) -> Vec<u8> {
    let context_bytes = context.to_bytes();
    let mut info = Vec::with_capacity(labels::HYBRID_HPKE_INFO.len() + context_bytes.len());
    info.extend_from_slice(labels::HYBRID_HPKE_INFO);
    info.extend_from_slice(&context_bytes);
    info
}

/// Associated data of the payload: `header ‖ wrap_1 ‖ … ‖ wrap_v ‖ ad`
/// (header and wraps are self-delimiting, so the split is unambiguous).
fn payload_ad(header_bytes: &[u8], wraps: &[Wrap], associated_data: &[u8]) -> Vec<u8> {
    let mut ad =
        Vec::with_capacity(header_bytes.len() + WRAP_LEN * wraps.len() + associated_data.len());
    ad.extend_from_slice(header_bytes);
    for wrap in wraps {
        wrap.write(&mut ad);
    }
    ad.extend_from_slice(associated_data);
    ad
}

/// Seal `payload` to `recipients` under `context` and `associated_data`.
///
/// The recipients are sorted into canonical order (by `Y`); each gets an HPKE
/// wrap of a fresh file key on its KEM key `W`. `associated_data` is
/// authenticated but not stored: [`open`] needs it again.
///
/// `rng` is asked for exactly 32 bytes. They key a synthetic stream together
/// with the context, the recipients and digests of `associated_data` and
/// `payload` (`docs/PROTOCOL.md` §6.2); the file key `K`, then each recipient's 32-byte
/// HPKE `ikmE` (canonical order), are drawn from that stream. The same RNG
/// output and the same inputs give the same envelope; a repeated RNG state
/// with any other input gives an unrelated file key.
///
/// # Errors
/// [`Error::InvalidInput`] with [`InvalidInput::PayloadLength`] for a payload
/// over 16 MiB, [`InvalidInput::RecipientCount`] unless `1 ≤ v ≤ 8`,
/// [`InvalidInput::DuplicateRecipient`] if a sealing key `Y` or a KEM key `W`
/// appears twice, [`InvalidInput::RecipientKey`] if an HPKE encapsulation
/// fails (impossible for keys that decoded).
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Context, Params, Purpose, VaultKeypair, hybrid};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let vault = VaultKeypair::generate(Params::shared(), &mut rng);
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::Secret, [0x11; 32])?;
/// let config = vec![b'x'; 100_000]; // any size up to 16 MiB
/// let envelope = hybrid::seal(&[*vault.public()], &ctx, b"config.yaml", &config, &mut rng)?;
/// let opened = hybrid::open(&vault, &envelope, &ctx, b"config.yaml")?;
/// assert_eq!(&opened[..], &config[..]);
/// # Ok::<(), vaultseal::Error>(())
/// ```
pub fn seal<R: CryptoRng + ?Sized>(
    recipients: &[VaultPublicKey],
    context: &Context,
    associated_data: &[u8],
    payload: &[u8],
    rng: &mut R,
) -> Result<Envelope, Error> {
    if payload.len() > MAX_PAYLOAD_LEN {
        return Err(Error::input(InvalidInput::PayloadLength));
    }
    let recipients = header::canonical_recipients(recipients)?;

    // 1–2. File key (synthetic randomness) and its derived keys.
    let mut stream = synthetic::seal_rng(&recipients, context, associated_data, payload, rng);
    #[allow(non_snake_case)]
    let mut K: FileKey = Zeroizing::new([0u8; FILE_KEY_LEN]);
    stream.fill_bytes(&mut K[..]);
    // HKDF-Expand cannot fail for 32 bytes; were it to, it is a length error.
    let keys = FileKeys::derive(&K).map_err(|_| Error::input(InvalidInput::PayloadLength))?;

    // 3. Header.
    let header = Header { recipients, commit: keys.commit };
    let header_bytes = header.to_bytes();

    // 4. One wrap per recipient, in header order.
    let info = wrap_info(context);
    let mut wraps = Vec::with_capacity(header.recipients.len());
    for recipient in &header.recipients {
        wraps.push(kem::wrap(&recipient.kem_key_bytes(), &info, &header_bytes, &K, &mut stream)?);
    }

    // 5. The payload, once, under the zero nonce.
    let payload_ct = aead_seal(
        &keys.payload_key,
        &Nonce::default(),
        &payload_ad(&header_bytes, &wraps, associated_data),
        payload,
    )
    .map_err(|_| Error::input(InvalidInput::PayloadLength))?;

    Ok(Envelope { header, wraps, payload: payload_ct })
}

/// Open an envelope with a vault's keypair (its KEM secret `w` only).
///
/// # Errors
/// [`Error::Decryption`] for every failure: the vault is not a recipient, the
/// recipient list is not canonical, the wrap does not open (wrong key, wrong
/// context, tampered bytes), the key commitment does not match, or the
/// payload does not authenticate (tampered payload or wraps, or other
/// `associated_data`).
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Context, Error, Params, Purpose, VaultKeypair, hybrid};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let vault = VaultKeypair::generate(Params::shared(), &mut rng);
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::Secret, [0x11; 32])?;
/// let envelope = hybrid::seal(&[*vault.public()], &ctx, b"ad", b"a token", &mut rng)?;
/// assert_eq!(&hybrid::open(&vault, &envelope, &ctx, b"ad")?[..], b"a token");
/// // Other associated data (or another context) does not open it.
/// assert_eq!(hybrid::open(&vault, &envelope, &ctx, b"other").unwrap_err(), Error::Decryption);
/// # Ok::<(), vaultseal::Error>(())
/// ```
pub fn open(
    keypair: &VaultKeypair,
    envelope: &Envelope,
    context: &Context,
    associated_data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let header = &envelope.header;
    // 1. Canonical list (an invariant of `Envelope`, checked again), own wrap.
    if !header::is_canonical(&header.recipients) {
        return Err(Error::Decryption);
    }
    let j = header
        .recipients
        .iter()
        .position(|recipient| recipient == keypair.public())
        .ok_or(Error::Decryption)?;
    let wrap = envelope.wraps.get(j).ok_or(Error::Decryption)?;
    let header_bytes = header.to_bytes();

    // 2. The file key, with the KEM secret `w` (never `x`).
    #[allow(non_snake_case)]
    let K =
        kem::unwrap(keypair.secret().kem_secret_bytes(), wrap, &wrap_info(context), &header_bytes)?;

    // 3. Key commitment, in constant time, before the payload is touched.
    let keys = FileKeys::derive(&K).map_err(|_| Error::Decryption)?;
    drop(K);
    if !bool::from(keys.commit[..].ct_eq(&header.commit[..])) {
        return Err(Error::Decryption);
    }

    // 4. The payload.
    aead_open(
        &keys.payload_key,
        &Nonce::default(),
        &payload_ad(&header_bytes, &envelope.wraps, associated_data),
        &envelope.payload,
    )
}

/// Decode and open an envelope in one step.
///
/// Unlike [`Envelope::from_bytes`], a malformed envelope is reported as the
/// same opaque error as a forged one.
///
/// # Errors
/// [`Error::Decryption`] for every failure, decoding included (see [`open`]).
pub fn open_bytes(
    keypair: &VaultKeypair,
    envelope_bytes: &[u8],
    context: &Context,
    associated_data: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let envelope = Envelope::from_bytes(envelope_bytes).map_err(|_| Error::Decryption)?;
    open(keypair, &envelope, context, associated_data)
}
