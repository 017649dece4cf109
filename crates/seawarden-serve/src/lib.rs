//! # seawarden-serve
//!
//! The live service behind `seawarden serve`: AIS feeds in, the pipeline
//! running continuously, an HTTP/WebSocket API, the offline web map and
//! alert delivery.
//!
//! ```text
//!  sources (tokio tasks)          pipeline thread (std)            API (axum)
//!  tcp / udp / listen-tcp ──┐     store journal (write-ahead)      /api/...  ◄── Control (queries)
//!  follow / demo            ├──►  Pipeline: decode, reorder,  ──►  broadcast: positions, alerts ──► WebSocket clients
//!   (Framer: check, stamp)  │     track, detect                    alert book (store database)
//!   bounded channel ────────┘     every second: Tick               sinks: JSONL file, webhooks (own tasks)
//!                                 ──► archive thread: GeoParquet, vessel table (store)
//! ```
//!
//! One pipeline thread owns all tracking and detection state, so nothing in
//! it is locked; sources wait when its input channel is full (TCP
//! backpressure), and nothing downstream can hold it up: WebSocket clients
//! and webhooks read from channels that drop and count when a reader falls
//! behind. See `docs/serve.md` for the API, security and measurements.
//!
//! ```no_run
//! # async fn f() -> anyhow::Result<()> {
//! use seawarden_serve::{ServeConfig, SourceSpec};
//! let mut config = ServeConfig::default();
//! config.sources.push(SourceSpec::parse("listen-tcp", "receivers=127.0.0.1:10110")?);
//! let server = seawarden_serve::start(config).await?;
//! println!("serving on http://{}/", server.addr());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod alerts;
mod api;
mod auth;
mod bus;
mod engine;
mod infra;
mod investigations;
mod metrics;
mod persist;
mod sinks;
mod tls;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use seawarden_pipeline::{GeoWorld, WorldSpec};
use tokio::sync::{broadcast, mpsc, watch};

pub use auth::{Role, Token};
pub use seawarden_bus::follow::Bus;
pub use engine::ship_type_text;
pub use sinks::{WEBHOOK_ATTEMPTS, WEBHOOK_QUEUE};
pub use seawarden_sources::{demo, lines, SourceMetrics, SourceSpec};
use seawarden_sources as sources;

use engine::{Control, EngineSetup, Input, PosItem};
use metrics::Metrics;
use sinks::{AlertMsg, Sinks};

pub use seawarden_sources::now_ms;

/// Formats milliseconds since the epoch as RFC 3339 (UTC).
pub(crate) fn rfc3339(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    seawarden_ais::meta::format_rfc3339(ms, &mut s);
    s
}

/// Everything `seawarden serve` is told.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// HTTP address (default `127.0.0.1:8080`; port 0 picks one).
    pub listen: SocketAddr,
    /// Live sources.
    pub sources: Vec<SourceSpec>,
    /// A message bus to read instead of sources: vessels from its
    /// observations, alerts from its detector workers (`seawarden bus`).
    pub bus: Option<Bus>,
    /// Infrastructure, zones, watchlists, ports, land given at start.
    pub world: WorldSpec,
    /// Detector thresholds.
    pub detect: seawarden_detect::Config,
    /// The store (`seawarden-store`: journal, archive, alerts) and the
    /// uploads and investigations; `None` keeps everything in memory (lost
    /// at exit).
    pub data_dir: Option<PathBuf>,
    /// Hours of journal read again at a restart or a change of world (and,
    /// without `data_dir`, of recent lines kept for investigations).
    pub journal_hours: u32,
    /// With `data_dir`: sets the store's retention (`retention_days` in its
    /// `store.toml`; 0 keeps everything); `None` leaves it as it is.
    pub retention_days: Option<u32>,
    /// With `data_dir`: how often buffered positions and static reports are
    /// written to the archive.
    pub archive_flush: Duration,
    /// Webhook URLs (http or https) that receive each alert event as a JSON POST.
    pub webhooks: Vec<String>,
    /// A JSON Lines file that receives each alert event.
    pub alerts_jsonl: Option<PathBuf>,
    /// API tokens; none = open (only allowed on loopback unless `insecure`).
    pub tokens: Vec<Token>,
    /// Allow serving without tokens on a non-loopback address.
    pub insecure: bool,
    /// TLS certificate chain and private key (PEM).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Receive-time reordering window across receivers, milliseconds (it
    /// delays every observation by as much: 0 suits live feeds).
    pub reorder_window_ms: i64,
    /// Without `data_dir`: bytes of recent input lines kept in memory for
    /// investigations (also at most `journal_hours` old); 0 keeps none.
    pub memory_journal_bytes: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            sources: Vec::new(),
            bus: None,
            world: WorldSpec::default(),
            detect: seawarden_detect::Config::default(),
            data_dir: None,
            journal_hours: 6,
            retention_days: None,
            archive_flush: Duration::from_secs(300),
            webhooks: Vec::new(),
            alerts_jsonl: None,
            tokens: Vec::new(),
            insecure: false,
            tls: None,
            reorder_window_ms: 0,
            memory_journal_bytes: 256 << 20,
        }
    }
}

