//! Verification of registrations: the checks of a registration as one batch
//! item ([`PreparedRegistration`]), [`ProjectRegistration::verify`] and
//! [`verify_registrations`], which produce the [`VerifiedRegistration`]s of
//! [`open`](super::open).
//!
//! A batch item is prepared once (when the batch decodes its items): the
//! owner's signature and every structural check run there, the directory
//! records of the recipients are looked up and the four contexts derived.
//! Each check of the batch then replays the transcripts of every
//! recipient's proof of possession and of the four sealed items, and pushes
//! their weighted equations (each part drawing its own weights from the
//! item's stream). When bisection names the item invalid,
//! [`PreparedRegistration::locate_failure`] checks its parts one by one with
//! fresh weights, so the error names the record or the item that fails.

use alloc::boxed::Box;
use alloc::vec::Vec;

use ed25519_dalek::{Signature, VerifyingKey};
use rand_core::CryptoRng;

use super::open::VerifiedRegistration;
use super::wire::{SIGNATURE_LEN, signature_label, signed_message};
use super::{
    ProjectRegistration, RegisteredDeployKey, RepositoryRegistration, RepositoryRole,
    registration_id,
};
use crate::batch::BatchVerifier;
use crate::context::{Context, Purpose};
use crate::deploy_key::DeployPublicKey;
use crate::encoding::RecipientCache;
use crate::error::{Error, RegistrationFailure};
use crate::msm::{
    BatchItem, Equations, Held, ItemKind, MontgomeryScalar, Msm, Replayed, Source, TermCount,
    WeightSource, Weights, item_digest, map_items_with, push_alone, verify_one,
};
use crate::params::Params;
use crate::sealed::{SealedDeployKey, SealedKind, SealedSecret};
use crate::threshold::ThresholdSealedDeployKey;
use crate::vault::{VaultPublicKey, VaultRecord};

#[cfg(test)]
mod wycheproof;

/// The vault's check, against the git host, that a registrant controls a
/// repository: is this deploy key installed on it?
///
/// Only a repository admin can install a deploy key, so a yes for the exact
/// key the registration binds proves that the registrant administers the
/// repository. A real implementation asks the git host's API (for GitHub,
/// `GET /repos/{owner}/{repo}/keys`, comparing the OpenSSH blob of each key
/// with [`DeployPublicKey::to_openssh_blob`]); it is called only for
/// registrations whose every cryptographic check passed, once per repository.
///
/// Closures `Fn(&str, &DeployPublicKey) -> bool` implement it.
pub trait OwnershipCheck {
    /// Whether `key` is installed as a deploy key on `repository` (the
    /// registration's repository ref).
    fn is_deploy_key_installed(&self, repository: &str, key: &DeployPublicKey) -> bool;
}

impl<F> OwnershipCheck for F
where
    F: Fn(&str, &DeployPublicKey) -> bool + ?Sized,
{
    fn is_deploy_key_installed(&self, repository: &str, key: &DeployPublicKey) -> bool {
        self(repository, key)
    }
}

/// A registration's checks that are not equations, done; what its equations
/// need, ready.
#[derive(Debug)]
pub(crate) struct PreparedRegistration<'a> {
    /// Per repository (wire order): the deploy key's and the webhook
    /// secret's contexts.
    contexts: [[Context; 2]; 2],
    /// Per recipient (registration order): its directory record and the
    /// record fields its proof covers.
    records: Vec<&'a VaultRecord>,
}

/// One proof of a registration.
#[derive(Clone, Copy)]
enum Part<'p> {
    Record(&'p VaultRecord),
    DeployKey(RepositoryRole, &'p SealedDeployKey, &'p Context),
    /// A threshold registration's deploy key, dealt in shares.
    DealtDeployKey(RepositoryRole, &'p ThresholdSealedDeployKey, &'p Context),
    WebhookSecret(RepositoryRole, &'p SealedSecret, &'p Context),
}

impl<'p> Part<'p> {
    /// Replay the part's transcript (nothing pushed yet).
    fn replay(self) -> Result<Box<dyn Replayed<'p> + 'p>, Error> {
        Ok(match self {
            Part::Record(record) => {
                let (public, fields) = (record.public_key(), record.fields_bytes());
                Box::new(record.proof().replay(public, fields))
            }
            Part::DeployKey(_, sealed, context) => Box::new(sealed.replay(context)?),
            Part::DealtDeployKey(_, dealing, context) => Box::new(dealing.replay(context, None)?),
            Part::WebhookSecret(_, sealed, context) => Box::new(sealed.replay(context)?),
        })
    }

