//! Reading a request body within the size SQS (or the admin API) accepts.
//!
//! A body over the limit is refused with 413, but only after the client has finished
//! sending it (up to a bound): a server that answers and closes while the client is
//! still writing makes the kernel reset the connection, and the client then sees a
//! broken pipe instead of the 413. The excess is read and dropped, never kept.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Body;

/// The largest request body the fake reads. A batch of 1 MiB, URL-encoded, fits.
pub(crate) const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// How much of a too-large body is read and dropped so that its sender gets the 413.
/// Beyond it, the connection is closed as soon as the answer is written.
const DRAIN_BYTES: u64 = 64 * 1024 * 1024;

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unread {
    /// Larger than [`MAX_BODY_BYTES`].
    TooLarge,
    /// The connection failed or timed out before the body was in: what arrived is not
    /// a request and must not be run as one.
    Broken,
}

/// Reads the whole body if it fits in [`MAX_BODY_BYTES`]. A body that declares a larger
/// length is not buffered at all; either way a too-large body is drained (see above).
pub(crate) async fn read<B>(body: B) -> Result<Bytes, Unread>
where
    B: Body,
{
    read_within(body, MAX_BODY_BYTES).await
}

/// [`read`] with a limit of `limit` bytes (the admin API's is smaller than SQS's).
pub(crate) async fn read_within<B>(body: B, limit: usize) -> Result<Bytes, Unread>
where
    B: Body,
{
    let declared = body.size_hint().lower();
    let mut body = std::pin::pin!(body);
    if declared > limit as u64 {
        drain(body.as_mut(), 0).await;
        return Err(Unread::TooLarge);
    }
    let mut buf = BytesMut::with_capacity(declared as usize);
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Unread::Broken);
        };
        let Ok(mut data) = frame.into_data() else {
            continue;
        };
        let len = data.remaining();
        if buf.len() + len > limit {
            let read = (buf.len() + len) as u64;
            drop(buf);
            drain(body.as_mut(), read).await;
            return Err(Unread::TooLarge);
        }
        buf.put(&mut data);
    }
    Ok(buf.freeze())
}

/// Reads and drops what is left of `body`, stopping at [`DRAIN_BYTES`] in all.
async fn drain<B: Body>(mut body: std::pin::Pin<&mut B>, mut read: u64) {
    while read < DRAIN_BYTES {
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    read += data.remaining() as u64;
                }
            }
            _ => return,
        }
    }
}
