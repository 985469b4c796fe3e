//! Threshold sealing: a deploy key dealt in Shamir shares to `n` vaults,
//! any `t` of which can use it and fewer learn nothing (`docs/PROTOCOL.md`
//! §12, SPEC §13).
//!
//! A sealed deploy key to several vaults is held whole by each of them: one
//! compromised vault leaks it. A *dealing* instead gives vault `j` a share
//! \\(s_j = f(j)\\) of a polynomial
//! $$
//! f(X) = s + \sum_{u=1}^{t-1} a_u X^u \bmod \ell
//! $$
//! whose constant term is the deploy key's scalar \\(s\\) (\\(A = sB\\)), with
//! proofs that anyone can check without a vault key:
//!
//! - **Feldman commitments** \\(F_u = a_u B\\), sent as
//!   \\(F^\prime_u = (a_u \cdot 8^{-1}) B\\) so that the verifier's
//!   \\(F_u = \[8\]F^\prime_u\\) is torsion-free by construction;
//! - every verifier derives each vault's **public share**
//!   $$
//!   A_j = A + \sum_{u=1}^{t-1} j^u F_u \qquad (= s_j B),
//!   $$
//!   never sent, by Horner's rule in the small integers `j`;
//! - **share `j`** is a one-recipient sealed deploy key of \\(s_j\\) to
//!   vault `j` (`docs/PROTOCOL.md` §8: chunks, range proof, validity proof)
//!   whose key-binding proof binds \\(A_j\\).
//!
//! So vault `j` decrypts an \\(s_j\\) with \\(s_j B = A_j\\), and the
//! \\(A_j\\) are evaluations in the exponent of one polynomial of degree
//! ≤ t − 1 with constant term `A`: any `t` shares interpolate to the same
//! `s`. The evaluation point of the `j`-th recipient (sorted by `Y`) is the
//! scalar `j = position + 1`, never 0.
//!
//! # Transcripts
//! One per share (protocol `vaultseal-threshold-v1`): the common statement
//! (context, `t`, `n`, every `Y_j`, `A`, `A′`, every `F′_u`), then
//! `share-index = j`, then the share's `C_i` and `D_i`, its range proof and
//! sigma proofs. The common part is absorbed once and cloned per share.
//!
//! # Randomness
//! The coefficients \\(a_u\\) come from a prover RNG keyed with the
//! transcript of the dealing's statement before its commitments and with
//! `s`, finalized with the caller's RNG (never from `s` alone, never from the
//! caller). Each share's blindings and nonces come from prover RNGs keyed
//! with *its own* transcript and `s_j`, finalized with fresh output of the
//! caller's RNG: no RNG is cloned or shared between shares. (A blinding
//! `r_i` shared by two shares would publish \\((s_j - s_{j^\prime})G\\) chunk
//! by chunk, hence the \\(a_u\\); a shared sigma nonce would give `s` from
//! the public responses.)
//!
//! # Verification
//! Decoding checks `2 ≤ t ≤ n ≤ 8`, every point, `F_u ≠ 0` and every
//! \\(A_j\\) neither the identity (\\(s_j = 0\\)) nor `A` (\\(s_j = s\\): the
//! mark of a polynomial evaluated at 0) nor another \\(A_m\\) (two equal
//! shares would let `t − 1` holders recover the key; a check this crate adds
//! to SPEC §13). The proofs are one batch item:
//! every equation of every share has its own weight — with one weight per
//! dealing a dealer could move one share off the polynomial and cancel the
//! error through another share's \\(U_1\\). The key-binding terms of all
//! shares accumulate on `A` and the \\(F_u\\), so a dealing adds `t` Edwards
//! points besides each share's own. A failure names the share.
//!
//! # What threshold sealing does not protect against
//! No verifier can tell a dealer that weakens its own sharing (it knows
//! `s`); the checks catch only public degeneracies. `t` vaults of one
//! operator are one party. Shares are never refreshed: re-dealing the same
//! `s` revokes nothing, so to change the vault set, rotate the deploy key.
//! `t = n` tolerates no lost vault.
//!
//! # Constant time
//! Dealing handles `s`, the \\(a_u\\) and every \\(s_j\\) with constant-time
//! arithmetic and wipes them; verification is variable time on public
//! data.

