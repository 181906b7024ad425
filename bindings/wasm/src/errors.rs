//! kmipkit errors as JavaScript `Error` objects.
//!
//! Every core error becomes an `Error` whose message is the core's (which never holds key bytes,
//! passwords or plaintext) with:
//! - `.code`: the kind's stable symbol from the core ([`ErrorKind::symbol`]: `KMIPKIT_INTEGRITY`,
//!   `KMIPKIT_LIMIT_EXCEEDED`), as the Node package shows it too;
//! - `.kmipkitCode`: the kind's stable numeric code (`0x0501` for `Integrity`), as in C;
//! - `.kind`: the kind's name (`Integrity`) and `.category` its class (`ciphertext`);
//! - `.reason`: for a server's refusal, the KMIP Result Reason name; otherwise `undefined`.
//!
//! Arguments the binding itself refuses (a key that is not 32 bytes, an object used after
//! `finish`) are a `TypeError` with `.code = "KMIPKIT_INVALID_ARGUMENT"` and no `.kmipkitCode`:
//! they are caller bugs, not outcomes the core reports.

use js_sys::{Error as JsError, Reflect, TypeError};
use kmipkit::Error;
use wasm_bindgen::JsValue;

/// The `.code` of argument errors raised by the binding itself.
pub const INVALID_ARGUMENT: &str = "KMIPKIT_INVALID_ARGUMENT";

/// The JavaScript `Error` for a core error.
pub fn to_js(err: Error) -> JsValue {
    let kind = err.kind();
    let js = JsError::new(&err.to_string());
    js.set_name("KmipkitError");
    let reason = match &err {
        Error::Server { reason, .. } => JsValue::from_str(&reason.to_string()),
        _ => JsValue::UNDEFINED,
    };
    set(&js, "code", &JsValue::from_str(kind.symbol()));
    set(&js, "kmipkitCode", &JsValue::from(kind.code()));
    set(&js, "kind", &JsValue::from_str(kind.name()));
    set(&js, "category", &JsValue::from_str(kind.category().name()));
    set(&js, "reason", &reason);
    js.into()
}

/// A `TypeError` for an argument the binding refuses before the core sees it.
pub fn invalid(message: &str) -> JsValue {
    let js = TypeError::new(message);
    set(&js, "code", &JsValue::from_str(INVALID_ARGUMENT));
    js.into()
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Defining a property on a fresh Error object cannot fail (it is extensible and the names
    // are not accessors); were it to, the error would still carry its message.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Shorthand: core results into JavaScript results.
pub trait IntoJs<T> {
    /// Converts the core error, if any, into its JavaScript `Error`.
    fn js(self) -> Result<T, JsValue>;
}

impl<T> IntoJs<T> for Result<T, Error> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(to_js)
    }
}
