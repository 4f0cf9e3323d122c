//! What never changes about a message once sent, packed into one shared allocation.
//!
//! A queue may hold millions of messages, so the bytes each one costs beyond its body
//! and attributes matter more than anything else it keeps. A [`Content`] is one
//! reference-counted byte buffer: a fixed header (the MessageId and the body's MD5 as
//! their 16 bytes, rendered only on output; the send time; the size; which optional
//! fields are there), then each text field behind a varint length, and the message
//! attributes encoded in name order. Reading a field walks a few lengths; nothing is
//! decoded into owned values until an answer is written.

use std::sync::Arc;

use super::digest::Md5;
use super::message::MessageAttributes;
use crate::ids::Uuid;

/// Header layout: message id, body MD5, send time, size, flags.
const ID: usize = 0;
const MD5: usize = 16;
const SENT_AT: usize = 32;
const SIZE: usize = 40;
const FLAGS: usize = 44;
const HEADER: usize = 45;
/// A FIFO message's sequence number, right after the header when there is one: fixed
/// there so that the queue can write it in place when the message joins its order.
const SEQUENCE_LEN: usize = 16;

/// Which optional fields a content holds.
const HAS_SEQUENCE: u8 = 1;
const HAS_TRACE: u8 = 1 << 1;
const HAS_GROUP: u8 = 1 << 2;
const HAS_DEDUP: u8 = 1 << 3;
const HAS_DEAD_LETTER_SOURCE: u8 = 1 << 4;

/// Attribute value kinds, numbered as the MD5 of message attributes numbers them
/// (`fixtures/aws/protocol.md` §3.2).
const STRING: u8 = 1;
const BINARY: u8 = 2;
const STRING_LIST: u8 = 3;
const BINARY_LIST: u8 = 4;

/// The fields of a content, as given to [`Content::new`] or read back by
/// [`Content::parts`] (to derive a new message, on dead-lettering).
#[derive(Debug, Clone)]
pub(crate) struct Parts<'a> {
    pub message_id: Uuid,
    pub body: &'a str,
    pub md5_of_body: Md5,
    /// Encoded by [`encode_attributes`].
    pub attributes: &'a [u8],
    pub trace_header: Option<&'a str>,
    pub sender_id: &'a str,
    /// Epoch milliseconds.
    pub sent_at: u64,
    pub group_id: Option<&'a str>,
    pub deduplication_id: Option<&'a str>,
    /// Room for a sequence number, filled by [`Content::set_sequence_number`] (a FIFO
    /// message), or one already given.
    pub sequence_number: Option<u128>,
    pub dead_letter_source_arn: Option<&'a str>,
    /// Body plus attributes, as counted against MaximumMessageSize.
    pub size: usize,
}

/// A message's immutable content. Cloning it copies a pointer.
#[derive(Clone)]
pub(crate) struct Content(Arc<[u8]>);

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Content")
            .field("message_id", &self.message_id().to_string())
            .field("body", &self.body())
            .finish_non_exhaustive()
    }
}

impl Content {
    /// Packs `parts`.
    pub(crate) fn new(parts: &Parts<'_>) -> Content {
        let texts = [
            parts.trace_header,
            parts.group_id,
            parts.deduplication_id,
            parts.dead_letter_source_arn,
        ];
        let mut flags = 0;
        for (text, flag) in
            texts
                .iter()
                .zip([HAS_TRACE, HAS_GROUP, HAS_DEDUP, HAS_DEAD_LETTER_SOURCE])
        {
            if text.is_some() {
                flags |= flag;
            }
        }
        if parts.sequence_number.is_some() {
            flags |= HAS_SEQUENCE;
        }
        let capacity = HEADER
            + SEQUENCE_LEN
            + parts.body.len()
            + parts.sender_id.len()
            + parts.attributes.len()
            + texts.iter().flatten().map(|t| t.len()).sum::<usize>()
            + 8 * 5;
        let mut out = Vec::with_capacity(capacity);
        out.extend_from_slice(parts.message_id.as_bytes());
        out.extend_from_slice(parts.md5_of_body.as_bytes());
        out.extend_from_slice(&parts.sent_at.to_le_bytes());
        let size = u32::try_from(parts.size).unwrap_or(u32::MAX);
        out.extend_from_slice(&size.to_le_bytes());
        out.push(flags);
        if let Some(sequence) = parts.sequence_number {
            out.extend_from_slice(&sequence.to_le_bytes());
        }
        put(&mut out, parts.body.as_bytes());
        put(&mut out, parts.sender_id.as_bytes());
        put(&mut out, parts.attributes);
        for text in texts.into_iter().flatten() {
            put(&mut out, text.as_bytes());
        }
        Content(Arc::from(out))
    }

