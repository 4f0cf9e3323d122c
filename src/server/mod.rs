//! The HTTP server: hyper 1.x on a runtime of its own.
//!
//! Each fake runs its server on its own thread and runtime, as wiremock does, so it
//! serves the same under `#[tokio::test]`'s current-thread runtime, a multi-thread
//! runtime, or a test that blocks its own thread.

pub(crate) mod body;
pub(crate) mod connection;
pub(crate) mod route;
mod scaleway_api;

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::oneshot;

use crate::service::Service;
use connection::{Activity, Timeouts, Watched};

/// A running server; dropping it stops the server.
pub(crate) struct Server {
    addr: SocketAddr,
    /// The server's runtime, for work that must run on a real-time timer the test's own
    /// runtime cannot pause (see `FakeSqs::wait_for_receivers`).
    runtime: tokio::runtime::Handle,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Server {
    /// Serves `service` on `listener` from a new thread with `threads` runtime workers
    /// (1: a current-thread runtime, the cheapest to start), closing connections that
    /// overstay `timeouts`; the admin API too when `admin_api` is set.
    pub(crate) fn spawn(
        listener: TcpListener,
        service: Service,
        threads: usize,
        timeouts: Timeouts,
        admin_api: bool,
    ) -> std::io::Result<Self> {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel();
        let runtime = if threads <= 1 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads)
                .thread_name("fake-sqs-worker")
                .enable_all()
                .build()?
        };
        let handle = runtime.handle().clone();
        std::thread::Builder::new()
            .name(format!("fake-sqs-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => serve(listener, service, timeouts, admin_api, rx).await,
                        Err(err) => tracing::error!("fake-sqs cannot listen: {err}"),
                    }
                });
            })?;
        Ok(Server {
            addr,
            runtime: handle,
            shutdown: Some(tx),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn runtime(&self) -> &tokio::runtime::Handle {
        &self.runtime
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Whether an accept error concerns only the connection being accepted (which is gone),
/// so the next accept may follow at once.
fn is_connection_error(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        err.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted
    )
}

/// Pauses the accept loop after an error that the next accept would repeat (out of file
/// descriptors: EMFILE, ENFILE; out of memory or buffers), instead of retrying at once:
/// that retry spun a core and starved the connections being served. Pauses start at
/// 10 ms and double up to 1 s while errors last. The first error is logged, then none
/// for a minute: while descriptors run short, accepts fail and succeed by turns.
struct Backoff {
    delay: Option<Duration>,
    quiet_until: Option<tokio::time::Instant>,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MOST: Duration = Duration::from_secs(1);
    const QUIET: Duration = Duration::from_secs(60);

    fn new() -> Self {
        Backoff {
            delay: None,
            quiet_until: None,
        }
    }

    /// The pause after `err`.
    fn after(&mut self, err: &std::io::Error) -> Duration {
        let now = tokio::time::Instant::now();
        if self.quiet_until.is_none_or(|until| now >= until) {
            tracing::warn!(
                "fake-sqs cannot accept connections ({err}); pausing between attempts \
                 (accept errors are not logged again for a minute)"
            );
            self.quiet_until = Some(now + Self::QUIET);
        }
        let delay = self
            .delay
            .map_or(Self::FIRST, |last| (last * 2).min(Self::MOST));
        self.delay = Some(delay);
        delay
    }

    fn accepted(&mut self) {
        self.delay = None;
    }
}

async fn serve(
    listener: tokio::net::TcpListener,
    service: Service,
    timeouts: Timeouts,
    admin_api: bool,
    mut shutdown: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    let mut backoff = Backoff::new();
    loop {
        let accepted = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => {
                backoff.accepted();
                stream
            }
            Err(err) if is_connection_error(&err) => continue,
            Err(err) => {
                let pause = backoff.after(&err);
                tokio::select! {
                    biased;
                    _ = &mut shutdown => break,
                    () = tokio::time::sleep(pause) => continue,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let activity = Activity::new();
        let service = service.clone();
        let requests = activity.clone();
        let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
            let (req, guard) = {
                let (parts, body) = req.into_parts();
                let (body, guard) = requests.request(body);
                (hyper::Request::from_parts(parts, body), guard)
            };
            let service = service.clone();
            async move {
                // An error here (an injected dropped connection) closes the connection
                // without an answer.
                let response = route::handle(req, &service, admin_api).await;
                drop(guard);
                response
            }
        });
        let io = TokioIo::new(Watched::new(stream, activity.clone()));
        let connection = graceful.watch(builder.serve_connection(io, service).into_owned());
        tokio::spawn(async move {
            tokio::select! {
                _ = connection => {}
                () = connection::overstay(&activity, timeouts) => {
                    tracing::debug!("closed a connection that overstayed its timeouts");
                }
            }
        });
    }
    // Long polls answer now, with nothing, so that their clients get an answer instead
    // of a connection closed mid-request (which SDKs retry against a closed port). The
    // bound is only for clients that keep a request half-sent: everything else is done
    // in microseconds.
    service.engine.close();
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accept_pauses_double_up_to_a_second_and_start_again_after_an_accept() {
        let mut backoff = Backoff::new();
        let emfile = std::io::Error::from_raw_os_error(24);
        let pauses: Vec<u128> = (0..9).map(|_| backoff.after(&emfile).as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        backoff.accepted();
        assert_eq!(backoff.after(&emfile), Backoff::FIRST);
        assert!(!is_connection_error(&emfile));
        assert!(is_connection_error(
            &std::io::ErrorKind::ConnectionAborted.into()
        ));
    }
}
