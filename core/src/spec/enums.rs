//! [`EnumInfo`] and the macros that the generated enumeration and mask newtypes expand from.

use std::fmt;

use super::VersionRange;

/// One enumeration or mask of the specification.
#[derive(Debug)]
pub struct EnumInfo {
    /// Its CamelCase name (`"CryptographicAlgorithm"`).
    pub name: &'static str,
    /// Its values (for a mask: its bits), sorted by value. A value renamed between versions
    /// appears once per name, the newest name first.
    pub values: &'static [EnumValue],
    /// Whether this is a bit mask (an `Integer` whose bits are the values).
    pub is_mask: bool,
    /// Indexes into `values`, sorted by name.
    #[doc(hidden)]
    pub by_name: &'static [u16],
}

/// One named value of an enumeration or one bit of a mask.
#[derive(Debug)]
pub struct EnumValue {
    /// Its CamelCase name as the KMIP XML encoding writes it (`"SymmetricKey"`).
    pub name: &'static str,
    /// Its numeric value.
    pub value: u32,
    /// The versions that define it.
    pub versions: VersionRange,
}

impl EnumInfo {
    /// The value called `name`.
    pub fn value_of(&self, name: &str) -> Option<u32> {
        self.by_name
            .binary_search_by(|&i| self.values[usize::from(i)].name.cmp(name))
            .ok()
            .map(|i| self.values[usize::from(self.by_name[i])].value)
    }

    /// The value named `text` as a person types it: case, `-`, `_` and spaces are ignored, so
    /// `pre-active`, `PRE_ACTIVE` and `PreActive` all name `State::PreActive`. `None` when no
    /// value matches, or when values with different numbers do (the text is ambiguous).
    ///
    /// ```
    /// use kmipkit::spec::{RevocationReasonCode, State};
    /// assert_eq!(State::INFO.value_of_loose("pre-active"), Some(State::PreActive.0));
    /// assert_eq!(State::INFO.value_of_loose("PreActive"), Some(State::PreActive.0));
    /// let code = RevocationReasonCode::INFO.value_of_loose("affiliation_changed");
    /// assert_eq!(code, Some(RevocationReasonCode::AffiliationChanged.0));
    /// assert_eq!(State::INFO.value_of_loose("activ"), None);
    /// ```
    pub fn value_of_loose(&self, text: &str) -> Option<u32> {
        let wanted = loose(text);
        let mut found = None;
        for v in self.values.iter().filter(|v| loose(v.name) == wanted) {
            match found {
                Some(value) if value != v.value => return None,
                _ => found = Some(v.value),
            }
        }
        found
    }

    /// The names of the values in kebab-case ([`kebab_case`]), by value, each value once: the
    /// spelling a command line lists.
    pub fn kebab_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut last = None;
        for v in self.values {
            if last != Some(v.value) {
                names.push(kebab_case(v.name));
            }
            last = Some(v.value);
        }
        names
    }

    /// The name of `value` (its newest name if it was renamed).
    pub fn name_of(&self, value: u32) -> Option<&'static str> {
        self.entry(value).map(|v| v.name)
    }

    /// The entry for `value` (its newest name if it was renamed).
    pub fn entry(&self, value: u32) -> Option<&'static EnumValue> {
        let i = self.values.partition_point(|v| v.value < value);
        self.values.get(i).filter(|v| v.value == value)
    }

    /// For a mask: the names of the bits set in `bits`, lowest bit first; bits without a name
    /// are returned once, together, as `Err(bits)`.
    pub fn mask_names(&'static self, bits: u32) -> MaskNames {
        let known = self
            .values
            .iter()
            .filter(|v| v.value.is_power_of_two())
            .fold(0, |a, v| a | v.value);
        MaskNames {
            info: self,
            rest: bits,
            known,
        }
    }
}

/// Iterator over the bits of a mask value: `Ok(name)` per known bit, then `Err(unknown_bits)`.
#[derive(Clone, Debug)]
pub struct MaskNames {
    info: &'static EnumInfo,
    rest: u32,
    known: u32,
}

impl Iterator for MaskNames {
    type Item = Result<&'static str, u32>;

    fn next(&mut self) -> Option<Self::Item> {
        let known = self.rest & self.known;
        if known != 0 {
            let bit = known & known.wrapping_neg();
            self.rest &= !bit;
            return Some(self.info.name_of(bit).ok_or(bit));
        }
        let unknown = std::mem::take(&mut self.rest);
        (unknown != 0).then_some(Err(unknown))
    }
}