    /// The packed bytes, as a data directory keeps them.
    #[cfg(feature = "durable")]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// A content from bytes [`Content::bytes`] gave, read back from a data directory:
    /// `None` unless they are exactly what packing their own fields gives (so a damaged
    /// record is refused rather than read wrong).
    #[cfg(feature = "durable")]
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Content> {
        // The fixed fields must be there to be read at all; the rest (lengths, texts
        // that must be UTF-8, flags, nothing left over) the comparison checks, since
        // packing the fields as read never gives back damaged bytes.
        let flags = *bytes.get(FLAGS)?;
        let sequence = if flags & HAS_SEQUENCE != 0 {
            SEQUENCE_LEN
        } else {
            0
        };
        if bytes.len() < HEADER + sequence {
            return None;
        }
        let content = Content(Arc::from(bytes));
        let packed = Content::new(&content.parts());
        // Packing copies the attributes as they are: they are read through once here.
        let intact = packed.0[..] == bytes[..] && attributes_intact(content.parts().attributes);
        intact.then_some(content)
    }

    /// Every field, borrowed.
    pub(crate) fn parts(&self) -> Parts<'_> {
        let mut fields = self.fields();
        let body = text(fields.next());
        let sender_id = text(fields.next());
        let attributes = fields.next().unwrap_or_default();
        let flags = self.flags();
        let mut optional = |flag: u8| (flags & flag != 0).then(|| text(fields.next()));
        let trace_header = optional(HAS_TRACE);
        let group_id = optional(HAS_GROUP);
        let deduplication_id = optional(HAS_DEDUP);
        let dead_letter_source_arn = optional(HAS_DEAD_LETTER_SOURCE);
        Parts {
            message_id: self.message_id(),
            body,
            md5_of_body: self.md5_of_body(),
            attributes,
            trace_header,
            sender_id,
            sent_at: self.sent_at(),
            group_id,
            deduplication_id,
            sequence_number: self.sequence_number(),
            dead_letter_source_arn,
            size: self.size(),
        }
    }

    /// The same content with `DeadLetterQueueSourceArn` set to `arn` (or removed).
    pub(crate) fn with_dead_letter_source(&self, arn: Option<&str>) -> Content {
        Content::new(&Parts {
            dead_letter_source_arn: arn,
            ..self.parts()
        })
    }

    /// Writes the sequence number a FIFO queue gives the message as it joins the
    /// queue's order. Only a content made with room for one, and not yet shared, takes
    /// it; returns whether it did.
    pub(crate) fn set_sequence_number(&mut self, sequence: u128) -> bool {
        if self.flags() & HAS_SEQUENCE == 0 {
            return false;
        }
        match Arc::get_mut(&mut self.0) {
            Some(bytes) => {
                bytes[HEADER..HEADER + SEQUENCE_LEN].copy_from_slice(&sequence.to_le_bytes());
                true
            }
            None => false,
        }
    }

    fn flags(&self) -> u8 {
        self.0[FLAGS]
    }

    /// The length-prefixed fields after the header, in order.
    fn fields(&self) -> Fields<'_> {
        let start = HEADER
            + if self.flags() & HAS_SEQUENCE != 0 {
                SEQUENCE_LEN
            } else {
                0
            };
        Fields(&self.0[start..])
    }

    /// The optional text field `flag` names: the fields after body, sender and
    /// attributes come in flag order, each only when its flag is set.
    fn optional(&self, flag: u8) -> Option<&str> {
        let flags = self.flags();
        if flags & flag == 0 {
            return None;
        }
        let before = [HAS_TRACE, HAS_GROUP, HAS_DEDUP, HAS_DEAD_LETTER_SOURCE]
            .iter()
            .filter(|f| **f < flag && flags & **f != 0)
            .count();
        Some(text(self.fields().nth(3 + before)))
    }

    pub(crate) fn message_id(&self) -> Uuid {
        Uuid::from_bytes(self.fixed(ID))
    }

    pub(crate) fn md5_of_body(&self) -> Md5 {
        Md5::from_bytes(self.fixed(MD5))
    }

    fn fixed(&self, at: usize) -> [u8; 16] {
        self.0[at..at + 16].try_into().expect("16 bytes")
    }

    pub(crate) fn body(&self) -> &str {
        text(self.fields().next())
    }

    pub(crate) fn sender_id(&self) -> &str {
        text(self.fields().nth(1))
    }

    /// The message attributes, in name order.
    pub(crate) fn attributes(&self) -> Attributes<'_> {
        Attributes(Fields(self.fields().nth(2).unwrap_or_default()))
    }

    pub(crate) fn trace_header(&self) -> Option<&str> {
        self.optional(HAS_TRACE)
    }

    pub(crate) fn group_id(&self) -> Option<&str> {
        self.optional(HAS_GROUP)
    }

    pub(crate) fn deduplication_id(&self) -> Option<&str> {
        self.optional(HAS_DEDUP)
    }

    pub(crate) fn dead_letter_source_arn(&self) -> Option<&str> {
        self.optional(HAS_DEAD_LETTER_SOURCE)
    }

    /// The FIFO sequence number, a 20-digit decimal on the wire.
    pub(crate) fn sequence_number(&self) -> Option<u128> {
        (self.flags() & HAS_SEQUENCE != 0).then(|| {
            let bytes = self.0[HEADER..HEADER + SEQUENCE_LEN]
                .try_into()
                .expect("16 bytes");
            u128::from_le_bytes(bytes)
        })
    }

    /// Epoch milliseconds.
    pub(crate) fn sent_at(&self) -> u64 {
        u64::from_le_bytes(self.0[SENT_AT..SENT_AT + 8].try_into().expect("8 bytes"))
    }

    /// Body plus attributes, as counted against MaximumMessageSize.
    pub(crate) fn size(&self) -> usize {
        u32::from_le_bytes(self.0[SIZE..SIZE + 4].try_into().expect("4 bytes")) as usize
    }
}

