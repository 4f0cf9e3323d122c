//! How long a connection may keep the server waiting, as production HTTP servers limit
//! it: a client gets a while to send a request's headers, a while to send its body, and
//! a while to sit idle between requests; past that, the connection is closed. While a
//! request is being answered (a long poll waits up to 20 s) no limit runs.
//!
//! The limits are watched here, around hyper rather than inside it, so that they hold
//! for HTTP/1 and HTTP/2 alike and from the connection's first byte (hyper-util's
//! protocol detection has no timeout of its own).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// How long a client may take to send a request's headers, from when it connects or
/// sends the first byte of its next request.
pub(crate) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to send a request's body once its headers are in. An
/// 8 MiB body (the most the server reads) takes a second or two even at 50 Mbit/s.
pub(crate) const BODY_READ_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a keep-alive connection may sit between requests. Longer than the idle
/// timeout of SDK connection pools (90 s in the AWS SDK for Rust), so that a pooled
/// connection is not closed under a request the client is about to send on it.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// The three limits; [`Timeouts::default`] gives the constants above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    pub header_read: Duration,
    pub body_read: Duration,
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: HEADER_READ_TIMEOUT,
            body_read: BODY_READ_TIMEOUT,
            idle: IDLE_TIMEOUT,
        }
    }
}

/// What a connection is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Between requests, with no byte of the next one yet.
    Idle,
    /// The headers of a request (from the connection's start, or from the first byte
    /// after an idle spell).
    Headers,
    /// The body of a request whose headers are in.
    Body,
    /// The server, answering; no limit runs.
    Busy,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    since: Instant,
    /// Requests being answered (several at once on HTTP/2).
    in_flight: usize,
    /// Of those, the ones whose body is still coming in.
    open_bodies: usize,
}

/// One connection's progress, told by its socket, its requests and their bodies, and
/// read by [`overstay`].
#[derive(Debug)]
pub(crate) struct Activity {
    state: Mutex<State>,
    /// Set while idle, so that a read costs one atomic load except for the first byte
    /// after an idle spell.
    idle: AtomicBool,
}

impl Activity {
    /// A new connection: its first request's headers are due.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Activity {
            state: Mutex::new(State {
                phase: Phase::Headers,
                since: Instant::now(),
                in_flight: 0,
                open_bodies: 0,
            }),
            idle: AtomicBool::new(false),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is a few counters, consistent after any panic; keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived on the socket.
    fn received(&self) {
        if self.idle.load(Ordering::Relaxed) && self.idle.swap(false, Ordering::AcqRel) {
            let mut state = self.state();
            if state.phase == Phase::Idle {
                state.phase = Phase::Headers;
                state.since = Instant::now();
            }
        }
    }

    /// A request's headers are in and the server starts answering it; `body` is the
    /// request's body, still to come or already complete.
    pub(crate) fn request(self: &Arc<Self>, body: Incoming) -> (RequestBody, RequestGuard) {
        let open = !body.is_end_stream();
        let mut state = self.state();
        state.in_flight += 1;
        if open {
            state.open_bodies += 1;
            if state.open_bodies == 1 {
                state.phase = Phase::Body;
                state.since = Instant::now();
            }
        } else if state.open_bodies == 0 {
            state.phase = Phase::Busy;
        }
        drop(state);
        let body = RequestBody {
            inner: body,
            activity: open.then(|| Arc::clone(self)),
        };
        (body, RequestGuard(Arc::clone(self)))
    }

    fn body_done(&self) {
        let mut state = self.state();
        state.open_bodies -= 1;
        if state.open_bodies == 0 && state.in_flight > 0 {
            state.phase = Phase::Busy;
        }
    }

    fn request_done(&self) {
        let mut state = self.state();
        state.in_flight -= 1;
        if state.in_flight == 0 {
            state.phase = Phase::Idle;
            state.since = Instant::now();
            self.idle.store(true, Ordering::Release);
        }
    }

