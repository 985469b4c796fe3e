//! [`VaultRecord`]: a vault's directory entry — its public key, its stable
//! self-asserted fields ([`VaultFields`]: region, endpoint, key epoch,
//! expiry) with a [`VaultKeyProof`] over exactly those fields, so that
//! neither they nor `W` can be moved to another key, and the network's
//! reputation (0–1000) and free capacity, which the proof does not cover
//! (anyone can mint keys, so weights that a vault could claim would let it
//! attract projects at will). Selection among records is
//! [`select_vaults`](crate::select_vaults).
//!
//! # Encoding
//! ```text
//! u8  version (= 1)
//! [64] VaultPublicKey (Y ‖ W)
//! VaultFields: u8 region length (1..=64) ‖ region ‖ u16 endpoint length (1..=256) ‖ endpoint
//!              ‖ u64 key epoch ‖ u64 expires_at (Unix seconds, 0 = never)
//! [64] VaultKeyProof over the VaultFields encoding
//! u16 reputation (0..=1000) ‖ u64 free capacity
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use rand_core::CryptoRng;

use super::proof::VAULT_KEY_PROOF_LEN;
use super::{VAULT_PUBLIC_KEY_LEN, VaultKeyProof, VaultKeypair, VaultPublicKey};
use crate::encoding::{Decode, Encode, Reader, WriteLen};
use crate::error::{DecodeFailure, Error, InvalidInput, Object};
use crate::params::Params;

/// Wire version of a vault record.
const RECORD_VERSION: u8 = 1;
/// Longest region name, in bytes.
pub const MAX_REGION_LEN: usize = 64;
/// Longest endpoint, in bytes.
pub const MAX_ENDPOINT_LEN: usize = 256;
/// Highest reputation the network assigns.
pub const MAX_REPUTATION: u16 = 1000;
/// Capacity above which a vault's weight stops growing.
pub const CAPACITY_CAP: u64 = 1 << 32;

/// A vault's stable, self-asserted fields: what its proof of possession
/// covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VaultFields {
    region: String,
    endpoint: String,
    key_epoch: u64,
    expires_at: u64,
}

impl VaultFields {
    /// Stable fields: a region (1..=64 bytes), an endpoint (1..=256 bytes),
    /// the key epoch, and an expiry in Unix seconds (0 = never).
    ///
    /// # Errors
    /// [`InvalidInput::RecordField`] for an empty or too long region or
    /// endpoint.
    pub fn new(
        region: &str,
        endpoint: &str,
        key_epoch: u64,
        expires_at: u64,
    ) -> Result<Self, Error> {
        if !(1..=MAX_REGION_LEN).contains(&region.len())
            || !(1..=MAX_ENDPOINT_LEN).contains(&endpoint.len())
        {
            return Err(Error::input(InvalidInput::RecordField));
        }
        Ok(VaultFields { region: region.into(), endpoint: endpoint.into(), key_epoch, expires_at })
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The key epoch.
    pub fn key_epoch(&self) -> u64 {
        self.key_epoch
    }

    /// The expiry (Unix seconds, 0 = never).
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// The canonical encoding: the bytes the proof of possession binds.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(19 + self.region.len() + self.endpoint.len());
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        // Lengths are bounded by the constructor and the decoder.
        out.put_bytes_u8(self.region.as_bytes());
        out.put_bytes_u16(self.endpoint.as_bytes());
        out.extend_from_slice(&self.key_epoch.to_le_bytes());
        out.extend_from_slice(&self.expires_at.to_le_bytes());
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        let utf8 = |bytes: &[u8]| core::str::from_utf8(bytes).map(String::from);
        let region = utf8(r.bytes_u8(1..=MAX_REGION_LEN)?)
            .map_err(|_| r.error(DecodeFailure::NonCanonical))?;
        let endpoint = utf8(r.bytes_u16(1..=MAX_ENDPOINT_LEN)?)
            .map_err(|_| r.error(DecodeFailure::NonCanonical))?;
        let key_epoch = u64::from_le_bytes(r.array()?);
        let expires_at = u64::from_le_bytes(r.array()?);
        Ok(VaultFields { region, endpoint, key_epoch, expires_at })
    }

    /// Whether the key has expired at `now` (Unix seconds): `expires_at` is
    /// not 0 (never) and not after `now`.
    pub fn expired_at(&self, now: u64) -> bool {
        self.expires_at != 0 && self.expires_at <= now
    }
}

/// A vault's directory entry: public key, stable fields with their proof of
/// possession, and the network's reputation and capacity figures.
///
/// # Example
/// ```
/// use rand_core::UnwrapErr;
/// use vaultseal::{Params, VaultFields, VaultKeypair, VaultRecord};
///
/// let mut rng = UnwrapErr(getrandom::SysRng);
/// let params = Params::shared();
/// let vault = VaultKeypair::generate(params, &mut rng);
/// // Region, endpoint, key epoch, expiry (Unix seconds; 0 = none), with a proof of possession.
/// let fields = VaultFields::new("eu-west", "https://vault-1.example", 1, 0)?;
/// let record = VaultRecord::new(&vault, fields, &mut rng);
/// // Anyone checks the proof before sealing to the key.
/// let published = VaultRecord::from_bytes(&record.to_bytes())?;
/// published.verify(params, &mut rng)?;
/// assert_eq!(published.public_key(), vault.public());
/// # Ok::<(), vaultseal::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultRecord {
    public_key: VaultPublicKey,
    fields: VaultFields,
    fields_bytes: Vec<u8>,
    proof: VaultKeyProof,
    reputation: u16,
    free_capacity: u64,
}