/// A stored text field: written from a `&str`, so always UTF-8.
fn text(field: Option<&[u8]>) -> &str {
    std::str::from_utf8(field.unwrap_or_default()).unwrap_or_default()
}

/// Appends `bytes` behind its length (LEB128).
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

fn put_len(out: &mut Vec<u8>, mut len: usize) {
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
}

/// Length-prefixed fields, read in order.
#[derive(Clone)]
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(first)
    }

    /// A varint.
    fn len(&mut self) -> Option<usize> {
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            // Never more than a usize holds (only a damaged record has such a length).
            len |= usize::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(len);
            }
            shift += 7;
        }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let len = self.len()?.min(self.0.len());
        let (field, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(field)
    }
}

/// Encodes validated attributes (already in name order) for [`Parts::attributes`]:
/// for each, its name, its data type, its kind, then its value, or its count of items
/// and each item.
pub(crate) fn encode_attributes(attributes: &MessageAttributes) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in attributes {
        put(&mut out, name.as_bytes());
        put(&mut out, value.data_type.as_bytes());
        if let Some(s) = &value.string_value {
            out.push(STRING);
            put(&mut out, s.as_bytes());
        } else if let Some(b) = &value.binary_value {
            out.push(BINARY);
            put(&mut out, b);
        } else if !value.string_list_values.is_empty() {
            out.push(STRING_LIST);
            put_len(&mut out, value.string_list_values.len());
            for s in &value.string_list_values {
                put(&mut out, s.as_bytes());
            }
        } else {
            out.push(BINARY_LIST);
            put_len(&mut out, value.binary_list_values.len());
            for b in &value.binary_list_values {
                put(&mut out, b);
            }
        }
    }
    out
}

/// Reads attributes encoded by [`encode_attributes`].
pub(crate) fn decode_attributes(encoded: &[u8]) -> Attributes<'_> {
    Attributes(Fields(encoded))
}

/// A stored message attribute.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attribute<'a> {
    pub data_type: &'a str,
    pub value: Value<'a>,
}

/// A stored attribute's value: one string or binary, or a list of either.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    String(&'a str),
    Binary(&'a [u8]),
    StringList(List<'a>),
    BinaryList(List<'a>),
}

/// The items of a stored list value.
#[derive(Clone, Copy)]
pub(crate) struct List<'a> {
    count: usize,
    items: &'a [u8],
}

impl std::fmt::Debug for List<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.items()).finish()
    }
}

impl<'a> List<'a> {
    /// Each item's bytes.
    pub(crate) fn items(&self) -> impl Iterator<Item = &'a [u8]> {
        Fields(self.items).take(self.count)
    }

    /// Each item as text (a string list's).
    pub(crate) fn texts(&self) -> impl Iterator<Item = &'a str> {
        self.items().map(|item| text(Some(item)))
    }
}

/// Whether encoded attributes (see [`encode_attributes`]) read back whole: each field
/// there in full, names, types and string values UTF-8, kinds known, nothing left over.
#[cfg(feature = "durable")]
fn attributes_intact(bytes: &[u8]) -> bool {
    fn field<'a>(fields: &mut Fields<'a>) -> Option<&'a [u8]> {
        let len = fields.len()?;
        let (field, rest) = (fields.0.get(..len)?, fields.0.get(len..)?);
        fields.0 = rest;
        Some(field)
    }
    fn text(fields: &mut Fields<'_>) -> Option<()> {
        std::str::from_utf8(field(fields)?).ok().map(drop)
    }
    fn attribute(fields: &mut Fields<'_>) -> Option<()> {
        text(fields)?;
        text(fields)?;
        match fields.byte()? {
            STRING => text(fields),
            BINARY => field(fields).map(drop),
            kind @ (STRING_LIST | BINARY_LIST) => {
                for _ in 0..fields.len()? {
                    match kind {
                        STRING_LIST => text(fields)?,
                        _ => field(fields).map(drop)?,
                    }
                }
                Some(())
            }
            _ => None,
        }
    }
    let mut fields = Fields(bytes);
    while !fields.0.is_empty() {
        if attribute(&mut fields).is_none() {
            return false;
        }
    }
    true
}

