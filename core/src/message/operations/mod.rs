//! Typed payloads of every operation, grouped by purpose.

mod attributes_ops;
mod create;
mod crypto;
mod get;
mod import;
mod lifecycle;
mod query;
mod rekey;

pub use attributes_ops::*;
pub use create::*;
pub use crypto::*;
pub use get::*;
pub use import::*;
pub use lifecycle::*;
pub use query::*;
pub use rekey::*;
