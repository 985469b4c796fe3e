//! The options objects and arrays of the JS API, read field by field:
//!
//! - an unknown field is refused (a misspelt `regoins` must not silently
//!   mean "any region");
//! - `undefined` and `null` mean absent;
//! - every number is checked to be an integer in range before it is used;
//! - every read that can run JS (a getter, a `Proxy` trap) goes through a
//!   catching call, so that a throwing getter is an `options` failure, never
//!   "absent" and never an exception unwinding through Rust frames (which
//!   would skip their wiping `Drop`s);
//! - string arrays are bounded ([`MAX_ITEMS`] strings of at most
//!   [`MAX_STRING_LEN`] UTF-16 units, [`MAX_TOTAL_LEN`] in all) before
//!   anything is copied into wasm memory.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Function, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::failure::Failure;

/// The largest integer a JS number holds exactly, `2⁵³ − 1`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// At most this many strings in an array option.
pub const MAX_ITEMS: usize = 4096;

/// At most this many UTF-16 units in one string (a registration is about
/// 15 KB of armor, an 8-vault threshold dealing under 100 KB).
pub const MAX_STRING_LEN: u32 = 1 << 20;

/// At most this many UTF-16 units in all the strings of one array.
pub const MAX_TOTAL_LEN: u64 = 64 << 20;

#[wasm_bindgen]
extern "C" {
    /// `Array.isArray`, catching (a revoked `Proxy` throws).
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

/// An options object being read.
#[derive(Debug)]
pub struct Options {
    object: Object,
}

impl Options {
    /// `value` as an options object whose own fields are all among `known`.
    ///
    /// # Errors
    /// An options failure if `value` is not an object, is an array, has
    /// another field, or cannot be read.
    pub fn new(value: &JsValue, known: &[&str]) -> Result<Self, Failure> {
        let unreadable = |_| Failure::options("the options object cannot be read");
        if !value.is_object() || is_array(value).map_err(unreadable)? {
            return Err(Failure::options("expected an options object"));
        }
        let object: Object = value.clone().unchecked_into();
        for key in Reflect::own_keys(&object).map_err(unreadable)?.iter() {
            // Symbol keys are not options.
            let Some(key) = key.as_string() else { continue };
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
    ///
    /// # Errors
    /// If reading it throws (a getter, a `Proxy`).
    fn get(&self, key: &str) -> Result<Option<JsValue>, Failure> {
        let value = Reflect::get(&self.object, &key.into())
            .map_err(|_| Failure::options(format!("'{key}' cannot be read")))?;
        Ok((!value.is_undefined() && !value.is_null()).then_some(value))
    }

    /// A string field, if present.
    ///
    /// # Errors
    /// If present and not a string of at most [`MAX_STRING_LEN`] units.
    pub fn string(&self, key: &str) -> Result<Option<String>, Failure> {
        self.get(key)?.map(|value| string(&value, key)).transpose()
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
    /// As [`strings`].
    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, Failure> {
        self.get(key)?.map(|value| strings(&value, key)).transpose()
    }

    /// A required array of strings.
    ///
    /// # Errors
    /// If absent, or as [`strings`].
    pub fn required_strings(&self, key: &str) -> Result<Vec<String>, Failure> {
        self.strings(key)?.ok_or_else(|| Failure::options(format!("'{key}' is required")))
    }

    /// An integer field in `min..=max`, if present.
    ///
    /// # Errors
    /// If present and not a number, not an integer, or out of range.
    pub fn integer(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, Failure> {
        let Some(value) = self.get(key)? else { return Ok(None) };
        // The range a JS number can say exactly.
        let max = max.min(MAX_SAFE_INTEGER);
        let out_of_range =
            || Failure::options(format!("'{key}' must be an integer in {min}..={max}"));
        let number = value.as_f64().ok_or_else(out_of_range)?;
        // Bounds as doubles are exact: both are at most 2⁵³ − 1.
        #[allow(clippy::cast_precision_loss)]
        let (low, high) = (min as f64, max as f64);
        if !(number.is_finite() && number.fract() == 0.0 && (low..=high).contains(&number)) {
            return Err(out_of_range());
        }
        // In range and integral: the conversion is exact (-0 becomes 0).
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Some(number as u64))
    }

    /// A function field, if present.
    ///
    /// # Errors
    /// If present and not a function.
    pub fn function(&self, key: &str) -> Result<Option<Function>, Failure> {
        self.get(key)?
            .map(|value| {
                if value.is_function() {
                    Ok(value.unchecked_into::<Function>())
                } else {
                    Err(Failure::options(format!("'{key}' must be a function")))
                }
            })
            .transpose()
    }
}

/// `value` as a string of at most [`MAX_STRING_LEN`] UTF-16 units (`what`
/// names it in errors); its length is checked before it is copied.
///
/// # Errors
/// If it is not a string, or is longer.
pub fn string(value: &JsValue, what: &str) -> Result<String, Failure> {
    if !value.is_string() {
        return Err(Failure::options(format!("'{what}' must be a string")));
    }
    if value.unchecked_ref::<JsString>().length() > MAX_STRING_LEN {
        return Err(Failure::options(format!(
            "'{what}' is longer than {MAX_STRING_LEN} characters"
        )));
    }
    value.as_string().ok_or_else(|| Failure::options(format!("'{what}' must be a string")))
}

/// `value` as an array of at most [`MAX_ITEMS`] strings (`what` names it in
/// errors), every length checked before anything is copied.
///
/// # Errors
/// If it is not an array, is too long, an element is not a string or is too
/// long, or reading it throws.
pub fn strings(value: &JsValue, what: &str) -> Result<Vec<String>, Failure> {
    let unreadable = |_| Failure::options(format!("'{what}' cannot be read"));
    if !is_array(value).map_err(unreadable)? {
        return Err(Failure::options(format!("'{what}' must be an array of strings")));
    }
    let too_many = || Failure::options(format!("'{what}' has more than {MAX_ITEMS} elements"));
    let length = Reflect::get(value, &"length".into()).map_err(unreadable)?.as_f64();
    let length = match length {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(n) if (0.0..=MAX_ITEMS as f64).contains(&n) && n.fract() == 0.0 => n as u32,
        _ => return Err(too_many()),
    };
    // Read every element once, check them all, then copy.
    let mut elements: Vec<JsValue> = Vec::with_capacity(length as usize);
    let mut total: u64 = 0;
    for i in 0..length {
        let element = Reflect::get_u32(value, i).map_err(unreadable)?;
        if !element.is_string() {
            return Err(Failure::options(format!("'{what}[{i}]' must be a string")));
        }
        total += u64::from(element.unchecked_ref::<JsString>().length());
        elements.push(element);
    }
    if total > MAX_TOTAL_LEN {
        return Err(Failure::options(format!(
            "'{what}' holds more than {MAX_TOTAL_LEN} characters in all"
        )));
    }
    elements
        .iter()
        .enumerate()
        .map(|(i, element)| string(element, &format!("{what}[{i}]")))
        .collect()
}
