//! The standalone fake SQS server, for tools and tests in any language.

mod log;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use clap::Parser;
use fake_sqs::{ClockMode, ConfigError, Dialect, FakeSqs};

/// Requests allocate and free many small buffers from two worker threads while the
/// stored messages stay: mimalloc serves that with less CPU than glibc's malloc
/// (`benches/README.md`, issue 17).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    match s.to_ascii_lowercase().as_str() {
        "aws" => Ok(Dialect::Aws),
        "scaleway" => Ok(Dialect::Scaleway),
        "yandex" => Ok(Dialect::Yandex),
        other => Err(format!(
            "unknown dialect {other:?}: expected aws, scaleway or yandex"
        )),
    }
}

fn parse_time(s: &str) -> Result<SystemTime, String> {
    humantime::parse_rfc3339_weak(s).map_err(|e| {
        format!("{s:?} is not an RFC 3339 time in UTC, such as 2025-01-01T00:00:00Z ({e})")
    })
}

/// One `--credential`: access key, secret key, account.
#[derive(Debug, Clone)]
struct Credential {
    access_key: String,
    secret_key: String,
    account_id: String,
}

/// `KEY:SECRET:ACCOUNT`; the secret may hold colons, the key and the account may not.
fn parse_credential(s: &str) -> Result<Credential, String> {
    let usage = || format!("{s:?} is not ACCESS_KEY:SECRET_KEY:ACCOUNT_ID");
    let (access_key, rest) = s.split_once(':').ok_or_else(usage)?;
    let (secret_key, account_id) = rest.rsplit_once(':').ok_or_else(usage)?;
    if [access_key, secret_key, account_id]
        .iter()
        .any(|p| p.is_empty())
    {
        return Err(usage());
    }
    Ok(Credential {
        access_key: access_key.to_owned(),
        secret_key: secret_key.to_owned(),
        account_id: account_id.to_owned(),
    })
}

/// A faithful, fast Amazon SQS on your machine.
///
/// Beside SQS, the same port serves an admin API under /_fake-sqs/ (JSON: the clock,
/// the queues and messages, the request journal, faults, chaos, expectations, reset,
/// waiting for long polls); GET /_fake-sqs/ lists it, and /_fake-sqs/ui shows it all
/// in a browser.
/// Exit status: 1 when the address cannot be bound, 2 for a bad flag or config file.
#[derive(Parser, Debug)]
#[command(version, about, long_about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "FAKE_SQS_HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0 for any free port).
    #[arg(long, env = "FAKE_SQS_PORT", default_value_t = 9324)]
    port: u16,
    /// Provider to behave like: aws, scaleway or yandex.
    #[arg(long, env = "FAKE_SQS_DIALECT", default_value = "aws", value_parser = parse_dialect)]
    dialect: Dialect,
    /// Region of requests that do not name one (default: the dialect's, us-east-1 for aws).
    #[arg(long, env = "FAKE_SQS_REGION")]
    region: Option<String>,
    /// Account of requests whose access key is not a 12-digit account id (Scaleway:
    /// project id; Yandex: folder id).
    #[arg(long, env = "FAKE_SQS_ACCOUNT_ID")]
    account_id: Option<String>,
    /// Seed for generated ids, for reproducible runs.
    #[arg(long, env = "FAKE_SQS_SEED")]
    seed: Option<u64>,
    /// Queues to create at start and again on every reset: a TOML file of `[[queue]]`
    /// tables (name, attributes, tags, dead_letter, region, account_id).
    #[arg(long, env = "FAKE_SQS_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Keep queues, messages, move tasks and a paused clock in DIR (a SQLite database,
    /// created if missing), so that a restart, even after a crash, goes on where the
    /// server stopped. Every change is on disk before its request is answered.
    #[arg(long, env = "FAKE_SQS_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// How the clock moves: system (real time), paused (only when moved through the
    /// admin API), or auto-advance (paused, and jumps ahead whenever every request is a
    /// waiting long poll).
    #[arg(
        long,
        env = "FAKE_SQS_CLOCK",
        default_value = "system",
        value_name = "MODE"
    )]
    clock: ClockMode,
    /// Where a paused or auto-advancing clock starts (RFC 3339, UTC; default: now).
    #[arg(long, env = "FAKE_SQS_CLOCK_START", value_name = "TIME", value_parser = parse_time)]
    clock_start: Option<SystemTime>,
    /// Let a deleted queue's name be used again at once (AWS makes you wait 60 s).
    #[arg(long, env = "FAKE_SQS_ALLOW_IMMEDIATE_QUEUE_RECREATION")]
    allow_immediate_queue_recreation: bool,
    /// Let PurgeQueue run more than once a minute on a queue (AWS does not).
    #[arg(long, env = "FAKE_SQS_ALLOW_REPEATED_PURGE")]
    allow_repeated_purge: bool,
    /// Messages a queue may have in flight (AWS: 120000).
    #[arg(long, env = "FAKE_SQS_IN_FLIGHT_LIMIT", value_name = "N")]
    in_flight_limit: Option<usize>,
    /// Check every request's SigV4 signature (on by itself with --credential).
    #[arg(long, env = "FAKE_SQS_VERIFY_SIGNATURES")]
    verify_signatures: bool,
    /// Serve SQS only: requests under /_fake-sqs/ get a JSON error.
    #[arg(long, env = "FAKE_SQS_DISABLE_ADMIN_API")]
    disable_admin_api: bool,
    /// What queue URLs start with, whatever host a request was sent to (by default
    /// they follow each request's Host, as AWS's do; e.g. the URL a container is
    /// reached by).
    #[arg(long, env = "FAKE_SQS_ADVERTISED_URL")]
    advertised_url: Option<String>,
    /// A credential, ACCESS_KEY:SECRET_KEY:ACCOUNT_ID (repeat the flag, or separate
    /// with commas in the variable): requests signed with the key act as the account.
    /// Declaring one makes the server check every signature, as AWS does.
    #[arg(
        long = "credential",
        env = "FAKE_SQS_CREDENTIALS",
        value_name = "KEY:SECRET:ACCOUNT",
        value_delimiter = ',',
        value_parser = parse_credential
    )]
    credentials: Vec<Credential>,
    /// Server worker threads.
    #[arg(long, env = "FAKE_SQS_THREADS", default_value_t = 2)]
    threads: usize,
    /// How long a client may take to send a request's headers, from when it connects or
    /// starts its next request (default: 30s; any duration such as 500ms or 2m).
    #[arg(long, env = "FAKE_SQS_HEADER_READ_TIMEOUT", value_name = "DURATION")]
    header_read_timeout: Option<humantime::Duration>,
    /// How long a client may take to send a request's body once its headers are in
    /// (default: 60s).
    #[arg(long, env = "FAKE_SQS_BODY_READ_TIMEOUT", value_name = "DURATION")]
    body_read_timeout: Option<humantime::Duration>,
    /// How long a keep-alive connection may sit idle between requests (default: 120s).
    #[arg(long, env = "FAKE_SQS_IDLE_TIMEOUT", value_name = "DURATION")]
    idle_timeout: Option<humantime::Duration>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let log = log::Log::start();
    let code = serve(log.clone()).await;
    log.write_out();
    code
}