/// A bounding box in degrees; `min_lon > max_lon` crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// West edge.
    pub min_lon: f64,
    /// South edge.
    pub min_lat: f64,
    /// East edge.
    pub max_lon: f64,
    /// North edge.
    pub max_lat: f64,
}

impl BBox {
    /// Parses `minLon,minLat,maxLon,maxLat`.
    pub fn parse(s: &str) -> Result<BBox, String> {
        let v: Vec<f64> = s
            .split(',')
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                format!("bbox {s:?}: expected four numbers minLon,minLat,maxLon,maxLat")
            })?;
        let [min_lon, min_lat, max_lon, max_lat] = v[..] else {
            return Err(format!(
                "bbox {s:?}: expected four numbers minLon,minLat,maxLon,maxLat"
            ));
        };
        if ![min_lon, max_lon]
            .iter()
            .all(|x| (-180.0..=180.0).contains(x))
            || ![min_lat, max_lat]
                .iter()
                .all(|x| (-90.0..=90.0).contains(x))
        {
            return Err(format!(
                "bbox {s:?}: longitudes must be within -180..180 and latitudes within -90..90"
            ));
        }
        if min_lat > max_lat {
            return Err(format!("bbox {s:?}: minLat is north of maxLat"));
        }
        Ok(BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        })
    }

    /// True when the point is inside (edges included).
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let in_lon = if self.min_lon <= self.max_lon {
            lon >= self.min_lon && lon <= self.max_lon
        } else {
            lon >= self.min_lon || lon <= self.max_lon
        };
        in_lon && lat >= self.min_lat && lat <= self.max_lat
    }
}

/// State shared by the API, the sources and the pipeline thread.
pub(crate) struct Shared {
    started: Instant,
    metrics: Metrics,
    sources: Vec<Arc<SourceMetrics>>,
    book: Mutex<alerts::Book>,
    positions: broadcast::Sender<Arc<Vec<PosItem>>>,
    alerts: broadcast::Sender<Arc<AlertMsg>>,
    control: Mutex<std::sync::mpsc::Sender<Control>>,
    input: mpsc::Sender<Input>,
    infra: infra::Infra,
    auth: auth::Auth,
    investigations: Arc<investigations::Investigations>,
    /// Where investigations read the raw lines.
    lines: investigations::LineSource,
    /// Recent lines kept in memory when there is no journal on disk.
    recent: Option<Arc<investigations::Recent>>,
    /// Reading a bus (`--bus`): no raw lines, no local detection.
    reads_bus: bool,
}

impl Shared {
    /// Sends a query to the pipeline thread and wakes it.
    async fn ask<T>(
        &self,
        make: impl FnOnce(tokio::sync::oneshot::Sender<T>) -> Control,
    ) -> Option<T> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.control.lock().ok()?.send(make(tx)).ok()?;
        // The pipeline thread answers between batches; wake it if idle.
        let _ = self.input.try_send(Input::Wake);
        rx.await.ok()
    }
}

/// A running server.
pub struct Server {
    addr: SocketAddr,
    source_addrs: HashMap<String, SocketAddr>,
    shutdown: watch::Sender<bool>,
    shared: Arc<Shared>,
    http: tokio::task::JoinHandle<()>,
    engine: std::thread::JoinHandle<()>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// The HTTP address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address a listening source (`udp`, `listen-tcp`) is bound to.
    pub fn source_addr(&self, name: &str) -> Option<SocketAddr> {
        self.source_addrs.get(name).copied()
    }

    /// The sources' counters.
    pub fn source_metrics(&self) -> &[Arc<SourceMetrics>] {
        &self.shared.sources
    }

    /// Stops the sources, lets the pipeline finish what it was given (and
    /// flush the journal and alert files), and stops serving.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            t.abort();
        }
        let _ = self.shared.input.send(Input::Shutdown).await;
        let engine = self.engine;
        let _ = tokio::task::spawn_blocking(move || engine.join()).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.http).await;
    }
}

/// True for loopback addresses.
fn is_loopback(a: &SocketAddr) -> bool {
    a.ip().is_loopback()
}

