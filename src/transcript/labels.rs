//! Every transcript label, domain separator and derivation label of the crate.
//!
//! Each constant here is listed in `docs/PROTOCOL.md`; a unit test in
//! `transcript.rs` fails if one is missing there. Labels are versioned ASCII;
//! a change of meaning is a change of version.

// ----- Protocol names (the first message of each fresh transcript) -----

/// Transcript created for a vault key proof of possession.
pub(crate) const PROTOCOL_VAULT_KEY_PROOF: &[u8] = b"vaultseal-vault-key-proof-v1";
/// Transcript created for a sealed item (range + validity + key-binding proofs).
pub(crate) const PROTOCOL_SEALED: &[u8] = b"vaultseal-sealed-v1";
/// Transcript created for a threshold dealing (one per share: the common
/// statement, then the share index).
pub(crate) const PROTOCOL_THRESHOLD: &[u8] = b"vaultseal-threshold-v1";
/// Transcript created for a key share re-sealed to a combiner.
pub(crate) const PROTOCOL_SHARE_TRANSFER: &[u8] = b"vaultseal-share-transfer-v1";
/// Transcript created for batch-verification weights.
pub(crate) const PROTOCOL_BATCH_WEIGHTS: &[u8] = b"vaultseal-batch-weights-v1";
/// Transcript created for the synthetic randomness of a hybrid envelope
/// (its file key and HPKE ephemeral keys).
pub(crate) const PROTOCOL_HYBRID_SEAL: &[u8] = b"vaultseal-hybrid-seal-v1";

// ----- Domain separators inside a transcript -----

/// Label under which a protocol name is written (`Transcript::new` label).
pub(crate) const DOM_SEP: &[u8] = b"dom-sep";
/// Range proof domain separator (followed by `n` and `M`).
pub(crate) const RANGE_PROOF_DOM_SEP: &[u8] = b"vaultseal-range-proof-v1";
/// Inner-product argument domain separator (followed by its length).
pub(crate) const INNER_PRODUCT_DOM_SEP: &[u8] = b"vaultseal-inner-product-v1";
/// Validity proof domain separator (followed by `k` and `v`).
pub(crate) const VALIDITY_DOM_SEP: &[u8] = b"vaultseal-validity-v1";
/// Key-binding proof domain separator.
pub(crate) const KEY_BINDING_DOM_SEP: &[u8] = b"vaultseal-key-binding-v1";

// ----- Context fields -----

/// Context: project id.
pub(crate) const CTX_PROJECT: &[u8] = b"ctx-project";
/// Context: repository id.
pub(crate) const CTX_REPOSITORY: &[u8] = b"ctx-repository";
/// Context: purpose byte.
pub(crate) const CTX_PURPOSE: &[u8] = b"ctx-purpose";
/// Context: owner Ed25519 public key.
pub(crate) const CTX_OWNER: &[u8] = b"ctx-owner";
/// Context: whether the optional extra field is present (0 or 1).
pub(crate) const CTX_EXTRA_PRESENT: &[u8] = b"ctx-extra-present";
/// Context: the optional extra bytes (only when present).
pub(crate) const CTX_EXTRA: &[u8] = b"ctx-extra";

// ----- Statement parameters -----

/// Payload kind (the purpose byte).
pub(crate) const KIND: &[u8] = b"kind";
/// Payload length in bytes.
pub(crate) const PAYLOAD_LEN: &[u8] = b"L";
/// Number of 16-bit chunks.
pub(crate) const CHUNK_COUNT: &[u8] = b"k";
/// Number of recipients.
pub(crate) const RECIPIENT_COUNT: &[u8] = b"v";
/// Bits per range-proof value.
pub(crate) const RANGE_BITS: &[u8] = b"n";
/// Number of aggregated range-proof values (a power of two).
pub(crate) const RANGE_VALUES: &[u8] = b"M";
/// Inner-product vector length.
pub(crate) const IPP_LEN: &[u8] = b"ipp-n";

// ----- Statement elements -----

