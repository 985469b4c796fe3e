//! Threshold signing: RFC 9591 FROST(Ed25519, SHA-512) with the shares of a
//! verified dealing, through the Zcash Foundation's `frost-ed25519` crate
//! (feature `frost`). Any `t` holders produce an RFC 8032 signature under
//! the deploy key `A` that `ed25519-dalek`'s `verify_strict` and
//! `ssh-keygen -Y verify` accept; no vault ever holds `s`.
//!
//! The bridge (SPEC §13), crossing to frost's curve25519-dalek 4 only
//! through bytes, in this module:
//! - a [`KeyShare`] becomes a frost key package by frost's own dealer-share
//!   check: `SecretShare::new(Identifier::try_from(j), SigningShare(s_j),
//!   VerifiableSecretSharingCommitment([A, F_1, …, F_{t−1}]))`, then
//!   `KeyPackage::try_from` — the identifier is the scalar `j`, never a
//!   derived one;
//! - the coordinator's public key package (every `A_j`, `A`, `t`) comes from
//!   the verified dealing, never from what signers report;
//! - a signing request names the dealing id: a signer refuses another, and
//!   any message its [`SigningPolicy`] refuses;
//! - signing nonces are used once ([`ThresholdSigner::sign`] consumes
//!   them), never cloned, encoded or stored.
//!
//! The channels between coordinator and signers are the caller's and must
//! be authenticated. [`sign_in_process`] runs both rounds in one process
//! (tests, the agent, the quickstart).
//!
//! ```
//! use rand_core::UnwrapErr;
//! use vaultseal::threshold::frost::{SigningCoordinator, ThresholdSigner, sign_in_process};
//! use vaultseal::threshold::{SshSigPolicy, sshsig_signed_data};
//! use vaultseal::{Context, Params, Purpose, VaultKeypair};
//!
//! let mut rng = UnwrapErr(getrandom::SysRng);
//! let params = Params::shared();
//! let vaults: Vec<VaultKeypair> = (0..3).map(|_| VaultKeypair::generate(params, &mut rng)).collect();
//! let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
//! let ctx = Context::new(b"my-project", b"github:1", Purpose::DeployKey, [0x11; 32])?;
//! let (public, dealing) = vaultseal::seal_new_deploy_key_shares(params, &recipients, 2, &ctx, &mut rng)?;
//!
//! // Two vaults open their shares and sign, each with its own policy.
//! let signers = vaults[..2]
//!     .iter()
//!     .map(|v| {
//!         let share = v.open_deploy_key_share(params, &dealing, &ctx, &recipients, &mut rng)?;
//!         ThresholdSigner::new(&share, SshSigPolicy::new("file"))
//!     })
//!     .collect::<Result<Vec<_>, _>>()?;
//! let coordinator = SigningCoordinator::new(&dealing.verified(params, &ctx, &mut rng)?)?;
//! let message = sshsig_signed_data("file", b"hello");
//! let signature = sign_in_process(&coordinator, &signers.iter().collect::<Vec<_>>(), &message, &mut rng)?;
//! public.verify(&message, &signature)?;
//! # Ok::<(), vaultseal::Error>(())
//! ```

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

use frost_ed25519 as frost;
use rand_core::CryptoRng;

use super::policy::SigningPolicy;
use super::{DealingId, KeyShare, VerifiedThresholdSealedDeployKey};
use crate::deploy_key::DeployPublicKey;
use crate::error::{Error, ThresholdFailure};
use crate::limits::MAX_SHARES;
use crate::transcript::Rng06;

fn fail(why: ThresholdFailure) -> Error {
    Error::threshold(why)
}

/// frost's identifier for share `j`: the scalar `j` (RFC 9591 §5.1).
fn identifier(index: u8) -> Result<frost::Identifier, Error> {
    frost::Identifier::try_from(u16::from(index)).map_err(|_| fail(ThresholdFailure::Signing))
}

/// One vault's signing side: its share as a frost key package, the dealing
/// it belongs to, and the policy that decides what it signs. Holds `s_j`
/// (inside frost's zeroizing key package); printed redacted.
pub struct ThresholdSigner {
    dealing: DealingId,
    index: u8,
    public: DeployPublicKey,
    key_package: frost::keys::KeyPackage,
    policy: Box<dyn SigningPolicy>,
}