impl VaultRecord {
    /// The record a vault publishes: its key and fields with a fresh proof of
    /// possession; reputation and capacity start at zero until the network
    /// sets them ([`VaultRecord::with_network_metrics`]).
    pub fn new<R: CryptoRng + ?Sized>(
        keypair: &VaultKeypair,
        fields: VaultFields,
        rng: &mut R,
    ) -> Self {
        let fields_bytes = fields.to_bytes();
        let proof = VaultKeyProof::prove(keypair, &fields_bytes, rng);
        VaultRecord {
            public_key: *keypair.public(),
            fields,
            fields_bytes,
            proof,
            reputation: 0,
            free_capacity: 0,
        }
    }

    /// The same record with the network's reputation (0..=1000) and free
    /// capacity. These are not covered by the proof.
    ///
    /// # Errors
    /// [`InvalidInput::RecordField`] for a reputation above 1000.
    pub fn with_network_metrics(
        mut self,
        reputation: u16,
        free_capacity: u64,
    ) -> Result<Self, Error> {
        if reputation > MAX_REPUTATION {
            return Err(Error::input(InvalidInput::RecordField));
        }
        self.reputation = reputation;
        self.free_capacity = free_capacity;
        Ok(self)
    }

    /// The vault's public key.
    pub fn public_key(&self) -> &VaultPublicKey {
        &self.public_key
    }

    /// The stable fields the proof covers.
    pub fn fields(&self) -> &VaultFields {
        &self.fields
    }

    /// The proof of possession.
    pub fn proof(&self) -> &VaultKeyProof {
        &self.proof
    }

    /// The network-assigned reputation (0..=1000).
    pub fn reputation(&self) -> u16 {
        self.reputation
    }

    /// The network-reported free capacity.
    pub fn free_capacity(&self) -> u64 {
        self.free_capacity
    }

    /// The selection weight `reputation · min(capacity, 2³²)`.
    pub fn weight(&self) -> u64 {
        u64::from(self.reputation) * self.free_capacity.min(CAPACITY_CAP)
    }

    /// Verify the proof of possession (a batch of one).
    ///
    /// # Errors
    /// [`Error::Verification`] if the proof does not bind this key and these
    /// fields.
    pub fn verify<R: CryptoRng + ?Sized>(&self, params: &Params, rng: &mut R) -> Result<(), Error> {
        self.proof.verify(params, &self.public_key, &self.fields_bytes, rng)
    }

    /// The encoding of the stable fields: what the proof covers.
    pub(crate) fn fields_bytes(&self) -> &[u8] {
        &self.fields_bytes
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode()
    }

    /// Decode a record (the proof is not verified here).
    ///
    /// # Errors
    /// [`Error::Decode`] (`Object::VaultRecord`): another version
    /// ([`DecodeFailure::Tag`]), an invalid key or proof encoding (the
    /// reason [`VaultPublicKey::from_bytes`] or [`VaultKeyProof::from_bytes`]
    /// gives: a proof whose `T` is the identity is
    /// [`DecodeFailure::Identity`]), field lengths out of range
    /// ([`DecodeFailure::Limit`]), fields that are not UTF-8
    /// ([`DecodeFailure::NonCanonical`]), a reputation above 1000
    /// ([`DecodeFailure::Limit`]), short input, trailing data.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(bytes)
    }
}

impl Encode for VaultRecord {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(RECORD_VERSION);
        out.extend_from_slice(&self.public_key.to_bytes());
        out.extend_from_slice(&self.fields_bytes);
        out.extend_from_slice(&self.proof.to_bytes());
        out.extend_from_slice(&self.reputation.to_le_bytes());
        out.extend_from_slice(&self.free_capacity.to_le_bytes());
    }

    fn encoded_len(&self) -> usize {
        1 + VAULT_PUBLIC_KEY_LEN + self.fields_bytes.len() + VAULT_KEY_PROOF_LEN + 2 + 8
    }
}

impl Decode for VaultRecord {
    const OBJECT: Object = Object::VaultRecord;

    fn read(r: &mut Reader<'_>) -> Result<Self, Error> {
        if r.u8()? != RECORD_VERSION {
            return Err(r.error(DecodeFailure::Tag));
        }
        let public_key = VaultPublicKey::read(r)?;
        let fields = VaultFields::read(r)?;
        // The proof's own decoding rules; errors name the record.
        let proof = VaultKeyProof::read(r)?;
        let reputation = u16::from_le_bytes(r.array()?);
        if reputation > MAX_REPUTATION {
            return Err(r.error(DecodeFailure::Limit));
        }
        let free_capacity = u64::from_le_bytes(r.array()?);
        let fields_bytes = fields.to_bytes();
        Ok(VaultRecord { public_key, fields, fields_bytes, proof, reputation, free_capacity })
    }
}