/// A vault sealing key `Y`.
pub(crate) const VAULT_Y: &[u8] = b"Y";
/// A vault KEM key `W`.
pub(crate) const VAULT_W: &[u8] = b"W";
/// A chunk commitment `C_i`.
pub(crate) const COMMITMENT: &[u8] = b"C";
/// A decrypt handle `D_ij`.
pub(crate) const HANDLE: &[u8] = b"D";
/// A deploy public key `A`.
pub(crate) const DEPLOY_A: &[u8] = b"A";
/// The cofactor preimage `A′` of the deploy public key.
pub(crate) const DEPLOY_A_PRIME: &[u8] = b"A-prime";

// ----- Threshold dealings -----

/// The threshold `t` of a dealing.
pub(crate) const THRESHOLD_T: &[u8] = b"threshold-t";
/// The number of shares `n` of a dealing.
pub(crate) const THRESHOLD_N: &[u8] = b"threshold-n";
/// A Feldman commitment `F′_u = (a_u·8⁻¹)·B` (u = 1..t−1).
pub(crate) const FELDMAN_F_PRIME: &[u8] = b"feldman-F-prime";
/// A Feldman commitment `F_u = a_u·B` (a key share's, torsion-free).
pub(crate) const FELDMAN_F: &[u8] = b"feldman-F";
/// A dealing id (32 bytes).
pub(crate) const DEALING_ID_FIELD: &[u8] = b"dealing-id";
/// The index `j` of a share (its evaluation point).
pub(crate) const SHARE_INDEX: &[u8] = b"share-index";
/// Dealing id: `SHA-512/256(label ‖ context ‖ dealing header)`.
pub(crate) const DEALING_ID: &[u8] = b"vaultseal-dealing-id-v1";

// ----- Vault key proof of possession -----

/// Vault record field bytes covered by the proof (region, endpoint, epoch).
pub(crate) const POP_RECORD: &[u8] = b"record";
/// Proof of possession nonce commitment `T`.
pub(crate) const POP_T: &[u8] = b"T";
/// Proof of possession challenge `c`.
pub(crate) const POP_C: &[u8] = b"c";
/// Proof of possession response `z`.
pub(crate) const POP_Z: &[u8] = b"z";

// ----- Range proof messages and challenges -----

/// Bit commitment `A`.
pub(crate) const RP_A: &[u8] = b"rp-A";
/// Blinding commitment `S`.
pub(crate) const RP_S: &[u8] = b"rp-S";
/// Challenge `y`.
pub(crate) const RP_Y: &[u8] = b"rp-y";
/// Challenge `z`.
pub(crate) const RP_Z: &[u8] = b"rp-z";
/// Polynomial commitment `T₁`.
pub(crate) const RP_T1: &[u8] = b"rp-T1";
/// Polynomial commitment `T₂`.
pub(crate) const RP_T2: &[u8] = b"rp-T2";
/// Challenge `x`.
pub(crate) const RP_X: &[u8] = b"rp-x";
/// Blinding of `t̂`: `τx`.
pub(crate) const RP_TAU_X: &[u8] = b"rp-tau-x";
/// Blinding of `A`, `S`: `μ`.
pub(crate) const RP_MU: &[u8] = b"rp-mu";
/// Evaluation `t̂`.
pub(crate) const RP_T_HAT: &[u8] = b"rp-t-hat";
/// Challenge `w` (inner-product base `Q = w·G`).
pub(crate) const RP_W: &[u8] = b"rp-w";
/// Inner-product round message `L_j`.
pub(crate) const IPP_L: &[u8] = b"ipp-L";
/// Inner-product round message `R_j`.
pub(crate) const IPP_R: &[u8] = b"ipp-R";
/// Inner-product round challenge `u_j`.
pub(crate) const IPP_U: &[u8] = b"ipp-u";
/// Inner-product final scalar `a`.
pub(crate) const IPP_A: &[u8] = b"ipp-a";
/// Inner-product final scalar `b`.
pub(crate) const IPP_B: &[u8] = b"ipp-b";

// ----- Validity and key-binding (sigma) proofs -----