/// Starts the server: loads the world, binds the HTTP address and every
/// listening source, starts the pipeline thread (re-reading the journal in
/// `data_dir` first) and returns once everything is up.
pub async fn start(config: ServeConfig) -> Result<Server> {
    if config.tokens.is_empty() && !is_loopback(&config.listen) && !config.insecure {
        bail!("refusing to serve on {} without API tokens: give --token NAME:ROLE:SECRET (or --tokens FILE), or --insecure to serve openly", config.listen);
    }
    if config.bus.is_some() && !config.sources.is_empty() {
        bail!("--bus cannot be combined with sources: the bus's ingest processes read the feeds (seawarden bus ingest)");
    }
    let mut names = std::collections::HashSet::new();
    for s in &config.sources {
        if !names.insert(s.name().to_string()) {
            bail!("two sources are called {:?}: names must differ", s.name());
        }
    }
    for url in &config.webhooks {
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || reqwest::Url::parse(url).is_err()
        {
            bail!("--webhook {url:?}: expected an http:// or https:// URL");
        }
    }
    let tls = match &config.tls {
        Some((cert, key)) => Some(tls::acceptor(cert, key)?),
        None => None,
    };
    if let Some(d) = &config.data_dir {
        std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    let infra = infra::Infra::new(config.world.clone(), config.data_dir.clone())?;
    let world = {
        let spec = infra.spec();
        tokio::task::spawn_blocking(move || GeoWorld::load(&spec))
            .await
            .context("loading the world")??
    };
    let book = match &config.data_dir {
        Some(d) => alerts::Book::open(d)?,
        None => alerts::Book::in_memory(),
    };
    let investigations = Arc::new(investigations::Investigations::open(
        config.data_dir.as_ref().map(|d| d.join("investigations")),
    )?);
    let (recent, lines) = match &config.data_dir {
        Some(d) => (None, investigations::LineSource::Journal(d.join("journal"))),
        None => {
            let r = Arc::new(investigations::Recent::new(
                config.memory_journal_bytes,
                Duration::from_secs(config.journal_hours.max(1) as u64 * 3600),
            ));
            (Some(r.clone()), investigations::LineSource::Memory(r))
        }
    };
    let (input_tx, input_rx) = mpsc::channel(256);
    let (ctl_tx, ctl_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let mut sources: Vec<Arc<SourceMetrics>> = config
        .sources
        .iter()
        .map(|s| {
            Arc::new(SourceMetrics::for_spec(s))
        })
        .collect();
    // The bus is shown as a source: observations read, damaged batches and
    // alert events, reconnections.
    let bus_metrics = config.bus.as_ref().map(|b| {
        let m = Arc::new(SourceMetrics {
            name: "bus".into(),
            kind: b.kind(),
            ..SourceMetrics::default()
        });
        sources.push(m.clone());
        m
    });
    let shared = Arc::new(Shared {
        started: Instant::now(),
        metrics: Metrics::default(),
        sources: sources.clone(),
        book: Mutex::new(book),
        positions: broadcast::channel(64).0,
        alerts: broadcast::channel(4096).0,
        control: Mutex::new(ctl_tx),
        input: input_tx.clone(),
        infra,
        auth: auth::Auth::new(config.tokens.clone()),
        investigations,
        lines,
        recent,
        reads_bus: config.bus.is_some(),
    });
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;

    let sinks = Sinks::new(&shared, config.alerts_jsonl.as_deref(), &config.webhooks)?;
    let setup = EngineSetup {
        config: config.detect.clone(),
        reorder_window_ms: config.reorder_window_ms,
        // A bus server receives no lines: the bus is its journal (its
        // alerts still go to the store's database, through the book).
        data_dir: config.bus.is_none().then(|| config.data_dir.clone()).flatten(),
        journal_hours: config.journal_hours.max(1),
        archive_flush: config.archive_flush,
        retention_days: config.retention_days,
        sinks,
        bus: config.bus.is_some(),
    };
    let engine = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("seawarden-pipeline".into())
            .spawn(move || engine::run(shared, world, setup, input_rx, ctl_rx))
            .context("cannot start the pipeline thread")?
    };

    let mut tasks = Vec::new();
    let mut source_addrs = HashMap::new();
    // Sources send batches of lines; one task hands them to the pipeline.
    let (lines_tx, mut lines_rx) = mpsc::channel::<Vec<u8>>(64);
    {
        let tx = input_tx.clone();
        tasks.push(tokio::spawn(async move {
            while let Some(batch) = lines_rx.recv().await {
                if tx.send(Input::Lines(batch)).await.is_err() {
                    break;
                }
            }
        }));
    }
    for (spec, m) in config.sources.iter().zip(&sources) {
        let cx = sources::SourceCx {
            metrics: m.clone(),
            tx: lines_tx.clone(),
            shutdown: shutdown_rx.clone(),
        };
        let (task, bound) = sources::start(spec.clone(), cx).await?;
        if let Some(b) = bound {
            source_addrs.insert(spec.name().to_string(), b);
        }
        tasks.push(task);
    }
    if let (Some(b), Some(metrics)) = (&config.bus, bus_metrics) {
        tasks.extend(bus::start(bus::BusCx {
            bus: b.clone(),
            metrics,
            tx: input_tx.clone(),
            shutdown: shutdown_rx.clone(),
            since_ms: now_ms() - config.journal_hours.max(1) as i64 * 3_600_000,
        }));
    }
    // The clock: detectors judge silences while nothing arrives.
    {
        let tx = input_tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if tx.try_send(Input::Tick).is_err() && tx.is_closed() {
                    return;
                }
            }
        }));
    }
    let router = api::router(shared.clone());
    let http = tokio::spawn(tls::serve(listener, router, tls, shutdown_rx));
    Ok(Server {
        addr,
        source_addrs,
        shutdown: shutdown_tx,
        shared,
        http,
        engine,
        tasks,
    })
}
