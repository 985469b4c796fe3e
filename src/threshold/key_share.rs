//! Opening a share ([`VaultKeypair::open_deploy_key_share`]), the opened
//! share ([`KeyShare`]) and key recovery ([`combine_shares`])
//! (`docs/PROTOCOL.md` §12.6–12.7).
//!
//! A vault opens its share only from a dealing it has verified under its
//! own expected context and recipient list; the share it gets satisfies
//! \\(s_j B = A_j\\), which its encoding's decoder checks again. Recovery
//! interpolates \\(s = \sum_{j \in S} \lambda_j s_j\\) at 0 from `t` shares,
//! with the public Lagrange coefficients
//! \\(\lambda_j = \prod_{m \in S, m \ne j} m / (m - j)\\), and checks
//! \\(sB = A\\): the combiner then holds the whole key (this leaves
//! threshold mode; signing with FROST never does this).

use alloc::vec::Vec;
use core::fmt;

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::statement::public_shares;
use super::{DealingId, ThresholdSealedDeployKey, VerifiedThresholdSealedDeployKey};
use crate::context::Context;
use crate::deploy_key::{DeployKey, DeployPublicKey};
use crate::encoding::{EdwardsElement, Reader};
use crate::error::{DecodeFailure, Error, Object, ThresholdFailure};
use crate::limits::{MAX_SHARES, MIN_THRESHOLD};
use crate::params::Params;
use crate::vault::{self, VaultKeypair, VaultPublicKey};

/// Wire version of key shares.
const KEY_SHARE_VERSION: u8 = 1;

/// One vault's opened share of a dealing: `s_j` with everything needed to
/// check it and to combine or sign with it (dealing id, `j`, `t`, `n`, `A`,
/// the Feldman commitments `F_u`).
///
/// Zeroized on drop, not `Clone`, printed redacted. Its encoding
/// ([`to_bytes`](Self::to_bytes)) is secret; its decoder re-checks
/// `s_j·B = A_j`.
#[allow(non_snake_case)]
pub struct KeyShare {
    dealing: DealingId,
    /// `j` (1..=n).
    index: u8,
    t: u8,
    n: u8,
    s_j: Zeroizing<Scalar>,
    A: EdwardsElement,
    /// `F_u`, u = 1..t−1 (torsion-free, not the identity).
    F: Vec<EdwardsElement>,
    /// `A_j = A + Σ_u j^u·F_u = s_j·B`.
    A_j: EdwardsPoint,
}

