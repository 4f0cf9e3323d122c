//! A lean HTTP client for load: hyper's connection API with prebuilt AWS JSON 1.0
//! requests and no signing, so the client spends as little of the shared CPU as it can
//! and the figures show the server.

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;
use tokio::net::TcpStream;

/// The account every unsigned request acts as (the fake's default).
pub const ACCOUNT: &str = "000000000000";

/// An AWS JSON 1.0 request for `action` with `body`, to `addr`.
pub fn json_request(addr: SocketAddr, action: &str, body: &Value) -> Request<Full<Bytes>> {
    raw_request(addr, action, Bytes::from(body.to_string()))
}

/// Like [`json_request`] with a body already serialised, for requests sent many times.
pub fn raw_request(addr: SocketAddr, action: &str, body: Bytes) -> Request<Full<Bytes>> {
    Request::post(format!("http://{addr}/"))
        .header("host", addr.to_string())
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", format!("AmazonSQS.{action}"))
        .body(Full::new(body))
        .expect("a well-formed request")
}

/// The URL the fake at `addr` gives the default account's queue `name`.
pub fn queue_url(addr: SocketAddr, name: &str) -> String {
    format!("http://{addr}/{ACCOUNT}/{name}")
}

/// One HTTP/1.1 keep-alive connection.
pub struct Conn {
    sender: http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    /// Connects to `addr`; the connection is driven by a task on the current runtime.
    pub async fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .expect("HTTP/1.1 handshake");
        tokio::spawn(connection);
        Conn { sender }
    }

    /// Sends one request and reads the whole answer.
    pub async fn call(&mut self, request: Request<Full<Bytes>>) -> (StatusCode, Bytes) {
        self.sender.ready().await.expect("connection ready");
        let response = self.sender.send_request(request).await.expect("response");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, body)
    }

    /// Sends one request that must succeed, and parses its JSON answer.
    pub async fn ok(&mut self, request: Request<Full<Bytes>>) -> Value {
        let (status, body) = self.call(request).await;
        assert!(
            status.is_success(),
            "{status}: {}",
            String::from_utf8_lossy(&body)
        );
        serde_json::from_slice(&body).expect("a JSON answer")
    }
}

/// One HTTP/2 connection: many requests at once over one socket, for tens of thousands
/// of concurrent long polls without a socket each.
#[derive(Clone)]
pub struct Multiplexed {
    sender: http2::SendRequest<Full<Bytes>>,
}

impl Multiplexed {
    /// Connects to `addr` with HTTP/2 prior knowledge.
    pub async fn open(addr: SocketAddr) -> Multiplexed {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .expect("HTTP/2 handshake");
        tokio::spawn(connection);
        Multiplexed { sender }
    }

    /// Sends one request on its own stream and reads the status; `None` if the
    /// connection ended first (the fake was dropped).
    pub async fn call(&mut self, request: Request<Full<Bytes>>) -> Option<StatusCode> {
        self.sender.ready().await.ok()?;
        let response = self.sender.send_request(request).await.ok()?;
        let status = response.status();
        response.into_body().collect().await.ok()?;
        Some(status)
    }
}
