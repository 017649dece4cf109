//! `seawarden serve`: the live service (see `docs/serve.md`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use seawarden_detect::Config;
use seawarden_serve::{Bus, ServeConfig, SourceSpec, Token};

use crate::source_args::SourceArgs;
use crate::world_args::WorldArgs;

/// Arguments of `seawarden serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Replay the bundled demo (recorded real traffic of Norway and Denmark,
    /// and the simulated Gulf of Finland incidents of `scenarios/`) at an
    /// accelerated clock, looping, with the bundled cables, pipelines and
    /// territorial seas of northern Europe.
    #[arg(long)]
    demo: bool,
    /// The demo's clock: times real time.
    #[arg(long, default_value_t = 60.0, value_name = "FACTOR")]
    speed: f64,
    /// Where the demo data is (default: `demo/` of the working directory or
    /// of the source tree the binary was built from).
    #[arg(long, value_name = "DIR")]
    demo_dir: Option<PathBuf>,
    /// HTTP address of the API and the web map.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Live feeds.
    #[command(flatten)]
    sources: SourceArgs,
    /// Read a message bus instead of feeds (`nats://HOST:PORT` or
    /// `kafka://HOST:PORT[,...]`): vessels from the observations `seawarden
    /// bus ingest` publishes, alerts from the `seawarden bus detect` workers
    /// (see docs/bus.md). Investigations are not available then.
    #[arg(long = "bus", value_name = "URL", conflicts_with_all = ["demo", "tcp", "udp", "listen_tcp", "follow"])]
    bus: Option<String>,
    /// Prefix of the bus's subjects and streams, or topics (as given to
    /// `seawarden bus --prefix`).
    #[arg(long, value_name = "NAME", default_value = "seawarden", requires = "bus")]
    bus_prefix: String,
    /// Where the world is: infrastructure, zones, watchlists, ports, land.
    #[command(flatten)]
    world: WorldArgs,
    /// Detector thresholds (TOML; see `docs/alerts.md`).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Keep everything in the store in this directory (journal of every
    /// line, GeoParquet archive, alerts with their review state; see
    /// docs/store.md), with uploads and investigations, and resume from it
    /// after a restart (default: nothing kept).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Hours of journal read again at a restart or a change of world (and,
    /// without --data, of recent lines kept for investigations); with
    /// --bus, hours of observations read back from the bus at start.
    #[arg(long, default_value_t = 6, value_name = "HOURS")]
    journal_hours: u32,
    /// With --data: days of journal and archive the store keeps (written to
    /// its store.toml; 0 keeps everything; default: as the store says).
    #[arg(long, value_name = "DAYS", requires = "data")]
    retention_days: Option<u32>,
    /// With --data: seconds between writes of buffered positions and static
    /// reports to the archive (what DuckDB, export and investigate --data see).
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    archive_flush_secs: u64,
    /// Without --data: MiB of recent input lines kept in memory for
    /// investigations (0: none; investigations then find nothing).
    #[arg(long, default_value_t = 256, value_name = "MIB")]
    memory_journal_mib: usize,
    /// POST each alert event as JSON to this URL; repeatable.
    #[arg(long, value_name = "URL")]
    webhook: Vec<String>,
    /// Append each alert event to this JSON Lines file.
    #[arg(long, value_name = "FILE")]
    alerts_jsonl: Option<PathBuf>,
    /// An API token `NAME:ROLE:SECRET` (role viewer, analyst or admin); repeatable.
    #[arg(long, value_name = "NAME:ROLE:SECRET")]
    token: Vec<String>,
    /// A file of API tokens, one `NAME:ROLE:SECRET` a line.
    #[arg(long, value_name = "FILE")]
    tokens: Option<String>,
    /// Serve without tokens on a non-loopback address.
    #[arg(long)]
    insecure: bool,
    /// TLS certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM); needs --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Receive-time reordering window across receivers, milliseconds (every
    /// observation waits this long: alert latency grows by as much).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    reorder_window_ms: i64,
}