/// Writes an enumeration value: its name, else `0x8000000A`-style hex.
pub(super) fn write_enum(f: &mut fmt::Formatter<'_>, info: &EnumInfo, value: u32) -> fmt::Result {
    match info.name_of(value) {
        Some(name) => f.write_str(name),
        None => write!(f, "{value:#010X}"),
    }
}

/// A CamelCase KMIP name in kebab-case, as command lines write values: `PreActive` →
/// `pre-active`, `PGPKey` → `pgp-key`, `SHA_256` → `sha-256`. [`EnumInfo::value_of_loose`] reads
/// it back.
///
/// ```
/// assert_eq!(kmipkit::spec::kebab_case("DestroyedCompromised"), "destroyed-compromised");
/// assert_eq!(kmipkit::spec::kebab_case("PGPKey"), "pgp-key");
/// ```
pub fn kebab_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let starts_word = c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next_lower)
            });
        if starts_word && !out.ends_with('-') {
            out.push('-');
        }
        match c {
            '_' | ' ' => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// `text` lowercased without `-`, `_` and spaces, for [`EnumInfo::value_of_loose`].
fn loose(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Writes a mask value as `Encrypt|Decrypt`, unknown bits in hex, `0` when empty.
pub(super) fn write_mask(
    f: &mut fmt::Formatter<'_>,
    info: &'static EnumInfo,
    bits: u32,
) -> fmt::Result {
    if bits == 0 {
        return f.write_str("0");
    }
    for (i, part) in info.mask_names(bits).enumerate() {
        if i > 0 {
            f.write_str("|")?;
        }
        match part {
            Ok(name) => f.write_str(name)?,
            Err(unknown) => write!(f, "{unknown:#010X}")?,
        }
    }
    Ok(())
}

/// Defines an enumeration newtype: `kmip_enum! { /// doc  Name, INFO_STATIC { /// doc  Value = 0x01, ... } }`.
macro_rules! kmip_enum {
    ($(#[$meta:meta])* $name:ident, $info:ident { $($(#[$vmeta:meta])* $value:ident = $num:expr,)* }) => {
        $(#[$meta])*
        ///
        /// Any `u32` is a valid value: unknown and vendor values are kept and print as hex.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[allow(non_camel_case_types)]
        pub struct $name(pub u32);

        impl $name {
            $($(#[$vmeta])* pub const $value: Self = Self($num);)*
            /// The definition of this enumeration.
            pub const INFO: &'static EnumInfo = &$info;

            /// The value's CamelCase name, if it is a known value.
            pub fn name(self) -> Option<&'static str> {
                Self::INFO.name_of(self.0)
            }

            /// The value called `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::INFO.value_of(name).map(Self)
            }
        }

        impl From<u32> for $name {
            fn from(v: u32) -> Self {
                Self(v)
            }
        }

        impl From<$name> for u32 {
            fn from(v: $name) -> u32 {
                v.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::enums::write_enum(f, Self::INFO, self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::enums::write_enum(f, Self::INFO, self.0)
            }
        }
    };
}

/// Defines a mask newtype: like [`kmip_enum!`], plus bit operations.
macro_rules! kmip_mask {
    ($(#[$meta:meta])* $name:ident, $info:ident { $($(#[$vmeta:meta])* $value:ident = $num:expr,)* }) => {
        $(#[$meta])*
        ///
        /// Any `u32` is a valid value: unknown bits are kept and print as hex.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[allow(non_camel_case_types)]
        pub struct $name(pub u32);

        impl $name {
            $($(#[$vmeta])* pub const $value: Self = Self($num);)*
            /// The definition of this mask.
            pub const INFO: &'static EnumInfo = &$info;
            /// No bit set.
            pub const EMPTY: Self = Self(0);

            /// The name of this value if it is exactly one known bit.
            pub fn name(self) -> Option<&'static str> {
                Self::INFO.name_of(self.0)
            }

            /// The bit called `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::INFO.value_of(name).map(Self)
            }

            /// Whether every bit of `other` is set in `self`.
            pub fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether no bit is set.
            pub fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The names of the set bits, lowest first; unknown bits come last as `Err(bits)`.
            pub fn names(self) -> super::enums::MaskNames {
                Self::INFO.mask_names(self.0)
            }
        }

        impl From<u32> for $name {
            fn from(v: u32) -> Self {
                Self(v)
            }
        }

        impl From<$name> for u32 {
            fn from(v: $name) -> u32 {
                v.0
            }
        }

        impl std::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl std::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl std::ops::BitAnd for $name {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::enums::write_mask(f, Self::INFO, self.0)
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                super::enums::write_mask(f, Self::INFO, self.0)
            }
        }
    };
}
