//! The SDK's HTTP client for the fake: hyper's pooled client over plain HTTP/1.1.
//!
//! The SDK's own default client brings a TLS stack (rustls with aws-lc) that a fake on
//! loopback never uses, and costs every user a C build. This one speaks plain HTTP only.

use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    http_client_fn, HttpConnector, HttpConnectorFuture, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// A client whose connector is shared by every request: one connection pool.
pub(super) fn client() -> SharedHttpClient {
    let pool = Client::builder(TokioExecutor::new()).build(TcpConnector::new());
    http_client_fn(move |settings, _| {
        SharedHttpConnector::new(PlainHttp {
            pool: pool.clone(),
            read_timeout: settings.read_timeout(),
        })
    })
}

#[derive(Debug, Clone)]
struct PlainHttp {
    pool: Client<TcpConnector, SdkBody>,
    /// The SDK's read timeout, if the test set one: how long to wait for an answer.
    /// (A connect timeout has nothing to do: loopback connects or refuses at once.)
    read_timeout: Option<Duration>,
}

impl HttpConnector for PlainHttp {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let pool = self.pool.clone();
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::user(e.into()))?;
            let answer = pool.request(request);
            let response = match read_timeout {
                None => answer.await,
                Some(limit) => tokio::time::timeout(limit, answer)
                    .await
                    .map_err(|e| ConnectorError::timeout(e.into()))?,
            }
            // Every failure here is the socket's (refused, reset, closed): an I/O error,
            // which the SDK's retry policy treats as transient, as its own client does.
            .map_err(|e| ConnectorError::io(e.into()))?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}