impl fmt::Debug for ThresholdSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThresholdSigner")
            .field("dealing", &self.dealing)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

/// A signer's round-one nonces: used once by [`ThresholdSigner::sign`],
/// never cloned, encoded or stored (frost wipes them on drop).
pub struct SigningNonces {
    index: u8,
    nonces: frost::round1::SigningNonces,
}

impl fmt::Debug for SigningNonces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningNonces").field("index", &self.index).finish_non_exhaustive()
    }
}

/// A signer's round-one commitment (public): `u8 j ‖ hiding (32) ‖ binding
/// (32)` on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerCommitment {
    index: u8,
    commitments: frost::round1::SigningCommitments,
}

/// A signer's round-two signature share (public): `u8 j ‖ z_j (32)` on the
/// wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureShare {
    index: u8,
    share: frost::round2::SignatureShare,
}

/// A signing session: the dealing it is for, the message and every
/// participant's commitment (frost's signing package, always built from this
/// message and these commitments, on either side of the wire).
///
/// On the wire ([`to_bytes`](Self::to_bytes)): `dealing id (32) ‖
/// u32_le(|message|) ‖ message ‖ u8 count ‖ count × SignerCommitment (65)`.
#[derive(Clone, Debug)]
pub struct SigningRequest {
    dealing: DealingId,
    message: Vec<u8>,
    commitments: Vec<SignerCommitment>,
    package: frost::SigningPackage,
}

/// Longest message a signing request carries (an SSH userauth request or an
/// SSHSIG signed-data block is a few hundred bytes).
pub const MAX_SIGNING_MESSAGE_LEN: usize = 64 * 1024;

/// The coordinator's side: the public key package of a verified dealing.
#[derive(Clone, Debug)]
pub struct SigningCoordinator {
    dealing: DealingId,
    t: usize,
    n: usize,
    public: DeployPublicKey,
    package: frost::keys::PublicKeyPackage,
}

impl ThresholdSigner {
    /// The signer of `share`, through frost's dealer-share check, signing
    /// only what `policy` allows.
    ///
    /// # Errors
    /// [`ThresholdFailure::ShareKey`] if frost's check of `s_j` against the
    /// commitments fails (it cannot for a share this crate opened or
    /// decoded).
    pub fn new(share: &KeyShare, policy: impl SigningPolicy + 'static) -> Result<Self, Error> {
        let index = u8::try_from(share.index()).map_err(|_| fail(ThresholdFailure::Signing))?;
        let refused = || fail(ThresholdFailure::ShareKey { index });
        let mut signing_share = frost::keys::SigningShare::deserialize(share.secret().as_bytes())
            .map_err(|_| refused())?;
        let commitment =
            frost::keys::VerifiableSecretSharingCommitment::deserialize(share.commitments())
                .map_err(|_| refused())?;
        let secret_share =
            frost::keys::SecretShare::new(identifier(index)?, signing_share, commitment);
        // `SigningShare` is `Copy`: wipe this copy (the key package keeps its own).
        zeroize::Zeroize::zeroize(&mut signing_share);
        let key_package = frost::keys::KeyPackage::try_from(secret_share).map_err(|_| refused())?;
        Ok(ThresholdSigner {
            dealing: share.dealing_id(),
            index,
            public: share.deploy_public_key(),
            key_package,
            policy: Box::new(policy),
        })
    }

    /// The share's index `j`.
    pub fn index(&self) -> usize {
        usize::from(self.index)
    }

    /// The dealing this signer signs for.
    pub fn dealing_id(&self) -> DealingId {
        self.dealing
    }

    /// Round one: fresh nonces (hedged with `s_j` by frost) and their
    /// public commitment.
    pub fn commit<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> (SigningNonces, SignerCommitment) {
        let (nonces, commitments) =
            frost::round1::commit(self.key_package.signing_share(), &mut Rng06(rng));
        let index = self.index;
        (SigningNonces { index, nonces }, SignerCommitment { index, commitments })
    }