mod batch_item;
mod deal;
#[cfg(feature = "frost")]
#[cfg_attr(docsrs, doc(cfg(feature = "frost")))]
pub mod frost;
mod key_share;
mod policy;
mod statement;
#[cfg(all(test, feature = "std"))]
mod tests;
mod transfer;
mod wire;

use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::edwards::EdwardsPoint;
use rand_core::CryptoRng;

use crate::context::Context;
use crate::deploy_key::{DeployKey, DeployPublicKey};
use crate::encoding::{EdwardsElement, RistrettoElement};
use crate::error::Error;
use crate::params::Params;
use crate::sealed::SealedItem;
use crate::vault::VaultPublicKey;

pub use crate::limits::{MAX_SHARES, MIN_THRESHOLD};
pub(crate) use batch_item::ThresholdItem;
pub use batch_item::VerifiedThresholdSealedDeployKey;
pub use key_share::{KeyShare, combine_shares};
pub use policy::{
    GitUserauthPolicy, SigningPolicy, SshSigPolicy, ssh_userauth_request, sshsig_armor,
    sshsig_signed_data,
};
pub use transfer::SealedKeyShare;

/// A deploy key dealt in shares to `n` vaults with threshold `t`, with the
/// proofs that any `t` of them hold the key (see the
/// [module documentation](self)). Created only by
/// [`seal_deploy_key_shares`], [`seal_new_deploy_key_shares`] and
/// [`ThresholdSealedDeployKey::from_bytes`].
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Context, Params, Purpose, VaultKeypair, ThresholdSealedDeployKey};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vaults: Vec<VaultKeypair> = (0..3).map(|_| VaultKeypair::generate(params, &mut rng)).collect();
/// let recipients: Vec<_> = vaults.iter().map(|v| *v.public()).collect();
/// let ctx = Context::new(b"my-project", b"github:123456789", Purpose::DeployKey, [0x11; 32])?;
///
/// // 2-of-3: the key is made inside and never leaves the dealer whole.
/// let (public, dealing) = vaultseal::seal_new_deploy_key_shares(params, &recipients, 2, &ctx, &mut rng)?;
/// let received = ThresholdSealedDeployKey::from_bytes(&dealing.to_bytes())?;
/// received.verify(params, &ctx, &mut rng)?;
/// assert_eq!(received.deploy_public_key(), public);
/// assert_eq!((received.threshold(), received.share_count()), (2, 3));
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThresholdSealedDeployKey {
    /// The threshold `t` (2 ≤ t ≤ n).
    t: usize,
    /// The recipients' sealing keys `Y_j`, strictly increasing by encoding
    /// (`n` of them, 2..=8).
    recipients: Vec<RistrettoElement>,
    /// `A`, the deploy public key (canonical, not the identity, `[8]A′`).
    A: EdwardsElement,
    /// `A′` with `A = [8]A′`.
    A_prime: EdwardsElement,
    /// `F′_u`, u = 1..t−1, as sent.
    F_prime: Vec<EdwardsElement>,
    /// `F_u = [8]F′_u` (never the identity): what everything is derived from.
    F: Vec<EdwardsPoint>,
    /// The shares, in recipient order (share `j` at position `j − 1`).
    shares: Vec<Share>,
    /// SHA-512 of the encoding (kept for the batch digest).
    encoding_digest: crate::sealed::EncodingDigest,
}

/// One share: a one-recipient sealed deploy key of `s_j` bound to `A_j`.
#[allow(non_snake_case)]
#[derive(Clone, Debug, PartialEq, Eq)]
struct Share {
    /// `A_j = A + Σ_u j^u·F_u`, derived (never sent).
    A_j: EdwardsPoint,
    /// `C_i`, `D_i` to `Y_j`, range proof, sigma proofs (`L = 32`).
    item: SealedItem,
}

