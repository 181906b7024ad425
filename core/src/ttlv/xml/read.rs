//! Reading KMIP XML into item trees, without recursion: an explicit stack of open elements.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Result};
use crate::spec::Tag;
use crate::ttlv::text::{self, SiblingContext, names_for, parse_tag, parse_type, parse_value_text};
use crate::ttlv::{Item, ItemType, Limits, Placeholders};

/// Name of the element that wraps the messages of a test case.
const WRAPPER: &[u8] = b"KMIP";

/// An element that is open while reading.
enum Open {
    /// The `<KMIP>` wrapper of a test case.
    Wrapper,
    /// A structure collecting its children.
    Structure {
        tag: Tag,
        label: String,
        children: Vec<Item<'static>>,
        siblings: SiblingContext,
    },
    /// A finished non-structure item written with a start and an end tag.
    Leaf { item: Item<'static>, label: String },
}

/// The attributes of an item element.
#[derive(Default)]
struct Attributes {
    tag: Option<String>,
    ty: Option<String>,
    value: Option<String>,
}

struct ReadState<'t, 'p> {
    text: &'t str,
    placeholders: &'p mut Placeholders,
    limits: &'p Limits,
    stack: Vec<Open>,
    done: Vec<Item<'static>>,
    /// Items of the message being read.
    items: usize,
}

/// Every top-level item of the document (the children of a `<KMIP>` root).
pub(super) fn read(
    text: &str,
    placeholders: &mut Placeholders,
    limits: &Limits,
) -> Result<Vec<Item<'static>>> {
    if text.len() > limits.max_message_size {
        return Err(Error::LimitExceeded {
            what: "message size",
            limit: limits.max_message_size,
            found: text.len(),
        });
    }
    let mut reader = Reader::from_str(text);
    let mut state = ReadState {
        text,
        placeholders,
        limits,
        stack: Vec::new(),
        done: Vec::new(),
        items: 0,
    };
    loop {
        let start = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = reader.error_position() as usize;
                return Err(state.error(at, None, format!("not well-formed XML: {e}")));
            }
        };
        match event {
            Event::Start(e) => state.start(&reader, &e, start, false)?,
            Event::Empty(e) => state.start(&reader, &e, start, true)?,
            Event::End(_) => state.end(),
            Event::Text(t) => {
                let raw = String::from_utf8_lossy(&t);
                if !raw.trim().is_empty() {
                    state.no_text_here(start, raw.trim())?;
                }
            }
            Event::CData(t) => state.no_text_here(start, &String::from_utf8_lossy(&t))?,
            Event::GeneralRef(r) => {
                state.no_text_here(start, &format!("&{};", String::from_utf8_lossy(&r)))?;
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = state.stack.last() {
        let reason = match open {
            Open::Wrapper => "the document ends inside <KMIP>".to_owned(),
            Open::Structure { label, .. } | Open::Leaf { label, .. } => {
                format!("the document ends inside <{label}>")
            }
        };
        return Err(state.error(text.len(), None, reason));
    }
    Ok(state.done)
}

impl ReadState<'_, '_> {
    fn start(
        &mut self,
        reader: &Reader<&[u8]>,
        element: &BytesStart<'_>,
        at: usize,
        empty: bool,
    ) -> Result<()> {
        let name_bytes = element.name();
        let name = String::from_utf8_lossy(name_bytes.as_ref()).into_owned();
        if self.stack.is_empty() && name_bytes.as_ref() == WRAPPER {
            if !empty {
                self.stack.push(Open::Wrapper);
            }
            return Ok(());
        }
        if let Some(Open::Leaf { item, .. }) = self.stack.last() {
            let reason = format!("a {} item has no child elements", item.item_type());
            return Err(self.error(at, Some(&name), reason));
        }

        let depth = 1 + self
            .stack
            .iter()
            .filter(|o| !matches!(o, Open::Wrapper))
            .count();
        if depth == 1 {
            self.items = 0;
        }
        if depth > self.limits.max_depth {
            return Err(Error::LimitExceeded {
                what: "nesting depth",
                limit: self.limits.max_depth,
                found: depth,
            });
        }
        self.items += 1;
        if self.items > self.limits.max_items {
            return Err(Error::LimitExceeded {
                what: "item count",
                limit: self.limits.max_items,
                found: self.items,
            });
        }

        let attributes = self.attributes(reader, element, at, &name)?;
        let fail = |state: &Self, reason: String| state.error(at, Some(&name), reason);
        let tag = match (&attributes.tag, name.as_str()) {
            (Some(tag), _) => parse_tag(tag).map_err(|r| fail(self, r))?,
            (None, "TTLV") => {
                return Err(fail(
                    self,
                    "a <TTLV> element needs a tag=\"0x......\" attribute".into(),
                ));
            }
            (None, _) => parse_tag(&name).map_err(|r| fail(self, r))?,
        };
        let ty = match &attributes.ty {
            Some(ty) => parse_type(ty).map_err(|r| fail(self, r))?,
            None => ItemType::Structure,
        };
        if ty == ItemType::Structure {
            if empty {
                self.finish(Item::structure(tag, Vec::new()));
            } else {
                self.stack.push(Open::Structure {
                    tag,
                    label: name,
                    children: Vec::new(),
                    siblings: SiblingContext::default(),
                });
            }
            return Ok(());
        }

        let value_text = match (attributes.value, ty) {
            (Some(value), _) => value,
            // Writers that omit empty attributes (gemalto/kmip-go) write empty strings so.
            (None, ItemType::TextString | ItemType::ByteString) => String::new(),
            (None, _) => return Err(fail(self, format!("missing value attribute for a {ty}"))),
        };
        let attribute_name = match self.stack.last() {
            Some(Open::Structure { siblings, .. }) => siblings.attribute_name(),
            _ => None,
        };
        let names = names_for(tag, ty, attribute_name);
        let value = parse_value_text(ty, &value_text, names, self.placeholders)
            .map_err(|r| fail(self, r))?;
        let item = Item::new(tag, value);
        if empty {
            self.finish(item);
        } else {
            self.stack.push(Open::Leaf { item, label: name });
        }
        Ok(())
    }

    fn attributes(
        &self,
        reader: &Reader<&[u8]>,
        element: &BytesStart<'_>,
        at: usize,
        name: &str,
    ) -> Result<Attributes> {
        let mut out = Attributes::default();
        for attribute in element.attributes() {
            let attribute =
                attribute.map_err(|e| self.error(at, Some(name), format!("bad attribute: {e}")))?;
            let value = attribute
                .decode_and_unescape_value(reader.decoder())
                .map_err(|e| self.error(at, Some(name), format!("bad attribute value: {e}")))?;
            // XML cannot carry U+0000, even as a character reference, so a raw one is refused
            // here as its escaped form is: what is read can always be written back.
            if value.contains('\0') {
                return Err(self.error(
                    at,
                    Some(name),
                    "U+0000 (NUL) cannot appear in KMIP XML".into(),
                ));
            }
            match attribute.key.as_ref() {
                b"tag" => out.tag = Some(value.into_owned()),
                b"type" => out.ty = Some(value.into_owned()),
                b"value" => out.value = Some(value.into_owned()),
                _ => {} // Other attributes carry nothing KMIP defines.
            }
        }
        Ok(out)
    }

    fn end(&mut self) {
        // quick-xml has already checked that the end tag matches the open element.
        match self.stack.pop() {
            Some(Open::Structure { tag, children, .. }) => {
                self.finish(Item::structure(tag, children))
            }
            Some(Open::Leaf { item, .. }) => self.finish(item),
            Some(Open::Wrapper) | None => {}
        }
    }

    /// Hands a complete item to the open structure, or to the result at the top level.
    fn finish(&mut self, item: Item<'static>) {
        match self.stack.last_mut() {
            Some(Open::Structure {
                children, siblings, ..
            }) => {
                siblings.saw(&item);
                children.push(item);
            }
            _ => self.done.push(item),
        }
    }

    /// Text is allowed between messages (`# TIME 0`), never inside an item.
    fn no_text_here(&self, at: usize, text: &str) -> Result<()> {
        match self.stack.last() {
            Some(Open::Structure { .. } | Open::Leaf { .. }) => {
                let shown: String = text.chars().take(40).collect();
                Err(self.error(
                    at,
                    None,
                    format!("unexpected text `{shown}` inside an item"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// A syntax error at byte `at`, naming the path of open elements (and `current`).
    fn error(&self, at: usize, current: Option<&str>, reason: String) -> Error {
        let line = 1 + self.text.as_bytes()[..at.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        let mut path: Vec<&str> = self
            .stack
            .iter()
            .filter_map(|open| match open {
                Open::Wrapper => None,
                Open::Structure { label, .. } | Open::Leaf { label, .. } => Some(label.as_str()),
            })
            .collect();
        path.extend(current);
        let location = if path.is_empty() {
            format!("line {line}")
        } else {
            format!("line {line} ({})", path.join("/"))
        };
        text::syntax("XML", location, reason)
    }
}