impl fmt::Debug for KeyShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyShare")
            .field("dealing", &self.dealing)
            .field("index", &self.index)
            .field("t", &self.t)
            .field("n", &self.n)
            .field("s_j", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// `s ≠ 0` and `s·B = P`, decided in constant time in `s`; the verdict is
/// public (the caller gets a share or an error).
pub(super) fn ct_is_key_of(s: &Scalar, point: &EdwardsPoint) -> bool {
    let valid =
        !s.ct_eq(&Scalar::ZERO) & EdwardsPoint::mul_base(s).compress().ct_eq(&point.compress());
    #[cfg(feature = "__ctgrind")]
    let valid = crate::__ctgrind::declassified_choice(valid);
    bool::from(valid)
}

/// Read `dealing id ‖ u8 j ‖ u8 t ‖ u8 n`, checking `2 ≤ t ≤ n ≤ 8` and
/// `1 ≤ j ≤ n`.
///
/// # Errors
/// [`DecodeFailure::Limit`] out of range; [`DecodeFailure::Length`] short.
pub(super) fn read_position(r: &mut Reader<'_>) -> Result<(DealingId, u8, u8, u8), Error> {
    let dealing = DealingId(r.array()?);
    let (index, t, n) = (r.u8()?, r.u8()?, r.u8()?);
    let (j, t_len, n_len) = (usize::from(index), usize::from(t), usize::from(n));
    if !(MIN_THRESHOLD..=MAX_SHARES).contains(&n_len)
        || !(MIN_THRESHOLD..=n_len).contains(&t_len)
        || !(1..=n_len).contains(&j)
    {
        return Err(r.error(DecodeFailure::Limit));
    }
    Ok((dealing, index, t, n))
}

/// Read `A ‖ F_1..F_{t−1}` (each canonical, not the identity, torsion-free)
/// and derive share `index`'s `A_j`, refusing a degenerate dealing.
///
/// # Errors
/// [`Error::Decode`] for a bad point; [`Error::Threshold`] for a degenerate
/// public share.
#[allow(non_snake_case)]
pub(super) fn read_commitments(
    r: &mut Reader<'_>,
    t: u8,
    n: u8,
    index: u8,
) -> Result<(EdwardsElement, Vec<EdwardsElement>, EdwardsPoint), Error> {
    let mut points = Vec::with_capacity(usize::from(t));
    for _ in 0..t {
        let P = r.edwards()?;
        if P.point.is_identity() {
            return Err(r.error(DecodeFailure::Identity));
        }
        if !P.point.is_torsion_free() {
            return Err(r.error(DecodeFailure::Torsion));
        }
        points.push(P);
    }
    let A = points.remove(0);
    let F_points: Vec<EdwardsPoint> = points.iter().map(|F| F.point).collect();
    let public = public_shares(&A.point, &F_points, usize::from(n)).map_err(Error::threshold)?;
    let A_j = public[usize::from(index) - 1];
    Ok((A, points, A_j))
}

/// An index as a share's `u8` (1..=8 everywhere).
fn index_u8(index: usize) -> u8 {
    u8::try_from(index).unwrap_or(u8::MAX)
}

#[allow(non_snake_case)]
impl KeyShare {
    /// The dealing's id.
    pub fn dealing_id(&self) -> DealingId {
        self.dealing
    }

    /// The share's index `j` (its evaluation point, 1..=n).
    pub fn index(&self) -> usize {
        usize::from(self.index)
    }

    /// The dealing's threshold `t`.
    pub fn threshold(&self) -> usize {
        usize::from(self.t)
    }

    /// The dealing's number of shares `n`.
    pub fn share_count(&self) -> usize {
        usize::from(self.n)
    }

    /// `(dealing id, j, t, n)` as stored (crate-internal: re-sealing).
    pub(super) fn position(&self) -> (DealingId, u8, u8, u8) {
        (self.dealing, self.index, self.t, self.n)
    }

    /// The deploy public key `A` the shares interpolate to.
    pub fn deploy_public_key(&self) -> DeployPublicKey {
        DeployPublicKey::from_checked_element(self.A)
    }

    /// This share's public key `A_j = s_j·B`.
    pub fn public_share(&self) -> DeployPublicKey {
        DeployPublicKey::from_checked_element(EdwardsElement::from_point(self.A_j))
    }

    /// The public share `A_m` of any index `m` of the dealing (1..=n), from
    /// the commitments this share carries.
    pub fn public_share_of(&self, index: usize) -> Option<DeployPublicKey> {
        if !(1..=self.share_count()).contains(&index) {
            return None;
        }
        let F: Vec<EdwardsPoint> = self.F.iter().map(|F| F.point).collect();
        let A_m = super::statement::public_share(&self.A.point, &F, index);
        Some(DeployPublicKey::from_checked_element(EdwardsElement::from_point(A_m)))
    }

    /// The Feldman commitments `[A, F_1, …, F_{t−1}]` as 32-byte encodings
    /// (the verifiable secret sharing commitment FROST takes).
    pub fn commitments(&self) -> Vec<[u8; 32]> {
        core::iter::once(&self.A).chain(&self.F).map(|P| P.compressed.to_bytes()).collect()
    }

    /// A share from checked parts (a share re-sealed to a combiner, opened
    /// and checked `s_j·B = A_j`).
    #[allow(non_snake_case, clippy::too_many_arguments)]
    pub(super) fn from_checked_parts(
        dealing: DealingId,
        index: u8,
        t: u8,
        n: u8,
        s_j: Zeroizing<Scalar>,
        A: EdwardsElement,
        F: Vec<EdwardsElement>,
        A_j: EdwardsPoint,
    ) -> Self {
        KeyShare { dealing, index, t, n, s_j, A, F, A_j }
    }

    /// `A` and the `F_u`, and `A_j` (crate-internal: re-sealing).
    #[allow(non_snake_case)]
    pub(super) fn public_parts(&self) -> (&EdwardsElement, &[EdwardsElement], &EdwardsPoint) {
        (&self.A, &self.F, &self.A_j)
    }

    /// The secret `s_j` (crate-internal: signing and recovery).
    pub(crate) fn secret(&self) -> &Scalar {
        &self.s_j
    }

    /// The encoding: `u8 version (=1) ‖ dealing id (32) ‖ u8 j ‖ u8 t ‖ u8 n
    /// ‖ s_j (32) ‖ A (32) ‖ F_1..F_{t−1} (32 each)`. Secret: store it as a
    /// vault stores its keys.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(70 + 32 * self.threshold()));
        out.push(KEY_SHARE_VERSION);
        out.extend_from_slice(&self.dealing.0);
        out.extend_from_slice(&[self.index, self.t, self.n]);
        out.extend_from_slice(self.s_j.as_bytes());
        out.extend_from_slice(self.A.compressed.as_bytes());
        for F in &self.F {
            out.extend_from_slice(F.compressed.as_bytes());
        }
        out
    }

    /// Decode a stored share and check it: `2 ≤ t ≤ n ≤ 8`, `1 ≤ j ≤ n`,
    /// `s_j` canonical, `A` and every `F_u` canonical, not the identity and
    /// torsion-free, `A_j` neither the identity nor `A`, and `s_j·B = A_j`
    /// (so `s_j ≠ 0`).
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::KeyShare`) for a malformed encoding;
    /// [`Error::Threshold`]: [`ThresholdFailure::ShareKey`] if `s_j·B ≠ A_j`,
    /// or a degenerate public share.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Object::KeyShare);
        if r.u8()? != KEY_SHARE_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let (dealing, index, t, n) = read_position(&mut r)?;
        let s_j = Zeroizing::new(r.secret_scalar()?);
        let (A, points, A_j) = read_commitments(&mut r, t, n, index)?;
        r.finish()?;
        let share = KeyShare { dealing, index, t, n, s_j, A, F: points, A_j };
        share.check()?;
        Ok(share)
    }

    /// `s_j ≠ 0` and `s_j·B = A_j` (one constant-time verdict).
    ///
    /// # Errors
    /// [`ThresholdFailure::ShareKey`] naming the share.
    fn check(&self) -> Result<(), Error> {
        if ct_is_key_of(&self.s_j, &self.A_j) {
            Ok(())
        } else {
            Err(Error::threshold(ThresholdFailure::ShareKey { index: self.index }))
        }
    }

    /// Whether `other` is a share of the same dealing (same id, same public
    /// statement).
    fn same_dealing(&self, other: &KeyShare) -> bool {
        self.dealing == other.dealing
            && (self.t, self.n) == (other.t, other.n)
            && self.A == other.A
            && self.F == other.F
    }
}

impl VaultKeypair {
    /// Verify `dealing` under `context` and this vault's expected recipient
    /// list, then open this vault's share: constant-time decryption of its
    /// `s_j`, reduced modulo ℓ and checked against `A_j`.
    ///
    /// `expected_recipients` is the vault set the dealing must have (any
    /// order): a share is only as safe as the independence of the other
    /// holders, so a vault checks who they are.
    ///
    /// # Errors
    /// [`ThresholdFailure::RecipientMismatch`] when the dealing's recipients
    /// are not `expected_recipients`; [`ThresholdFailure::NotARecipient`]
    /// when this vault is not one of them; the errors of
    /// [`ThresholdSealedDeployKey::verify`]; [`Error::Decryption`] when the
    /// opened scalar does not match `A_j`.
    pub fn open_deploy_key_share<R: CryptoRng + ?Sized>(
        &self,
        params: &Params,
        dealing: &ThresholdSealedDeployKey,
        context: &Context,
        expected_recipients: &[VaultPublicKey],
        rng: &mut R,
    ) -> Result<KeyShare, Error> {
        let expected = vault::sorted_recipients(expected_recipients)
            .map_err(|_| Error::threshold(ThresholdFailure::RecipientMismatch))?;
        if !expected.iter().map(|key| key.Y.compressed.to_bytes()).eq(dealing.recipients()) {
            return Err(Error::threshold(ThresholdFailure::RecipientMismatch));
        }
        if dealing.vartime_share_index(self.public()).is_none() {
            return Err(Error::threshold(ThresholdFailure::NotARecipient));
        }
        self.open_verified_deploy_key_share(params, &dealing.verified(params, context, rng)?)
    }

    /// Open this vault's share of a dealing that verification has already
    /// accepted under its context, without verifying again. Crate-internal:
    /// the caller has checked the dealing's recipients against the ones the
    /// vault expects (a registration does, against its own list).
    ///
    /// # Errors
    /// [`ThresholdFailure::NotARecipient`] when this vault is not a
    /// recipient; [`Error::Decryption`] when the opened scalar does not
    /// match `A_j`.
    #[allow(non_snake_case)]
    pub(crate) fn open_verified_deploy_key_share(
        &self,
        params: &Params,
        verified: &VerifiedThresholdSealedDeployKey<'_>,
    ) -> Result<KeyShare, Error> {
        let dealing = verified.item();
        let j = dealing
            .vartime_share_index(self.public())
            .ok_or(Error::threshold(ThresholdFailure::NotARecipient))?;
        let share = &dealing.shares[j - 1];
        let payload = share.item.decrypt_verified(params, self)?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(payload.get(..32).ok_or(Error::Decryption)?);
        // The chunks recombine to s_j + k·ℓ: reduce, then check s_j·B = A_j.
        let s_j = Zeroizing::new(Scalar::from_bytes_mod_order(*bytes));
        if !ct_is_key_of(&s_j, &share.A_j) {
            return Err(Error::Decryption);
        }
        let n = dealing.share_count();
        Ok(KeyShare {
            dealing: dealing.dealing_id(verified.context()),
            index: index_u8(j),
            t: index_u8(dealing.t),
            n: index_u8(n),
            s_j,
            A: dealing.A,
            F: dealing.F.iter().map(|F| EdwardsElement::from_point(*F)).collect(),
            A_j: share.A_j,
        })
    }
}

/// Recover the deploy key from at least `t` shares of one dealing: key
/// recovery, to leave threshold mode (the combiner then holds the key; FROST
/// signing never reassembles it).
///
/// Checks that every share is of the same dealing, that indices are
/// distinct, that there are at least `t`, and each `s_j·B = A_j`; then
/// interpolates `s` at 0 from the first `t` (public Lagrange coefficients,
/// constant-time arithmetic on the `s_j`) and checks `s·B = A`. A wrong or
/// foreign share is an error, never a wrong key.
///
/// # Errors
/// [`Error::Threshold`]: [`ThresholdFailure::OtherDealingOfTheKey`] for
/// shares of two dealings of the same key, [`ThresholdFailure::MixedDealings`]
/// for shares of different keys, [`ThresholdFailure::DuplicateShare`],
/// [`ThresholdFailure::TooFewShares`] (fewer than `t`, or none),
/// [`ThresholdFailure::ShareKey`] naming a share whose `s_j·B ≠ A_j`,
/// [`ThresholdFailure::Recovered`] if the result does not match `A`.
pub fn combine_shares(shares: &[KeyShare]) -> Result<DeployKey, Error> {
    let fail = |why| Err(Error::threshold(why));
    let Some(first) = shares.first() else { return fail(ThresholdFailure::TooFewShares) };
    for share in shares {
        if !first.same_dealing(share) {
            return fail(if first.A == share.A {
                ThresholdFailure::OtherDealingOfTheKey
            } else {
                ThresholdFailure::MixedDealings
            });
        }
    }
    for (i, share) in shares.iter().enumerate() {
        if shares[..i].iter().any(|other| other.index == share.index) {
            return fail(ThresholdFailure::DuplicateShare { index: share.index });
        }
    }
    if shares.len() < first.threshold() {
        return fail(ThresholdFailure::TooFewShares);
    }
    for share in shares {
        share.check()?;
    }
    let chosen = &shares[..first.threshold()];
    let mut s = Zeroizing::new(Scalar::ZERO);
    for share in chosen {
        *s += lagrange_at_zero(share.index, chosen) * share.secret();
    }
    let public = first.deploy_public_key();
    DeployKey::from_opened_scalar(*s, &public)
        .map_err(|_| Error::threshold(ThresholdFailure::Recovered))
}

/// `λ_j = Π_{m ≠ j} m / (m − j)`: the Lagrange coefficient of index `j` at
/// 0 over the indices of `shares` (public; the indices are distinct).
fn lagrange_at_zero(j: u8, shares: &[KeyShare]) -> Scalar {
    let x_j = Scalar::from(j);
    let (mut numerator, mut denominator) = (Scalar::ONE, Scalar::ONE);
    for m in shares.iter().map(|share| share.index).filter(|&m| m != j) {
        let x_m = Scalar::from(m);
        numerator *= x_m;
        denominator *= x_m - x_j;
    }
    numerator * denominator.invert()
}