    /// When the connection has overstayed, or `None` while the server is answering.
    fn deadline(&self, timeouts: &Timeouts) -> Option<Instant> {
        let state = self.state();
        let limit = match state.phase {
            Phase::Idle => timeouts.idle,
            Phase::Headers => timeouts.header_read,
            Phase::Body => timeouts.body_read,
            Phase::Busy => return None,
        };
        // A limit too large to add (Duration::MAX) is no limit.
        state.since.checked_add(limit)
    }
}

/// Returns when the connection has waited longer than its phase allows; the caller then
/// drops the connection, which closes the socket.
///
/// The connection does not wake this watch when its phase changes, which would cost a
/// task wake-up per request. Instead the watch never sleeps longer than the shortest
/// timeout: a phase that begins while it sleeps ends no sooner than that, so no deadline
/// is missed, and a connection costs one wake-up per shortest timeout at most.
pub(crate) async fn overstay(activity: &Activity, timeouts: Timeouts) {
    let shortest = timeouts
        .header_read
        .min(timeouts.body_read)
        .min(timeouts.idle);
    loop {
        let now = Instant::now();
        let next_look = now.checked_add(shortest);
        match activity.deadline(&timeouts) {
            Some(deadline) if deadline <= now => return,
            deadline => match deadline.into_iter().chain(next_look).min() {
                Some(wake) => tokio::time::sleep_until(wake).await,
                None => std::future::pending().await,
            },
        }
    }
}

/// Ends the request's part in its connection's [`Activity`] when dropped, that is when
/// the answer is ready or the request is abandoned.
pub(crate) struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.request_done();
    }
}

/// A request body that tells its connection when it has all come in (or been dropped
/// before).
#[derive(Debug)]
pub(crate) struct RequestBody {
    inner: Incoming,
    /// Until the body is done.
    activity: Option<Arc<Activity>>,
}

impl RequestBody {
    fn done(&mut self) {
        if let Some(activity) = self.activity.take() {
            activity.body_done();
        }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        let frame = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None | Some(Err(_)))) || this.inner.is_end_stream() {
            this.done();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for RequestBody {
    fn drop(&mut self) {
        self.done();
    }
}

/// A socket that tells its connection's [`Activity`] when bytes arrive.
pub(crate) struct Watched<S> {
    socket: S,
    activity: Arc<Activity>,
}

impl<S> Watched<S> {
    pub(crate) fn new(socket: S, activity: Arc<Activity>) -> Self {
        Watched { socket, activity }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.socket).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.received();
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().socket).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.socket.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().socket).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeouts() -> Timeouts {
        Timeouts {
            header_read: Duration::from_secs(1),
            body_read: Duration::from_secs(2),
            idle: Duration::from_secs(3),
        }
    }

    fn phase(activity: &Activity) -> Phase {
        activity.state().phase
    }

    #[tokio::test]
    async fn phases_follow_the_connection() {
        let activity = Activity::new();
        let t = timeouts();
        assert_eq!(phase(&activity), Phase::Headers);
        let started = activity.state().since;
        assert_eq!(activity.deadline(&t), Some(started + t.header_read));

        // Answering: no limit. Done: idle, until the next request's first byte.
        activity.state().phase = Phase::Busy;
        assert_eq!(activity.deadline(&t), None);
        activity.state().in_flight = 1;
        activity.request_done();
        assert_eq!(phase(&activity), Phase::Idle);
        let idle = activity.state().since;
        assert_eq!(activity.deadline(&t), Some(idle + t.idle));
        activity.received();
        assert_eq!(phase(&activity), Phase::Headers);
        // Later bytes of the same request change nothing.
        let since = activity.state().since;
        activity.received();
        assert_eq!(activity.state().since, since);
    }

    #[test]
    fn a_limit_too_large_to_add_is_no_limit() {
        let activity = Activity::new();
        let t = Timeouts {
            header_read: Duration::MAX,
            ..timeouts()
        };
        assert_eq!(activity.deadline(&t), None);
    }
}