/// A dealing's id: `SHA-512/256("vaultseal-dealing-id-v1" ‖ context ‖
/// version ‖ t ‖ n ‖ Y_j ‖ A ‖ A′ ‖ F′_u)`. It names the polynomial and the
/// recipients, not the share bodies (which a holder can validly
/// re-randomize): key shares and signing sessions carry it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DealingId([u8; 32]);

impl DealingId {
    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// The id of these 32 bytes (any value: an id is a name, not a proof).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DealingId(bytes)
    }
}

impl fmt::Debug for DealingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DealingId({self})")
    }
}

impl fmt::Display for DealingId {
    /// Lower-case hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Deal an existing deploy key in shares to `recipients` with threshold
/// `threshold` under `context` (purpose [`Purpose::DeployKey`](crate::Purpose::DeployKey)).
///
/// The key is taken by value: after dealing, nobody should hold it whole
/// (it is wiped when dropped). [`seal_new_deploy_key_shares`] makes the key
/// inside, so it never exists outside the dealer.
///
/// # Errors
/// [`InvalidInput::Purpose`](crate::InvalidInput::Purpose) for a context of
/// another purpose; [`InvalidInput::RecipientCount`](crate::InvalidInput::RecipientCount)
/// for more than 8 recipients, [`InvalidInput::DuplicateRecipient`](crate::InvalidInput::DuplicateRecipient);
/// [`InvalidInput::Threshold`](crate::InvalidInput::Threshold) unless
/// `2 ≤ threshold ≤ n` and `n ≥ 2`.
pub fn seal_deploy_key_shares<R: CryptoRng + ?Sized>(
    params: &Params,
    recipients: &[VaultPublicKey],
    threshold: usize,
    context: &Context,
    key: DeployKey,
    rng: &mut R,
) -> Result<ThresholdSealedDeployKey, Error> {
    deal::deal(params, recipients, threshold, context, &key, rng, &mut deal::Tweaks::default())
}

/// Make a fresh deploy key and deal it in shares (as
/// [`seal_deploy_key_shares`]): the key never leaves this function whole;
/// only its public key and the dealing are returned.
///
/// # Errors
/// As [`seal_deploy_key_shares`].
pub fn seal_new_deploy_key_shares<R: CryptoRng + ?Sized>(
    params: &Params,
    recipients: &[VaultPublicKey],
    threshold: usize,
    context: &Context,
    rng: &mut R,
) -> Result<(DeployPublicKey, ThresholdSealedDeployKey), Error> {
    let key = DeployKey::generate(rng);
    let public = key.public_key();
    let dealing = seal_deploy_key_shares(params, recipients, threshold, context, key, rng)?;
    Ok((public, dealing))
}

#[allow(non_snake_case)]
impl ThresholdSealedDeployKey {
    /// The threshold `t`: how many shares recover or sign.
    pub fn threshold(&self) -> usize {
        self.t
    }

    /// The number of shares `n` (one per recipient).
    pub fn share_count(&self) -> usize {
        self.shares.len()
    }

    /// The deploy public key `A` that the shares interpolate to.
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        DeployPublicKey::from_checked_element(self.A)
    }

    /// The recipients' sealing-key encodings (`Y_j`), in share order
    /// (share `j` at position `j − 1`).
    pub fn recipients(&self) -> impl ExactSizeIterator<Item = [u8; 32]> + '_ {
        self.recipients.iter().map(|Y| Y.compressed.to_bytes())
    }

    /// The public share `A_j = s_j·B` of share `index` (1..=n), as every
    /// verifier derives it; `None` for another index.
    pub fn public_share(&self, index: usize) -> Option<DeployPublicKey> {
        let share = self.shares.get(index.checked_sub(1)?)?;
        Some(DeployPublicKey::from_checked_element(EdwardsElement::from_point(share.A_j)))
    }

    /// The dealing's id under `context` (see [`DealingId`]).
    pub fn dealing_id(&self, context: &Context) -> DealingId {
        statement::dealing_id(context, &self.header_bytes())
    }

    /// The share index of the vault whose sealing key is `Y` (public data).
    fn vartime_share_index(&self, public: &VaultPublicKey) -> Option<usize> {
        let position = self.recipients.iter().position(|Y| Y.compressed == public.Y.compressed)?;
        Some(position + 1)
    }
}