fn demo_dir(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(d) = given {
        return Ok(d.to_path_buf());
    }
    let mut candidates = vec![PathBuf::from("demo")];
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).take(4).map(|a| a.join("demo")));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo"));
    candidates
        .into_iter()
        .find(|d| d.join("ais").is_dir())
        .context(
            "cannot find the demo data (demo/ais); run from the repository or give --demo-dir DIR",
        )
}

/// The configuration from the command line.
fn config(args: &ServeArgs) -> Result<ServeConfig> {
    let mut c = ServeConfig {
        listen: args.listen,
        world: args.world.spec(),
        ..ServeConfig::default()
    };
    c.sources.extend(args.sources.specs()?);
    if args.demo {
        let dir = demo_dir(args.demo_dir.as_deref())?;
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("ais"))
            .with_context(|| format!("cannot read {}", dir.join("ais").display()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "nm4" || x == "txt")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("LICENSE"))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            bail!("no recordings in {}", dir.join("ais").display());
        }
        // The simulated incidents of the scenario library's demo, when the
        // source tree is at hand.
        let scenario = dir.join("../scenarios/gulf_of_finland.toml");
        let scenario = scenario.is_file().then_some(scenario);
        if scenario.is_some() {
            let wl = dir.join("../scenarios/watchlists/incidents.csv");
            if wl.is_file() {
                c.world.watchlist.push(wl.to_string_lossy().into_owned());
            }
        }
        c.sources.push(SourceSpec::Demo {
            name: "demo".into(),
            files,
            speed: args.speed,
            scenario,
        });
        let geo = dir.join("geo");
        for (name, zones) in [
            ("cable-geo-north-europe.json", false),
            ("pipLine-sodir.geojson", false),
            ("baltic-energy-approx.geojson", false),
            ("countries-maritime-north-europe.geojson", true),
        ] {
            let p = geo.join(name);
            if p.is_file() {
                let p = p.to_string_lossy().into_owned();
                if zones {
                    c.world.zones.push(p);
                } else {
                    c.world.infra.push(p);
                }
            }
        }
    }
    if let Some(url) = &args.bus {
        c.bus = Some(Bus::parse(url, &args.bus_prefix)?);
    }
    if c.sources.is_empty() && c.bus.is_none() {
        bail!("no source: give --demo, or --tcp/--udp/--listen-tcp/--follow NAME=..., or --bus URL");
    }
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
        c.detect =
            Config::from_toml(&text).with_context(|| format!("invalid configuration in {path}"))?;
    }
    c.data_dir = args.data.clone();
    c.journal_hours = args.journal_hours;
    c.retention_days = args.retention_days;
    c.archive_flush = std::time::Duration::from_secs(args.archive_flush_secs);
    c.memory_journal_bytes = args.memory_journal_mib.saturating_mul(1 << 20);
    c.webhooks = args.webhook.clone();
    c.alerts_jsonl = args.alerts_jsonl.clone();
    for t in &args.token {
        c.tokens.push(Token::parse(t)?);
    }
    if let Some(f) = &args.tokens {
        c.tokens.extend(Token::load_file(f)?);
    }
    c.insecure = args.insecure;
    c.tls = args.tls_cert.clone().zip(args.tls_key.clone());
    if args.reorder_window_ms < 0 {
        bail!("--reorder-window-ms must not be negative");
    }
    c.reorder_window_ms = args.reorder_window_ms;
    Ok(c)
}

/// Runs the command until Ctrl-C.
pub fn run(args: ServeArgs) -> Result<ExitCode> {
    let config = config(&args)?;
    let scheme = if config.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let server = seawarden_serve::start(config).await?;
        let addr = server.addr();
        let shown = if addr.ip().is_unspecified() {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        } else {
            addr
        };
        println!("Seawarden is serving on {scheme}://{shown}/");
        for s in server.source_metrics() {
            if let Some(a) = server.source_addr(&s.name) {
                println!("  source {} ({}) listening on {a}", s.name, s.kind);
            }
        }
        tokio::signal::ctrl_c()
            .await
            .context("cannot wait for Ctrl-C")?;
        eprintln!("seawarden serve: stopping");
        server.shutdown().await;
        Ok(ExitCode::SUCCESS)
    })
}