/// The attributes of a content, in name order.
#[derive(Clone)]
pub(crate) struct Attributes<'a>(Fields<'a>);

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, Attribute<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let fields = &mut self.0;
        let name = text(Some(fields.next()?));
        let data_type = text(fields.next());
        let value = match fields.byte()? {
            STRING => Value::String(text(fields.next())),
            BINARY => Value::Binary(fields.next().unwrap_or_default()),
            kind => {
                let count = fields.len()?;
                let start = fields.0;
                for _ in 0..count {
                    // Only a damaged count runs past the items.
                    if fields.next().is_none() {
                        break;
                    }
                }
                let items = &start[..start.len() - fields.0.len()];
                let list = List { count, items };
                if kind == STRING_LIST {
                    Value::StringList(list)
                } else {
                    Value::BinaryList(list)
                }
            }
        };
        Some((name, Attribute { data_type, value }))
    }
}

#[cfg(all(test, feature = "durable"))]
mod tests {
    use super::*;

    fn content() -> Content {
        Content::new(&Parts {
            message_id: Uuid::from_bytes([7; 16]),
            body: "héllo",
            md5_of_body: crate::engine::digest::md5_of_body("héllo"),
            attributes: &[],
            trace_header: None,
            sender_id: "AIDAEXAMPLE",
            sent_at: 1_735_689_600_000,
            group_id: Some("g"),
            deduplication_id: Some("d"),
            sequence_number: Some(10_000_000_000_000_000_001),
            dead_letter_source_arn: None,
            size: 6,
        })
    }

    #[test]
    fn saved_bytes_read_back_as_the_same_content() {
        let original = content();
        let read = Content::from_bytes(original.bytes()).expect("intact bytes");
        assert_eq!(read.bytes(), original.bytes());
        assert_eq!(read.body(), "héllo");
        assert_eq!(read.group_id(), Some("g"));
        assert_eq!(read.sequence_number(), Some(10_000_000_000_000_000_001));
    }

    #[test]
    fn damaged_bytes_are_refused_not_misread() {
        let bytes = content().bytes().to_vec();
        // Cut short, in the header and in a field.
        assert!(Content::from_bytes(&bytes[..20]).is_none());
        assert!(Content::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        // Something left over.
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Content::from_bytes(&longer).is_none());
        // A body that is no longer UTF-8 (its first byte after its length).
        let body = HEADER + SEQUENCE_LEN + 1;
        let mut broken = bytes.clone();
        broken[body] = 0xff;
        assert!(Content::from_bytes(&broken).is_none());
        // A flag no content has.
        let mut flagged = bytes;
        flagged[FLAGS] |= 0x80;
        assert!(Content::from_bytes(&flagged).is_none());
    }

    /// Attributes are copied, not re-packed: they are checked on their own, so that a
    /// damaged list count cannot make a later receive walk billions of items.
    #[test]
    fn damaged_attributes_are_refused_not_misread() {
        use crate::engine::message::AttributeValue;
        let attributes = encode_attributes(&vec![
            (
                "kind".to_owned(),
                AttributeValue {
                    data_type: "String".into(),
                    string_value: Some("order".into()),
                    ..AttributeValue::default()
                },
            ),
            (
                "parts".to_owned(),
                AttributeValue {
                    data_type: "Binary".into(),
                    binary_list_values: vec![vec![1, 2], vec![3]],
                    ..AttributeValue::default()
                },
            ),
        ]);
        let with = |attributes: &[u8]| {
            Content::new(&Parts {
                attributes,
                ..content().parts()
            })
            .bytes()
            .to_vec()
        };
        let intact = with(&attributes);
        let read = Content::from_bytes(&intact).expect("intact attributes");
        assert_eq!(read.attributes().count(), 2);
        // The list's count (after "parts", "Binary" and its kind) made huge.
        let count = attributes.len() - 6;
        assert_eq!(attributes[count], 2, "the count of the binary list");
        let mut huge = attributes.clone();
        huge.splice(count..=count, [0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert!(Content::from_bytes(&with(&huge)).is_none());
        // A kind no attribute has.
        let mut kind = attributes.clone();
        kind[count - 1] = 9;
        assert!(Content::from_bytes(&with(&kind)).is_none());
        // A name that is not UTF-8.
        let mut name = attributes;
        name[1] = 0xff;
        assert!(Content::from_bytes(&with(&name)).is_none());
    }
}
