//! Live sources, each a tokio task with a name and its own counters:
//! a TCP client (reconnecting with exponential backoff), a UDP listener, a
//! TCP server that receivers push to, a file being written to, and the
//! demo's accelerated replay. Each cuts its input into checked lines
//! ([`crate::lines::Framer`]) and sends batches to the decoder over one
//! bounded channel; when the decoder falls behind, TCP sources stop
//! reading (the sender slows down) and UDP datagrams are dropped by the
//! kernel (counted by it, not here). A source that sends garbage has it
//! counted and logged (at most once a minute) and never stops the others.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, watch};

use crate::lines::{FrameCounts, Framer};

/// A source as given on the command line.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // each variant's fields: the source's name, then where it reads
pub enum SourceSpec {
    /// `--tcp NAME=HOST:PORT`: connect to a feed (e.g. Kystverket's
    /// `153.44.253.27:5631`), reconnecting with backoff.
    TcpClient { name: String, addr: String },
    /// `--udp NAME=ADDR`: listen for datagrams (AIS-catcher, OpenCPN).
    Udp { name: String, addr: String },
    /// `--listen-tcp NAME=ADDR`: accept receivers that push lines.
    TcpServer { name: String, addr: String },
    /// `--follow NAME=FILE`: read a file from its start and follow what is
    /// appended (`tail -f`); starts over when the file is truncated.
    Follow { name: String, path: PathBuf },
    /// The demo: recordings (and a simulated scenario) replayed at `speed`
    /// times real time, looping, moved to the present.
    Demo {
        name: String,
        files: Vec<PathBuf>,
        speed: f64,
        scenario: Option<PathBuf>,
    },
}

impl SourceSpec {
    /// The source's name.
    pub fn name(&self) -> &str {
        match self {
            SourceSpec::TcpClient { name, .. }
            | SourceSpec::Udp { name, .. }
            | SourceSpec::TcpServer { name, .. }
            | SourceSpec::Follow { name, .. }
            | SourceSpec::Demo { name, .. } => name,
        }
    }

    /// The kind, as in metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceSpec::TcpClient { .. } => "tcp",
            SourceSpec::Udp { .. } => "udp",
            SourceSpec::TcpServer { .. } => "listen-tcp",
            SourceSpec::Follow { .. } => "follow",
            SourceSpec::Demo { .. } => "demo",
        }
    }

    /// Parses `NAME=VALUE` for the given kind (`tcp`, `udp`, `listen-tcp`, `follow`).
    pub fn parse(kind: &str, arg: &str) -> Result<SourceSpec> {
        let Some((name, value)) = arg.split_once('=') else {
            bail!("--{kind} {arg:?}: expected NAME=VALUE, e.g. kystverket=153.44.253.27:5631")
        };
        if name.is_empty()
            || name.len() > 23
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        {
            bail!("--{kind} {arg:?}: the name must be 1-23 letters, digits, '-', '_' or '.'");
        }
        if value.is_empty() {
            bail!("--{kind} {arg:?}: nothing after '='");
        }
        let (name, value) = (name.to_string(), value.to_string());
        Ok(match kind {
            "tcp" => {
                if !value.contains(':') {
                    bail!("--tcp {arg:?}: expected HOST:PORT");
                }
                SourceSpec::TcpClient { name, addr: value }
            }
            "udp" => SourceSpec::Udp {
                addr: check_addr(kind, arg, &value)?,
                name,
            },
            "listen-tcp" => SourceSpec::TcpServer {
                addr: check_addr(kind, arg, &value)?,
                name,
            },
            "follow" => SourceSpec::Follow {
                name,
                path: value.into(),
            },
            _ => bail!("unknown source kind {kind}"),
        })
    }
}

fn check_addr(kind: &str, arg: &str, value: &str) -> Result<String> {
    value.parse::<SocketAddr>().with_context(|| {
        format!("--{kind} {arg:?}: {value:?} is not an address like 0.0.0.0:10110")
    })?;
    Ok(value.to_string())
}

/// One source's counters.
#[derive(Debug, Default)]
pub struct SourceMetrics {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: &'static str,
    /// Lines accepted.
    pub lines: AtomicU64,
    /// Lines rejected as not NMEA.
    pub invalid: AtomicU64,
    /// Bytes read.
    pub bytes: AtomicU64,
    /// Connections made or accepted.
    pub connections: AtomicU64,
    /// Connection failures and drops.
    pub errors: AtomicU64,
    /// Connections open now.
    pub connected: AtomicU64,
}

impl SourceMetrics {
    /// Zeroed counters for `spec`.
    pub fn for_spec(spec: &SourceSpec) -> SourceMetrics {
        SourceMetrics {
            name: spec.name().to_string(),
            kind: spec.kind(),
            ..SourceMetrics::default()
        }
    }
}

