//! Binary TTLV encoding.

use super::item::{Item, Value};

/// Rounds `len` up to the 8-byte alignment TTLV pads every value to.
pub(crate) const fn padded(len: usize) -> usize {
    (len + 7) & !7
}

impl Item<'_> {
    /// The number of bytes [`Item::to_bytes`] produces.
    ///
    /// ```
    /// use kmipkit::ttlv::{Item, Value};
    /// assert_eq!(Item::new(0x420020, Value::TextString("Hello World".into())).encoded_len(), 24);
    /// ```
    pub fn encoded_len(&self) -> usize {
        8 + padded(self.value_len())
    }

    /// Length of the value as written in the length field (before padding).
    fn value_len(&self) -> usize {
        match &self.value {
            Value::Structure(children) => children.iter().map(Item::encoded_len).sum(),
            Value::Integer(_) | Value::Enumeration(_) | Value::Interval(_) => 4,
            Value::LongInteger(_)
            | Value::Boolean(_)
            | Value::DateTime(_)
            | Value::DateTimeExtended(_) => 8,
            Value::BigInteger(b) | Value::ByteString(b) => b.len(),
            Value::TextString(s) => s.len(),
        }
    }

    /// The item as TTLV bytes.
    ///
    /// Structure lengths are computed, never trusted from elsewhere, and every value is
    /// padded with zeros to a multiple of 8 bytes as the specification requires.
    ///
    /// ```
    /// use kmipkit::ttlv::{Item, Value};
    /// let bytes = Item::new(0x420020, Value::Enumeration(255)).to_bytes();
    /// assert_eq!(bytes, [0x42, 0, 0x20, 5, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0, 0, 0, 0]);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode_into(&mut out);
        out
    }

    /// Appends the item's TTLV bytes to `out`.
    ///
    /// # Panics
    /// Never for real messages; a value longer than 4 GiB cannot be expressed in TTLV and panics.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        let tag = self.tag.0.to_be_bytes();
        out.extend_from_slice(&tag[1..]);
        out.push(self.item_type() as u8);
        let len_at = out.len();
        out.extend_from_slice(&[0; 4]);
        let start = out.len();
        match &self.value {
            Value::Structure(children) => children.iter().for_each(|c| c.encode_into(out)),
            Value::Integer(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::Enumeration(v) | Value::Interval(v) => out.extend_from_slice(&v.to_be_bytes()),
            Value::LongInteger(v) | Value::DateTime(v) | Value::DateTimeExtended(v) => {
                out.extend_from_slice(&v.to_be_bytes())
            }
            Value::Boolean(v) => out.extend_from_slice(&u64::from(*v).to_be_bytes()),
            Value::BigInteger(b) | Value::ByteString(b) => out.extend_from_slice(b),
            Value::TextString(s) => out.extend_from_slice(s.as_bytes()),
        }
        let len = out.len() - start;
        let len32 = u32::try_from(len).expect("TTLV value longer than 4 GiB");
        out[len_at..len_at + 4].copy_from_slice(&len32.to_be_bytes());
        out.resize(start + padded(len), 0);
    }
}
