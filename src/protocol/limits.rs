//! How much of a request the decoders accept, in one place.
//!
//! A decoder checks these before it builds anything, so no request can make it recurse
//! without bound or hold much more memory than the request's own bytes. Each limit lies
//! well above what any valid SQS request needs, so that a request beyond AWS's own limits
//! (a batch of 20 entries, 11 message attributes, 51 tags) still reaches its action and
//! gets AWS's error for it, with AWS's count in the message. A request beyond these
//! limits is malformed: `MalformedInput` on the Query protocol, `SerializationException`
//! on JSON (`fixtures/aws/malformed-requests.md`).
//!
//! The body itself is capped before it is read (8 MiB, `RequestEntityTooLarge`).

/// The most members one request may carry: key/value pairs of a Query request (query
/// string and body together), values of a JSON document (objects and arrays count, as
/// does each value in them).
///
/// The largest valid request, a SendMessageBatch of 10 entries (AWS's limit) with 10
/// message attributes each (AWS's limit), has about 400.
pub(crate) const MAX_MEMBERS: usize = 10_000;

/// The deepest a member may be nested: dotted parts of a Query key, or levels of JSON
/// objects and arrays.
///
/// The deepest valid member has 7 parts in the Query form,
/// `SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringListValue.1`, and 6
/// levels in the JSON form.
pub(crate) const MAX_DEPTH: usize = 16;
