//! How typed values map to and from the item tree.
//!
//! A typed value is a [`Field`]: it becomes one [`Item`] under a tag its parent chooses.
//! Structures are declared with [`kmip_struct!`](crate::kmip_struct), which writes their
//! fields in specification order and reads them in any order; children it does not know
//! (vendor extensions, newer fields) are kept in `extensions` and written back unchanged.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::spec::{ProtocolVersion, Tag};
use crate::ttlv::{Item, ItemType, Value};

/// Context for encoding and decoding: the protocol version selects 1.x or 2.x shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    /// Protocol version of the message being encoded or decoded.
    pub version: ProtocolVersion,
    /// Refuse KMIP-defined children (0x42xxxx) that the model does not know, instead of keeping
    /// them as extensions. Vendor extensions (0x54xxxx) are always kept. Used by conformance tests
    /// to prove the model covers a message; peers are decoded leniently.
    pub strict: bool,
}

impl Ctx {
    /// A context for `version`.
    pub const fn new(version: ProtocolVersion) -> Self {
        Self {
            version,
            strict: false,
        }
    }

    /// The same context in strict mode (see [`Ctx::strict`]).
    pub const fn strict(self) -> Self {
        Self {
            strict: true,
            ..self
        }
    }

    /// True when attributes use the 2.x `Attributes` structure rather than 1.x name/value pairs.
    pub fn v2(&self) -> bool {
        self.version >= ProtocolVersion::V2_0
    }
}

/// A typed value that is written as one item.
pub trait Field: Sized {
    /// The item for this value under `tag` (a version-dependent type may choose another tag).
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static>;
    /// Reads the value from `item`.
    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self>;
}

