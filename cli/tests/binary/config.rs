//! `--config`: the queues of a TOML file, created at start (and on every reset); a file
//! the server cannot start with stops it with status 2 and the file, line and reason.

use std::path::PathBuf;

use crate::flags::admin_get;
use crate::support::{spawn_binary, BINARY};

/// A file with `text` in the temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("fake-sqs-cli-{}-{name}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The binary: `--config` creates the file's queues (seen through the admin API); a bad
/// file stops it with status 2 and the file, line and reason on stderr.
#[tokio::test]
async fn the_binary_starts_with_a_config_file_or_stops_with_status_2() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/queues.toml");
    let (_server, endpoint) = spawn_binary(&["--config", fixture]);
    let (status, queues) = admin_get(&endpoint, "queues").await;
    assert_eq!(status, 200);
    assert_eq!(queues["queues"].as_array().unwrap().len(), 4);
    // A reset keeps them.
    let reset = reqwest::Client::new()
        .post(format!("{endpoint}/_fake-sqs/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert_eq!(
        admin_get(&endpoint, "queues").await.1["queues"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    let file = TempFile::new(
        "binary",
        "[[queue]]\nname = \"jobs\"\nattributes = { VisibilityTimeout = \"forever\" }\n",
    );
    let out = std::process::Command::new(BINARY)
        .args(["--port", "0", "--config"])
        .arg(&file.0)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "fake-sqs: {}:3:16: queue \"jobs\": attribute VisibilityTimeout: Invalid value for the parameter VisibilityTimeout. (InvalidAttributeValue)\n",
            file.0.display()
        )
    );
    assert!(out.stdout.is_empty(), "no endpoint URL: it did not start");
}