/// Everything `main` does but the last flush of the log.
async fn serve(log: log::Log) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .event_format(log::Line)
        .with_writer(log)
        .init();
    let args = Args::parse();
    let clock = match (args.clock, args.clock_start) {
        (ClockMode::System, Some(_)) => {
            eprintln!("fake-sqs: --clock-start needs --clock paused or --clock auto-advance");
            return ExitCode::from(2);
        }
        (ClockMode::Paused(_), start) => ClockMode::Paused(start),
        (ClockMode::AutoAdvance(_), start) => ClockMode::AutoAdvance(start),
        (mode, _) => mode,
    };
    let mut builder = FakeSqs::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .dialect(args.dialect)
        .threads(args.threads)
        .clock(clock);
    if let Some(region) = args.region {
        builder = builder.region(region);
    }
    if let Some(account) = args.account_id {
        builder = builder.account_id(account);
    }
    if let Some(url) = args.advertised_url {
        builder = builder.advertised_url(url);
    }
    for c in args.credentials {
        builder = builder.credential(c.access_key, c.secret_key, c.account_id);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if let Some(path) = &args.config {
        builder = match builder.config_file(path) {
            Ok(builder) => builder,
            Err(err) => return config_error(&err),
        };
    }
    if let Some(dir) = &args.data_dir {
        builder = builder.data_dir(dir);
    }
    if args.allow_immediate_queue_recreation {
        builder = builder.allow_immediate_queue_recreation();
    }
    if args.allow_repeated_purge {
        builder = builder.allow_repeated_purge();
    }
    if let Some(limit) = args.in_flight_limit {
        builder = builder.in_flight_limit(limit);
    }
    if args.verify_signatures {
        builder = builder.verify_signatures();
    }
    if args.disable_admin_api {
        builder = builder.disable_admin_api();
    }
    if let Some(timeout) = args.header_read_timeout {
        builder = builder.header_read_timeout(timeout.into());
    }
    if let Some(timeout) = args.body_read_timeout {
        builder = builder.body_read_timeout(timeout.into());
    }
    if let Some(timeout) = args.idle_timeout {
        builder = builder.idle_timeout(timeout.into());
    }
    let sqs = match builder.try_start().await {
        Ok(sqs) => sqs,
        Err(err) => {
            if let Some(err) = err.get_ref().and_then(|e| e.downcast_ref::<ConfigError>()) {
                return config_error(err);
            }
            eprintln!(
                "fake-sqs: cannot listen on {}:{}: {err}",
                args.host, args.port
            );
            return ExitCode::from(1);
        }
    };
    tracing::info!("fake-sqs listening on {}", sqs.endpoint_url());
    if !args.disable_admin_api {
        tracing::info!("dashboard: {}/_fake-sqs/ui", sqs.endpoint_url());
    }
    // Machine-readable for scripts that start us on port 0.
    println!("{}", sqs.endpoint_url());
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
    drop(sqs);
    ExitCode::SUCCESS
}

/// A config file the server cannot start with: where and why, and status 2.
fn config_error(err: &ConfigError) -> ExitCode {
    eprintln!("fake-sqs: {err}");
    ExitCode::from(2)
}