/// A typed structure: a list of child items.
pub trait Struct: Sized {
    /// The children, in specification order.
    fn to_children(&self, ctx: &Ctx) -> Vec<Item<'static>>;
    /// Reads the structure from its children, in any order.
    fn from_children(children: &[Item<'_>], ctx: &Ctx) -> Result<Self>;
}

impl<T: Struct> Field for T {
    fn to_item(&self, tag: Tag, ctx: &Ctx) -> Item<'static> {
        Item::structure(tag, self.to_children(ctx))
    }
    fn from_item(item: &Item<'_>, ctx: &Ctx) -> Result<Self> {
        match &item.value {
            Value::Structure(children) => {
                T::from_children(children, ctx).map_err(|e| in_parent(e, item.tag))
            }
            other => Err(wrong_type(item.tag, ItemType::Structure, other.item_type())),
        }
    }
}

/// How a struct member holds its items: exactly one (`T`), at most one (`Option<T>`) or any (`Vec<T>`).
pub trait Slot: Sized {
    /// Appends this member's items to `out`.
    fn write(&self, tag: Tag, ctx: &Ctx, out: &mut Vec<Item<'static>>);
    /// Reads the member from the children that carry its tag(s).
    fn read(found: Vec<&Item<'_>>, tag: Tag, ctx: &Ctx) -> Result<Self>;
}

impl<T: Field + Required> Slot for T {
    fn write(&self, tag: Tag, ctx: &Ctx, out: &mut Vec<Item<'static>>) {
        out.push(self.to_item(tag, ctx));
    }
    fn read(found: Vec<&Item<'_>>, tag: Tag, ctx: &Ctx) -> Result<Self> {
        match found.as_slice() {
            [one] => T::from_item(one, ctx),
            [] => Err(Error::model(tag_name(tag), "required item is missing")),
            [_, second, ..] => Err(Error::model(
                tag_name(second.tag),
                format!("appears {} times, only one is allowed", found.len()),
            )),
        }
    }
}

impl<T: Field + Required> Slot for Option<T> {
    fn write(&self, tag: Tag, ctx: &Ctx, out: &mut Vec<Item<'static>>) {
        if let Some(v) = self {
            out.push(v.to_item(tag, ctx));
        }
    }
    fn read(found: Vec<&Item<'_>>, tag: Tag, ctx: &Ctx) -> Result<Self> {
        if found.is_empty() {
            Ok(None)
        } else {
            T::read(found, tag, ctx).map(Some)
        }
    }
}

impl<T: Field + Required> Slot for Vec<T> {
    fn write(&self, tag: Tag, ctx: &Ctx, out: &mut Vec<Item<'static>>) {
        out.extend(self.iter().map(|v| v.to_item(tag, ctx)));
    }
    fn read(found: Vec<&Item<'_>>, _tag: Tag, ctx: &Ctx) -> Result<Self> {
        found
            .into_iter()
            .map(|item| T::from_item(item, ctx))
            .collect()
    }
}

/// Marks field types that are not containers, so `Option<T>` and `Vec<T>` get their own [`Slot`] rules.
pub trait Required {}
impl<T: Struct> Required for T {}

/// Reads a structure member: the children whose tag is one of `tags`.
#[doc(hidden)]
pub fn read_member<S: Slot>(children: &[Item<'_>], tags: &[Tag], ctx: &Ctx) -> Result<S> {
    let found: Vec<&Item<'_>> = children.iter().filter(|c| tags.contains(&c.tag)).collect();
    S::read(found, tags[0], ctx)
}

/// Children whose tags no member claimed, kept so that re-encoding loses nothing
/// (in strict mode a KMIP-defined one is an error).
#[doc(hidden)]
pub fn unclaimed(children: &[Item<'_>], known: &[Tag], ctx: &Ctx) -> Result<Vec<Item<'static>>> {
    let mut out = Vec::new();
    for child in children.iter().filter(|c| !known.contains(&c.tag)) {
        if ctx.strict && !child.tag.is_extension() {
            return Err(Error::model(
                tag_name(child.tag),
                "is not a member of this structure in the typed model",
            ));
        }
        out.push(child.clone().into_owned());
    }
    Ok(out)
}

/// Prefixes the path of a model error with the parent's tag name.
pub(crate) fn in_parent(err: Error, parent: Tag) -> Error {
    match err {
        Error::Model { path, reason } => Error::Model {
            path: format!("{}/{path}", tag_name(parent)),
            reason,
        },
        other => other,
    }
}

pub(crate) fn wrong_type(tag: Tag, expected: ItemType, found: ItemType) -> Error {
    Error::model(tag_name(tag), format!("expected {expected}, found {found}"))
}

pub(crate) fn tag_name(tag: Tag) -> String {
    format!("{tag:?}")
}

macro_rules! primitive_field {
    ($ty:ty, $variant:ident, |$v:ident| $to:expr, |$w:ident| $from:expr) => {
        impl Required for $ty {}
        impl Field for $ty {
            fn to_item(&self, tag: Tag, _ctx: &Ctx) -> Item<'static> {
                let $v = self;
                Item::new(tag, Value::$variant($to))
            }
            fn from_item(item: &Item<'_>, _ctx: &Ctx) -> Result<Self> {
                match &item.value {
                    Value::$variant($w) => Ok($from),
                    other => Err(wrong_type(item.tag, ItemType::$variant, other.item_type())),
                }
            }
        }
    };
}

primitive_field!(i32, Integer, |v| *v, |w| *w);
primitive_field!(i64, LongInteger, |v| *v, |w| *w);
primitive_field!(bool, Boolean, |v| *v, |w| *w);
primitive_field!(String, TextString, |v| Cow::Owned(v.clone()), |w| w
    .to_string());
primitive_field!(Bytes, ByteString, |v| Cow::Owned(v.0.clone()), |w| Bytes(
    w.to_vec()
));
primitive_field!(BigInt, BigInteger, |v| Cow::Owned(v.0.clone()), |w| BigInt(
    w.to_vec()
));
primitive_field!(DateTime, DateTime, |v| v.0, |w| DateTime(*w));
primitive_field!(DateTimeExtended, DateTimeExtended, |v| v.0, |w| {
    DateTimeExtended(*w)
});
primitive_field!(Interval, Interval, |v| v.0, |w| Interval(*w));

/// Any item kept as it is: for members whose shape varies (vendor extensions, opaque values).
impl Required for Item<'static> {}
impl Field for Item<'static> {
    fn to_item(&self, tag: Tag, _ctx: &Ctx) -> Item<'static> {
        Item {
            tag,
            value: self.value.clone(),
        }
    }
    fn from_item(item: &Item<'_>, _ctx: &Ctx) -> Result<Self> {
        Ok(item.clone().into_owned())
    }
}

/// A TTLV Byte String. Byte strings hold key material (Key Material, Secret Data, the data of an
/// Encrypt or Decrypt), so `Debug` shows only the length and the bytes are zeroized on drop.
///
/// The wipe is one `memset` behind an optimization barrier (zeroize's slice impl), so it costs
/// little even for the byte strings that hold nothing secret. Take the vector out with
/// [`Bytes::take`], which leaves the wiping to the caller.
///
/// ```
/// let b = kmipkit::message::Bytes(vec![1, 2, 3]);
/// assert_eq!(format!("{b:?}"), "Bytes(<3 bytes>)");
/// # fn wipes_on_drop<T: zeroize::ZeroizeOnDrop>(_: &T) {}
/// wipes_on_drop(&b);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// Moves the bytes out, leaving this empty; the caller then owns (and wipes) them.
    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.0)
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
    }
}

