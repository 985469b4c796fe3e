//! Vault records: checked in one batch (proofs of possession and expiry),
//! and the vault selection of `select_vaults`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use rand_core::CryptoRng;
use serde::{Serialize, Serializer};
use vaultseal::{BatchVerifier, Params, VaultRecord};

use crate::armored;
use crate::failure::{Failure, kinds};

/// One record's check, as `verifyVaultRecords` returns it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordReport {
    /// Whether the record decodes, its proof of possession verifies and it
    /// has not expired.
    pub ok: bool,
    /// The record's region (when it decodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The record's endpoint (when it decodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The key epoch (when it decodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<JsNumber>,
    /// The vault key's fingerprint, `SHA256:…` (when it decodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// The network's reputation figure (when it decodes): not covered by
    /// the proof, anyone can change it in transit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reputation: Option<u16>,
    /// The network's free capacity figure (when it decodes): not covered by
    /// the proof either.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_capacity: Option<JsNumber>,
    /// Why it is not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The stable kind of `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<&'static str>,
}

/// A `u64` from an untrusted record, for JS: a number when JS holds it
/// exactly (up to 2⁵³ − 1), otherwise its decimal string (never a rounded
/// number, never a failed conversion).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsNumber(pub u64);

impl Serialize for JsNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0 < (1 << 53) {
            serializer.serialize_u64(self.0)
        } else {
            serializer.collect_str(&self.0)
        }
    }
}

/// Records checked together: each decoded record with its verdict.
pub struct CheckedRecords {
    /// Per input, in order: the decoded record (if it decodes) and whether
    /// it is valid.
    pub entries: Vec<(Option<VaultRecord>, Result<(), Failure>)>,
}

impl core::fmt::Debug for CheckedRecords {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CheckedRecords").field("len", &self.entries.len()).finish()
    }
}

impl CheckedRecords {
    /// Decode every armored record, verify the proofs of those that decode
    /// in one batch, and refuse those expired at `now` (Unix seconds).
    pub fn check<R: CryptoRng + ?Sized>(
        params: &Params,
        texts: &[String],
        now: u64,
        rng: &mut R,
    ) -> Self {
        let decoded: Vec<Result<VaultRecord, Failure>> =
            texts.iter().map(|text| armored::vault_record(text)).collect();
        let mut batch = BatchVerifier::with_capacity(params, texts.len());
        let index_of: Vec<Option<usize>> = decoded
            .iter()
            .map(|record| record.as_ref().ok().map(|record| batch.push_vault_record(record)))
            .collect();
        let failures = batch.verify(rng).err();
        let entries = decoded
            .iter()
            .zip(&index_of)
            .map(|(record, index)| match record {
                Err(failure) => (None, Err(failure.clone())),
                Ok(record) => {
                    let verdict = match index.and_then(|i| failures.as_ref()?.error_for(i)) {
                        Some(vaultseal::Error::Verification) => Err(Failure::new(
                            kinds::VERIFICATION,
                            "the proof of possession does not verify",
                        )),
                        Some(error) => Err(Failure::from_crate(error, "")),
                        None => expiry(record, now),
                    };
                    (Some(record.clone()), verdict)
                }
            })
            .collect();
        CheckedRecords { entries }
    }

    /// The reports, in input order.
    pub fn reports(&self) -> Vec<RecordReport> {
        self.entries
            .iter()
            .map(|(record, verdict)| {
                let failure = verdict.as_ref().err();
                RecordReport {
                    ok: verdict.is_ok(),
                    region: record.as_ref().map(|r| r.fields().region().into()),
                    endpoint: record.as_ref().map(|r| r.fields().endpoint().into()),
                    epoch: record.as_ref().map(|r| JsNumber(r.fields().key_epoch())),
                    fingerprint: record.as_ref().map(|r| r.public_key().fingerprint()),
                    reputation: record.as_ref().map(VaultRecord::reputation),
                    free_capacity: record.as_ref().map(|r| JsNumber(r.free_capacity())),
                    error: failure.map(|f| f.message().into()),
                    error_kind: failure.map(Failure::kind),
                }
            })
            .collect()
    }

    /// The valid records with their input positions, each vault key once
    /// (its first valid record: the same record twice, or re-wrapped, must
    /// not be chosen as two vaults).
    pub fn valid(&self) -> Vec<(usize, &VaultRecord)> {
        let mut seen: Vec<[u8; 64]> = Vec::new();
        let mut valid = Vec::new();
        for (i, (record, verdict)) in self.entries.iter().enumerate() {
            let (Some(record), Ok(())) = (record, verdict) else { continue };
            let key = record.public_key().to_bytes();
            if !seen.contains(&key) {
                seen.push(key);
                valid.push((i, record));
            }
        }
        valid
    }

    /// Every record, valid or [the first failure](Failure), named by its
    /// position (`vaults[i]`).
    ///
    /// # Errors
    /// The first invalid record's failure.
    pub fn all_valid(self, name: &str) -> Result<Vec<VaultRecord>, Failure> {
        let mut records = Vec::with_capacity(self.entries.len());
        for (i, (record, verdict)) in self.entries.into_iter().enumerate() {
            if let Err(failure) = verdict {
                return Err(Failure::new(
                    failure.kind(),
                    format!("{name}[{i}]: {}", failure.message()),
                ));
            }
            records.extend(record);
        }
        Ok(records)
    }
}

/// Whether `record` has expired at `now` (the library's rule, the CLI's).
pub(crate) fn expiry(record: &VaultRecord, now: u64) -> Result<(), Failure> {
    if record.fields().expired_at(now) {
        let expires = record.fields().expires_at();
        return Err(Failure::new(kinds::EXPIRED, format!("expired at Unix {expires}")));
    }
    Ok(())
}