/// Validity challenge `t` (chunk weights `tⁱ`).
pub(crate) const SIGMA_T: &[u8] = b"sigma-t";
/// Validity nonce commitment `T_0 = a·G + b·H`.
pub(crate) const SIGMA_T0: &[u8] = b"sigma-T0";
/// Validity nonce commitment `T_j = b·Y_j`.
pub(crate) const SIGMA_TJ: &[u8] = b"sigma-Tj";
/// Key-binding nonce commitment `U_0 = a′·G + b′·H`.
pub(crate) const SIGMA_U0: &[u8] = b"sigma-U0";
/// Key-binding nonce commitment `U_1 = a′·B` (Edwards).
pub(crate) const SIGMA_U1: &[u8] = b"sigma-U1";
/// Sigma challenge `c`.
pub(crate) const SIGMA_C: &[u8] = b"sigma-c";
/// Response `z_m`.
pub(crate) const SIGMA_Z_M: &[u8] = b"sigma-z-m";
/// Response `z_r`.
pub(crate) const SIGMA_Z_R: &[u8] = b"sigma-z-r";
/// Response `z_s`.
pub(crate) const SIGMA_Z_S: &[u8] = b"sigma-z-s";
/// Response `z_rs`.
pub(crate) const SIGMA_Z_RS: &[u8] = b"sigma-z-rs";

// ----- Prover randomness (witness rekeying of merlin's TranscriptRng) -----

/// Witness bytes mixed into the prover RNG.
pub(crate) const WITNESS: &[u8] = b"witness";

// ----- Batch weights -----

/// One batch item's bytes, mixed into the weight RNG.
pub(crate) const BATCH_ITEM: &[u8] = b"batch-item";
/// The number of items of a batch, absorbed before their digests.
pub(crate) const BATCH_LEN: &[u8] = b"batch-len";
/// SHA-512 prefix of one item's digest (kind, encoding, statement).
pub(crate) const BATCH_ITEM_DIGEST: &[u8] = b"vaultseal-batch-item-v1";
/// SHA-512 prefix of one weight: `‖ seed ‖ u64(item) ‖ u64(counter)`.
pub(crate) const BATCH_WEIGHT: &[u8] = b"vaultseal-batch-weight-v1";

// ----- Generators (hash-to-group inputs, hashed with SHA-512) -----

/// `H`, the Pedersen blinding generator.
pub(crate) const GENERATOR_H: &[u8] = b"vaultseal-generator-H-v1";
/// `G_vec[i]`, followed by `i` as 4 little-endian bytes.
pub(crate) const GENERATOR_G_VEC: &[u8] = b"vaultseal-generator-G-vec-v1";
/// `H_vec[i]`, followed by `i` as 4 little-endian bytes.
pub(crate) const GENERATOR_H_VEC: &[u8] = b"vaultseal-generator-H-vec-v1";

// ----- Vault selection -----

/// SHA-512 label of the rendezvous hash of (project id, vault key).
pub(crate) const RENDEZVOUS: &[u8] = b"vaultseal-rendezvous-v1";

// ----- Key derivation -----

/// SHA-512 label deriving a vault's sealing secret `x` from a seed.
pub(crate) const VAULT_SEED_X: &[u8] = b"vaultseal-vault-seed-x-v1";
/// SHA-512 label deriving a vault's KEM secret `w` from a seed.
pub(crate) const VAULT_SEED_W: &[u8] = b"vaultseal-vault-seed-w-v1";
/// SHA-512 label deriving a deploy key's Ed25519 nonce prefix from its
/// scalar `s`.
pub(crate) const DEPLOY_KEY_NONCE_PREFIX: &[u8] = b"vaultseal-deploy-key-nonce-prefix-v1";

// ----- Hybrid envelopes (HPKE wraps + one payload AEAD) -----

/// HPKE `info` prefix of every wrap: `info = label ‖ Context::to_bytes()`.
pub(crate) const HYBRID_HPKE_INFO: &[u8] = b"vaultseal-hybrid-wrap-v1";
/// HKDF-SHA256 salt of the file-key extraction `prk = Extract(label, K)`.
pub(crate) const HYBRID_KDF_SALT: &[u8] = b"vaultseal-hybrid-kdf-v1";
/// HKDF-Expand `info` of the payload key.
pub(crate) const HYBRID_PAYLOAD_KEY: &[u8] = b"payload";
/// HKDF-Expand `info` of the key commitment stored in the header.
pub(crate) const HYBRID_KEY_COMMIT: &[u8] = b"key-commit";
/// SHA-256 of the caller's associated data, absorbed by the hybrid seal
/// transcript.
pub(crate) const HYBRID_AD_DIGEST: &[u8] = b"ad-sha256";

