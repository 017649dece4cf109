//! `seawarden bus ingest|detect|alerts`: Seawarden scaled out on NATS
//! JetStream or a Kafka-protocol broker, chosen by the URL scheme (see
//! docs/bus.md).

use std::io::{self, BufWriter, Write};
use std::future::pending;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use seawarden_bus::kafka::{self, KafkaBus};
use seawarden_bus::nats::{ingest_files, read_alerts, run_worker, NatsBus, WorkerOptions};
use seawarden_bus::{Ingest, Stage, Worker};
use seawarden_detect::Config;
use seawarden_pipeline::GeoWorld;
use seawarden_sources::{SourceCx, SourceMetrics, SourceSpec};

use crate::source_args::SourceArgs;
use crate::world_args::WorldArgs;

/// The bus subcommands.
#[derive(Subcommand, Debug)]
pub enum BusCommand {
    /// Decode AIS files (ordered by receive time as `replay` does) or live
    /// feeds, and publish observation frames partitioned by MMSI.
    Ingest(IngestArgs),
    /// A detector worker: one ship partition (`--partition N`) or the area
    /// stage (`--area`); publishes alert events.
    Detect(DetectArgs),
    /// Print the alert events stored on the bus (JSON Lines, each once).
    Alerts(AlertsArgs),
}

/// Where the bus is.
#[derive(Args, Debug, Clone)]
pub struct BusArgs {
    /// Bus URL: `nats://host:port` (NATS JetStream) or
    /// `kafka://host:port[,host:port...]` (Kafka protocol).
    #[arg(
        long = "bus",
        value_name = "URL",
        default_value = "nats://127.0.0.1:4222"
    )]
    url: String,
    /// Prefix of subjects and streams (NATS) or topics (Kafka).
    #[arg(long, value_name = "NAME", default_value = "seawarden")]
    prefix: String,
    /// How long the bus keeps observations and alerts, hours (a restarted
    /// worker rebuilds its state from what is kept).
    #[arg(long, value_name = "HOURS", default_value_t = 48)]
    retention_h: u64,
    /// Replicas of each Kafka topic created (3 on a production cluster).
    #[arg(long, value_name = "N", default_value_t = 1)]
    replication: i16,
}

impl BusArgs {
    fn bus(&self) -> NatsBus {
        NatsBus {
            url: self.url.clone(),
            prefix: self.prefix.clone(),
        }
    }

    /// The Kafka bus, if the URL names one; an unknown scheme is an error.
    fn kafka(&self) -> Result<Option<KafkaBus>> {
        if self.url.starts_with("kafka://") {
            let mut bus = KafkaBus::from_url(&self.url)?;
            bus.prefix = self.prefix.clone();
            if self.replication < 1 {
                bail!("--replication must be at least 1");
            }
            bus.replication = self.replication;
            return Ok(Some(bus));
        }
        if !self.url.starts_with("nats://") {
            bail!(
                "unknown bus {}: use nats://host:port or kafka://host:port",
                self.url
            );
        }
        Ok(None)
    }

    fn retention(&self) -> Duration {
        Duration::from_secs(self.retention_h * 3600)
    }
}

/// Arguments of `seawarden bus ingest`.
#[derive(Args, Debug)]
pub struct IngestArgs {
    /// AIS input files (plain or gzip); or live feeds, below.
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// Live feeds (run until SIGINT or SIGTERM).
    #[command(flatten)]
    sources: SourceArgs,
    #[command(flatten)]
    bus: BusArgs,
    /// Ship partitions (one `detect --partition` worker each).
    #[arg(long, default_value_t = 3)]
    partitions: u32,
    /// Receive-time reordering window, seconds (default: 60 for files, as
    /// `replay`; 0 for live feeds, as `serve`, since every observation waits
    /// this long before it is published).
    #[arg(long, value_name = "SECONDS")]
    reorder_window_s: Option<i64>,
    /// Live feeds: longest time a batch of frames waits before it is
    /// published, milliseconds.
    #[arg(long, default_value_t = 10, value_name = "MS")]
    max_delay_ms: u64,
}