    /// Round two: sign `request` with `nonces` (consumed), if the request is
    /// for this signer's dealing and its policy allows the message.
    ///
    /// # Errors
    /// [`ThresholdFailure::SessionDealing`] for a request of another dealing;
    /// [`ThresholdFailure::Policy`] for a message the policy refuses;
    /// [`ThresholdFailure::Signing`] if the nonces are another signer's or
    /// the request lacks this signer's commitment (frost's checks).
    pub fn sign(
        &self,
        request: &SigningRequest,
        nonces: SigningNonces,
    ) -> Result<SignatureShare, Error> {
        if request.dealing != self.dealing {
            return Err(fail(ThresholdFailure::SessionDealing));
        }
        if !self.policy.allows(&self.public, &request.message) {
            return Err(fail(ThresholdFailure::Policy));
        }
        if nonces.index != self.index {
            return Err(fail(ThresholdFailure::Signing));
        }
        let share = frost::round2::sign(&request.package, &nonces.nonces, &self.key_package)
            .map_err(|_| fail(ThresholdFailure::Signing))?;
        Ok(SignatureShare { index: self.index, share })
    }
}

impl SignerCommitment {
    /// The signer's index `j`.
    pub fn index(&self) -> usize {
        usize::from(self.index)
    }

    /// `u8 j ‖ hiding ‖ binding` (65 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(65);
        out.push(self.index);
        for part in [self.commitments.hiding(), self.commitments.binding()] {
            out.extend_from_slice(&part.serialize().unwrap_or_default());
        }
        out
    }

    /// Decode (points checked by frost: canonical, not the identity).
    ///
    /// # Errors
    /// [`ThresholdFailure::Signing`] for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let refused = || fail(ThresholdFailure::Signing);
        let [index, rest @ ..] = bytes else { return Err(refused()) };
        let (hiding, binding) = match rest.len() {
            64 => rest.split_at(32),
            _ => return Err(refused()),
        };
        let decode =
            |b: &[u8]| frost::round1::NonceCommitment::deserialize(b).map_err(|_| refused());
        let commitments = frost::round1::SigningCommitments::new(decode(hiding)?, decode(binding)?);
        Ok(SignerCommitment { index: *index, commitments })
    }
}

impl SignatureShare {
    /// The signer's index `j`.
    pub fn index(&self) -> usize {
        usize::from(self.index)
    }

    /// `u8 j ‖ z_j` (33 bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(33);
        out.push(self.index);
        out.extend_from_slice(&self.share.serialize());
        out
    }

    /// Decode (`z_j` a canonical scalar).
    ///
    /// # Errors
    /// [`ThresholdFailure::Signing`] for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let refused = || fail(ThresholdFailure::Signing);
        let [index, rest @ ..] = bytes else { return Err(refused()) };
        let share = frost::round2::SignatureShare::deserialize(rest).map_err(|_| refused())?;
        Ok(SignatureShare { index: *index, share })
    }
}

impl SigningRequest {
    /// The session for `message` with `commitments` (at least one, distinct
    /// indices 1..=8: the coordinator checks the count against `t`).
    fn new(
        dealing: DealingId,
        message: &[u8],
        commitments: &[SignerCommitment],
    ) -> Result<Self, Error> {
        if message.len() > MAX_SIGNING_MESSAGE_LEN || commitments.is_empty() {
            return Err(fail(ThresholdFailure::Signing));
        }
        let mut map = BTreeMap::new();
        for commitment in commitments {
            if !(1..=MAX_SHARES).contains(&commitment.index()) {
                return Err(fail(ThresholdFailure::Signing));
            }
            let previous = map.insert(identifier(commitment.index)?, commitment.commitments);
            if previous.is_some() {
                return Err(fail(ThresholdFailure::DuplicateShare { index: commitment.index }));
            }
        }
        Ok(SigningRequest {
            dealing,
            message: message.to_vec(),
            commitments: commitments.to_vec(),
            package: frost::SigningPackage::new(map, message),
        })
    }