/// Everything a running source needs.
pub struct SourceCx {
    /// The source's counters.
    pub metrics: Arc<SourceMetrics>,
    /// Where batches of checked, newline-terminated lines go.
    pub tx: mpsc::Sender<Vec<u8>>,
    /// Stops the source when it changes.
    pub shutdown: watch::Receiver<bool>,
}

impl SourceCx {
    /// Counts a framer's results and logs garbage at most once a minute.
    fn count(&self, c: FrameCounts, framer: &mut Framer, last_log: &mut Option<Instant>) {
        self.metrics.lines.fetch_add(c.lines, Ordering::Relaxed);
        if c.invalid > 0 {
            self.metrics.invalid.fetch_add(c.invalid, Ordering::Relaxed);
            if last_log.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                *last_log = Some(Instant::now());
                let sample = framer.take_sample().unwrap_or_default();
                eprintln!(
                    "seawarden: source {}: {} lines that are not NMEA so far, e.g. {sample:?} (skipped; logged once a minute)",
                    self.metrics.name,
                    self.metrics.invalid.load(Ordering::Relaxed)
                );
            }
        }
    }

    async fn send(&self, batch: &mut Vec<u8>) -> bool {
        if batch.is_empty() {
            return true;
        }
        let b = std::mem::replace(batch, Vec::with_capacity(1 << 14));
        self.tx.send(b).await.is_ok()
    }
}

/// Starts a source: binds what must be bound now (listeners, so that errors
/// show at start and tests can read the port) and returns the task and the
/// bound address.
pub async fn start(
    spec: SourceSpec,
    cx: SourceCx,
) -> Result<(tokio::task::JoinHandle<()>, Option<SocketAddr>)> {
    Ok(match spec {
        SourceSpec::TcpClient { addr, .. } => (tokio::spawn(tcp_client(addr, cx)), None),
        SourceSpec::Udp { addr, name } => {
            let sock = UdpSocket::bind(&addr)
                .await
                .with_context(|| format!("source {name}: cannot listen on UDP {addr}"))?;
            let local = sock.local_addr()?;
            (tokio::spawn(udp(sock, cx)), Some(local))
        }
        SourceSpec::TcpServer { addr, name } => {
            let l = TcpListener::bind(&addr)
                .await
                .with_context(|| format!("source {name}: cannot listen on TCP {addr}"))?;
            let local = l.local_addr()?;
            (tokio::spawn(tcp_server(l, cx)), Some(local))
        }
        SourceSpec::Follow { path, .. } => (tokio::spawn(follow(path, cx)), None),
        SourceSpec::Demo {
            files,
            speed,
            scenario,
            ..
        } => {
            let mut recording = crate::demo::Recording::load(&files)?;
            if let Some(path) = scenario {
                recording.add_scenario(&path, 7)?;
            }
            (tokio::spawn(crate::demo::run(recording, speed, cx)), None)
        }
    })
}

/// Reads a stream until it ends, the pipeline stops or shutdown.
async fn read_stream<R: tokio::io::AsyncRead + Unpin>(
    mut r: R,
    cx: &SourceCx,
    framer: &mut Framer,
) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    let mut batch = Vec::with_capacity(1 << 14);
    let mut last_log = None;
    let mut shutdown = cx.shutdown.clone();
    loop {
        let n = tokio::select! {
            r = r.read(&mut buf) => r?,
            _ = shutdown.changed() => return Ok(false),
        };
        let now = crate::now_ms();
        if n == 0 {
            let c = framer.finish(now, &mut batch);
            cx.count(c, framer, &mut last_log);
            return Ok(cx.send(&mut batch).await);
        }
        cx.metrics.bytes.fetch_add(n as u64, Ordering::Relaxed);
        let c = framer.push(&buf[..n], now, &mut batch);
        cx.count(c, framer, &mut last_log);
        if !cx.send(&mut batch).await {
            return Ok(false);
        }
    }
}

async fn tcp_client(addr: String, cx: SourceCx) {
    let mut backoff = Duration::from_secs(1);
    let mut shutdown = cx.shutdown.clone();
    loop {
        let connected =
            tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(&addr)).await;
        let started = Instant::now();
        match connected {
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                cx.metrics.connections.fetch_add(1, Ordering::Relaxed);
                cx.metrics.connected.store(1, Ordering::Relaxed);
                eprintln!(
                    "seawarden: source {}: connected to {addr}",
                    cx.metrics.name
                );
                let mut framer = Framer::new(&cx.metrics.name);
                let r = read_stream(stream, &cx, &mut framer).await;
                cx.metrics.connected.store(0, Ordering::Relaxed);
                match r {
                    Ok(false) => return,
                    Ok(true) => eprintln!(
                        "seawarden: source {}: {addr} closed the connection",
                        cx.metrics.name
                    ),
                    Err(e) => {
                        cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("seawarden: source {}: {addr}: {e}", cx.metrics.name);
                    }
                }
            }
            Ok(Err(e)) => {
                cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "seawarden: source {}: cannot connect to {addr}: {e}; retrying in {} s",
                    cx.metrics.name,
                    backoff.as_secs()
                );
            }
            Err(_) => {
                cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                eprintln!(
                    "seawarden: source {}: connecting to {addr} timed out; retrying in {} s",
                    cx.metrics.name,
                    backoff.as_secs()
                );
            }
        }
        // A connection that lasted a while resets the backoff.
        if started.elapsed() > Duration::from_secs(30) {
            backoff = Duration::from_secs(1);
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = shutdown.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(60));
    }
}

