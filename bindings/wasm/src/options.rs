//! The options objects of the JS API, read field by field: an unknown field
//! is refused (a misspelt `regoins` must not silently mean "any region"),
//! `undefined` and `null` mean absent, and every number is checked to be an
//! integer in range before it is used.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::failure::Failure;

/// The largest integer a JS number holds exactly, `2⁵³ − 1`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// An options object being read.
#[derive(Debug)]
pub struct Options {
    object: Object,
}

impl Options {
    /// `value` as an options object whose fields are all among `known`.
    ///
    /// # Errors
    /// An options failure if `value` is not an object or has another field.
    pub fn new(value: &JsValue, known: &[&str]) -> Result<Self, Failure> {
        if !value.is_object() || Array::is_array(value) {
            return Err(Failure::options("expected an options object"));
        }
        let object = Object::from(value.clone());
        for key in Object::keys(&object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(Failure::options(format!(
                    "unknown option '{key}' (known: {})",
                    known.join(", ")
                )));
            }
        }
        Ok(Options { object })
    }

    /// The field, `None` when absent, `undefined` or `null`.
    fn get(&self, key: &str) -> Option<JsValue> {
        let value = Reflect::get(&self.object, &key.into()).ok()?;
        (!value.is_undefined() && !value.is_null()).then_some(value)
    }

    /// A string field, if present.
    ///
    /// # Errors
    /// If present and not a string.
    pub fn string(&self, key: &str) -> Result<Option<String>, Failure> {
        self.get(key)
            .map(|value| {
                value
                    .as_string()
                    .ok_or_else(|| Failure::options(format!("'{key}' must be a string")))
            })
            .transpose()
    }

    /// A required string field.
    ///
    /// # Errors
    /// If absent or not a string.
    pub fn required_string(&self, key: &str) -> Result<String, Failure> {
        self.string(key)?.ok_or_else(|| Failure::options(format!("'{key}' is required")))
    }

    /// An array of strings, if present.
    ///
    /// # Errors
    /// If present and not an array of strings.
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, Failure> {
        self.get(key).map(|value| strings(&value, key)).transpose()
    }

    /// A required array of strings.
    ///
    /// # Errors
    /// If absent or not an array of strings.
    pub fn required_strings(&self, key: &str) -> Result<Vec<String>, Failure> {
        self.strings(key)?.ok_or_else(|| Failure::options(format!("'{key}' is required")))
    }

    /// An integer field in `0..=max`, if present.
    ///
    /// # Errors
    /// If present and not a number, not an integer, or out of range.
    pub fn integer(&self, key: &str, max: u64) -> Result<Option<u64>, Failure> {
        let Some(value) = self.get(key) else { return Ok(None) };
        let out_of_range = || Failure::options(format!("'{key}' must be an integer in 0..={max}"));
        let number = value.as_f64().ok_or_else(out_of_range)?;
        // `max` above 2⁵³ − 1 is not exact as a double: cap at the safe range.
        let limit = MAX_SAFE_INTEGER.min(max as f64);
        if !(number.is_finite() && number.fract() == 0.0 && (0.0..=limit).contains(&number)) {
            return Err(out_of_range());
        }
        // In range and integral: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Some(number as u64))
    }

    /// A function field, if present.
    ///
    /// # Errors
    /// If present and not a function.
    pub fn function(&self, key: &str) -> Result<Option<Function>, Failure> {
        self.get(key)
            .map(|value| {
                value
                    .dyn_into::<Function>()
                    .map_err(|_| Failure::options(format!("'{key}' must be a function")))
            })
            .transpose()
    }
}

/// `value` as an array of strings (`what` names it in errors).
///
/// # Errors
/// If it is not an array, or an element is not a string.
pub fn strings(value: &JsValue, what: &str) -> Result<Vec<String>, Failure> {
    if !Array::is_array(value) {
        return Err(Failure::options(format!("'{what}' must be an array of strings")));
    }
    Array::from(value)
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_string()
                .ok_or_else(|| Failure::options(format!("'{what}[{i}]' must be a string")))
        })
        .collect()
}