impl zeroize::ZeroizeOnDrop for Bytes {}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes(<{} bytes>)", self.0.len())
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl From<&[u8]> for Bytes {
    fn from(v: &[u8]) -> Self {
        Self(v.to_vec())
    }
}

/// A TTLV Big Integer: big-endian two's-complement bytes, as encoded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct BigInt(pub Vec<u8>);

/// A TTLV Date-Time: seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime(pub i64);

/// A TTLV Date-Time Extended (KMIP 2.0+): microseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTimeExtended(pub i64);

/// A TTLV Interval: a duration in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Interval(pub u32);

/// The item of an enumeration value (used by the generated enumeration newtypes).
fn enum_item(tag: Tag, value: u32) -> Item<'static> {
    Item::new(tag, Value::Enumeration(value))
}

/// The value of an enumeration item (used by the generated enumeration newtypes).
fn enum_value(item: &Item<'_>) -> Result<u32> {
    match item.value {
        Value::Enumeration(v) => Ok(v),
        ref other => Err(wrong_type(
            item.tag,
            ItemType::Enumeration,
            other.item_type(),
        )),
    }
}

/// The item of a mask: masks are Integers on the wire, their bits kept as they are.
fn mask_item(tag: Tag, bits: u32) -> Item<'static> {
    Item::new(tag, Value::Integer(bits as i32))
}

/// The bits of a mask item.
fn mask_value(item: &Item<'_>) -> Result<u32> {
    match item.value {
        Value::Integer(v) => Ok(v as u32),
        ref other => Err(wrong_type(item.tag, ItemType::Integer, other.item_type())),
    }
}

macro_rules! enumeration_fields {
    (enums: $($e:ident),*; masks: $($m:ident),*) => {
        $(
            impl Required for crate::spec::$e {}
            impl Field for crate::spec::$e {
                fn to_item(&self, tag: Tag, _ctx: &Ctx) -> Item<'static> {
                    enum_item(tag, self.0)
                }
                fn from_item(item: &Item<'_>, _ctx: &Ctx) -> Result<Self> {
                    enum_value(item).map(Self)
                }
            }
        )*
        $(
            impl Required for crate::spec::$m {}
            impl Field for crate::spec::$m {
                fn to_item(&self, tag: Tag, _ctx: &Ctx) -> Item<'static> {
                    mask_item(tag, self.0)
                }
                fn from_item(item: &Item<'_>, _ctx: &Ctx) -> Result<Self> {
                    mask_value(item).map(Self)
                }
            }
        )*
    };
}

for_each_enumeration!(enumeration_fields);