// ----- Registrations -----

/// Prefix of the message the owner signs: `label ‖ encoding without the
/// signature`.
pub(crate) const REGISTRATION_SIGNATURE: &[u8] = b"vaultseal-registration-v1";
/// Registration signature prefix of a threshold registration (version 2).
pub(crate) const REGISTRATION_SIGNATURE_V2: &[u8] = b"vaultseal-registration-v2";
/// SHA-512/256 prefix of a registration id: `‖ full encoding`.
pub(crate) const REGISTRATION_ID: &[u8] = b"vaultseal-registration-id-v1";
/// SHA-512/256 prefix of a project id: `‖ owner key ‖ u8(|name|) ‖ name`.
pub(crate) const PROJECT_ID: &[u8] = b"vaultseal-project-id-v1";
/// Context `extra` of a registration's sealed items: `label ‖ role byte`.
pub(crate) const REGISTRATION_CONTEXT: &[u8] = b"vaultseal-registration-context-v1";

/// All labels, for the documentation test.
#[cfg(test)]
pub(crate) const ALL: &[&[u8]] = &[
    PROTOCOL_VAULT_KEY_PROOF,
    PROTOCOL_SEALED,
    PROTOCOL_BATCH_WEIGHTS,
    PROTOCOL_HYBRID_SEAL,
    PROTOCOL_THRESHOLD,
    PROTOCOL_SHARE_TRANSFER,
    FELDMAN_F,
    DEALING_ID_FIELD,
    THRESHOLD_T,
    THRESHOLD_N,
    FELDMAN_F_PRIME,
    SHARE_INDEX,
    DEALING_ID,
    DOM_SEP,
    RANGE_PROOF_DOM_SEP,
    INNER_PRODUCT_DOM_SEP,
    VALIDITY_DOM_SEP,
    KEY_BINDING_DOM_SEP,
    CTX_PROJECT,
    CTX_REPOSITORY,
    CTX_PURPOSE,
    CTX_OWNER,
    CTX_EXTRA_PRESENT,
    CTX_EXTRA,
    KIND,
    PAYLOAD_LEN,
    CHUNK_COUNT,
    RECIPIENT_COUNT,
    RANGE_BITS,
    RANGE_VALUES,
    IPP_LEN,
    VAULT_Y,
    VAULT_W,
    COMMITMENT,
    HANDLE,
    DEPLOY_A,
    DEPLOY_A_PRIME,
    POP_RECORD,
    POP_T,
    POP_C,
    POP_Z,
    RP_A,
    RP_S,
    RP_Y,
    RP_Z,
    RP_T1,
    RP_T2,
    RP_X,
    RP_TAU_X,
    RP_MU,
    RP_T_HAT,
    RP_W,
    IPP_L,
    IPP_R,
    IPP_U,
    IPP_A,
    IPP_B,
    SIGMA_T,
    SIGMA_T0,
    SIGMA_TJ,
    SIGMA_U0,
    SIGMA_U1,
    SIGMA_C,
    SIGMA_Z_M,
    SIGMA_Z_R,
    SIGMA_Z_S,
    SIGMA_Z_RS,
    WITNESS,
    BATCH_ITEM,
    BATCH_LEN,
    BATCH_ITEM_DIGEST,
    BATCH_WEIGHT,
    GENERATOR_H,
    GENERATOR_G_VEC,
    GENERATOR_H_VEC,
    VAULT_SEED_X,
    VAULT_SEED_W,
    RENDEZVOUS,
    DEPLOY_KEY_NONCE_PREFIX,
    HYBRID_HPKE_INFO,
    HYBRID_KDF_SALT,
    HYBRID_PAYLOAD_KEY,
    HYBRID_KEY_COMMIT,
    HYBRID_AD_DIGEST,
    REGISTRATION_SIGNATURE,
    REGISTRATION_SIGNATURE_V2,
    REGISTRATION_ID,
    PROJECT_ID,
    REGISTRATION_CONTEXT,
];
