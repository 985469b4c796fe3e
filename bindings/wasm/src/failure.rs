//! What the functions throw: a JS `Error` whose `message` is the crate's and
//! whose `kind` is a stable string (`Failure::kind`), so that callers branch
//! on `error.kind` and show `error.message`.

use alloc::string::{String, ToString};

use vaultseal::Error;
use wasm_bindgen::JsValue;

/// A failure on its way to JS: a stable kind and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    kind: &'static str,
    message: String,
}

/// The stable `kind` strings, one per way to fail.
pub mod kinds {
    /// An options object is missing a field, has one of the wrong type, or
    /// names one the function does not know.
    pub const OPTIONS: &str = "options";
    /// Text that is not the armor the CLI writes (`-----BEGIN VAULTSEAL …`).
    pub const ARMOR: &str = "armor";
    /// Armor of another kind than the function takes (a sealed secret where
    /// a vault record is expected).
    pub const WRONG_KIND: &str = "wrong-kind";
    /// The armored bytes do not decode (`vaultseal::Error::Decode`).
    pub const DECODE: &str = "decode";
    /// A value the crate refuses: a project name, a ref, a recipient count,
    /// too few eligible vaults… (`vaultseal::Error::InvalidInput`).
    pub const INVALID_INPUT: &str = "invalid-input";
    /// A proof or signature does not verify (`vaultseal::Error::Verification`).
    pub const VERIFICATION: &str = "verification";
    /// A vault record has expired.
    pub const EXPIRED: &str = "expired";
    /// A registration check failed (`vaultseal::Error::Registration`).
    pub const REGISTRATION: &str = "registration";
    /// A threshold dealing check failed (`vaultseal::Error::Threshold`).
    pub const THRESHOLD: &str = "threshold";
    /// Any other failure of the crate (decryption, which nothing here does).
    pub const OTHER: &str = "other";
}

impl Failure {
    /// A failure of `kind` saying `message`.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Failure { kind, message: message.into() }
    }

    /// An options failure.
    pub fn options(message: impl Into<String>) -> Self {
        Failure::new(kinds::OPTIONS, message)
    }

    /// The stable kind string.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The crate's error, its message prefixed with `context` (say, which
    /// input it is about) when not empty.
    pub fn from_crate(error: Error, context: &str) -> Self {
        let message = if context.is_empty() {
            error.to_string()
        } else {
            alloc::format!("{context}: {error}")
        };
        Failure::new(crate_kind(&error), message)
    }

    /// The JS `Error` to throw: `message`, `name` "VaultsealError" and
    /// `kind`.
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("VaultsealError");
        // Setting a property on a fresh `Error` object cannot fail.
        let _ = js_sys::Reflect::set(&error, &"kind".into(), &self.kind.into());
        error.into()
    }
}

impl From<Failure> for JsValue {
    fn from(failure: Failure) -> JsValue {
        failure.into_js()
    }
}

/// The stable kind of a crate error.
pub fn crate_kind(error: &Error) -> &'static str {
    match error {
        Error::Decode { .. } => kinds::DECODE,
        Error::InvalidInput { .. } => kinds::INVALID_INPUT,
        Error::Verification => kinds::VERIFICATION,
        Error::Registration { .. } => kinds::REGISTRATION,
        Error::Threshold { .. } => kinds::THRESHOLD,
        _ => kinds::OTHER,
    }
}