async fn udp(sock: UdpSocket, cx: SourceCx) {
    let mut buf = vec![0u8; 65_536];
    let mut batch = Vec::with_capacity(1 << 14);
    let mut framer = Framer::new(&cx.metrics.name);
    let mut last_log = None;
    let mut shutdown = cx.shutdown.clone();
    loop {
        let r = tokio::select! {
            r = sock.recv_from(&mut buf) => r,
            _ = shutdown.changed() => return,
        };
        match r {
            Ok((n, _)) => {
                cx.metrics.bytes.fetch_add(n as u64, Ordering::Relaxed);
                let now = crate::now_ms();
                // Each datagram holds whole lines.
                let mut c = framer.push(&buf[..n], now, &mut batch);
                let f = framer.finish(now, &mut batch);
                c.lines += f.lines;
                c.invalid += f.invalid;
                cx.count(c, &mut framer, &mut last_log);
                // Datagrams that are already waiting join the batch.
                while batch.len() < 1 << 16 {
                    match sock.try_recv_from(&mut buf) {
                        Ok((n, _)) => {
                            cx.metrics.bytes.fetch_add(n as u64, Ordering::Relaxed);
                            let mut c = framer.push(&buf[..n], now, &mut batch);
                            let f = framer.finish(now, &mut batch);
                            c.lines += f.lines;
                            c.invalid += f.invalid;
                            cx.count(c, &mut framer, &mut last_log);
                        }
                        Err(_) => break,
                    }
                }
                if !cx.send(&mut batch).await {
                    return;
                }
            }
            Err(e) => {
                cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("seawarden: source {}: {e}", cx.metrics.name);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn tcp_server(listener: TcpListener, cx: SourceCx) {
    let cx = Arc::new(cx);
    let mut shutdown = cx.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                cx.metrics.connections.fetch_add(1, Ordering::Relaxed);
                cx.metrics.connected.fetch_add(1, Ordering::Relaxed);
                let cx = cx.clone();
                tokio::spawn(async move {
                    let mut framer = Framer::new(&cx.metrics.name);
                    if let Err(e) = read_stream(stream, &cx, &mut framer).await {
                        cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                        eprintln!("seawarden: source {}: {peer}: {e}", cx.metrics.name);
                    }
                    cx.metrics.connected.fetch_sub(1, Ordering::Relaxed);
                });
            }
            Err(e) => {
                cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("seawarden: source {}: accept: {e}", cx.metrics.name);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn follow(path: PathBuf, cx: SourceCx) {
    let mut shutdown = cx.shutdown.clone();
    let mut warned = false;
    loop {
        match tokio::fs::File::open(&path).await {
            Ok(mut f) => {
                warned = false;
                cx.metrics.connections.fetch_add(1, Ordering::Relaxed);
                let mut framer = Framer::new(&cx.metrics.name);
                let mut buf = vec![0u8; 1 << 16];
                let mut batch = Vec::with_capacity(1 << 14);
                let mut last_log = None;
                let mut pos: u64 = 0;
                loop {
                    let n = match f.read(&mut buf).await {
                        Ok(n) => n,
                        Err(e) => {
                            cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                            eprintln!(
                                "seawarden: source {}: {}: {e}",
                                cx.metrics.name,
                                path.display()
                            );
                            break;
                        }
                    };
                    if n == 0 {
                        // At the end: wait for more, start over if truncated.
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                            _ = shutdown.changed() => return,
                        }
                        match tokio::fs::metadata(&path).await {
                            Ok(m) if m.len() < pos => {
                                eprintln!("seawarden: source {}: {} was truncated; reading it from the start", cx.metrics.name, path.display());
                                pos = 0;
                                framer = Framer::new(&cx.metrics.name);
                                if f.seek(std::io::SeekFrom::Start(0)).await.is_err() {
                                    break;
                                }
                            }
                            Ok(_) => {}
                            // Removed or renamed (rotated): reopen by name.
                            Err(_) => break,
                        }
                        continue;
                    }
                    pos += n as u64;
                    cx.metrics.bytes.fetch_add(n as u64, Ordering::Relaxed);
                    let c = framer.push(&buf[..n], crate::now_ms(), &mut batch);
                    cx.count(c, &mut framer, &mut last_log);
                    if !cx.send(&mut batch).await {
                        return;
                    }
                }
            }
            Err(e) => {
                if !warned {
                    cx.metrics.errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!(
                        "seawarden: source {}: cannot open {}: {e}; waiting for it",
                        cx.metrics.name,
                        path.display()
                    );
                    warned = true;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