    /// What a failure of this part is called.
    fn failure(self) -> RegistrationFailure {
        match self {
            Part::Record(..) => RegistrationFailure::RecipientRecordInvalid,
            Part::DeployKey(role, ..) | Part::DealtDeployKey(role, ..) => {
                RegistrationFailure::ItemProof { role, purpose: Purpose::DeployKey }
            }
            Part::WebhookSecret(role, ..) => {
                RegistrationFailure::ItemProof { role, purpose: Purpose::WebhookSecret }
            }
        }
    }
}

fn fail(why: RegistrationFailure) -> Error {
    Error::registration(why)
}

/// Step 1: the owner's Ed25519 signature on `message`, by the strict rule of
/// `docs/PROTOCOL.md` §10.3 (ed25519-dalek's `verify_strict`: `S < ℓ`, `R` and the key not of
/// small order, the recomputed `R` compared as bytes).
///
/// # Errors
/// [`RegistrationFailure::Signature`] if it does not verify.
fn verify_owner_signature(
    owner: &VerifyingKey,
    message: &[u8],
    signature: &Signature,
) -> Result<(), Error> {
    owner.verify_strict(message, signature).map_err(|_| fail(RegistrationFailure::Signature))
}

impl<'a> PreparedRegistration<'a> {
    /// Run every check that is not an equation, in the documented order
    /// (steps 1–5 of the [module documentation](super)). `encoding` is the
    /// registration's encoding when the batch decoded it (it is re-encoded
    /// otherwise).
    pub(crate) fn new(
        registration: &ProjectRegistration,
        encoding: Option<&[u8]>,
        vault: &VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> Result<Self, Error> {
        // 1. The owner's signature over the label and every other byte.
        let body = encoding.and_then(|bytes| {
            bytes.split_at_checked(bytes.len().checked_sub(SIGNATURE_LEN)?).map(|(body, _)| body)
        });
        let message = match body {
            Some(body) => signed_message(body),
            None => {
                let mut message = Vec::from(signature_label(registration.version()));
                registration.write_body(&mut message);
                message
            }
        };
        verify_owner_signature(&registration.owner, &message, &registration.signature)?;
        drop(message);

        // 2. Addressed to this vault.
        if !registration.recipients.contains(vault) {
            return Err(fail(RegistrationFailure::NotARecipient));
        }

        // 3. Roles and distinct repositories.
        let [first, second] = &registration.repositories;
        if (first.role, second.role) != (RepositoryRole::Config, RepositoryRole::Code) {
            return Err(fail(RegistrationFailure::Roles));
        }
        if first.repository == second.repository {
            return Err(fail(RegistrationFailure::DuplicateRepository));
        }
        if first.deploy_public_key == second.deploy_public_key {
            return Err(fail(RegistrationFailure::DuplicateDeployKey));
        }

        // 4. Each repository's key, recipients and payload length.
        let recipients: Vec<[u8; 32]> =
            registration.recipients.iter().map(VaultPublicKey::sealing_key_bytes).collect();
        for repository in &registration.repositories {
            let role = repository.role;
            if repository.deploy_public_key != repository.deploy_key.deploy_public_key() {
                return Err(fail(RegistrationFailure::DeployKeyMismatch { role }));
            }
            if !repository.deploy_key.is_sealed_to(&recipients) {
                let purpose = Purpose::DeployKey;
                return Err(fail(RegistrationFailure::RecipientMismatch { role, purpose }));
            }
            if let RegisteredDeployKey::Dealt(dealing) = &repository.deploy_key {
                if Some(dealing.threshold()) != registration.threshold() {
                    return Err(fail(RegistrationFailure::ThresholdMismatch { role }));
                }
            }
            let secret = &repository.sealed_webhook_secret;
            if !secret.recipients().eq(recipients.iter().copied()) {
                let purpose = Purpose::WebhookSecret;
                return Err(fail(RegistrationFailure::RecipientMismatch { role, purpose }));
            }
            if Purpose::WebhookSecret.fixed_payload_len() != Some(secret.payload_len()) {
                return Err(fail(RegistrationFailure::PayloadLength { role }));
            }
        }

        // 5. Every recipient in the directory (the first record with its key).
        let records = registration
            .recipients
            .iter()
            .map(|key| {
                directory
                    .iter()
                    .find(|record| record.public_key() == key)
                    .ok_or(fail(RegistrationFailure::UnknownRecipient))
            })
            .collect::<Result<Vec<_>, _>>()?;

        let contexts = |repository: &RepositoryRegistration| {
            Ok::<_, Error>([
                registration.item_context(repository, Purpose::DeployKey)?,
                registration.item_context(repository, Purpose::WebhookSecret)?,
            ])
        };
        let contexts = [contexts(first)?, contexts(second)?];
        Ok(PreparedRegistration { contexts, records })
    }

    /// Every proof of the registration: the recipients' records, then the
    /// sealed items by repository.
    fn parts<'p>(
        &'p self,
        registration: &'p ProjectRegistration,
    ) -> impl Iterator<Item = Part<'p>> {
        let records = self.records.iter().map(|record| Part::Record(record));
        let items = registration.repositories.iter().zip(&self.contexts).flat_map(
            |(repository, [k, w])| {
                let deploy_key = match &repository.deploy_key {
                    RegisteredDeployKey::Sealed(sealed) => {
                        Part::DeployKey(repository.role, sealed, k)
                    }
                    RegisteredDeployKey::Dealt(dealing) => {
                        Part::DealtDeployKey(repository.role, dealing, k)
                    }
                };
                [
                    deploy_key,
                    Part::WebhookSecret(repository.role, &repository.sealed_webhook_secret, w),
                ]
            },
        );
        records.chain(items)
    }

    /// Replay every part's transcript (step 6; nothing pushed yet). Every
    /// refusal that input can cause is a check of
    /// [`PreparedRegistration::new`]; only a zero challenge (probability
    /// about 2⁻²⁵² per proof) can still refuse here, naming its part.
    pub(crate) fn replay<'s>(
        &'s self,
        registration: &'s ProjectRegistration,
    ) -> Result<RegistrationReplay<'s>, Error> {
        let parts = self
            .parts(registration)
            .map(|part| part.replay().map_err(|_| fail(part.failure())))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(RegistrationReplay { parts })
    }

    /// Ristretto and Edwards terms its replay pushes (capacity hint).
    pub(crate) fn msm_terms(&self, registration: &ProjectRegistration) -> TermCount {
        // Per record one proof-of-possession term; per sealed item its own.
        let records = TermCount { ristretto: self.records.len(), edwards: 0 };
        registration.repositories.iter().fold(records, |terms, repository| {
            terms
                + match &repository.deploy_key {
                    RegisteredDeployKey::Sealed(sealed) => sealed.msm_terms(),
                    RegisteredDeployKey::Dealt(dealing) => dealing.msm_terms(),
                }
                + repository.sealed_webhook_secret.msm_terms()
        })
    }

    /// For an item that bisection found invalid: check each part alone with
    /// fresh weights, and name the first that fails.
    pub(crate) fn locate_failure(
        &self,
        registration: &ProjectRegistration,
        params: &Params,
        index: usize,
        source: &mut WeightSource,
    ) -> Error {
        for part in self.parts(registration) {
            let mut weights = Weights::for_item(&source.seed(), index);
            let mut msm = Msm::new();
            let Ok(replayed) = part.replay() else { return fail(part.failure()) };
            push_alone(replayed, params, &mut weights, &mut msm);
            if !msm.vartime_is_satisfied(params) {
                return fail(part.failure());
            }
        }
        // Every part holds under fresh weights: the failed check was a
        // false alarm of probability about 2⁻²⁵².
        Error::Verification
    }
}

