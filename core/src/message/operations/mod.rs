//! Typed payloads of every operation, grouped by purpose.

mod create;
mod get;
mod rekey;
mod attributes_ops;
mod crypto;
mod lifecycle;
mod query;

pub use create::*;
pub use get::*;
pub use rekey::*;
pub use attributes_ops::*;
pub use crypto::*;
pub use lifecycle::*;
pub use query::*;
