//! The `kmip_struct!` macro that declares typed KMIP structures.

/// Declares a typed KMIP structure and its [`Struct`](crate::message::codec::Struct) codec.
///
/// Each member names its type and the tag(s) it is read from; the first tag is the one written.
/// The member type decides how many items it takes: `T` exactly one, `Option<T>` at most one,
/// `Vec<T>` any number. Members are written in declaration order (the specification's order)
/// and read in any order. Unknown children land in the generated `extensions` member and are
/// written back after the known ones, so a vendor extension survives a round trip.
///
/// ```
/// use kmipkit::kmip_struct;
/// use kmipkit::message::codec::{Ctx, Field};
/// use kmipkit::spec::{ProtocolVersion, Tag};
///
/// kmip_struct! {
///     /// A protocol version.
///     pub struct Version {
///         /// Major number.
///         major: i32 = ProtocolVersionMajor,
///         /// Minor number.
///         minor: i32 = ProtocolVersionMinor,
///     }
/// }
/// let ctx = Ctx::new(ProtocolVersion::V1_4);
/// let v = Version { major: 1, minor: 4, extensions: vec![] };
/// let item = v.to_item(Tag::ProtocolVersion, &ctx);
/// assert_eq!(Version::from_item(&item, &ctx).unwrap(), v);
/// ```
#[macro_export]
macro_rules! kmip_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $tag:ident $(| $alt:ident)*
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
            /// Children this version of kmipkit does not know, kept in order and re-encoded after the known ones.
            pub extensions: Vec<$crate::ttlv::Item<'static>>,
        }

        impl $crate::message::codec::Struct for $name {
            #[allow(unused_variables)] // a structure without members ignores the context
            fn to_children(&self, ctx: &$crate::message::codec::Ctx) -> Vec<$crate::ttlv::Item<'static>> {
                let mut out = Vec::new();
                $( $crate::message::codec::Slot::write(&self.$field, $crate::spec::Tag::$tag, ctx, &mut out); )*
                out.extend(self.extensions.iter().cloned());
                out
            }

            fn from_children(
                children: &[$crate::ttlv::Item<'_>],
                ctx: &$crate::message::codec::Ctx,
            ) -> $crate::error::Result<Self> {
                const KNOWN: &[$crate::spec::Tag] = &[ $( $crate::spec::Tag::$tag, $( $crate::spec::Tag::$alt, )* )* ];
                Ok(Self {
                    $( $field: $crate::message::codec::read_member(
                        children,
                        &[$crate::spec::Tag::$tag $(, $crate::spec::Tag::$alt)*],
                        ctx,
                    )?, )*
                    extensions: $crate::message::codec::unclaimed(children, KNOWN, ctx)?,
                })
            }
        }
    };
}