    /// The encoding (see the type's documentation), for a signer in another
    /// process.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(37 + self.message.len() + 65 * self.commitments.len());
        out.extend_from_slice(&self.dealing.to_bytes());
        // At most MAX_SIGNING_MESSAGE_LEN bytes and 8 commitments, by construction.
        out.extend_from_slice(&u32::try_from(self.message.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(&self.message);
        out.push(u8::try_from(self.commitments.len()).unwrap_or(u8::MAX));
        for commitment in &self.commitments {
            out.extend_from_slice(&commitment.to_bytes());
        }
        out
    }

    /// Decode a request: the signer rebuilds frost's signing package from the
    /// message it will show its policy.
    ///
    /// # Errors
    /// [`ThresholdFailure::Signing`] for a malformed request (short, long,
    /// a message over [`MAX_SIGNING_MESSAGE_LEN`], 0 or more than 8
    /// commitments, an invalid one); [`ThresholdFailure::DuplicateShare`]
    /// for an index given twice.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let refused = || fail(ThresholdFailure::Signing);
        let (dealing, rest) = bytes.split_first_chunk::<32>().ok_or_else(refused)?;
        let (len, rest) = rest.split_first_chunk::<4>().ok_or_else(refused)?;
        let len = usize::try_from(u32::from_le_bytes(*len)).map_err(|_| refused())?;
        if len > MAX_SIGNING_MESSAGE_LEN || rest.len() < len {
            return Err(refused());
        }
        let (message, rest) = rest.split_at(len);
        let (count, rest) = rest.split_first().ok_or_else(refused)?;
        if !(1..=MAX_SHARES).contains(&usize::from(*count))
            || rest.len() != 65 * usize::from(*count)
        {
            return Err(refused());
        }
        let commitments = rest
            .chunks_exact(65)
            .map(SignerCommitment::from_bytes)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(DealingId::from_bytes(*dealing), message, &commitments)
    }

    /// The dealing the session is for.
    pub fn dealing_id(&self) -> DealingId {
        self.dealing
    }

    /// The message to sign.
    pub fn message(&self) -> &[u8] {
        &self.message
    }
}

impl SigningCoordinator {
    /// The coordinator of a verified dealing (under the token's context):
    /// its public key package (every `A_j`, `A`, `t`) from the dealing itself.
    ///
    /// # Errors
    /// [`ThresholdFailure::Signing`] if frost refuses a key (it cannot for a
    /// decoded dealing: no `A_j` is the identity).
    #[allow(non_snake_case)]
    pub fn new(verified: &VerifiedThresholdSealedDeployKey<'_>) -> Result<Self, Error> {
        let dealing = verified.item();
        let refused = || fail(ThresholdFailure::Signing);
        let mut shares = BTreeMap::new();
        for index in 1..=dealing.share_count() {
            let A_j = dealing.public_share(index).ok_or_else(refused)?;
            let share =
                frost::keys::VerifyingShare::deserialize(&A_j.to_bytes()).map_err(|_| refused())?;
            let index = u8::try_from(index).map_err(|_| refused())?;
            shares.insert(identifier(index)?, share);
        }
        let public = dealing.deploy_public_key();
        let key = frost::VerifyingKey::deserialize(&public.to_bytes()).map_err(|_| refused())?;
        let t = u16::try_from(dealing.threshold()).map_err(|_| refused())?;
        Ok(SigningCoordinator {
            dealing: dealing.dealing_id(verified.context()),
            t: dealing.threshold(),
            n: dealing.share_count(),
            public,
            package: frost::keys::PublicKeyPackage::new(shares, key, Some(t)),
        })
    }

    /// The dealing's id.
    pub fn dealing_id(&self) -> DealingId {
        self.dealing
    }

    /// The key signatures are made under (`A`).
    pub fn public_key(&self) -> DeployPublicKey {
        self.public
    }

    /// A signing session for `message` with the signers of `commitments`.
    ///
    /// # Errors
    /// [`ThresholdFailure::TooFewShares`] for fewer than `t` commitments;
    /// [`ThresholdFailure::DuplicateShare`] for an index given twice;
    /// [`ThresholdFailure::Signing`] for an index outside `1..=n` or a
    /// message over [`MAX_SIGNING_MESSAGE_LEN`].
    pub fn request(
        &self,
        message: &[u8],
        commitments: &[SignerCommitment],
    ) -> Result<SigningRequest, Error> {
        if commitments.len() < self.t {
            return Err(fail(ThresholdFailure::TooFewShares));
        }
        if commitments.iter().any(|commitment| !(1..=self.n).contains(&commitment.index())) {
            return Err(fail(ThresholdFailure::Signing));
        }
        SigningRequest::new(self.dealing, message, commitments)
    }

