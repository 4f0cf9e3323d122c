//! The ceiling: a bare hyper server set up exactly as the fake's (its own thread, a
//! tokio runtime, hyper-util's auto builder, nodelay) that answers every request with
//! one fixed body and does nothing else.

use std::convert::Infallible;
use std::net::{SocketAddr, TcpListener};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::Response;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;

/// The name of the server thread, for its CPU time.
pub const THREAD_NAME: &str = "bare-hyper";

/// Starts a bare server answering `body` with `content_type` on a current-thread
/// runtime, as `FakeSqs::start()` runs; it lives as long as the process (a benchmark
/// starts one).
pub fn start(body: &'static str, content_type: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .spawn(move || runtime.block_on(serve(listener, body, content_type)))
        .expect("thread");
    addr
}

/// Serves `body` on `listener` with a runtime of `threads` workers, as the `fake-sqs`
/// command does with `--threads`, until the process ends. The `binary` section runs
/// this in a process of its own (the bench executable started again), so that the
/// ceiling and the command are measured alike from outside.
pub fn serve_blocking(
    listener: TcpListener,
    threads: usize,
    body: &'static str,
    content_type: &'static str,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(serve(listener, body, content_type));
}

async fn serve(listener: TcpListener, body: &'static str, content_type: &'static str) {
    listener.set_nonblocking(true).expect("nonblocking");
    let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = service_fn(
            move |req: hyper::Request<hyper::body::Incoming>| async move {
                // Read the body, as the fake must, so that both do the same I/O.
                let _ = req.into_body().collect().await;
                Ok::<_, Infallible>(
                    Response::builder()
                        .header("content-type", content_type)
                        .body(Full::new(Bytes::from_static(body.as_bytes())))
                        .expect("a fixed response"),
                )
            },
        );
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .into_owned();
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}
