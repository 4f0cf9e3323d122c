//! The HTTP server: hyper 1.x on a runtime of its own.
//!
//! Each fake runs its server on its own thread and runtime, as wiremock does, so it
//! serves the same under `#[tokio::test]`'s current-thread runtime, a multi-thread
//! runtime, or a test that blocks its own thread.

pub(crate) mod route;
mod scaleway_api;

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::sync::oneshot;

use crate::engine::Engine;

/// A running server; dropping it stops the server.
pub(crate) struct Server {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Server {
    /// Serves `engine` on `listener` from a new thread with `threads` runtime workers
    /// (1: a current-thread runtime, the cheapest to start).
    pub(crate) fn spawn(
        listener: TcpListener,
        engine: Engine,
        threads: usize,
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
        std::thread::Builder::new()
            .name(format!("fake-sqs-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => serve(listener, engine, rx).await,
                        Err(err) => tracing::error!("fake-sqs cannot listen: {err}"),
                    }
                });
            })?;
        Ok(Server {
            addr,
            shutdown: Some(tx),
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn serve(
    listener: tokio::net::TcpListener,
    engine: Engine,
    mut shutdown: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        tokio::select! {
            biased;
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let engine = engine.clone();
                let service = service_fn(move |req| {
                    let engine = engine.clone();
                    async move { Ok::<_, Infallible>(route::handle(req, &engine).await) }
                });
                let connection = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
        }
    }
    // Answer what is in progress, briefly; long polls are cut off when the runtime ends.
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_millis(100)) => {}
    }
}
