//! Which key server family the live tests run against, chosen by `KMIPKIT_TEST_SERVER`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that chooses the server family: `pykmip` (the default when it is
/// unset or empty) or `cosmian`.
pub const SERVER_VARIABLE: &str = "KMIPKIT_TEST_SERVER";

/// A family of real key servers the kit can start, each through its harness under
/// `conformance/` (same commands, same PKI, same JSON report keys).
///
/// ```
/// use kmipkit_testkit::Family;
/// assert_eq!(Family::parse("cosmian"), Ok(Family::Cosmian));
/// assert_eq!(Family::parse(""), Ok(Family::PyKmip));
/// assert!(Family::parse("vault").unwrap_err().contains("KMIPKIT_TEST_SERVER"));
/// assert_eq!(Family::Cosmian.name(), "cosmian");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// PyKMIP 0.11 (`conformance/pykmip/kmip-test-server`).
    PyKmip,
    /// Cosmian KMS 5.28 (`conformance/cosmian/kms-test-server`).
    Cosmian,
}

impl Family {
    /// The family a value of [`SERVER_VARIABLE`] names; empty means PyKMIP.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value {
            "" | "pykmip" => Ok(Self::PyKmip),
            "cosmian" => Ok(Self::Cosmian),
            other => Err(format!(
                "{SERVER_VARIABLE}={other:?} names no server family the live tests know: \
                 use pykmip (the default) or cosmian"
            )),
        }
    }

    /// The family this test process runs against (read once from [`SERVER_VARIABLE`]); panics
    /// with what to set when the variable names no known family.
    pub fn current() -> Self {
        static CURRENT: OnceLock<Family> = OnceLock::new();
        *CURRENT.get_or_init(|| {
            let value = std::env::var(SERVER_VARIABLE).unwrap_or_default();
            Self::parse(value.trim()).unwrap_or_else(|why| panic!("{why}"))
        })
    }

    /// `pykmip` or `cosmian`, as in [`SERVER_VARIABLE`].
    pub fn name(self) -> &'static str {
        match self {
            Self::PyKmip => "pykmip",
            Self::Cosmian => "cosmian",
        }
    }

    /// The harness that starts and stops servers of this family.
    pub(crate) fn harness(self) -> PathBuf {
        let conformance = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        match self {
            Self::PyKmip => conformance.join("pykmip").join("kmip-test-server"),
            Self::Cosmian => conformance.join("cosmian").join("kms-test-server"),
        }
    }
}