    /// Aggregate the signature shares of `request` into an RFC 8032
    /// signature, checked with `verify_strict` under `A` before it is
    /// returned.
    ///
    /// # Errors
    /// [`ThresholdFailure::SessionDealing`] for a request of another
    /// dealing; [`ThresholdFailure::DuplicateShare`] for an index given
    /// twice; [`ThresholdFailure::Signing`] if a share is missing, malformed
    /// or invalid (frost names the cheater internally; the error stays
    /// opaque), or the result does not verify.
    pub fn aggregate(
        &self,
        request: &SigningRequest,
        shares: &[SignatureShare],
    ) -> Result<ed25519_dalek::Signature, Error> {
        let refused = || fail(ThresholdFailure::Signing);
        if request.dealing != self.dealing {
            return Err(fail(ThresholdFailure::SessionDealing));
        }
        let mut map = BTreeMap::new();
        for share in shares {
            if map.insert(identifier(share.index)?, share.share).is_some() {
                return Err(fail(ThresholdFailure::DuplicateShare { index: share.index }));
            }
        }
        let signature =
            frost::aggregate(&request.package, &map, &self.package).map_err(|_| refused())?;
        let bytes: [u8; 64] =
            signature.serialize().map_err(|_| refused())?.try_into().map_err(|_| refused())?;
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        self.public.verify(&request.message, &signature).map_err(|_| refused())?;
        Ok(signature)
    }
}

/// Both rounds in one process: every signer commits, the coordinator makes
/// the request, every signer signs (each checking the dealing and its
/// policy), the coordinator aggregates.
///
/// # Errors
/// As [`SigningCoordinator::request`], [`ThresholdSigner::sign`] (the first
/// refusal) and [`SigningCoordinator::aggregate`].
pub fn sign_in_process<R: CryptoRng + ?Sized>(
    coordinator: &SigningCoordinator,
    signers: &[&ThresholdSigner],
    message: &[u8],
    rng: &mut R,
) -> Result<ed25519_dalek::Signature, Error> {
    let (nonces, commitments): (Vec<_>, Vec<_>) = signers.iter().map(|s| s.commit(rng)).unzip();
    let request = coordinator.request(message, &commitments)?;
    let shares = signers
        .iter()
        .zip(nonces)
        .map(|(signer, nonces)| signer.sign(&request, nonces))
        .collect::<Result<Vec<_>, _>>()?;
    coordinator.aggregate(&request, &shares)
}

/// A threshold key whose signers all run in this process (the agent's
/// threshold identities, tests): at least `t` signers of one dealing and its
/// coordinator. Each signature runs both FROST rounds; every signer applies
/// its own policy. The key itself is never assembled, but `t` shares in one
/// address space are the key to anyone who can read that memory: this gives
/// no threshold protection against the compromise of this process, only
/// the same interface as real, separate signers.
#[derive(Debug)]
pub struct InProcessThresholdKey {
    coordinator: SigningCoordinator,
    signers: Vec<ThresholdSigner>,
}

impl InProcessThresholdKey {
    /// The key of `coordinator` signed for by `signers`.
    ///
    /// # Errors
    /// [`ThresholdFailure::SessionDealing`] if a signer is of another
    /// dealing; [`ThresholdFailure::DuplicateShare`] for an index given
    /// twice; [`ThresholdFailure::TooFewShares`] for fewer than `t` signers.
    pub fn new(
        coordinator: SigningCoordinator,
        signers: Vec<ThresholdSigner>,
    ) -> Result<Self, Error> {
        if signers.iter().any(|signer| signer.dealing != coordinator.dealing) {
            return Err(fail(ThresholdFailure::SessionDealing));
        }
        for (i, signer) in signers.iter().enumerate() {
            if signers[..i].iter().any(|other| other.index == signer.index) {
                return Err(fail(ThresholdFailure::DuplicateShare { index: signer.index }));
            }
        }
        if signers.len() < coordinator.t {
            return Err(fail(ThresholdFailure::TooFewShares));
        }
        Ok(InProcessThresholdKey { coordinator, signers })
    }

    /// The key signatures are made under (`A`).
    pub fn public_key(&self) -> DeployPublicKey {
        self.coordinator.public
    }

    /// The share indices of the signers.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.signers.iter().map(ThresholdSigner::index)
    }

    /// Sign `message` with every signer (both rounds, [`sign_in_process`]).
    ///
    /// # Errors
    /// As [`sign_in_process`]: a signer's policy refusing the message
    /// ([`ThresholdFailure::Policy`]) above all.
    pub fn sign<R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Result<ed25519_dalek::Signature, Error> {
        let signers: Vec<&ThresholdSigner> = self.signers.iter().collect();
        sign_in_process(&self.coordinator, &signers, message, rng)
    }
}