/// A registration whose parts' transcripts are replayed
/// ([`PreparedRegistration::replay`]).
pub(crate) struct RegistrationReplay<'s> {
    parts: Vec<Box<dyn Replayed<'s> + 's>>,
}

impl<'s> Replayed<'s> for RegistrationReplay<'s> {
    /// Every part's.
    fn inversions<'v>(&'v mut self, slots: &mut Vec<&'v mut MontgomeryScalar>) {
        for part in &mut self.parts {
            part.inversions(slots);
        }
    }

    /// Every part's weighted equations, each part drawing its weights from
    /// the same stream in turn.
    fn push_equations(&self, params: &Params, weights: &mut Weights, msm: &mut Msm<'s>) {
        for part in &self.parts {
            part.push_equations(params, weights, msm);
        }
    }
}

/// A registration as a batch item: decoded or encoded, the encoding it was
/// decoded from when known (its signature is then checked over those
/// bytes), the verifying vault and the vault directory.
#[derive(Debug)]
struct RegistrationItem<'a> {
    registration: Source<'a, ProjectRegistration>,
    encoding: Option<&'a [u8]>,
    vault: &'a VaultPublicKey,
    directory: &'a [VaultRecord],
}

impl<'a> BatchItem<'a> for RegistrationItem<'a> {
    /// Kind 4; parts: the registration id (a collision-resistant digest of
    /// the whole encoding, so the encoding is not hashed again) and the
    /// verifying vault's key. The directory records' proofs are weighted
    /// from the same stream.
    fn digest(&self) -> [u8; 64] {
        let id = match self.registration {
            Source::Decoded(registration) => registration.registration_id(),
            Source::Encoded(bytes) => registration_id(bytes),
        };
        item_digest(ItemKind::Registration, &[&id, &self.vault.to_bytes()])
    }

    /// Decode, then every check that is not an equation
    /// ([`PreparedRegistration::new`]).
    fn prepare(&self, cache: &mut RecipientCache) -> Result<Box<dyn Equations + 'a>, Error> {
        let registration =
            self.registration.held(|b| ProjectRegistration::from_bytes_cached(b, cache))?;
        let prepared =
            PreparedRegistration::new(&registration, self.encoding, self.vault, self.directory)?;
        Ok(Box::new(RegistrationEquations { registration, prepared }))
    }
}