/// Arguments of `seawarden bus detect`.
#[derive(Args, Debug)]
pub struct DetectArgs {
    #[command(flatten)]
    bus: BusArgs,
    /// Consumer group: workers of one group share the work; a restarted
    /// worker of the same group and partition carries on where it stopped.
    #[arg(long, default_value = "detect")]
    group: String,
    /// The ship partition this worker handles.
    #[arg(long, conflicts_with = "area", required_unless_present = "area")]
    partition: Option<u32>,
    /// Ship partitions ingest publishes to.
    #[arg(long, default_value_t = 3)]
    partitions: u32,
    /// Handle the whole stream for the alerts that compare ships.
    #[arg(long)]
    area: bool,
    /// Keep running after the end of the input (live feeds).
    #[arg(long)]
    follow: bool,
    #[command(flatten)]
    world: WorldArgs,
    /// Detector thresholds (TOML).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
}

/// Arguments of `seawarden bus alerts`.
#[derive(Args, Debug)]
pub struct AlertsArgs {
    #[command(flatten)]
    bus: BusArgs,
    /// Output file (JSON Lines); default stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
}

/// Runs a bus subcommand.
pub fn run(cmd: BusCommand) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    match cmd {
        BusCommand::Ingest(a) => rt.block_on(ingest(a)),
        BusCommand::Detect(a) => rt.block_on(detect(a)),
        BusCommand::Alerts(a) => rt.block_on(alerts(a)),
    }
}

async fn ingest(a: IngestArgs) -> Result<ExitCode> {
    if a.partitions == 0 {
        bail!("--partitions must be at least 1");
    }
    if a.reorder_window_s.is_some_and(|w| w < 0) {
        bail!("--reorder-window-s must not be negative");
    }
    let live = a.sources.specs()?;
    match (a.inputs.is_empty(), live.is_empty()) {
        (true, true) => bail!("no input: give AIS files, or live feeds (--tcp, --udp, --listen-tcp, --follow NAME=...)"),
        (false, false) => bail!("give AIS files or live feeds, not both (run one ingest for each)"),
        (true, false) => return ingest_live(a, live).await,
        (false, true) => {}
    }
    let window_s = a.reorder_window_s.unwrap_or(60);
    let started = Instant::now();
    let mut ingest = Ingest::new(a.partitions, window_s * 1000);
    let frames = match a.bus.kafka()? {
        Some(bus) => {
            let k = bus.connect(a.partitions, a.bus.retention()).await?;
            kafka::ingest_files(&k, &mut ingest, &a.inputs).await?
        }
        None => {
            let bus = a.bus.bus();
            let js = bus.connect(a.bus.retention()).await?;
            ingest_files(&bus, js, &mut ingest, &a.inputs).await?
        }
    };
    let (timed, untimed) = ingest.timed_untimed();
    if timed == 0 && untimed > 0 {
        bail!("the input has no receive times (no tag blocks, $PGHP headers or timestamps)");
    }
    let s = started.elapsed().as_secs_f64();
    eprintln!("published {frames} frames ({timed} messages, {untimed} untimed dropped) to {} partitions in {s:.2} s", a.partitions);
    Ok(ExitCode::SUCCESS)
}