/// A registration that passed every check that is not an equation.
struct RegistrationEquations<'a> {
    registration: Held<'a, ProjectRegistration>,
    prepared: PreparedRegistration<'a>,
}

impl Equations for RegistrationEquations<'_> {
    fn msm_terms(&self) -> TermCount {
        self.prepared.msm_terms(&self.registration)
    }

    fn replay(&self, _params: &Params) -> Result<Box<dyn Replayed<'_> + '_>, Error> {
        Ok(Box::new(self.prepared.replay(&self.registration)?))
    }

    fn failure(&self, params: &Params, index: usize, source: &mut WeightSource) -> Error {
        self.prepared.locate_failure(&self.registration, params, index, source)
    }
}

impl<'a> BatchVerifier<'a> {
    /// Push a project registration to verify for `vault` against
    /// `directory`: one item (one index) that checks the owner's signature,
    /// every structural check, the recipients' records and all four sealed
    /// items, exactly as [`ProjectRegistration::verify`] does before it asks
    /// the git host about ownership (which a batch never does).
    pub fn push_registration(
        &mut self,
        registration: &'a ProjectRegistration,
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> usize {
        self.push_item(RegistrationItem {
            registration: Source::Decoded(registration),
            encoding: None,
            vault,
            directory,
        })
    }

    /// [`push_registration`](Self::push_registration) for a registration
    /// decoded from `encoding` (exactly its bytes: decoding is strict), so
    /// that its body is not encoded again for the signature check.
    fn push_registration_decoded_from(
        &mut self,
        registration: &'a ProjectRegistration,
        encoding: &'a [u8],
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> usize {
        self.push_item(RegistrationItem {
            registration: Source::Decoded(registration),
            encoding: Some(encoding),
            vault,
            directory,
        })
    }

    /// Push an encoded project registration (decoded by
    /// [`verify`](Self::verify), in parallel under `parallel`; a decoding
    /// error names the item).
    pub fn push_registration_bytes(
        &mut self,
        bytes: &'a [u8],
        vault: &'a VaultPublicKey,
        directory: &'a [VaultRecord],
    ) -> usize {
        self.push_item(RegistrationItem {
            registration: Source::Encoded(bytes),
            encoding: Some(bytes),
            vault,
            directory,
        })
    }
}

impl ProjectRegistration {
    /// Verify the registration for `vault`, against the vault `directory`,
    /// then ask `ownership` about each repository (the checks and their
    /// order are in the [module documentation](super)). One batch of one
    /// item, weighted with `rng`.
    ///
    /// # Errors
    /// [`Error::Registration`] naming the first check that fails.
    pub fn verify<R, O>(
        &self,
        params: &Params,
        vault: &VaultPublicKey,
        directory: &[VaultRecord],
        ownership: &O,
        rng: &mut R,
    ) -> Result<VerifiedRegistration, Error>
    where
        R: CryptoRng + ?Sized,
        O: OwnershipCheck + ?Sized,
    {
        let item = RegistrationItem {
            registration: Source::Decoded(self),
            encoding: None,
            vault,
            directory,
        };
        verify_one(params, &item, rng)?;
        after_proofs(self.clone(), vault, ownership)
    }
}

/// Verify many registrations for `vault` in one batch, then ask `ownership`
/// about the repositories of those whose proofs verified: result `i` is
/// registration `i`'s, exactly what [`ProjectRegistration::verify`] gives it.
pub fn verify_registrations<R, O>(
    params: &Params,
    registrations: Vec<ProjectRegistration>,
    vault: &VaultPublicKey,
    directory: &[VaultRecord],
    ownership: &O,
    rng: &mut R,
) -> Vec<Result<VerifiedRegistration, Error>>
where
    R: CryptoRng + ?Sized,
    O: OwnershipCheck + ?Sized,
{
    verify_many(params, registrations, None, vault, directory, ownership, rng)
}

/// [`verify_registrations`], with the encodings the registrations were
/// decoded from when known (their signatures are then checked over those
/// bytes instead of a re-encoding).
fn verify_many<R, O>(
    params: &Params,
    registrations: Vec<ProjectRegistration>,
    encodings: Option<&[&[u8]]>,
    vault: &VaultPublicKey,
    directory: &[VaultRecord],
    ownership: &O,
    rng: &mut R,
) -> Vec<Result<VerifiedRegistration, Error>>
where
    R: CryptoRng + ?Sized,
    O: OwnershipCheck + ?Sized,
{
    let outcome = {
        let mut batch = BatchVerifier::with_capacity(params, registrations.len());
        for (i, registration) in registrations.iter().enumerate() {
            match encodings.and_then(|encodings| encodings.get(i)) {
                Some(bytes) => {
                    batch.push_registration_decoded_from(registration, bytes, vault, directory)
                }
                None => batch.push_registration(registration, vault, directory),
            };
        }
        batch.verify(rng)
    };
    registrations
        .into_iter()
        .enumerate()
        .map(|(i, registration)| match outcome.as_ref().err().and_then(|e| e.error_for(i)) {
            Some(error) => Err(error),
            None => after_proofs(registration, vault, ownership),
        })
        .collect()
}

/// [`verify_registrations`] for encoded registrations: decode them (in
/// parallel under `parallel`), then verify those that decode in one batch.
/// Result `i` is encoding `i`'s, a decoding error included.
pub fn verify_registration_bytes<B, R, O>(
    params: &Params,
    encoded: &[B],
    vault: &VaultPublicKey,
    directory: &[VaultRecord],
    ownership: &O,
    rng: &mut R,
) -> Vec<Result<VerifiedRegistration, Error>>
where
    B: AsRef<[u8]> + Sync,
    R: CryptoRng + ?Sized,
    O: OwnershipCheck + ?Sized,
{
    let decoded = map_items_with(encoded, RecipientCache::default, |cache, bytes| {
        ProjectRegistration::from_bytes_cached(bytes.as_ref(), cache)
    });
    let mut results: Vec<Option<Result<VerifiedRegistration, Error>>> =
        Vec::with_capacity(encoded.len());
    let mut positions = Vec::with_capacity(encoded.len());
    let mut registrations = Vec::with_capacity(encoded.len());
    let mut encodings: Vec<&[u8]> = Vec::with_capacity(encoded.len());
    for ((i, item), bytes) in decoded.into_iter().enumerate().zip(encoded) {
        match item {
            Ok(registration) => {
                positions.push(i);
                registrations.push(registration);
                encodings.push(bytes.as_ref());
                results.push(None);
            }
            Err(error) => results.push(Some(Err(error))),
        }
    }
    let verified =
        verify_many(params, registrations, Some(&encodings), vault, directory, ownership, rng);
    for (position, result) in positions.into_iter().zip(verified) {
        if let Some(slot) = results.get_mut(position) {
            *slot = Some(result);
        }
    }
    results.into_iter().map(|r| r.unwrap_or(Err(Error::Verification))).collect()
}

/// Step 7: the git host's answer for each repository, after every proof
/// held; the verified registration.
fn after_proofs<O: OwnershipCheck + ?Sized>(
    registration: ProjectRegistration,
    vault: &VaultPublicKey,
    ownership: &O,
) -> Result<VerifiedRegistration, Error> {
    for repository in &registration.repositories {
        if !ownership.is_deploy_key_installed(&repository.repository, &repository.deploy_public_key)
        {
            return Err(fail(RegistrationFailure::OwnershipRefused { role: repository.role }));
        }
    }
    Ok(VerifiedRegistration::new(registration, vault))
}