/// `bus ingest` of live feeds: the sources of `seawarden serve`, published
/// until SIGINT or SIGTERM (see `seawarden_bus::publish_live`).
async fn ingest_live(a: IngestArgs, specs: Vec<SourceSpec>) -> Result<ExitCode> {
    let window_s = a.reorder_window_s.unwrap_or(0);
    let mut ingest = Ingest::new(a.partitions, window_s * 1000);
    let max_delay = Duration::from_millis(a.max_delay_ms.max(1));
    // Connect first: a bus that does not answer is an error before any
    // port is opened.
    let started;
    let (last, live) = match a.bus.kafka()? {
        Some(bus) => {
            let k = bus.connect(a.partitions, a.bus.retention()).await?;
            let mut live = Live::start(specs, &a.bus.url, a.partitions).await?;
            started = Instant::now();
            let last =
                kafka::ingest_live(&k, &mut ingest, &mut live.lines, max_delay, pending()).await?;
            (last, live)
        }
        None => {
            let bus = a.bus.bus();
            let js = bus.connect(a.bus.retention()).await?;
            let mut live = Live::start(specs, &a.bus.url, a.partitions).await?;
            started = Instant::now();
            let last = seawarden_bus::nats::ingest_live(
                &bus,
                js,
                &mut ingest,
                &mut live.lines,
                max_delay,
                pending(),
            )
            .await?;
            (last, live)
        }
    };
    // The sources have all stopped (the channel closed).
    for t in live.tasks {
        let _ = t.await;
    }
    let metrics = live.metrics;
    let (timed, untimed) = ingest.timed_untimed();
    let (mut read, mut invalid) = (0, 0);
    for m in &metrics {
        read += m.lines.load(Ordering::Relaxed);
        invalid += m.invalid.load(Ordering::Relaxed);
    }
    eprintln!(
        "published {timed} messages ({untimed} untimed dropped; last frame {last}) to {} partitions in {:.1} s; {read} lines read, {invalid} rejected as not NMEA",
        a.partitions,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// Running live sources.
struct Live {
    /// Batches of lines; closed once every source has stopped.
    lines: tokio::sync::mpsc::Receiver<Vec<u8>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    metrics: Vec<Arc<SourceMetrics>>,
}

impl Live {
    /// Starts the sources (listeners bound now, so that a port in use is
    /// an error at once) and tells where they listen. On SIGINT or SIGTERM
    /// the sources stop reading; what they have read is still published.
    async fn start(specs: Vec<SourceSpec>, url: &str, partitions: u32) -> Result<Live> {
        let (tx, lines) = tokio::sync::mpsc::channel::<Vec<u8>>(64);
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            stop_signal().await;
            eprintln!("seawarden bus ingest: stopping: publishing what was read");
            let _ = stop.send(true);
            // Keep the sender: dropping it would look like a stop as well.
            std::future::pending::<()>().await;
        });
        let mut live = Live {
            lines,
            tasks: Vec::new(),
            metrics: Vec::new(),
        };
        for spec in specs {
            let m = Arc::new(SourceMetrics::for_spec(&spec));
            let name = spec.name().to_string();
            let cx = SourceCx {
                metrics: m.clone(),
                tx: tx.clone(),
                shutdown: shutdown.clone(),
            };
            let (task, bound) = seawarden_sources::start(spec, cx).await?;
            if let Some(addr) = bound {
                eprintln!("seawarden bus ingest: source {name} listening on {addr}");
            }
            live.metrics.push(m);
            live.tasks.push(task);
        }
        eprintln!(
            "seawarden bus ingest: publishing to {url} ({partitions} partitions); stop with Ctrl-C"
        );
        Ok(live)
    }
}

/// Completes on SIGINT or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn detect(a: DetectArgs) -> Result<ExitCode> {
    let config = match &a.config {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
            Config::from_toml(&text).with_context(|| format!("invalid configuration in {path}"))?
        }
        None => Config::default(),
    };
    let stage = match a.partition {
        Some(p) if p >= a.partitions => {
            bail!("--partition {p} is not below --partitions {}", a.partitions)
        }
        Some(partition) => Stage::Ship {
            partition,
            partitions: a.partitions,
        },
        None => Stage::Area,
    };
    let kafka_bus = a.bus.kafka()?;
    let world = GeoWorld::load(&a.world.spec())?;
    let worker = Worker::new(world, config, stage);
    let started = Instant::now();
    let report = match kafka_bus {
        Some(bus) => {
            let k = bus.connect(a.partitions, a.bus.retention()).await?;
            let options = kafka::WorkerOptions {
                stop_at_end: !a.follow,
                ..kafka::WorkerOptions::new(a.group.clone())
            };
            kafka::run_worker(&k, worker, &options).await?
        }
        None => {
            let bus = a.bus.bus();
            let js = bus.connect(a.bus.retention()).await?;
            let options = WorkerOptions {
                stop_at_end: !a.follow,
                progress: Arc::default(),
                ..WorkerOptions::new(a.group.clone())
            };
            run_worker(&bus, js, worker, &options).await?
        }
    };
    eprintln!(
        "worker {stage:?}: {} frames rebuilt, {} handled, {} alert events published in {:.2} s",
        report.rebuilt_frames,
        report.frames,
        report.alerts,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

async fn alerts(a: AlertsArgs) -> Result<ExitCode> {
    let stored: Vec<(String, String)> = match a.bus.kafka()? {
        Some(bus) => kafka::read_alerts(&bus.open().await?)
            .await?
            .into_iter()
            .map(|(key, json, _)| (key, json))
            .collect(),
        None => {
            let bus = a.bus.bus();
            let js = bus.connect(a.bus.retention()).await?;
            read_alerts(&bus, &js).await?
        }
    };
    let mut out: Box<dyn Write> = match &a.out {
        Some(path) => Box::new(BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot create {path}"))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut seen = std::collections::HashSet::new();
    for (key, json) in stored {
        // NATS drops republished events within its duplicate window and
        // Kafka workers skip events already stored; this catches any others.
        if seen.insert(key) {
            writeln!(out, "{json}").context("cannot write alerts")?;
        }
    }
    out.flush().context("cannot write alerts")?;
    Ok(ExitCode::SUCCESS)
}
